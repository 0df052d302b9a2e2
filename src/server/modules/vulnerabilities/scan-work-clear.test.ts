import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';

/**
 * After a scan import's switch its work rows go (clearWork, migration 0061): all at once when the
 * work tables hold only that import's rows and nobody else uses them, else row by row. Another
 * import's rows are never removed, whoever asks, and an organisation cannot empty the tables for
 * another organisation's import.
 */

const WORK = ['scan_import_items', 'scan_import_hosts', 'scan_import_scope', 'scan_import_texts'] as const;

const nessus = (hosts: number) =>
  `<?xml version="1.0"?>\n<NessusClientData_v2><Report name="r">${Array.from(
    { length: hosts },
    (_, h) =>
      `<ReportHost name="w${h}"><HostProperties><tag name="host-ip">10.40.0.${h + 1}</tag></HostProperties>` +
      `<ReportItem port="443" protocol="tcp" severity="2" pluginID="${740_000 + h}" pluginName="Check">` +
      '<description>A weakness.</description><solution>Update.</solution></ReportItem></ReportHost>',
  ).join('\n')}</Report></NessusClientData_v2>`;

describe.each(engines())('scan work rows after the switch on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  let authA: string;
  let authB: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    a = await createOrg(t, { slug: `work-a-${engine}` });
    b = await createOrg(t, { slug: `work-b-${engine}` });
    authA = await createToken(t, a.slug, 'security_officer');
    authB = await createToken(t, b.slug, 'security_officer');
  });
  afterAll(() => t.close());

  const db = () => t.runtime.ctx.db.kysely;

  const scan = async (o: OrgFixture, auth: string, hosts: number) => {
    const r = await uploadImport(t, o, auth, {
      kind: 'scan',
      query: 'name=r&format=nessus',
      contentType: 'application/xml',
      body: nessus(hosts),
    });
    expect(r.status, JSON.stringify(r.error_list)).toBe('succeeded');
    return r.id;
  };

  /** Work rows per organisation, all four tables together. */
  const rows = () =>
    withTenant(db(), OPERATOR_SCOPE, async (tx) => {
      const out: Record<string, number> = {};
      for (const table of WORK) {
        const r = await sql<{ org_id: string; n: number }>`
          select org_id, count(*)::int as n from ${sql.table(table)} group by org_id`.execute(tx.q);
        for (const row of r.rows) out[row.org_id] = (out[row.org_id] ?? 0) + row.n;
      }
      return out;
    });

  /** The files the work tables are stored in: TRUNCATE gives each new ones. */
  const files = async () => {
    const r = await sql<{ f: string }>`
      select string_agg(pg_relation_filenode(t)::text, ',' order by t) as f
      from unnest(${[...WORK]}::regclass[]) t`.execute(db());
    return r.rows[0]?.f;
  };

  /** clearWork runs once the switch has committed: its end is waited for. */
  async function cleared(o: OrgFixture): Promise<Record<string, number>> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const left = await rows();
      if (!left[o.id] || Date.now() > deadline) return left;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const clear = (orgId: string, importId: string, as: OrgFixture) =>
    withTenant(db(), { orgIds: [as.id] }, async (tx) => {
      const r = await sql<{ done: boolean }>`
        select vaern_scan_import_clear(${orgId}::uuid, ${importId}::uuid) as done`.execute(tx.q);
      return r.rows[0]?.done;
    });

  /** A work row of `importId` as an import under way (or a crashed one) leaves it. */
  const leaveRow = (o: OrgFixture, importId: string) =>
    withTenant(db(), { orgIds: [o.id] }, (tx) =>
      sql`insert into scan_import_scope (org_id, import_id, family, host)
        values (${o.id}, ${importId}, 'nessus', 'left-over')`.execute(tx.q),
    );

  it('empties the work tables at once when they hold only the import’s rows', async () => {
    const before = await files();
    await scan(a, authA, 30);
    expect(await cleared(a)).toEqual({});
    expect(await files()).not.toBe(before);
  });

  it('removes only its own rows, row by row, while another import’s rows are there', async () => {
    const other = await scan(b, authB, 3);
    expect(await cleared(b)).toEqual({});
    await leaveRow(b, other);
    const before = await files();
    await scan(a, authA, 30);
    expect(await cleared(a)).toEqual({ [b.id]: 1 });
    expect(await files()).toBe(before);

    // Neither organisation empties the tables for the other's import, nor for its own while
    // another's rows are there.
    const own = await scan(a, authA, 2);
    await cleared(a);
    await leaveRow(a, own);
    expect(await clear(b.id, other, a)).toBe(false);
    expect(await clear(a.id, own, a)).toBe(false);
    expect(await rows()).toEqual({ [a.id]: 1, [b.id]: 1 });
    await withTenant(db(), { orgIds: [a.id] }, (tx) =>
      sql`delete from scan_import_scope where import_id = ${own}`.execute(tx.q),
    );
    expect(await clear(b.id, other, a)).toBe(false);
    expect(await rows()).toEqual({ [b.id]: 1 });
    expect(await clear(b.id, other, b)).toBe(true);
    expect(await rows()).toEqual({});
  });

  it.skipIf(engine === 'pglite' /* reason: one session, so no other transaction can hold a lock */)(
    'leaves the tables to row-by-row deletes while another transaction uses them',
    async () => {
      const id = await scan(a, authA, 2);
      await cleared(a);
      await leaveRow(a, id);
      const pool = t.runtime.ctx.db.pool;
      if (!pool) throw new Error('no pool');
      const other = await pool.connect();
      try {
        // Reading a work table holds a lock on it until the transaction ends (as an import's
        // switch that reads its work rows does).
        await other.query('begin');
        await other.query('select 1 from scan_import_hosts limit 1');
        expect(await clear(a.id, id, a)).toBe(false);
        expect(await rows()).toEqual({ [a.id]: 1 });
      } finally {
        await other.query('rollback');
        other.release();
      }
      expect(await clear(a.id, id, a)).toBe(true);
      expect(await rows()).toEqual({});
    },
  );
});
