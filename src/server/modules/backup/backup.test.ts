import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, login } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withMaintenance } from '../../db/maintenance.js';
import { withRawSession } from '../../db/session.js';
import { buildHttpApp } from '../../http/app.js';
import type { Actor } from '../../lib/actor.js';
import { AppError } from '../../lib/errors.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { verifyAuditTrail } from '../audit/verify.js';
import { storeFile } from '../files/service.js';
import { controlLine, FORMAT_NAME, FORMAT_VERSION } from './format.js';
import { FrameEncryptor, PREFIX_BYTES } from './frames.js';
import { verifyBackup } from './reader.js';
import { restoreBackup } from './service.js';

const OPERATOR: Actor = { kind: 'operator', label: 'test' };

/** A table that a later module might add: identity, generated and json columns, a self-reference, a cycle, a trigger. */
const FUTURE_TABLES = `
  create table backup_probe (
    id bigint generated always as identity primary key,
    parent_id bigint references backup_probe (id),
    partner_id bigint,
    doubled bigint generated always as (id * 2) stored,
    label text not null,
    raw json,
    doc jsonb,
    tags text[],
    amount numeric(12, 3),
    ratio double precision,
    span interval,
    at timestamptz,
    day date,
    blob bytea
  );
  create table backup_probe_partner (
    id bigint primary key,
    probe_id bigint not null references backup_probe (id)
  );
  alter table backup_probe add foreign key (partner_id) references backup_probe_partner (id);
  create function backup_probe_stamp() returns trigger language plpgsql as $$
  begin new.label := new.label || ' (stamped)'; return new; end $$;
  create trigger backup_probe_stamp before insert on backup_probe for each row execute function backup_probe_stamp();
  alter table backup_probe enable row level security;
  alter table backup_probe force row level security;
  create policy backup_probe_definer on backup_probe to vaern_definer using (true) with check (true);
  grant select, insert, update, delete on backup_probe, backup_probe_partner to vaern_definer;
`;

async function addFutureTables(t: TestApp): Promise<void> {
  await withRawSession(t.runtime.ctx.db, (s) => s.exec(FUTURE_TABLES));
}

async function fillFutureTables(t: TestApp): Promise<void> {
  await withMaintenance(t.runtime.ctx.db, { readOnly: false }, async (tx) => {
    await sql`insert into backup_probe (label, raw, doc, tags, amount, ratio, span, at, day, blob) values
      ('root', ${'{\n  "spaced": [1, 2]\n}'}::json, '{"a": {"b": [1, "x"]}}', '{"one","two, three"}', 1234.5,
       0.1, '1 day 02:03:04.5', '2024-02-29 23:59:59.123456+00', '2024-02-29', '\\x00ff10'),
      ('second', null, null, null, null, 'NaN', null, null, null, null)`.execute(tx.q);
    await sql`insert into backup_probe (parent_id, label, ratio) select id, 'child of ' || label, 1e300
              from backup_probe order by id`.execute(tx.q);
    await sql`insert into backup_probe_partner (id, probe_id) select id + 100, id from backup_probe`.execute(
      tx.q,
    );
    await sql`update backup_probe set partner_id = id + 100`.execute(tx.q);
  });
}

/** Builds an instance with something in every core table: organisations in a tree, people, tokens, a session, files. */
async function populate(t: TestApp): Promise<void> {
  const region = await createOrg(t, { kind: 'region' });
  const hospital = await createOrg(t, { kind: 'hospital', parent: region.slug });
  await createOrg(t, { kind: 'hospital', parent: region.slug, name: 'Sygehus Æblehave – "Øst"' });
  await createOrg(t, { kind: 'practice', region: region.slug });
  const member = await createUser(t, { org: hospital.slug, role: 'member' });
  await createUser(t, { org: region.slug, role: 'security_officer' });
  await createUser(t, { platformAdmin: true });
  await createToken(t, hospital.slug, 'security_officer');
  await login(t, member);
  const ctx = t.runtime.ctx;
  const big = randomBytes(2 * 1024 * 1024 + 12345);
  await storeFile({
    ctx,
    actor: OPERATOR,
    orgId: hospital.id,
    name: 'scan.nessus',
    contentType: 'application/xml',
    body: Readable.from([big.subarray(0, 700_000), big.subarray(700_000)]),
  });
  await storeFile({
    ctx,
    actor: OPERATOR,
    orgId: region.id,
    name: 'evidence.txt',
    contentType: 'text/plain',
    body: Readable.from([Buffer.from('Beredskabsplan testet 2024\n')]),
  });
}

interface Fingerprint {
  rows: number;
  md5: string | null;
}

/** Every public table's row count and a checksum over its rows as text, read as vaern_definer. */
async function fingerprints(
  t: TestApp,
  where: Record<string, string> = {},
): Promise<Map<string, Fingerprint>> {
  return withMaintenance(t.runtime.ctx.db, { readOnly: true }, async (tx) => {
    const tables = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname not in ('sessions', 'vaern_migrations')
      order by 1`.execute(tx.q);
    const out = new Map<string, Fingerprint>();
    for (const { name } of tables.rows) {
      const filter = where[name] ? sql`where ${sql.raw(where[name])}` : sql``;
      const r = await sql<Fingerprint>`
        select count(*) as rows, md5(string_agg(x::text, E'\\n' order by x::text)) as md5
        from ${sql.id('public', name)} as x ${filter}`.execute(tx.q);
      const row = r.rows[0];
      out.set(name, { rows: Number(row?.rows ?? 0), md5: row?.md5 ?? null });
    }
    return out;
  });
}

async function countOf(t: TestApp, table: string): Promise<number> {
  return withMaintenance(t.runtime.ctx.db, { readOnly: true }, async (tx) => {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.id('public', table)}`.execute(tx.q);
    return Number(r.rows[0]?.n ?? 0);
  });
}

async function platformHead(t: TestApp): Promise<{ seq: number; hash: string }> {
  return withMaintenance(t.runtime.ctx.db, { readOnly: true }, async (tx) => {
    const row = await tx.q
      .selectFrom('audit_heads')
      .select(['seq', 'hash'])
      .where('org_id', '=', PLATFORM_CHAIN)
      .executeTakeFirstOrThrow();
    return { seq: Number(row.seq), hash: row.hash };
  });
}

/** Takes a backup through the operator route, as `vaern backup` does. */
async function takeBackup(t: TestApp): Promise<Buffer> {
  const r = await t.operator.inject({ method: 'GET', url: '/api/v1/operator/backup', payloadAsStream: true });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toBe('application/octet-stream');
  const chunks: Buffer[] = [];
  for await (const c of r.stream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const restore = (t: TestApp, file: Buffer) =>
  restoreBackup({ ctx: t.runtime.ctx, actor: OPERATOR, input: Readable.from([file]) });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** The offsets of the envelope's frames, read from their length fields. */
function frameOffsets(file: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = PREFIX_BYTES; at < file.length; at += 5 + file.readUInt32BE(at) + 16) offsets.push(at);
  return offsets;
}

/** An instance has nothing a restore could leave behind. */
async function expectEmpty(t: TestApp): Promise<void> {
  for (const table of [
    'organisations',
    'users',
    'audit_log',
    'audit_heads',
    'files',
    'file_chunks',
    'api_tokens',
  ]) {
    expect(await countOf(t, table), table).toBe(0);
  }
}

describe.each(engines())('backup and restore on %s', (engine) => {
  let source: TestApp;
  let file: Buffer;
  /** Every table of the source as backed up; the platform chain's head moves on at restore. */
  let before: Map<string, Fingerprint>;
  let totalRows: number;
  let sourceHead: { seq: number; hash: string };

  beforeAll(async () => {
    source = await startTestApp(engine);
    await addFutureTables(source);
    await populate(source);
    await fillFutureTables(source);
    file = await takeBackup(source);
    totalRows = [...(await fingerprints(source)).values()].reduce((n, f) => n + f.rows, 0);
    before = await fingerprints(source, { audit_heads: `org_id <> '${PLATFORM_CHAIN}'` });
    sourceHead = await platformHead(source);
  });
  afterAll(async () => {
    await source?.close();
  });

  const targets = engines().map((to) => [to] as const);
  it.each(targets)(`restores every table identically into an empty instance on %s`, async (to) => {
    const target = await startTestApp(to);
    try {
      await addFutureTables(target);
      const summary = await restore(target, file);
      expect(summary).toMatchObject({
        tables: before.size,
        source: { engine },
        left_out: ['sessions', 'pgboss.*'],
        replaced: [],
      });
      expect(summary.rows).toBe(totalRows);

      // Every table identical, except the one entry restore appends to the platform chain.
      const after = await fingerprints(target, {
        audit_log: `not (org_id = '${PLATFORM_CHAIN}' and seq > ${sourceHead.seq})`,
        audit_heads: `org_id <> '${PLATFORM_CHAIN}'`,
      });
      expect([...after.keys()]).toEqual([...before.keys()]);
      for (const [table, fp] of before) expect(after.get(table), table).toEqual(fp);
      for (const table of ['organisations', 'users', 'audit_log', 'files', 'file_chunks', 'backup_probe']) {
        expect(before.get(table)?.rows, table).toBeGreaterThan(0);
      }

      const head = await platformHead(target);
      expect(head.seq).toBe(sourceHead.seq + 1);
      const restored = await withMaintenance(target.runtime.ctx.db, { readOnly: true }, (tx) =>
        tx.q
          .selectFrom('audit_log')
          .select(['action', 'prev_hash'])
          .where('org_id', '=', PLATFORM_CHAIN)
          .where('seq', '=', head.seq)
          .executeTakeFirstOrThrow(),
      );
      expect(restored).toEqual({ action: 'instance.restore', prev_hash: sourceHead.hash });

      // Sessions stay behind; identity sequences continue after the restored values.
      expect(await countOf(source, 'sessions')).toBeGreaterThan(0);
      expect(await countOf(target, 'sessions')).toBe(0);
      const next = await withMaintenance(target.runtime.ctx.db, { readOnly: false }, async (tx) => {
        const r = await sql<{ id: number; max: number }>`
          with ins as (insert into backup_probe (label) values ('after restore') returning id)
          select (select id from ins) as id, (select max(id) from backup_probe) as max`.execute(tx.q);
        return r.rows[0];
      });
      expect(Number(next?.id)).toBeGreaterThan(Number(next?.max));

      // The restored trail verifies against the anchors restore wrote.
      const verified = await verifyAuditTrail({ ctx: target.runtime.ctx });
      expect(verified.problems).toEqual([]);
      expect(verified.ok).toBe(true);
      expect(verified.entries).toBe((before.get('audit_log')?.rows ?? 0) + 1);
    } finally {
      await target.close();
    }
  });

  it('keeps one snapshot: a change made while the backup streams is not in it', async () => {
    const r = await source.operator.inject({
      method: 'GET',
      url: '/api/v1/operator/backup',
      payloadAsStream: true,
    });
    const stream = r.stream()[Symbol.asyncIterator]();
    const chunks: Buffer[] = [];
    let first = await stream.next();
    chunks.push(first.value as Buffer);
    // The dump has begun (its first bytes are out): its snapshot is taken. Change the source now;
    // on the embedded database the change waits until the backup's transaction ends.
    const during = createOrg(source, { slug: `during-${engine}`, kind: 'other' });
    for (first = await stream.next(); !first.done; first = await stream.next())
      chunks.push(first.value as Buffer);
    await during;
    const target = await startTestApp(engine);
    try {
      await addFutureTables(target);
      await restore(target, Buffer.concat(chunks));
      const slugs = (await target.asOperator('GET', '/api/v1/orgs?limit=100'))
        .json()
        .items.map((o: { slug: string }) => o.slug);
      expect(slugs.length).toBeGreaterThan(3);
      expect(slugs).not.toContain(`during-${engine}`);
      expect((await source.asOperator('GET', `/api/v1/orgs/during-${engine}`)).statusCode).toBe(200);
    } finally {
      await target.close();
    }
  });

  it('refuses a wrong secret, a truncated, cut or altered file, and leaves nothing behind', async () => {
    const target = await startTestApp(engine, { VAERN_SECRET: 'another-secret-another-secret-0123456789' });
    try {
      await addFutureTables(target);
      expect((await refusal(restore(target, file))).code).toBe('backup.wrong_secret');
      await expectEmpty(target);
    } finally {
      await target.close();
    }
    const empty = await startTestApp(engine);
    try {
      await addFutureTables(empty);
      const offsets = frameOffsets(file);
      expect(offsets.length).toBeGreaterThan(2);
      const last = offsets.at(-1) as number;
      // Without its final frame, the file ends cleanly at a frame boundary: still refused.
      expect((await refusal(restore(empty, file.subarray(0, last)))).code).toBe('backup.truncated');
      await expectEmpty(empty);
      expect((await refusal(restore(empty, file.subarray(0, Math.floor(file.length * 0.7))))).code).toBe(
        'backup.truncated',
      );
      await expectEmpty(empty);
      const altered = Buffer.from(file);
      const at = (offsets[1] as number) + 100;
      altered.writeUInt8(altered.readUInt8(at) ^ 0x01, at);
      expect((await refusal(restore(empty, altered))).code).toBe('backup.damaged');
      await expectEmpty(empty);
      // Two frames swapped: each fails under the other's position.
      const first = offsets[0] as number;
      const second = offsets[1] as number;
      const third = offsets[2] as number;
      const swapped = Buffer.concat([
        file.subarray(0, first),
        file.subarray(second, third),
        file.subarray(first, second),
        file.subarray(third),
      ]);
      expect((await refusal(restore(empty, swapped))).code).toBe('backup.damaged');
      expect((await refusal(restore(empty, Buffer.concat([file, file.subarray(first, second)])))).code).toBe(
        'backup.trailing_data',
      );
      expect((await refusal(restore(empty, Buffer.from('PGDMP not ours')))).code).toBe('backup.not_a_backup');
      await expectEmpty(empty);
      // The same instance then restores the intact file.
      const summary = await restore(empty, file);
      expect(summary.rows).toBeGreaterThan(0);
    } finally {
      await empty.close();
    }
  });

  it('refuses a target that is not empty and changes nothing in it', async () => {
    const target = await startTestApp(engine);
    try {
      await addFutureTables(target);
      await createOrg(target, { slug: 'already-here' });
      const untouched = await fingerprints(target);
      const error = await refusal(restore(target, file));
      expect(error.code).toBe('backup.target_not_empty');
      expect(error.params).toEqual({ tables: 'organisations, audit_log' });
      expect(await fingerprints(target)).toEqual(untouched);
    } finally {
      await target.close();
    }
  });

  it('refuses a backup made by a newer Værn, and one whose tables this instance lacks', async () => {
    const target = await startTestApp(engine);
    try {
      const future = await craftBackup(target, { migrations: ['0001-core.sql', '9999-from-the-future.sql'] });
      const error = await refusal(restore(target, future));
      expect(error.code).toBe('backup.newer_schema');
      expect(error.params.schema).toBe('9999-from-the-future.sql');
      // This target has not got the probe tables: the real backup names the first one missing.
      const missing = await refusal(restore(target, file));
      expect(missing.code).toBe('backup.table_missing');
      expect(missing.params).toEqual({ table: 'backup_probe' });
      await expectEmpty(target);
    } finally {
      await target.close();
    }
  });

  it('refuses to back up a table the maintenance role cannot read in full, rather than write it empty', async () => {
    const t = await startTestApp(engine);
    try {
      await withRawSession(t.runtime.ctx.db, (s) =>
        s.exec(`create table backup_hidden (id int primary key);
                alter table backup_hidden enable row level security;
                alter table backup_hidden force row level security;
                grant select, insert on backup_hidden to vaern_definer;`),
      );
      const r = await t.asOperator('GET', '/api/v1/operator/backup');
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({ code: 'backup.not_readable' });
      expect(r.json().title).toContain('"backup_hidden"');
    } finally {
      await t.close();
    }
  });

  it('marks a backup that fails halfway as failed, with the reason, so it is never taken for a backup', async () => {
    const t = await startTestApp(engine);
    try {
      await createOrg(t);
      // A table whose rows can be counted but not fetched: the dump fails after it has begun.
      await withRawSession(t.runtime.ctx.db, (s) =>
        s.exec(`create function backup_explode() returns boolean language plpgsql as $$
                begin
                  if current_query() ilike 'fetch%' then raise exception 'probe failure while fetching'; end if;
                  return true;
                end $$;
                create table zz_backup_explode (id int primary key);
                insert into zz_backup_explode values (1);
                alter table zz_backup_explode enable row level security;
                alter table zz_backup_explode force row level security;
                create policy zz_backup_explode_definer on zz_backup_explode to vaern_definer
                  using (backup_explode()) with check (true);
                grant select, insert on zz_backup_explode to vaern_definer;`),
      );
      const failed = await takeBackup(t);
      const reader = verifyBackup(Readable.from([failed]), t.config.secret);
      const error = await refusal(reader);
      expect(error.code).toBe('backup.failed_at_source');
      expect(error.params.reason).toContain('probe failure while fetching');
      // The database is free again: the failed dump's transaction ended.
      await createOrg(t);
    } finally {
      await t.close();
    }
  });

  it('ends the backup and frees the database when its reader goes away', async () => {
    // More than the sockets and streams between the dump and the reader can buffer.
    const org = await createOrg(source);
    await storeFile({
      ctx: source.runtime.ctx,
      actor: OPERATOR,
      orgId: org.id,
      name: 'large.bin',
      contentType: 'application/octet-stream',
      body: Readable.from([randomBytes(12 * 1024 * 1024)]),
    });
    const served = await buildHttpApp(source.runtime.ctx, { operator: true });
    try {
      await served.listen({ port: 0, host: '127.0.0.1' });
      const { port } = served.server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/operator/backup' }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      });
      // A dump still waiting for its reader would hold the embedded database (and, on PostgreSQL,
      // the maintenance window): both of these would wait for ever.
      await createOrg(source, { kind: 'other' });
      const again = await takeBackup(source);
      expect(again.length).toBeGreaterThan(12 * 1024 * 1024);
    } finally {
      await served.close();
    }
  });

  it('serves backups to the instance operator only', async () => {
    const org = await createOrg(source);
    const bearer = await createToken(source, org.slug, 'security_officer');
    const r = await source.inject({
      method: 'GET',
      url: '/api/v1/operator/backup',
      headers: { authorization: bearer },
    });
    expect(r.statusCode).toBe(403);
    const anonymous = await source.inject({ method: 'GET', url: '/api/v1/operator/backup' });
    expect(anonymous.statusCode).toBe(403);
  });
});

/** A well-formed, correctly encrypted backup with an empty table list and the given migrations. */
async function craftBackup(t: TestApp, header: { migrations: string[] }): Promise<Buffer> {
  const lines = [
    controlLine([
      'header',
      {
        format: FORMAT_NAME,
        version: FORMAT_VERSION,
        schema: header.migrations.at(-1) ?? '',
        migrations: header.migrations,
        created_at: new Date().toISOString(),
        engine: 'postgres',
        server_version: '99',
        left_out: ['sessions', 'pgboss.*'],
        tables: [],
        sequences: [],
      },
    ]),
    controlLine(['done', { tables: 0, rows: 0 }]),
  ];
  const gzip = createGzip();
  const encrypted = gzip.pipe(new FrameEncryptor(t.config.secret));
  gzip.end(`${lines.join('\n')}\n`);
  const chunks: Buffer[] = [];
  for await (const c of encrypted) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
