import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, login } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { CSV_COLUMNS } from './csv.js';
import { recordAudit } from './record.js';
import { EXPORT_BATCH } from './service.js';

interface Entry {
  seq: number;
  at: string;
  actor: { type: string; id?: string; name?: string };
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  hash: string;
}
type Row = Record<(typeof CSV_COLUMNS)[number], string>;

/** Names a spreadsheet would take for formulas, and one that needs CSV quoting. */
const TRICKY = ['=1+2', '+45 1234', '-3', '@SUM(A1)'];
const QUOTED = 'Komma, "citat" og æøå\nanden linje';

describe.each(engines())('audit log export on %s', (engine) => {
  let t: TestApp;
  let org: { id: string; slug: string };
  let auditor: string;

  const exportCsv = (query: string, headers: Record<string, string> = { authorization: auditor }) =>
    t.inject({ method: 'GET', url: `/api/v1/orgs/${org.slug}/audit/export.csv${query}`, headers });
  const rowsOf = (body: string): Row[] => parse(body, { bom: true, columns: true, skip_empty_lines: true });
  const list = async (query: string) => {
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/audit?limit=500&${query}`,
      headers: { authorization: auditor },
    });
    expect(r.statusCode).toBe(200);
    return (r.json() as { items: Entry[] }).items;
  };

  beforeAll(async () => {
    t = await startTestApp(engine);
    org = await createOrg(t, { slug: 'export-org' });
    await createUser(t, { email: 'ane@example.dk', org: org.slug, role: 'admin' });
    for (const name of [...TRICKY, QUOTED]) {
      // Each token acts once: its own export puts its name in the actor column.
      const token = await createToken(t, org.slug, 'auditor', name);
      const r = await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/audit/export.csv?action=none`,
        headers: { authorization: token },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    auditor = await createToken(t, org.slug, 'auditor', 'revisor');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('streams every entry as CSV, newest first, with JSON values and formula-safe fields', async () => {
    const r = await exportCsv('');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    const day = new Date().toISOString().slice(0, 10);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="audit-${org.slug}-${day}.csv"`);
    expect(r.body.startsWith(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);

    const rows = rowsOf(r.body);
    const entries = await list('');
    // The export's own entry is the newest: recorded before the rows were read.
    expect(rows[0]).toMatchObject({
      action: 'audit.export',
      actor_type: 'token',
      actor: 'revisor',
      target_type: 'audit_log',
      target_id: org.id,
      before: '',
      after: '{}',
    });
    expect(entries[0]?.seq).toBe(Number(rows[0]?.seq));
    expect(rows.map((row) => Number(row.seq))).toEqual(entries.map((e) => e.seq));
    for (const [i, e] of entries.entries()) {
      const row = rows[i] as Row;
      const guard = (s: string) => (/^[=+\-@]/.test(s) ? `'${s}` : s);
      expect(row).toEqual({
        seq: String(e.seq),
        at: e.at,
        actor_type: e.actor.type,
        actor: guard(e.actor.name ?? e.actor.id ?? ''),
        action: e.action,
        target_type: e.target_type ?? '',
        target_id: e.target_id ?? '',
        before: e.before === null ? '' : JSON.stringify(e.before),
        after: e.after === null ? '' : JSON.stringify(e.after),
        hash: e.hash,
      });
      if (e.before !== null) expect(JSON.parse(row.before)).toEqual(e.before);
      if (e.after !== null) expect(JSON.parse(row.after)).toEqual(e.after);
    }

    // Formula-looking values are prefixed with an apostrophe in the raw text, and only those.
    const exportsBy = (actor: string) =>
      rows.filter((row) => row.action === 'audit.export' && row.actor === actor);
    for (const name of TRICKY) {
      expect(exportsBy(`'${name}`)).toHaveLength(1);
      expect(r.body).toContain(`,token,'${name},audit.export,`);
    }
    // Commas, quotes and line breaks are quoted by RFC 4180, and read back whole.
    expect(exportsBy(QUOTED)).toHaveLength(1);
    expect(r.body).toContain(',token,"Komma, ""citat"" og æøå\nanden linje",audit.export,');
    const created = rows.find((row) => row.action === 'token.create' && row.after.includes('Komma'));
    expect(JSON.parse(created?.after ?? 'null')).toMatchObject({ name: QUOTED, role: 'auditor' });
  });

  it('applies the filters and records them as the export entry`s after-values', async () => {
    const tokens = rowsOf((await exportCsv('?action=token.create')).body);
    expect(tokens.length).toBe(TRICKY.length + 2);
    expect(new Set(tokens.map((row) => row.action))).toEqual(new Set(['token.create']));

    const byActor = rowsOf((await exportCsv('?actor=%40SUM')).body);
    expect(byActor.map((row) => [row.action, row.actor])).toEqual([['audit.export', "'@SUM(A1)"]]);

    const membership = await list('action=membership.add');
    const target = membership[0]?.target_id ?? '';
    const byTarget = rowsOf((await exportCsv(`?target_type=user&target_id=${target}`)).body);
    expect(byTarget.map((row) => row.action)).toEqual(['membership.add']);

    const today = new Date().toISOString().slice(0, 10);
    expect(rowsOf((await exportCsv('?to=2000-01-01')).body)).toEqual([]);
    expect(rowsOf((await exportCsv(`?from=${today}&to=${today}&action=audit.`)).body).length).toBeGreaterThan(
      5,
    );

    const recorded = await list('action=audit.export');
    expect(recorded.slice(0, 5).map((e) => e.after)).toEqual([
      { action: 'audit.', from: today, to: today },
      { to: '2000-01-01' },
      { target_type: 'user', target_id: target },
      { actor: '@SUM' },
      { action: 'token.create' },
    ]);
    expect(recorded[0]).toMatchObject({
      actor: { type: 'token', name: 'revisor' },
      target_type: 'audit_log',
      target_id: org.id,
      before: null,
    });

    expect((await exportCsv('?colour=red')).statusCode).toBe(400);
    expect((await exportCsv('?limit=5')).statusCode).toBe(400); // an export has no pages
    expect((await exportCsv('?from=yesterday')).statusCode).toBe(400);
  });

  it('is refused to other organisations, to roles that may not read the log and to nobody', async () => {
    const before = (await list('action=audit.export')).length;
    const other = await createOrg(t);
    const otherAuditor = await createToken(t, other.slug, 'auditor');
    expect((await exportCsv('', { authorization: otherAuditor })).statusCode).toBe(403);
    const member = await createToken(t, org.slug, 'member');
    expect((await exportCsv('', { authorization: member })).statusCode).toBe(403);
    const owner = await createToken(t, org.slug, 'system_owner');
    expect((await exportCsv('', { authorization: owner })).statusCode).toBe(403);
    expect((await exportCsv('', {})).statusCode).toBe(401);
    // A refused export leaves no entry; the other organisation's chain has only its token.
    expect((await list('action=audit.export')).length).toBe(before);
    const own = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${other.slug}/audit`,
      headers: { authorization: otherAuditor },
    });
    expect((own.json() as { items: Entry[] }).items.map((e) => e.action)).toEqual(['token.create']);
  });

  it('lets a signed-in organisation admin export through the session', async () => {
    const admin = await createUser(t, { org: org.slug, role: 'admin' });
    const me = await login(t, admin);
    const r = await exportCsv('?action=audit.export', { cookie: me.cookie });
    expect(r.statusCode, r.body).toBe(200);
    expect(rowsOf(r.body)[0]).toMatchObject({
      action: 'audit.export',
      actor_type: 'user',
      actor: admin.email,
      after: '{"action":"audit.export"}',
    });
  });

  it('streams a log longer than one batch whole and in order', async () => {
    const big = await createOrg(t, { slug: 'export-big' });
    const operator: Actor = { kind: 'operator', label: 'export test' };
    const extra = EXPORT_BATCH * 2 + 7;
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [big.id], operator: true }, async (tx) => {
      for (let i = 0; i < extra; i++) {
        await recordAudit(tx, t.runtime.ctx.anchors, {
          chain: big.id,
          actor: operator,
          action: 'test.entry',
          after: { i },
        });
      }
    });
    const token = await createToken(t, big.slug, 'auditor');
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${big.slug}/audit/export.csv`,
      headers: { authorization: token },
    });
    expect(r.statusCode).toBe(200);
    const rows = rowsOf(r.body);
    // The entries, the auditor token's creation and the export itself, every seq once, descending.
    const total = extra + 2;
    expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: total }, (_, i) => total - i));
    expect(rows.filter((row) => row.action === 'test.entry').map((row) => JSON.parse(row.after).i)).toEqual(
      Array.from({ length: extra }, (_, i) => extra - 1 - i),
    );
  }, 120_000);
});
