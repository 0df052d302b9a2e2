import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  createOrg,
  createToken,
  createUser,
  createUserWithMfa,
  login,
  nextTotpCode,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { snapshotAllOrganisations } from './service.js';

type Json = Record<string, unknown>;
interface Crit {
  n: number;
  key: string;
  status: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  threshold: number | null;
  detail: string;
  detail_code: string;
}

/**
 * One system row for a test inventory. Dates are days before the database's current_date
 * (null: not recorded), so the windows of the criteria are exact whatever day the test runs.
 */
interface Sys {
  key: string;
  criticality?: 'critical' | 'high' | 'medium' | 'low' | null;
  health?: boolean;
  mfa?: boolean | null;
  segmented?: boolean | null;
  patch?: 'current' | 'behind' | null;
  patchAgo?: number | null;
  plan?: boolean | null;
  planAgo?: number | null;
  procedure?: boolean | null;
  result?: 'success' | 'partial' | 'failed' | null;
  restoreAgo?: number | null;
  shared?: boolean;
  /** Brought by an import that is still running: not visible yet. */
  pending?: boolean;
  linkTo?: { orgId: string; systemId: string };
}

describe.each(engines())('scorecard on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let empty: OrgFixture;
  let sector: OrgFixture;
  let officerA: string;
  const ids = new Map<string, string>();

  const call = (auth: string, method: string, url: string, payload?: unknown) =>
    t.inject({
      method: method as 'GET',
      url,
      headers: { authorization: auth, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const as = (me: SignedIn, method: string, url: string, payload?: unknown) =>
    t.inject({
      method: method as 'GET',
      url,
      headers: { ...me.headers(), 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const card = (org: OrgFixture) => `/api/v1/orgs/${org.slug}/scorecard`;
  const confirmations = (org: OrgFixture) => `/api/v1/orgs/${org.slug}/inventory/confirmations`;

  const ago = (days: number | null | undefined) =>
    days === null || days === undefined ? sql`null` : sql`current_date - ${days}::integer`;

  async function insertSystems(org: OrgFixture, systems: Sys[]) {
    // A row of an import that has not succeeded fails the read policy, so it is inserted
    // without RETURNING, marked with a running import of the organisation.
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, async (tx) => {
      const running = systems.some((s) => s.pending)
        ? (
            await sql<{ id: string }>`insert into imports (org_id, kind, status, created_by)
              values (${org.id}, 'systems', 'running', '{"type":"operator"}') returning id`.execute(tx.q)
          ).rows[0]?.id
        : null;
      for (const s of systems) {
        const r = await sql<{ id: string }>`insert into inventory_systems (org_id, key, name, criticality,
            health_data, mfa, segmented, patch_status, patch_confirmed_on, contingency_plan,
            contingency_tested_on, restore_procedure, restore_result, restore_tested_on, shared,
            shared_org_id, shared_system_id, imported_by)
          values (${org.id}, ${s.key}, ${`System ${s.key}`}, ${s.criticality ?? null}, ${s.health ?? false},
            ${s.mfa ?? null}, ${s.segmented ?? null}, ${s.patch ?? null}, ${ago(s.patchAgo)}, ${s.plan ?? null},
            ${ago(s.planAgo)}, ${s.procedure ?? null}, ${s.result ?? null}, ${ago(s.restoreAgo)},
            ${s.shared ?? false}, ${s.linkTo?.orgId ?? null}, ${s.linkTo?.systemId ?? null},
            ${s.pending ? running : null})
          ${s.pending ? sql`` : sql`returning id`}`.execute(tx.q);
        const id = r.rows[0]?.id;
        if (id) ids.set(`${org.slug}/${s.key}`, id);
      }
    });
  }

  async function setSetting(key: string, value: number) {
    const r = await t.asOperator('PUT', `/api/v1/platform/settings/${key}`, { value });
    expect(r.statusCode, r.body).toBe(200);
  }

  const byN = (criteria: Crit[]) => Object.fromEntries(criteria.map((c) => [c.n, c]));
  const figure = (c: Crit | undefined) =>
    c && { status: c.status, numerator: c.numerator, denominator: c.denominator };

  beforeAll(async () => {
    t = await startTestApp(engine);
    a = await createOrg(t, { kind: 'hospital' });
    empty = await createOrg(t, { kind: 'practice' });
    sector = await createOrg(t, { kind: 'sector_unit' });
    officerA = await createToken(t, a.slug, 'security_officer');
    // The known inventory of A (docs/scorecard.md's definitions; "critical" = critical or high):
    //   S01 critical, health data, every baseline item in place and recent.
    //   S02 high, health data, no MFA, patch confirmed 40 days ago, plan and restore tested 400 days ago.
    //   S03 critical, no health data, MFA, segmentation unknown, patch behind, no plan, no procedure, restore failed.
    //   S04 medium, health data, patched recently.        S05 not assessed, health data, nothing recorded.
    //   S06 low, no health data, patched recently.        P01 a row of a running import: never counted.
    await insertSystems(a, [
      {
        key: 'S01',
        criticality: 'critical',
        health: true,
        mfa: true,
        segmented: true,
        patch: 'current',
        patchAgo: 5,
        plan: true,
        planAgo: 30,
        procedure: true,
        result: 'success',
        restoreAgo: 60,
      },
      {
        key: 'S02',
        criticality: 'high',
        health: true,
        mfa: false,
        segmented: true,
        patch: 'current',
        patchAgo: 40,
        plan: true,
        planAgo: 400,
        procedure: true,
        result: 'success',
        restoreAgo: 400,
      },
      {
        key: 'S03',
        criticality: 'critical',
        mfa: true,
        patch: 'behind',
        patchAgo: 1,
        plan: false,
        planAgo: 10,
        procedure: false,
        result: 'failed',
        restoreAgo: 10,
      },
      {
        key: 'S04',
        criticality: 'medium',
        health: true,
        mfa: true,
        segmented: true,
        patch: 'current',
        patchAgo: 3,
      },
      { key: 'S05', health: true },
      { key: 'S06', criticality: 'low', patch: 'current', patchAgo: 0 },
      {
        key: 'P01',
        criticality: 'critical',
        health: true,
        mfa: true,
        segmented: true,
        patch: 'current',
        patchAgo: 1,
        plan: true,
        planAgo: 1,
        procedure: true,
        result: 'success',
        restoreAgo: 1,
        pending: true,
      },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('computes each of the ten criteria from known data, rows of unfinished imports excluded', async () => {
    const r = await call(officerA, 'GET', card(a));
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.inventory).toEqual({
      systems: 6,
      health_data_systems: 4,
      critical_systems: 3,
      last_confirmed_at: null,
    });
    const c = byN(body.criteria);
    expect(body.criteria.map((x: Crit) => [x.n, x.key])).toEqual([
      [1, 'inventory_confirmed'],
      [2, 'criticality_assessed'],
      [3, 'vulnerability_followup'],
      [4, 'risk_assessments'],
      [5, 'mfa'],
      [6, 'segmentation'],
      [7, 'patching'],
      [8, 'contingency_tested'],
      [9, 'restore_procedure'],
      [10, 'restore_tested'],
    ]);
    // 1: four health-data systems of six, never confirmed.
    expect(c[1]).toMatchObject({ status: 'failed', value: null, numerator: 4, denominator: 6 });
    expect(c[1]?.detail_code).toBe('scorecard.c1.never_confirmed');
    // 2: of the health-data systems S01, S02, S04, S05, three have a criticality.
    expect(c[2]).toMatchObject({
      status: 'failed',
      numerator: 3,
      denominator: 4,
      value: 0.75,
      threshold: 0.95,
    });
    expect(c[2]?.detail).toBe(
      '3 of 4 systems with health data have an assessed criticality (75 %; 95 % needed).',
    );
    // 3: no vulnerability management report was ever signed.
    expect(c[3]).toMatchObject({
      status: 'failed',
      value: null,
      numerator: null,
      denominator: null,
      period: { unit: 'months', length: 3 },
      detail_code: 'scorecard.c3.never_signed',
    });
    // 4: never passed, names the module it waits for.
    expect(c[4]).toMatchObject({ status: 'not_measured', value: null });
    expect(c[4]?.detail).toContain('risk module');
    // Critical systems: S01, S02, S03.
    expect(figure(c[5])).toEqual({ status: 'failed', numerator: 2, denominator: 3 }); // S01, S03
    expect(figure(c[6])).toEqual({ status: 'failed', numerator: 2, denominator: 3 }); // S01, S02
    expect(figure(c[7])).toEqual({ status: 'failed', numerator: 3, denominator: 6 }); // S01, S04, S06
    expect(c[7]?.value).toBe(0.5);
    expect(figure(c[8])).toEqual({ status: 'failed', numerator: 1, denominator: 3 }); // S01
    expect(figure(c[9])).toEqual({ status: 'failed', numerator: 2, denominator: 3 }); // S01, S02
    expect(figure(c[10])).toEqual({ status: 'failed', numerator: 1, denominator: 3 }); // S01
  });

  it('has nothing to measure for an organisation without systems, and never passes it', async () => {
    const token = await createToken(t, empty.slug, 'auditor');
    const c = byN((await call(token, 'GET', card(empty))).json().criteria);
    expect(c[1]).toMatchObject({ status: 'failed', detail_code: 'scorecard.c1.no_health_data' });
    for (const n of [2, 4, 5, 6, 7, 8, 9, 10]) expect(c[n]?.status).toBe('not_measured');
    // 3 needs a signed report, whatever the inventory: failed, never not_measured.
    expect(c[3]).toMatchObject({ status: 'failed', detail_code: 'scorecard.c3.never_signed' });
    expect(c[5]?.detail_code).toBe('scorecard.no_critical_systems');
    expect(c[7]?.detail_code).toBe('scorecard.no_systems');
  });

  it('takes thresholds and periods from the platform settings', async () => {
    await setSetting('scorecard_pass_percent', 60);
    await setSetting('scorecard_patch_days', 50);
    await setSetting('scorecard_test_months', 14);
    try {
      const c = byN((await call(officerA, 'GET', card(a))).json().criteria);
      expect(c[2]).toMatchObject({ status: 'passed', threshold: 0.6 }); // 3/4 ≥ 60 %
      expect(figure(c[5])).toEqual({ status: 'passed', numerator: 2, denominator: 3 }); // 66.7 % ≥ 60 %
      // S02's patch confirmation 40 days ago is inside 50 days: 4 of 6.
      expect(figure(c[7])).toEqual({ status: 'passed', numerator: 4, denominator: 6 });
      expect(c[7]?.detail).toContain('within 50 days');
      // S02's tests 400 days ago are inside 14 months.
      expect(figure(c[8])).toEqual({ status: 'passed', numerator: 2, denominator: 3 });
      expect(figure(c[10])).toEqual({ status: 'passed', numerator: 2, denominator: 3 });
    } finally {
      await setSetting('scorecard_pass_percent', 95);
      await setSetting('scorecard_patch_days', 30);
      await setSetting('scorecard_test_months', 12);
    }
    const r = await t.asOperator('PUT', '/api/v1/platform/settings/scorecard_pass_percent', { value: 101 });
    expect(r.statusCode).toBe(400);
  });

  it('lists the systems behind a figure, passing or failing, keyset-paged by key', async () => {
    const url = `${card(a)}/criteria/5/evidence`;
    const all = (await call(officerA, 'GET', url)).json();
    expect(all.items.map((i: Json) => [i.key, i.passing])).toEqual([
      ['S01', true],
      ['S02', false],
      ['S03', true],
    ]);
    expect(all.items[1]).toMatchObject({
      name: 'System S02',
      criticality: 'high',
      health_data: true,
      fields: { mfa: false, mfa_on: null },
    });
    const failing = (await call(officerA, 'GET', `${url}?outcome=failing`)).json();
    expect(failing.items.map((i: Json) => i.key)).toEqual(['S02']);
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call(
        officerA,
        'GET',
        `${url}?outcome=passing&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const p = r.json();
      keys.push(...p.items.map((i: Json) => i.key as string));
      cursor = p.next_cursor;
    } while (cursor);
    expect(keys).toEqual(['S01', 'S03']);
    // Criterion 7 is over every system; criterion 2 over the health-data systems.
    const patching = (await call(officerA, 'GET', `${card(a)}/criteria/7/evidence?outcome=failing`)).json();
    expect(patching.items.map((i: Json) => i.key)).toEqual(['S02', 'S03', 'S05']);
    expect(patching.items[0].fields).toMatchObject({ patch_status: 'current' });
    const assessed = (await call(officerA, 'GET', `${card(a)}/criteria/2/evidence?outcome=failing`)).json();
    expect(assessed.items.map((i: Json) => i.key)).toEqual(['S05']);
    const none = await call(officerA, 'GET', `${card(a)}/criteria/3/evidence`);
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('scorecard.no_evidence');
    expect((await call(officerA, 'GET', `${card(a)}/criteria/11/evidence`)).statusCode).toBe(400);
  });

  it('lets management sign the inventory with a current TOTP code, and refuses replays, tokens and other roles', async () => {
    const m1 = await createUserWithMfa(t, { org: a.slug, role: 'management', name: 'Mette Ledelse' });
    const me1 = await login(t, m1);
    const code = await nextTotpCode(m1.id);
    const signed = await as(me1, 'POST', confirmations(a), {
      code,
      statement: 'Gennemgået på ledelsesmødet.',
    });
    expect(signed.statusCode, signed.body).toBe(201);
    const c1 = signed.json();
    expect(c1).toMatchObject({
      signer: { id: m1.id, name: 'Mette Ledelse', email: m1.email },
      statement: 'Gennemgået på ledelsesmødet.',
      systems: 6,
      health_data_systems: 4,
      sha256_verified: true,
    });
    expect(c1.snapshot_sha256).toBe(createHash('sha256').update(c1.snapshot, 'utf8').digest('hex'));
    const doc = JSON.parse(c1.snapshot);
    expect(doc).toMatchObject({
      org: { id: a.id, slug: a.slug },
      signer: { id: m1.id, email: m1.email },
      signed_at: c1.signed_at,
      inventory: {
        systems: 6,
        health_data_systems: 4,
        criticality: { critical: 2, high: 1, medium: 1, low: 1, unassessed: 1 },
      },
    });
    expect(doc.inventory.systems_list).toEqual([
      { key: 'S01', name: 'System S01', criticality: 'critical', health_data: true },
      { key: 'S02', name: 'System S02', criticality: 'high', health_data: true },
      { key: 'S03', name: 'System S03', criticality: 'critical', health_data: false },
      { key: 'S04', name: 'System S04', criticality: 'medium', health_data: true },
      { key: 'S05', name: 'System S05', criticality: null, health_data: true },
      { key: 'S06', name: 'System S06', criticality: 'low', health_data: false },
    ]);

    // The same code again is a replay.
    const replay = await as(me1, 'POST', confirmations(a), { code });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().code).toBe('scorecard.code_used');
    const wrong = await as(me1, 'POST', confirmations(a), { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('scorecard.code_invalid');

    // A token never signs; nor does a person without the management role.
    const token = await call(officerA, 'POST', confirmations(a), { code: '123456' });
    expect(token.statusCode).toBe(403);
    expect(token.json().code).toBe('scorecard.confirm_people_only');
    const admin = await createUserWithMfa(t, { org: a.slug, role: 'admin' });
    const adminMe = await login(t, admin);
    const notManagement = await as(adminMe, 'POST', confirmations(a), { code: await nextTotpCode(admin.id) });
    expect(notManagement.statusCode).toBe(403);
    expect(notManagement.json().code).toBe('scorecard.confirm_management_only');

    // A second member of management signs later: newest first in the list, paged.
    const m2 = await createUserWithMfa(t, { org: a.slug, role: 'management' });
    const me2 = await login(t, m2);
    const second = await as(me2, 'POST', confirmations(a), { code: await nextTotpCode(m2.id) });
    expect(second.statusCode, second.body).toBe(201);
    const auditor = await login(t, await createUser(t, { org: a.slug, role: 'auditor' }));
    const list = (await as(auditor, 'GET', confirmations(a))).json();
    expect(list.items.map((i: Json) => i.id)).toEqual([second.json().id, c1.id]);
    expect(list.items[0]).not.toHaveProperty('snapshot');
    const paged = (await as(auditor, 'GET', `${confirmations(a)}?limit=1`)).json();
    expect(paged.items.map((i: Json) => i.id)).toEqual([second.json().id]);
    const rest = (await as(auditor, 'GET', `${confirmations(a)}?limit=1&cursor=${paged.next_cursor}`)).json();
    expect(rest.items.map((i: Json) => i.id)).toEqual([c1.id]);
    expect(rest.next_cursor).toBeNull();
    const one = (await as(auditor, 'GET', `${confirmations(a)}/${c1.id}`)).json();
    expect(one).toMatchObject({ id: c1.id, snapshot: c1.snapshot, sha256_verified: true });

    // Audited; and the scorecard's criterion 1 now passes.
    const audit = await withTenant(
      t.runtime.ctx.db.kysely,
      { orgIds: [a.id] },
      async (tx) =>
        (
          await sql<{ action: string; after: Json }>`select action, after from audit_log
          where org_id = ${a.id} and action like 'inventory.confirm%' order by seq`.execute(tx.q)
        ).rows,
    );
    expect(audit.map((e) => e.action)).toEqual([
      'inventory.confirm',
      'inventory.confirm_refused',
      'inventory.confirm_refused',
      'inventory.confirm',
    ]);
    expect(audit[0]?.after).toMatchObject({ snapshot_sha256: c1.snapshot_sha256 });
    const c = byN((await call(officerA, 'GET', card(a))).json().criteria);
    expect(c[1]).toMatchObject({ status: 'passed', detail_code: 'scorecard.c1.passed' });

    // The table is append-only for the application role.
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
        sql`update inventory_confirmations set statement = 'changed' where org_id = ${a.id}`.execute(tx.q),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
        sql`delete from inventory_confirmations where org_id = ${a.id}`.execute(tx.q),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('refuses to sign for a person whose second factor is gone', async () => {
    const m = await createUserWithMfa(t, { org: a.slug, role: 'management' });
    const me = await login(t, m);
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], userId: m.id }, (tx) =>
      sql`update users set mfa_secret = null where id = ${m.id}`.execute(tx.q),
    );
    const r = await as(me, 'POST', confirmations(a), { code: await nextTotpCode(m.id) });
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('scorecard.confirm_needs_mfa');
  });

  it('writes snapshots idempotently per day and shows the trend', async () => {
    const url = `${card(a)}/snapshots`;
    const first = await call(officerA, 'POST', url);
    expect(first.statusCode, first.body).toBe(200);
    const again = await call(officerA, 'POST', url);
    expect(again.json().day).toBe(first.json().day);
    const rows = await withTenant(
      t.runtime.ctx.db.kysely,
      { orgIds: [a.id] },
      async (tx) =>
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from scorecard_snapshots where org_id = ${a.id}`.execute(tx.q)
        ).rows[0]?.n,
    );
    expect(rows).toBe(1);
    // Yesterday's snapshot, as the daily job would have written it, with criterion 7 at 1/6.
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
      sql`insert into scorecard_snapshots (org_id, day, criteria)
        values (${a.id}, current_date - 1, ${JSON.stringify([
          { n: 7, key: 'patching', status: 'failed', value: 1 / 6 },
        ])}::jsonb)`.execute(tx.q),
    );
    const trend = (await call(officerA, 'GET', `${card(a)}/trend?days=90`)).json();
    expect(trend.to).toBe(first.json().day);
    const patching = trend.criteria.find((c: Json) => c.n === 7);
    expect(patching.points).toHaveLength(2);
    expect(patching.points[0]).toMatchObject({ status: 'failed', value: 1 / 6 });
    expect(patching.points[1]).toEqual({ day: first.json().day, status: 'failed', value: 0.5 });
    const restore = trend.criteria.find((c: Json) => c.n === 10);
    expect(restore.points).toEqual([{ day: first.json().day, status: 'failed', value: 1 / 3 }]);
    // One day back: only today.
    const short = (await call(officerA, 'GET', `${card(a)}/trend?days=1`)).json();
    expect(short.criteria.find((c: Json) => c.n === 7).points).toHaveLength(1);

    // Only admin and security officer write snapshots; management reads.
    const m = await login(t, await createUserWithMfa(t, { org: a.slug, role: 'management' }));
    expect((await as(m, 'POST', url)).statusCode).toBe(403);
    expect((await as(m, 'GET', `${card(a)}/trend`)).statusCode).toBe(200);
    const member = await createToken(t, a.slug, 'member');
    expect((await call(member, 'GET', card(a))).statusCode).toBe(403);
  });

  it('has a daily job that snapshots every organisation', async () => {
    const result = await snapshotAllOrganisations(t.runtime.ctx);
    expect(result.organisations).toBeGreaterThanOrEqual(3);
    const auditor = await createToken(t, empty.slug, 'auditor');
    const trend = (await call(auditor, 'GET', `/api/v1/orgs/${empty.slug}/scorecard/trend`)).json();
    expect(trend.criteria.find((c: Json) => c.n === 1).points).toEqual([
      { day: result.day, status: 'failed', value: null },
    ]);
  });

  it("shows the sector coordinator every organisation's scorecard and the critical-and-shared map, and no one else", async () => {
    const coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    const all = await as(coordinator, 'GET', '/api/v1/sector/scorecards?limit=500');
    expect(all.statusCode, all.body).toBe(200);
    const bySlug = Object.fromEntries(all.json().items.map((i: Json) => [(i.org as Json).slug, i]));
    expect(Object.keys(bySlug)).toEqual(expect.arrayContaining([a.slug, empty.slug, sector.slug]));
    const aCard = bySlug[a.slug] as { inventory: Json; criteria: Crit[] };
    expect(aCard.inventory).toMatchObject({ systems: 6, health_data_systems: 4, critical_systems: 3 });
    expect(figure(byN(aCard.criteria)[7])).toEqual({ status: 'failed', numerator: 3, denominator: 6 });
    expect(byN(aCard.criteria)[1]?.status).toBe('passed');
    // Paged by slug.
    const slugs: string[] = [];
    let cursor: string | null = null;
    do {
      const p: { items: Json[]; next_cursor: string | null } = (
        await as(coordinator, 'GET', `/api/v1/sector/scorecards?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      slugs.push(...p.items.map((i: Json) => (i.org as Json).slug as string));
      cursor = p.next_cursor;
    } while (cursor);
    expect(slugs).toEqual(Object.keys(bySlug));

    // The map: before and after a shared record that two other organisations link to.
    const map = async () => (await as(coordinator, 'GET', '/api/v1/sector/critical-shared?limit=500')).json();
    const bucket = (m: { buckets: Json[] }, criticality: string, organisations: number) =>
      (m.buckets.find((b) => b.criticality === criticality && b.organisations === organisations)?.systems as
        | number
        | undefined) ?? 0;
    const before = await map();
    const owner = await createOrg(t, { kind: 'region' });
    const user1 = await createOrg(t, { kind: 'hospital' });
    const user2 = await createOrg(t, { kind: 'municipality' });
    await insertSystems(owner, [
      { key: 'EPJ', criticality: 'high', shared: true },
      { key: 'LAB', criticality: 'medium' },
      { key: 'NOTE' },
    ]);
    const epj = { orgId: owner.id, systemId: ids.get(`${owner.slug}/EPJ`) ?? '' };
    await insertSystems(user1, [{ key: 'MY-EPJ', criticality: 'critical', linkTo: epj }]);
    await insertSystems(user2, [{ key: 'EPJ-USE', criticality: 'low', linkTo: epj }]);
    // A link brought by an import that is still running does not count (yet).
    const user3 = await createOrg(t, { kind: 'practice' });
    await insertSystems(user3, [{ key: 'HIDDEN', criticality: 'critical', linkTo: epj, pending: true }]);
    const after = await map();
    const shared = after.items.find((i: Json) => (i.owner as Json).slug === owner.slug);
    expect(shared).toEqual({
      owner: { id: owner.id, slug: owner.slug, name: `Organisation ${owner.slug}` },
      key: 'EPJ',
      name: 'System EPJ',
      vendor: null,
      product: null,
      owner_criticality: 'high',
      criticality: 'critical',
      organisations: 3,
    });
    // EPJ is one point at (critical, 3); LAB one more at (medium, 1); NOTE (no criticality, not
    // shared) and the link rows are no points of their own.
    expect(bucket(after, 'critical', 3) - bucket(before, 'critical', 3)).toBe(1);
    expect(bucket(after, 'medium', 1) - bucket(before, 'medium', 1)).toBe(1);
    expect(bucket(after, 'critical', 1) - bucket(before, 'critical', 1)).toBe(0);
    expect(bucket(after, 'low', 1) - bucket(before, 'low', 1)).toBe(0);
    const total = (m: { buckets: Json[] }) => m.buckets.reduce((s, b) => s + (b.systems as number), 0);
    expect(total(after) - total(before)).toBe(2);
    // Unshared records are never named.
    expect(after.items.every((i: Json) => i.key !== 'LAB' && i.key !== 'S01')).toBe(true);

    // Others are refused.
    const officer = await login(t, await createUser(t, { org: a.slug, role: 'security_officer' }));
    for (const url of ['/api/v1/sector/scorecards', '/api/v1/sector/critical-shared']) {
      const refused = await as(officer, 'GET', url);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('scorecard.not_sector_coordinator');
      const sectorMember = await login(t, await createUser(t, { org: sector.slug, role: 'member' }));
      expect((await as(sectorMember, 'GET', url)).statusCode).toBe(403);
      const token = await createToken(t, sector.slug, 'security_officer');
      expect((await call(token, 'GET', url)).statusCode).toBe(403);
      expect((await t.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });

  it('measures criterion 3 from the latest signed report: within the last quarter and of the current or previous quarter', async () => {
    // Reports are inserted directly (their signing is tested in vulnerabilities/report.test.ts);
    // the bytes are a stand-in, what matters here is quarter and signed_at.
    const org = await createOrg(t, { kind: 'municipality' });
    const signer = await createUser(t, { org: org.slug, role: 'management', name: 'Rita Rapport' });
    const token = await createToken(t, org.slug, 'auditor');
    const quarterOf = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
    const { today } = (await withTenant(
      t.runtime.ctx.db.kysely,
      { orgIds: [org.id] },
      async (tx) =>
        (
          await sql<{ today: string }>`select to_char(current_date, 'YYYY-MM-DD') as today`.execute(tx.q)
        ).rows[0],
    )) as { today: string };
    const current = quarterOf(new Date(`${today}T12:00:00Z`));
    async function sign(quarter: string, daysAgo: number) {
      await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
        sql`insert into vulnerability_reports (org_id, quarter, lang, signer_id, signer_name, signer_email,
              signed_at, sha256, size, pdf)
            values (${org.id}, ${quarter}, 'en', ${signer.id}, 'Rita Rapport', ${signer.email},
              now() - make_interval(days => ${daysAgo}), ${'a'.repeat(64)}, 5, ${Buffer.from('%PDF-')})`.execute(
          tx.q,
        ),
      );
    }
    const c3 = async () => {
      const r = (await call(token, 'GET', card(org))).json();
      return { c: byN(r.criteria)[3] as Crit, report: r.vulnerability_report as Json | null };
    };
    expect((await c3()).c).toMatchObject({ status: 'failed', detail_code: 'scorecard.c3.never_signed' });
    // The current quarter's report, signed 100 days ago (> 3 months): too old.
    await sign(current, 100);
    expect((await c3()).c).toMatchObject({ status: 'failed', detail_code: 'scorecard.c3.report_old' });
    // A report of an old quarter, signed yesterday: not a report of the current or previous quarter.
    await sign('2020-Q1', 1);
    const stale = await c3();
    expect(stale.c).toMatchObject({ status: 'failed', detail_code: 'scorecard.c3.report_old' });
    expect(stale.c.detail).toContain('2020-Q1');
    // The current quarter's report, signed today: passed, with the report as evidence.
    await sign(current, 0);
    const passed = await c3();
    expect(passed.c).toMatchObject({ status: 'passed', detail_code: 'scorecard.c3.passed' });
    expect(passed.c.detail).toBe(
      `Management signed the vulnerability management report for ${current} on ${today}, within the last quarter.`,
    );
    expect(passed.report).toMatchObject({
      quarter: current,
      signer_name: 'Rita Rapport',
      sha256: 'a'.repeat(64),
    });
    // The same in today's snapshot and in the sector view.
    const snap = (await call(officerA, 'POST', `${card(a)}/snapshots`)).json();
    expect(byN(snap.criteria)[3]?.status).toBe('failed'); // A has signed nothing
    await snapshotAllOrganisations(t.runtime.ctx);
    const trend = (await call(token, 'GET', `${card(org)}/trend?days=1`)).json();
    expect(trend.criteria.find((c: Json) => c.n === 3).points).toEqual([
      { day: today, status: 'passed', value: null },
    ]);
    const coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    const all = (await as(coordinator, 'GET', '/api/v1/sector/scorecards?limit=500')).json();
    const mine = all.items.find((i: Json) => (i.org as Json).slug === org.slug);
    expect(byN(mine.criteria)[3]).toMatchObject({ status: 'passed', detail: passed.c.detail });
    expect(JSON.stringify(mine)).not.toContain('Rita Rapport');
  });

  it('does not count a system as patched while it has an overdue high or critical finding (criterion 7)', async () => {
    const org = await createOrg(t, { kind: 'practice' });
    const token = await createToken(t, org.slug, 'auditor');
    await insertSystems(org, [
      { key: 'P1', patch: 'current', patchAgo: 1 },
      { key: 'P2', patch: 'current', patchAgo: 1 },
      { key: 'P3', patch: 'current', patchAgo: 1 },
    ]);
    const c7 = async () => figure(byN((await call(token, 'GET', card(org))).json().criteria)[7]);
    expect(await c7()).toEqual({ status: 'passed', numerator: 3, denominator: 3 });
    let n = 0;
    async function finding(system: string, severity: string, state: string, dueAgo: number) {
      n += 1;
      await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
        sql`insert into findings (org_id, fingerprint, family, host, rule, title, severity, state, system_id,
              due_on, state_reason, accepted_until)
            values (${org.id}, ${n.toString(16).padStart(64, '0')}, 'nessus', ${`host${n}`}, ${`rule${n}`},
              ${`Finding ${n}`}, ${severity}, ${state}, ${ids.get(`${org.slug}/${system}`) ?? null},
              current_date - ${dueAgo}::integer, ${state === 'risk_accepted' ? 'accepted' : null},
              ${state === 'risk_accepted' ? sql`current_date + 30` : sql`null`})`.execute(tx.q),
      );
    }
    // Not counted against patching: a medium overdue, a high not yet due (due today), a fixed
    // high past due, an accepted critical past due.
    await finding('P1', 'medium', 'open', 10);
    await finding('P1', 'high', 'open', 0);
    await finding('P2', 'high', 'fixed', 10);
    await finding('P2', 'critical', 'risk_accepted', 10);
    expect(await c7()).toEqual({ status: 'passed', numerator: 3, denominator: 3 });
    // An open high finding one day past its due date: P3 is no longer patched.
    await finding('P3', 'high', 'open', 1);
    // An in-progress critical one past due: P1 neither.
    await finding('P1', 'critical', 'in_progress', 5);
    expect(await c7()).toEqual({ status: 'failed', numerator: 1, denominator: 3 });
    const evidence = (await call(token, 'GET', `${card(org)}/criteria/7/evidence`)).json();
    expect(
      evidence.items.map((i: Json) => [i.key, i.passing, (i.fields as Json).overdue_high_findings]),
    ).toEqual([
      ['P1', false, 1],
      ['P2', true, 0],
      ['P3', false, 1],
    ]);
  });

  it("refuses another organisation's actors on the scorecard routes", async () => {
    const other = await createToken(t, empty.slug, 'security_officer');
    for (const [method, url] of [
      ['GET', card(a)],
      ['GET', `${card(a)}/criteria/5/evidence`],
      ['POST', `${card(a)}/snapshots`],
      ['GET', `${card(a)}/trend`],
      ['GET', confirmations(a)],
      ['GET', `${confirmations(a)}/00000000-0000-4000-8000-000000000000`],
      ['POST', confirmations(a)],
    ] as const) {
      const body = method === 'POST' && url === confirmations(a) ? { code: '123456' } : undefined;
      const r = await call(other, method, url, body);
      expect({ url, status: r.statusCode }).toEqual({ url, status: 403 });
      expect(r.json().code).toBe('error.org_forbidden');
    }
  });
});
