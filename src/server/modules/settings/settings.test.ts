import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, login, type SignedIn } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { SETTING_KEYS, SETTINGS } from './registry.js';

const BASE = '/api/v1/platform/settings';

describe.each(engines())('platform settings on %s', (engine) => {
  let t: TestApp;
  let admin: SignedIn;
  beforeAll(async () => {
    t = await startTestApp(engine);
    admin = await login(t, await createUser(t, { platformAdmin: true }));
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

  it('lists every setting of the registry with its default to a platform administrator', async () => {
    const r = await as(admin, 'GET', BASE);
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.key)).toEqual(SETTING_KEYS);
    const ttl = items.find((i) => i.key === 'invitation_ttl_hours');
    expect(ttl).toEqual({
      key: 'invitation_ttl_hours',
      value: SETTINGS.invitation_ttl_hours.default,
      default: SETTINGS.invitation_ttl_hours.default,
      is_default: true,
      updated_at: null,
    });
  });

  it('changes a setting, shows it in the list and records before and after on the platform chain', async () => {
    const r = await as(admin, 'PUT', `${BASE}/auditor_grant_max_days`, { value: 90 });
    expect(r.statusCode).toBe(200);
    const item = r.json();
    expect(item).toMatchObject({ key: 'auditor_grant_max_days', value: 90, default: 365, is_default: false });
    expect(Date.parse(item.updated_at)).toBeGreaterThan(Date.now() - 60_000);
    const listed = (await as(admin, 'GET', BASE)).json().items;
    expect(listed.find((i: { key: string }) => i.key === 'auditor_grant_max_days').value).toBe(90);

    const again = await as(admin, 'PUT', `${BASE}/auditor_grant_max_days`, { value: 120 });
    expect(again.json().value).toBe(120);

    const audit = (await as(admin, 'GET', '/api/v1/audit/platform?action=setting.update')).json().items;
    expect(
      audit.map((e: { target_id: string; before: unknown; after: unknown }) => ({
        target: e.target_id,
        before: e.before,
        after: e.after,
      })),
    ).toEqual([
      {
        target: 'auditor_grant_max_days',
        before: { value: 90, is_default: false },
        after: { value: 120, is_default: false },
      },
      {
        target: 'auditor_grant_max_days',
        before: { value: 365, is_default: true },
        after: { value: 90, is_default: false },
      },
    ]);
  });

  it('refuses a value outside the range with the range in Danish and English, and changes nothing', async () => {
    for (const value of [0, 10_081, 30.5, '60', null, true]) {
      const en = await as(admin, 'PUT', `${BASE}/password_reset_ttl_minutes`, { value });
      expect({ value, status: en.statusCode, code: en.json().code }).toEqual({
        value,
        status: 400,
        code: 'settings.out_of_range',
      });
      expect(en.json().title).toBe(
        'The setting "password_reset_ttl_minutes" must be a whole number from 10 to 10080.',
      );
    }
    const da = await as(admin, 'PUT', `${BASE}/password_reset_ttl_minutes`, { value: 5 }, 'da');
    expect(da.json().title).toBe(
      'Indstillingen "password_reset_ttl_minutes" skal være et helt tal fra 10 til 10080.',
    );
    const missing = await as(admin, 'PUT', `${BASE}/password_reset_ttl_minutes`, {});
    expect(missing.statusCode).toBe(400);
    const extra = await as(admin, 'PUT', `${BASE}/password_reset_ttl_minutes`, { value: 30, other: 1 });
    expect(extra.statusCode).toBe(400);
    const listed = (await as(admin, 'GET', BASE)).json().items;
    expect(listed.find((i: { key: string }) => i.key === 'password_reset_ttl_minutes')).toMatchObject({
      value: 60,
      is_default: true,
    });
  });

  it('answers 404 settings.unknown_key for a key the registry does not have', async () => {
    const r = await as(admin, 'PUT', `${BASE}/no_such_setting`, { value: 1 });
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('settings.unknown_key');
    expect(r.json().title).toContain('no_such_setting');
  });

  it('refuses people who are not platform administrators, and tokens; lets the operator', async () => {
    const org = await createOrg(t);
    for (const role of ['admin', 'security_officer', 'auditor'] as const) {
      const person = await login(t, await createUser(t, { org: org.slug, role }));
      const read = await as(person, 'GET', BASE);
      expect({ role, status: read.statusCode, code: read.json().code }).toEqual({
        role,
        status: 403,
        code: 'settings.platform_admin_only',
      });
      const write = await as(person, 'PUT', `${BASE}/invitation_ttl_hours`, { value: 24 });
      expect({ role, status: write.statusCode }).toEqual({ role, status: 403 });
    }
    const bearer = await createToken(t, org.slug, 'security_officer');
    const byToken = await t.inject({ method: 'GET', url: BASE, headers: { authorization: bearer } });
    expect(byToken.statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: BASE })).statusCode).toBe(401);

    const op = await t.asOperator('PUT', `${BASE}/invitation_ttl_hours`, { value: 24 });
    expect(op.statusCode).toBe(200);
    expect(op.json()).toMatchObject({ key: 'invitation_ttl_hours', value: 24, is_default: false });
    expect((await t.asOperator('GET', BASE)).json().items[0]).toMatchObject({ value: 24 });
  });
});
