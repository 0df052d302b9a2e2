import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/server/db/tenant.js';
import { PLATFORM_CHAIN } from '../../src/server/modules/audit/chain.js';
import { engines } from '../databases.js';
import { createOrg, createToken, createUser, type OrgFixture } from '../factories.js';
import { startTestApp, type TestApp } from '../server.js';

/** Every table of the public schema that carries org_id: organisation-owned by definition. */
async function orgOwnedTables(t: TestApp): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and c.column_name = 'org_id' and t.table_type = 'BASE TABLE'
    order by 1`.execute(t.runtime.ctx.db.kysely);
  return r.rows.map((x) => x.table_name);
}

describe.each(engines())('row-level security on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  beforeAll(async () => {
    t = await startTestApp(engine);
    a = await createOrg(t);
    b = await createOrg(t);
    for (const org of [a, b]) {
      await createUser(t, { org: org.slug, role: 'security_officer' });
      await createToken(t, org.slug, 'member');
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has ENABLE + FORCE row-level security with USING and WITH CHECK on every organisation-owned table', async () => {
    const tables = await orgOwnedTables(t);
    expect(tables).toEqual(expect.arrayContaining(['api_tokens', 'memberships', 'files', 'imports']));
    const r = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select relname, relrowsecurity, relforcerowsecurity from pg_class
      where relnamespace = 'public'::regnamespace and relname = any(${tables})`.execute(
      t.runtime.ctx.db.kysely,
    );
    for (const row of r.rows) {
      expect({ table: row.relname, rls: row.relrowsecurity, force: row.relforcerowsecurity }).toEqual({
        table: row.relname,
        rls: true,
        force: true,
      });
    }
    const policies = await sql<{
      tablename: string;
      cmd: string;
      qual: string | null;
      with_check: string | null;
    }>`
      select tablename, cmd, qual, with_check from pg_policies
      where schemaname = 'public' and 'vaern_app' = any(roles) and tablename = any(${tables})`.execute(
      t.runtime.ctx.db.kysely,
    );
    for (const table of tables) {
      const mine = policies.rows.filter((p) => p.tablename === table);
      expect(mine.length, `${table} has a policy for vaern_app`).toBeGreaterThan(0);
      const writes = mine.filter((p) => p.cmd === 'ALL' || p.cmd === 'INSERT' || p.cmd === 'UPDATE');
      for (const p of writes)
        expect(p.with_check ?? p.qual, `${table} ${p.cmd} checks writes`).not.toBeNull();
    }
  });

  it('reads the scope once per statement in every policy, never per row (migration 0050)', async () => {
    const r = await sql<{ name: string; expr: string }>`
      select tablename || '.' || policyname as name, coalesce(qual, '') || ' ' || coalesce(with_check, '') as expr
      from pg_policies where schemaname = 'public'`.execute(t.runtime.ctx.db.kysely);
    const perRow = r.rows.filter((p) => /vaern_sees_org\(|ANY \(vaern_org_ids\(\)\)/.test(p.expr));
    expect(perRow.map((p) => p.name)).toEqual([]);
    // The organisation-owned tables' policies compare with the scope read by a sub-select.
    const once = r.rows.filter((p) =>
      p.expr.includes('ANY (( SELECT vaern_org_ids() AS vaern_org_ids)::uuid[])'),
    );
    expect(once.length).toBeGreaterThan(70);
  });

  it('puts org_id in the primary key and every unique constraint of organisation-owned tables', async () => {
    const tables = await orgOwnedTables(t);
    const r = await sql<{ table: string; name: string; columns: string[] }>`
      select c.conrelid::regclass::text as table, c.conname as name,
             array(select a.attname::text from unnest(c.conkey) k join pg_attribute a
                   on a.attrelid = c.conrelid and a.attnum = k) as columns
      from pg_constraint c
      where c.contype in ('p', 'u') and c.connamespace = 'public'::regnamespace
        and c.conrelid::regclass::text = any(${tables})`.execute(t.runtime.ctx.db.kysely);
    expect(r.rows.length).toBeGreaterThanOrEqual(tables.length);
    for (const c of r.rows) expect(c.columns, `${c.table}.${c.name}`).toContain('org_id');
    const idx = await sql<{ table: string; name: string; def: string }>`
      select tablename as table, indexname as name, indexdef as def from pg_indexes
      where schemaname = 'public' and indexdef like 'CREATE UNIQUE%' and tablename = any(${tables})`.execute(
      t.runtime.ctx.db.kysely,
    );
    for (const i of idx.rows) expect(i.def, `${i.table}.${i.name}`).toMatch(/\borg_id\b/);
  });

  it("shows a transaction only its own organisation's rows even with the filter removed", async () => {
    const tables = await orgOwnedTables(t);
    const counts = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, async (tx) => {
      const out: Record<string, { own: number; foreign: number }> = {};
      for (const table of tables) {
        // No WHERE clause on purpose: the application's own filter is gone.
        // The platform chain's head is shared by design: every actor appends logins to it.
        const r = await sql<{ own: number; foreign: number }>`
          select count(*) filter (where org_id = ${a.id})::int as own,
                 count(*) filter (where org_id <> ${a.id} and org_id <> ${PLATFORM_CHAIN})::int as foreign
          from ${sql.table(table)}`.execute(tx.q);
        out[table] = r.rows[0] ?? { own: 0, foreign: 0 };
      }
      return out;
    });
    for (const [table, c] of Object.entries(counts))
      expect({ table, foreign: c.foreign }).toEqual({ table, foreign: 0 });
    // The test can fail: the same raw query without a scope sees both organisations' rows.
    expect(counts.api_tokens?.own).toBe(1);
    expect(counts.memberships?.own).toBe(1);
    const all = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, (tx) =>
      sql<{ n: number }>`select count(distinct org_id)::int as n from api_tokens`.execute(tx.q),
    );
    expect(all.rows[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it("refuses to write another organisation's rows, and cannot change them", async () => {
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
        tx.q
          .insertInto('api_tokens')
          .values({ org_id: b.id, name: 'sneaky', role: 'member', token_hash: 'x' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
      tx.q.updateTable('api_tokens').set({ name: 'hijacked' }).where('org_id', '=', b.id).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
    // Moving an own row into another organisation is refused by WITH CHECK.
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
        tx.q.updateTable('memberships').set({ org_id: b.id }).where('org_id', '=', a.id).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('hides memberships an import has not published yet, then shows them all at once', async () => {
    const kysely = t.runtime.ctx.db.kysely;
    const user = await createUser(t);
    const importId = '11111111-2222-4333-8444-555555555555';
    const visible = () =>
      withTenant(
        kysely,
        { orgIds: [a.id] },
        async (tx) =>
          (
            await sql<{
              n: number;
            }>`select count(*)::int as n from memberships where user_id = ${user.id}`.execute(tx.q)
          ).rows[0]?.n,
      );
    await withTenant(kysely, { orgIds: [a.id] }, (tx) =>
      sql`insert into memberships (org_id, user_id, role, pending_import)
          values (${a.id}, ${user.id}, 'member', ${importId})`.execute(tx.q),
    );
    expect(await visible()).toBe(0);
    // Another organisation's scope cannot publish it.
    await withTenant(kysely, { orgIds: [b.id] }, (tx) =>
      sql`select vaern_import_publish_memberships(${a.id}, ${importId})`.execute(tx.q),
    );
    expect(await visible()).toBe(0);
    await withTenant(kysely, { orgIds: [a.id] }, (tx) =>
      sql`select vaern_import_publish_memberships(${a.id}, ${importId})`.execute(tx.q),
    );
    expect(await visible()).toBe(1);
  });

  // PGlite runs as a superuser, which PostgreSQL exempts from row-level security; on a server the
  // login is the tables' owner and FORCE applies to it.
  const runsAsSuperuser = engine === 'pglite';
  it.skipIf(runsAsSuperuser /* reason: PGlite is a superuser session, exempt from RLS */)(
    'sees nothing outside withTenant: the owner login itself is filtered (FORCE; PostgreSQL only, PGlite runs as a superuser)',
    async () => {
      const r = await sql<{ n: number }>`select count(*)::int as n from api_tokens`.execute(
        t.runtime.ctx.db.kysely,
      );
      expect(r.rows[0]?.n).toBe(0);
    },
  );
});
