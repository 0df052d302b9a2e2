import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../test/databases.js';
import { startTestApp, type TestApp } from '../../test/server.js';
import { withTenant } from '../server/db/tenant.js';
import {
  DEMO_ORGS,
  DEMO_SECTOR_SLUG,
  DEMO_TOTP_SECRET,
  DEMO_USERS,
  DemoAlreadyLoadedError,
  type DemoLogin,
  seedDemo,
} from './demo.js';

describe.each(engines())('the demo seed (%s)', (engine) => {
  let t: TestApp;
  let logins: DemoLogin[];
  beforeAll(async () => {
    t = await startTestApp(engine);
    ({ logins } = await seedDemo(t.runtime.ctx));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('builds the sector: unit, five regions with hospitals, and the smaller organisations', async () => {
    const res = await t.asOperator('GET', '/api/v1/orgs?limit=500');
    const orgs = (
      res.json() as {
        items: Array<{ slug: string; kind: string; parent: string | null; region: string | null }>;
      }
    ).items;
    expect(orgs).toHaveLength(DEMO_ORGS.length);
    expect(orgs.find((o) => o.slug === DEMO_SECTOR_SLUG)?.kind).toBe('sector_unit');
    const regions = orgs.filter((o) => o.kind === 'region');
    expect(regions.map((o) => o.slug).sort()).toEqual([
      'region-hovedstaden',
      'region-midtjylland',
      'region-nordjylland',
      'region-sjaelland',
      'region-syddanmark',
    ]);
    for (const r of regions) {
      expect(
        orgs.some((o) => o.kind === 'hospital' && o.parent === r.slug),
        r.slug,
      ).toBe(true);
    }
    for (const kind of ['municipality', 'practice', 'pharmacy']) {
      const some = orgs.filter((o) => o.kind === kind);
      expect(some.length, kind).toBeGreaterThan(0);
      for (const o of some)
        expect(
          regions.map((r) => r.slug),
          o.slug,
        ).toContain(o.region);
    }
    expect(orgs.some((o) => o.kind === 'supplier')).toBe(true);
  });

  it('returns one login per role, a TOTP secret exactly for the roles that require MFA', () => {
    const roles = logins.map((l) => l.role);
    for (const role of [
      'platform_admin',
      'sector_coordinator',
      'admin',
      'security_officer',
      'system_owner',
      'management',
      'auditor',
      'member',
    ]) {
      expect(roles).toContain(role);
    }
    const mfa = ['platform_admin', 'sector_coordinator', 'admin', 'security_officer', 'management'];
    for (const l of logins) expect(l.totpSecret !== undefined, l.email).toBe(mfa.includes(l.role));
  });

  it('records every change in the audit trail as the operator "seed"', async () => {
    const rows = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const r = await sql<{ action: string; n: number }>`
        select action, count(*)::int as n from audit_log
        where actor->>'type' = 'operator' and actor->>'name' = 'seed' group by action`.execute(tx.q);
      return Object.fromEntries(r.rows.map((x) => [x.action, x.n]));
    });
    expect(rows).toEqual({
      'organisation.create': DEMO_ORGS.length,
      'user.create': DEMO_USERS.length,
      'membership.add': DEMO_USERS.filter((u) => u.membership).length,
      'user.mfa_enable': logins.filter((l) => l.totpSecret).length,
    });
  });

  it('every demo login signs in through the API, with the demo TOTP code where MFA is required', async () => {
    const totp = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), digits: 6, period: 30 });
    for (const [i, login] of logins.entries()) {
      const remoteAddress = `127.0.1.${i + 1}`;
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        payload: { email: login.email, password: login.password },
      });
      expect(res.statusCode, login.email).toBe(200);
      const first = res.json() as { next: string; csrf_token: string };
      let cookie = `vaern_session=${res.cookies.find((c) => c.name === 'vaern_session')?.value}`;
      expect(first.next, login.email).toBe(login.totpSecret ? 'mfa' : 'done');
      if (first.next === 'mfa') {
        const verified = await t.inject({
          method: 'POST',
          url: '/api/v1/auth/mfa/verify',
          remoteAddress,
          headers: { cookie, 'x-csrf-token': first.csrf_token },
          payload: { code: totp.generate() },
        });
        expect(verified.statusCode, login.email).toBe(200);
        cookie = `vaern_session=${verified.cookies.find((c) => c.name === 'vaern_session')?.value}`;
      }
      const session = await t.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        remoteAddress,
        headers: { cookie },
      });
      expect(session.statusCode, login.email).toBe(200);
      const body = session.json() as {
        stage: string;
        user: { platform_admin: boolean };
        memberships: Array<{ org: string; roles: string[] }>;
      };
      expect(body.stage).toBe('full');
      if (login.role === 'platform_admin') expect(body.user.platform_admin).toBe(true);
      else
        expect(body.memberships).toEqual([{ org: login.org, kind: expect.any(String), roles: [login.role] }]);
    }
  });

  it('refuses to load twice', async () => {
    await expect(seedDemo(t.runtime.ctx)).rejects.toBeInstanceOf(DemoAlreadyLoadedError);
  });
});
