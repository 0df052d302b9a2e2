import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, type OrgFixture } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { entryHash, PLATFORM_CHAIN } from './chain.js';
import { type AuditVerification, verifyAuditTrail } from './verify.js';

/**
 * Test helper: a superuser session on a test app's database, to do what the application cannot
 * (alter, delete, truncate the trail). PGlite is one superuser session; on PostgreSQL it is
 * PG_ADMIN_URL pointed at the test's own database. Undefined when PostgreSQL has no admin URL.
 */
interface Superuser {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` with the trail's guard triggers off, as an attacker with superuser rights would. */
  tamper(fn: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

const adminUrlMissing = (engine: string) => engine === 'postgres' && !process.env.PG_ADMIN_URL;

async function superuser(t: TestApp): Promise<Superuser | undefined> {
  let query: Superuser['query'];
  let close = async () => {};
  if (t.engine === 'pglite') {
    const pglite = t.runtime.ctx.db.pglite;
    if (!pglite) throw new Error('no PGlite instance');
    query = async (text, params) => (await pglite.query(text, params)).rows as never[];
  } else {
    const admin = process.env.PG_ADMIN_URL;
    if (!admin || !t.config.databaseUrl) return undefined;
    const url = new URL(admin);
    url.pathname = new URL(t.config.databaseUrl).pathname;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    query = async (text, params) => (await client.query(text, params as unknown[])).rows;
    close = () => client.end();
  }
  return {
    query,
    async tamper(fn) {
      await query('alter table audit_log disable trigger user');
      await query('alter table audit_heads disable trigger user');
      try {
        await fn();
      } finally {
        await query('alter table audit_log enable trigger user');
        await query('alter table audit_heads enable trigger user');
      }
    },
    close,
  };
}

interface Row {
  org_id: string;
  seq: number;
  at: string;
  actor: unknown;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

/** Every entry, in chain order, with `at` as recordAudit wrote it. */
async function entries(su: Superuser): Promise<Row[]> {
  const rows = await su.query<Row>(
    `select org_id::text as org_id, seq::int as seq,
            to_char("at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "at",
            actor, action, target_type, target_id, before, after, prev_hash, hash
     from audit_log order by org_id, seq`,
  );
  return rows;
}

/** Rewrites an entry's after-values AND its hash, so that it is consistent with itself. */
async function rewriteEntry(su: Superuser, row: Row, after: unknown): Promise<string> {
  const hash = entryHash({ ...row, after });
  await su.query('update audit_log set after = $1::jsonb, hash = $2 where org_id = $3 and seq = $4', [
    JSON.stringify(after),
    hash,
    row.org_id,
    row.seq,
  ]);
  return hash;
}

const NEEDS_ADMIN = '(on PostgreSQL needs PG_ADMIN_URL, a superuser URL: skipped when unset)';

describe.each(engines())('audit verify on %s', (engine) => {
  const noAdmin = adminUrlMissing(engine);
  let t: TestApp;
  let alpha: OrgFixture;
  let beta: OrgFixture;
  let su: Superuser | undefined;

  beforeEach(async () => {
    t = await startTestApp(engine);
    // platform chain: 2 organisations and 2 users; alpha: a membership and 4 tokens; beta: 2.
    alpha = await createOrg(t, { slug: 'alpha' });
    beta = await createOrg(t, { slug: 'beta' });
    await createUser(t, { org: alpha.slug, role: 'admin' });
    for (let i = 0; i < 4; i++) await createToken(t, alpha.slug, 'member');
    await createUser(t, { org: beta.slug, role: 'auditor' });
    await createToken(t, beta.slug, 'auditor');
    su = await superuser(t);
  });
  afterEach(async () => {
    await su?.close();
    await t?.close();
  });

  const verify = async (body: { anchors?: string } = {}): Promise<AuditVerification> => {
    const r = await t.asOperator('POST', '/api/v1/operator/audit/verify', body);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  const admin = (): Superuser => {
    if (!su) throw new Error('no superuser session');
    return su;
  };
  const row = async (chain: string, seq: number) => {
    const found = (await entries(admin())).find((r) => r.org_id === chain && r.seq === seq);
    if (!found) throw new Error(`no entry ${chain}:${seq}`);
    return found;
  };
  const chainLength = async (chain: string) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const r = await sql<{
        n: number;
      }>`select count(*)::int as n from audit_log where org_id = ${chain}::uuid`.execute(tx.q);
      return r.rows[0]?.n ?? 0;
    });

  it('finds an untouched trail intact and counts its chains and entries', async () => {
    const result = await verify();
    expect(result).toEqual({
      ok: true,
      chains: 3,
      entries: (await chainLength(PLATFORM_CHAIN)) + 5 + 2,
      problems: [],
      anchors: { file: t.config.auditAnchorsPath, lines: result.entries, chains: 3 },
    });
    expect(await chainLength(alpha.id)).toBe(5);
    // The same through the service, with batches smaller than a chain.
    for (const batchSize of [1, 2, 3]) {
      expect(await verifyAuditTrail({ ctx: t.runtime.ctx, batchSize })).toEqual(result);
    }
  });

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports an entry whose after-values were changed as altered ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        await admin().query(
          `update audit_log set after = jsonb_set(after, '{role}', '"admin"') where org_id = $1 and seq = 3`,
          [alpha.id],
        );
      });
      expect(await verify()).toMatchObject({
        ok: false,
        problems: [{ chain: alpha.id, seq: 3, kind: 'altered' }],
      });
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports an entry rewritten with a new hash once, not as a cascade ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        await rewriteEntry(admin(), await row(alpha.id, 2), { name: 'forged', role: 'auditor' });
      });
      expect((await verify()).problems).toEqual([{ chain: alpha.id, seq: 2, kind: 'altered' }]);
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `catches the last entry rewritten with its head through the anchors ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        const hash = await rewriteEntry(admin(), await row(beta.id, 2), { name: 'forged' });
        await admin().query('update audit_heads set hash = $1 where org_id = $2', [hash, beta.id]);
      });
      expect((await verify()).problems).toEqual([{ chain: beta.id, seq: 2, kind: 'altered' }]);
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports a deleted middle entry as removed ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        await admin().query('delete from audit_log where org_id = $1 and seq = 3', [alpha.id]);
      });
      expect((await verify()).problems).toEqual([{ chain: alpha.id, seq: 3, kind: 'removed' }]);
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports the last entries deleted with their head rewound as truncated, through the anchors ${NEEDS_ADMIN}`,
    async () => {
      const third = await row(alpha.id, 3);
      await admin().tamper(async () => {
        await admin().query('delete from audit_log where org_id = $1 and seq > 3', [alpha.id]);
        await admin().query('update audit_heads set seq = 3, hash = $1 where org_id = $2', [
          third.hash,
          alpha.id,
        ]);
      });
      expect((await verify()).problems).toEqual([{ chain: alpha.id, seq: 4, kind: 'truncated' }]);
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports a head ahead of the table as truncated ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        await admin().query('delete from audit_log where org_id = $1 and seq = 2', [beta.id]);
      });
      // The head (seq 2) and the newest anchor (seq 2) both say the chain went further.
      expect((await verify()).problems).toEqual([{ chain: beta.id, seq: 2, kind: 'truncated' }]);
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports a truncated table as truncated for each chain ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        await admin().query('truncate audit_log');
      });
      const result = await verify();
      expect(result.ok).toBe(false);
      expect(result.entries).toBe(0);
      expect(result.problems).toEqual(
        [PLATFORM_CHAIN, alpha.id, beta.id].sort().map((chain) => ({ chain, seq: 1, kind: 'truncated' })),
      );
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports a chain with every row and its head deleted as truncated, through its anchors ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        await admin().query('delete from audit_log where org_id = $1', [beta.id]);
        await admin().query('delete from audit_heads where org_id = $1', [beta.id]);
      });
      expect((await verify()).problems).toEqual([{ chain: beta.id, seq: 1, kind: 'truncated' }]);
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports a head that disagrees with the table as altered ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        // alpha: the head is deleted; beta: the head is rewound by one entry.
        await admin().query('delete from audit_heads where org_id = $1', [alpha.id]);
        const first = await row(beta.id, 1);
        await admin().query('update audit_heads set seq = 1, hash = $1 where org_id = $2', [
          first.hash,
          beta.id,
        ]);
      });
      expect((await verify()).problems).toEqual(
        [
          { chain: alpha.id, seq: 1, kind: 'altered' },
          { chain: beta.id, seq: 2, kind: 'altered' },
        ].sort((a, b) => (a.chain < b.chain ? -1 : 1)),
      );
    },
  );

  it('reports forged and damaged anchor lines as anchor_invalid, and ignores what they claim', async () => {
    const file = t.config.auditAnchorsPath;
    appendFileSync(
      file,
      `${JSON.stringify({ chain: alpha.id, seq: 99, hash: 'f'.repeat(64), at: new Date().toISOString(), hmac: '0'.repeat(64) })}\nnot json\n`,
    );
    const result = await verify();
    expect(result.ok).toBe(false);
    // The forged line claims seq 99, but being unauthentic it does not make alpha look truncated.
    expect(result.problems).toEqual([
      { chain: '', seq: 0, kind: 'anchor_invalid' },
      { chain: alpha.id, seq: 99, kind: 'anchor_invalid' },
    ]);
    // An authentic line copied onto another chain fails its HMAC too.
    const lines = readFileSync(file, 'utf8').split('\n');
    const moved = { ...JSON.parse(lines[0] ?? '{}'), chain: beta.id };
    writeFileSync(file, `${[JSON.stringify(moved), ...lines.slice(1, -3)].join('\n')}\n`);
    expect((await verify()).problems).toEqual([{ chain: beta.id, seq: moved.seq, kind: 'anchor_invalid' }]);
  });

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `checks against a copy of the anchors given with --anchors ${NEEDS_ADMIN}`,
    async () => {
      const copy = path.join(t.dir, 'offline-anchors.jsonl');
      copyFileSync(t.config.auditAnchorsPath, copy);
      // The attacker truncates alpha, rewinds its head and drops its newest lines from the
      // instance's anchor file (lines can be deleted without the secret, not forged).
      const third = await row(alpha.id, 3);
      await admin().tamper(async () => {
        await admin().query('delete from audit_log where org_id = $1 and seq > 3', [alpha.id]);
        await admin().query('update audit_heads set seq = 3, hash = $1 where org_id = $2', [
          third.hash,
          alpha.id,
        ]);
      });
      const kept = readFileSync(t.config.auditAnchorsPath, 'utf8')
        .split('\n')
        .filter((l) => l && !(JSON.parse(l).chain === alpha.id && JSON.parse(l).seq > 3));
      writeFileSync(t.config.auditAnchorsPath, `${kept.join('\n')}\n`);
      expect((await verify()).ok).toBe(true);
      const withCopy = await verify({ anchors: copy });
      expect(withCopy.problems).toEqual([{ chain: alpha.id, seq: 4, kind: 'truncated' }]);
      expect(withCopy.anchors.file).toBe(copy);
      const missing = await t.asOperator('POST', '/api/v1/operator/audit/verify', {
        anchors: path.join(t.dir, 'nowhere.jsonl'),
      });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ code: 'audit.anchors_not_found' });
    },
  );

  it.skipIf(noAdmin /* reason: on PostgreSQL needs PG_ADMIN_URL (a superuser URL); CI sets it */)(
    `reports every problem at once, whatever the batch size ${NEEDS_ADMIN}`,
    async () => {
      await admin().tamper(async () => {
        await admin().query(`update audit_log set action = 'token.revoke' where org_id = $1 and seq = 2`, [
          alpha.id,
        ]);
        await admin().query('delete from audit_log where org_id = $1 and seq in (4, 5)', [alpha.id]);
        await admin().query('update audit_heads set seq = 3, hash = $1 where org_id = $2', [
          (await row(alpha.id, 3)).hash,
          alpha.id,
        ]);
        await rewriteEntry(admin(), await row(beta.id, 1), { email: 'forged@example.dk', role: 'admin' });
        await admin().query(
          `update audit_log set "at" = "at" + interval '1 microsecond' where org_id = $1 and seq = 1`,
          [PLATFORM_CHAIN],
        );
        await admin().query('delete from audit_log where org_id = $1 and seq = 2', [PLATFORM_CHAIN]);
      });
      appendFileSync(t.config.auditAnchorsPath, '{"chain": "x", "seq": 7}\n');
      const expected = [
        { chain: 'x', seq: 7, kind: 'anchor_invalid' },
        { chain: PLATFORM_CHAIN, seq: 1, kind: 'altered' },
        { chain: PLATFORM_CHAIN, seq: 2, kind: 'removed' },
        { chain: alpha.id, seq: 2, kind: 'altered' },
        { chain: alpha.id, seq: 4, kind: 'truncated' },
        { chain: beta.id, seq: 1, kind: 'altered' },
      ];
      // Sorted by chain, then seq; the unauthentic line names chain "x" and seq 7.
      const sorted = expected.sort((a, b) =>
        a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.seq - b.seq,
      );
      expect((await verify()).problems).toEqual(sorted);
      for (const batchSize of [1, 2, 5]) {
        expect((await verifyAuditTrail({ ctx: t.runtime.ctx, batchSize })).problems).toEqual(sorted);
      }
    },
  );
});
