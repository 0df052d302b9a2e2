import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  createOrg,
  createToken,
  createUser,
  login,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { upsertSetting } from './queries.js';
import { SECTOR_SETTING_KEYS, SETTING_KEYS } from './registry.js';

const BASE = '/api/v1/platform/settings';

interface Crit {
  n: number;
  status: string;
  numerator: number | null;
  denominator: number | null;
  threshold: number | null;
  detail: string;
}

/** The scorecard's thresholds and periods are the sector's: its coordinator sets them (issue 4). */
describe.each(engines())('sector settings on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let region: OrgFixture;
  let hospital: OrgFixture;
  let admin: SignedIn;
  let coordinator: SignedIn;
  let officer: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    sector = await createOrg(t, { slug: `sds-${engine}`, kind: 'sector_unit' });
    region = await createOrg(t, { slug: `sdr-${engine}`, kind: 'region' });
    hospital = await createOrg(t, { slug: `sdh-${engine}`, kind: 'hospital' });
    admin = await login(t, await createUser(t, { platformAdmin: true }));
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    officer = await createToken(t, region.slug, 'security_officer');
    // Four critical systems, three with multi-factor login: 75 %.
    for (const [key, mfa] of [
      ['S1', true],
      ['S2', true],
      ['S3', true],
      ['S4', false],
    ] as const) {
      const r = await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${region.slug}/inventory/systems`,
        headers: { authorization: officer },
        payload: { key, name: `System ${key}`, criticality: 'critical', mfa },
      });
      expect(r.statusCode, r.body).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const as = (me: SignedIn, method: string, url: string, payload?: unknown, lang = 'en') =>
    t.inject({
      method: method as 'GET',
      url,
      headers: { ...me.headers(), 'accept-language': lang },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const criteria = async (): Promise<Record<number, Crit>> => {
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${region.slug}/scorecard`,
      headers: { authorization: officer, 'accept-language': 'en' },
    });
    expect(r.statusCode, r.body).toBe(200);
    return Object.fromEntries((r.json().criteria as Crit[]).map((c) => [c.n, c]));
  };

  it('lists only the sector settings to the sector coordinator, every setting to a platform administrator', async () => {
    const mine = await as(coordinator, 'GET', BASE);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items.map((i: { key: string }) => i.key)).toEqual(SECTOR_SETTING_KEYS);
    const all = await as(admin, 'GET', BASE);
    expect(all.json().items.map((i: { key: string }) => i.key)).toEqual(SETTING_KEYS);
  });

  it('lets the coordinator change the thresholds and periods, audited; the scorecard and sector view use them', async () => {
    const before = await criteria();
    expect(before[5]).toMatchObject({ status: 'failed', numerator: 3, denominator: 4, threshold: 0.95 });
    expect(before[7]?.detail).toContain('within 30 days');

    try {
      const pass = await as(coordinator, 'PUT', `${BASE}/scorecard_pass_percent`, { value: 70 });
      expect(pass.statusCode, pass.body).toBe(200);
      expect(pass.json()).toMatchObject({ key: 'scorecard_pass_percent', value: 70, is_default: false });
      const days = await as(coordinator, 'PUT', `${BASE}/scorecard_patch_days`, { value: 45 });
      expect(days.statusCode, days.body).toBe(200);

      const after = await criteria();
      expect(after[5]).toMatchObject({ status: 'passed', numerator: 3, denominator: 4, threshold: 0.7 });
      expect(after[7]?.detail).toContain('within 45 days');

      const sectorView = await as(coordinator, 'GET', '/api/v1/sector/scorecards?limit=500');
      expect(sectorView.statusCode, sectorView.body).toBe(200);
      const row = sectorView
        .json()
        .items.find((i: { org: { slug: string } }) => i.org.slug === region.slug) as { criteria: Crit[] };
      expect(row.criteria.find((c) => c.n === 5)).toMatchObject({ status: 'passed', threshold: 0.7 });

      // The platform administrator sees the same value and the changes on the platform chain.
      const listed = (await as(admin, 'GET', BASE)).json().items as Array<{ key: string; value: unknown }>;
      expect(listed.find((i) => i.key === 'scorecard_pass_percent')?.value).toBe(70);
      const audit = (await as(admin, 'GET', '/api/v1/audit/platform?action=setting.update')).json()
        .items as Array<{
        target_id: string;
        actor: { type: string; id?: string };
        before: unknown;
        after: unknown;
      }>;
      expect(audit.slice(0, 2).map((e) => [e.target_id, e.actor.id, e.before, e.after])).toEqual([
        [
          'scorecard_patch_days',
          coordinator.userId,
          { value: 30, is_default: true },
          { value: 45, is_default: false },
        ],
        [
          'scorecard_pass_percent',
          coordinator.userId,
          { value: 95, is_default: true },
          { value: 70, is_default: false },
        ],
      ]);
    } finally {
      expect((await as(admin, 'PUT', `${BASE}/scorecard_pass_percent`, { value: 95 })).statusCode).toBe(200);
      expect((await as(admin, 'PUT', `${BASE}/scorecard_patch_days`, { value: 30 })).statusCode).toBe(200);
    }
    expect((await criteria())[5]).toMatchObject({ status: 'failed', threshold: 0.95 });
  });

  it('refuses the coordinator a platform setting and an out-of-range value, in Danish and English', async () => {
    const platform = await as(coordinator, 'PUT', `${BASE}/invitation_ttl_hours`, { value: 24 });
    expect(platform.statusCode).toBe(403);
    expect(platform.json().code).toBe('settings.platform_admin_only');
    const range = await as(coordinator, 'PUT', `${BASE}/scorecard_test_months`, { value: 37 }, 'da');
    expect(range.statusCode).toBe(400);
    expect(range.json().code).toBe('settings.out_of_range');
    expect(range.json().title).toBe(
      'Indstillingen "scorecard_test_months" skal være et helt tal fra 1 til 36.',
    );
    const listed = (await as(admin, 'GET', BASE)).json().items as Array<{ key: string; is_default: boolean }>;
    expect(listed.find((i) => i.key === 'invitation_ttl_hours')?.is_default).toBe(true);
    expect(listed.find((i) => i.key === 'scorecard_test_months')?.is_default).toBe(true);
  });

  it('refuses a plain member of the sector unit, a security officer and another organisation’s admin (403)', async () => {
    const people = {
      'sector member': await login(t, await createUser(t, { org: sector.slug, role: 'member' })),
      'sector admin': await login(t, await createUser(t, { org: sector.slug, role: 'admin' })),
      'region security officer': await login(
        t,
        await createUser(t, { org: region.slug, role: 'security_officer' }),
      ),
      'hospital admin': await login(t, await createUser(t, { org: hospital.slug, role: 'admin' })),
    };
    for (const [who, person] of Object.entries(people)) {
      const read = await as(person, 'GET', BASE);
      expect({ who, status: read.statusCode }).toEqual({ who, status: 403 });
      for (const lang of ['en', 'da']) {
        const write = await as(person, 'PUT', `${BASE}/scorecard_pass_percent`, { value: 50 }, lang);
        expect({ who, status: write.statusCode, code: write.json().code }).toEqual({
          who,
          status: 403,
          code: 'settings.sector_only',
        });
        expect(write.json().title).toBe(
          lang === 'da'
            ? 'Kun en sektorkoordinator eller en platformadministrator kan se og ændre sektorens indstillinger.'
            : 'Only a sector coordinator or a platform administrator can see and change the sector’s settings.',
        );
      }
    }
    const token = await t.inject({
      method: 'PUT',
      url: `${BASE}/scorecard_pass_percent`,
      headers: { authorization: officer },
      payload: { value: 50 },
    });
    expect(token.statusCode).toBe(403);
    expect((await criteria())[5]).toMatchObject({ threshold: 0.95 });
  });

  it('lets the database write a sector setting only with a sector unit in scope, and no platform setting', async () => {
    const by = { type: 'operator' as const };
    const attempt = (orgIds: string[], key: string) =>
      withTenant(t.runtime.ctx.db.kysely, { orgIds }, (tx) => upsertSetting(tx, key, 12, by)).then(
        () => 'written',
        (e: Error) => (/row-level security/.test(e.message) ? 'refused' : e.message),
      );
    expect(await attempt([hospital.id], 'scorecard_test_months')).toBe('refused');
    expect(await attempt([hospital.id, region.id], 'scorecard_test_months')).toBe('refused');
    expect(await attempt([sector.id], 'invitation_ttl_hours')).toBe('refused');
    expect(await attempt([sector.id], 'scorecard_test_months')).toBe('written');
    // The second write updates the row the first inserted.
    expect(await attempt([sector.id], 'scorecard_test_months')).toBe('written');
    expect(await attempt([hospital.id], 'scorecard_test_months')).toBe('refused');
  });
});
