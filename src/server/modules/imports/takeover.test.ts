import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { importState } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';
import { runImport } from './runner.js';

/**
 * An import whose run was cut off is taken over by a new run (its job retried once the worker sent
 * no more heartbeats, or a recovery that ends it; docs/imports.md, "When a worker dies"). If the
 * old run is still alive, it must stop at its next step and leave the import to the new one: not
 * fail it, not remove what was staged, not apply anything (migration 0056).
 */
describe.each(engines())('an import taken over by another run on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let token: string;

  beforeAll(async () => {
    // No worker: the test runs the import's job itself.
    t = await startTestApp(engine);
    org = await createOrg(t, { slug: `takeover-${engine}`, kind: 'region' });
    token = await createToken(t, org.slug, 'security_officer');
  });
  afterAll(async () => {
    await t?.close();
  });

  const systems = () =>
    withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from inventory_systems where org_id = ${org.id}`.execute(tx.q);
      return r.rows[0]?.n ?? -1;
    });

  // One staged chunk (the next steps find the import taken) and three (the next chunk's COPY does).
  it.each([3_000, 12_000])(
    'stops a run whose import another run took, which then runs it to its end (%i rows)',
    async (rows) => {
      const lines = ['key,name,criticality'];
      for (let i = 0; i < rows; i++) lines.push(`TK-${rows}-${String(i).padStart(6, '0')},System ${i},high`);
      const uploaded = await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org.slug}/imports/systems?name=takeover-${rows}.csv`,
        headers: { authorization: token, 'content-type': 'text/csv' },
        payload: `${lines.join('\n')}\n`,
      });
      expect(uploaded.statusCode, uploaded.body).toBe(202);
      const id = (uploaded.json() as { import_id: string }).import_id;
      const payload = { org_id: org.id, import_id: id };
      const before = await systems();

      // Another run takes the import while this one stages its first chunk (in that step's own
      // transaction, which holds the import: the takeover commits with it).
      const db = t.runtime.ctx.db.kysely;
      await sql`create function test_take_over() returns trigger language plpgsql as $$
      begin
        update imports set run_id = gen_random_uuid() where org_id = new.org_id and id = new.import_id;
        return null;
      end $$`.execute(db);
      await sql`create trigger test_take_over after insert on import_rows for each row
      when (new.import_id = ${sql.lit(id)}::uuid and new.row_no = 2) execute function test_take_over()`.execute(
        db,
      );
      try {
        await runImport(t.runtime.ctx, payload);
      } finally {
        await sql`drop trigger test_take_over on import_rows`.execute(db);
        await sql`drop function test_take_over()`.execute(db);
      }
      // Stopped: neither failed nor finished, what it staged left to the new run, nothing applied.
      const left = await importState(t, org.id, id);
      expect(left).toMatchObject({ status: 'running', finished_at: null });
      expect(left?.staged).toBeGreaterThan(0);
      expect(await systems()).toBe(before);

      // The new run (the job retried) starts over and ends the import.
      await runImport(t.runtime.ctx, payload);
      const done = await importState(t, org.id, id);
      expect(done).toMatchObject({ status: 'succeeded', staged: 0 });
      expect(await systems()).toBe(before + rows);
    },
    120_000,
  );
});
