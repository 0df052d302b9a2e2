import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

/**
 * The restore procedure's date (issue 4: every baseline item has a date and an evidence note):
 * through the API, in the audit trail and in the scorecard's evidence for criterion 9.
 */
describe.each(engines())('restore procedure date on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let other: OrgFixture;
  let officer: string;
  let otherOfficer: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    org = await createOrg(t, { slug: `rpd-${engine}`, kind: 'region' });
    other = await createOrg(t, { slug: `rpdo-${engine}`, kind: 'hospital' });
    officer = await createToken(t, org.slug, 'security_officer');
    otherOfficer = await createToken(t, other.slug, 'security_officer');
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (auth: string, method: string, url: string, payload?: object) =>
    t.inject({
      method: method as 'GET',
      url: `/api/v1/orgs/${org.slug}/${url}`,
      headers: { authorization: auth, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload }),
    });

  it('records, changes and clears the date through the API, audited with before and after', async () => {
    const created = await call(officer, 'POST', 'inventory/systems', {
      key: 'EPJ',
      name: 'Patientjournal',
      criticality: 'critical',
      restore_procedure: true,
      restore_procedure_on: '2026-02-05',
      restore_procedure_link: 'https://intranet.example.dk/epj-restore',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ restore_procedure: true, restore_procedure_on: '2026-02-05' });

    const bad = await call(officer, 'PATCH', 'inventory/systems/EPJ', { restore_procedure_on: '2026-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('restore_procedure_on');

    const changed = await call(officer, 'PATCH', 'inventory/systems/EPJ', {
      restore_procedure_on: '2026-04-01',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().restore_procedure_on).toBe('2026-04-01');

    const audit = await withTenant(
      t.runtime.ctx.db.kysely,
      { orgIds: [org.id] },
      async (tx) =>
        (
          await sql<{ before: Record<string, unknown>; after: Record<string, unknown> }>`select before, after
            from audit_log where org_id = ${org.id} and action = 'inventory.system.update' order by seq`.execute(
            tx.q,
          )
        ).rows,
    );
    expect(audit.map((e) => [e.before.restore_procedure_on, e.after.restore_procedure_on])).toEqual([
      ['2026-02-05', '2026-04-01'],
    ]);

    // Another organisation neither reads nor changes it.
    expect((await call(otherOfficer, 'GET', 'inventory/systems/EPJ')).statusCode).toBe(403);
    expect(
      (await call(otherOfficer, 'PATCH', 'inventory/systems/EPJ', { restore_procedure_on: '2020-01-01' }))
        .statusCode,
    ).toBe(403);

    const cleared = await call(officer, 'PATCH', 'inventory/systems/EPJ', { restore_procedure_on: null });
    expect(cleared.json().restore_procedure_on).toBeNull();
    expect((await call(officer, 'GET', 'inventory/systems/EPJ')).json().restore_procedure_on).toBeNull();
  });

  it("lists the date in criterion 9's evidence", async () => {
    const r = await call(officer, 'POST', 'inventory/systems', {
      key: 'PACS',
      name: 'Billeder',
      criticality: 'high',
      restore_procedure: true,
      restore_procedure_on: '2025-12-01',
    });
    expect(r.statusCode, r.body).toBe(201);
    const evidence = await call(officer, 'GET', 'scorecard/criteria/9/evidence');
    expect(evidence.statusCode, evidence.body).toBe(200);
    const items = evidence.json().items as Array<{
      key: string;
      passing: boolean;
      fields: Record<string, unknown>;
    }>;
    expect(items.map((i) => [i.key, i.passing, i.fields])).toEqual([
      [
        'EPJ',
        true,
        {
          restore_procedure: true,
          restore_procedure_on: null,
          restore_procedure_link: 'https://intranet.example.dk/epj-restore',
        },
      ],
      [
        'PACS',
        true,
        { restore_procedure: true, restore_procedure_on: '2025-12-01', restore_procedure_link: null },
      ],
    ]);
  });
});
