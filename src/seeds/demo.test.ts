import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../test/databases.js';
import { startTestApp, type TestApp } from '../../test/server.js';
import { withTenant } from '../server/db/tenant.js';
import {
  DEMO_CONTACTS,
  DEMO_INVITATIONS,
  DEMO_ORGS,
  DEMO_PEOPLE,
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
  /** Session cookies by e-mail, from the sign-in test. */
  const sessions = new Map<string, string>();
  beforeAll(async () => {
    t = await startTestApp(engine);
    ({ logins } = await seedDemo(t.runtime.ctx));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Signs in through the API, with the demo TOTP code where MFA is required; the session cookie. */
  const signIn = async (login: DemoLogin, remoteAddress: string): Promise<string> => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      payload: { email: login.email, password: login.password },
    });
    expect(res.statusCode, login.email).toBe(200);
    const first = res.json() as { next: string; csrf_token: string };
    const cookie = `vaern_session=${res.cookies.find((c) => c.name === 'vaern_session')?.value}`;
    expect(first.next, login.email).toBe(login.totpSecret ? 'mfa' : 'done');
    if (first.next !== 'mfa') return cookie;
    const totp = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), digits: 6, period: 30 });
    const verified = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      remoteAddress,
      headers: { cookie, 'x-csrf-token': first.csrf_token },
      payload: { code: totp.generate() },
    });
    expect(verified.statusCode, login.email).toBe(200);
    return `vaern_session=${verified.cookies.find((c) => c.name === 'vaern_session')?.value}`;
  };

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
      'user.create': DEMO_USERS.length + DEMO_PEOPLE.length,
      'membership.add': DEMO_USERS.filter((u) => u.membership).length + DEMO_PEOPLE.length,
      'contact.create': DEMO_CONTACTS.length,
      'user.mfa_enable': logins.filter((l) => l.totpSecret).length,
      'auditor_grant.create': DEMO_USERS.filter((u) => u.grant).length,
      'invitation.create': DEMO_INVITATIONS.length,
    });
  });

  it('every demo login signs in through the API, with the demo TOTP code where MFA is required', async () => {
    for (const [i, login] of logins.entries()) {
      const remoteAddress = `127.0.1.${i + 1}`;
      const cookie = await signIn(login, remoteAddress);
      sessions.set(login.email, cookie);
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
        memberships: Array<{ org: string; roles: string[]; access_until: string | null }>;
      };
      expect(body.stage).toBe('full');
      if (login.role === 'platform_admin') expect(body.user.platform_admin).toBe(true);
      else if (login.via === 'grant') {
        // The external auditor's access ends by itself, and covers this year's records only.
        expect(body.memberships).toEqual([
          expect.objectContaining({
            org: login.org,
            roles: ['auditor'],
            access_until: expect.any(String),
            data_period: { from: `${new Date().getUTCFullYear()}-01-01`, to: null },
          }),
        ]);
      } else
        expect(body.memberships).toEqual([
          expect.objectContaining({
            org: login.org,
            roles: [login.role],
            access_until: null,
            data_period: null,
          }),
        ]);
    }
  });

  it('gives every organisation contacts on .example domains, some overdue in the sector view', async () => {
    const coordinator = logins.find((l) => l.role === 'sector_coordinator');
    if (!coordinator) throw new Error('no sector coordinator among the demo logins');
    // Its session from the sign-in test: the same TOTP code cannot be used twice.
    const cookie = sessions.get(coordinator.email);
    if (!cookie) throw new Error('the sector coordinator has no session: see the sign-in test');
    type Item = { org: { slug: string }; role: string; phone: string; email: string; overdue: boolean };
    const sector = async (query: string) => {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/sector/contacts?limit=500${query}`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(200);
      return (res.json() as { items: Item[] }).items;
    };
    const all = await sector('');
    expect(all).toHaveLength(DEMO_CONTACTS.length);
    for (const org of DEMO_ORGS) {
      const roles = all.filter((c) => c.org.slug === org.slug).map((c) => c.role);
      expect(roles, org.slug).toContain('security_officer');
      expect(roles, org.slug).toContain('it_on_call');
    }
    for (const c of all) {
      expect(c.email, c.email).toMatch(/^[a-z.]+@[a-z-]+\.example$/);
      expect(c.phone, c.phone).toMatch(/^\+45( \d\d){4}$/);
    }
    const overdue = await sector('&overdue=true');
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.length).toBeLessThan(all.length / 4);
    expect(overdue.every((c) => c.overdue)).toBe(true);
    expect(overdue.length).toBe(all.filter((c) => c.overdue).length);
  });

  it('refuses to load twice', async () => {
    await expect(seedDemo(t.runtime.ctx)).rejects.toBeInstanceOf(DemoAlreadyLoadedError);
  });
});
