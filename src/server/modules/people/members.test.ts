import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createUser,
  createUserWithMfa,
  login,
  type SignedIn,
  type UserFixture,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

/** The actions recorded on a chain for a target, oldest first (read as the operator). */
async function auditOf(t: TestApp, chain: string, targetId: string) {
  return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
    const r = await sql<{ action: string; before: unknown; after: unknown; actor: { id?: string } }>`
      select action, before, after, actor from audit_log
      where org_id = ${chain}::uuid and target_id = ${targetId} order by seq`.execute(tx.q);
    return r.rows;
  });
}

describe.each(engines())('member management on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const as = (me: SignedIn, method: string, url: string, payload?: unknown) =>
    t.inject({
      method: method as 'GET',
      url,
      headers: me.headers(),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const signIn = (user: UserFixture, password = user.password) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: clientAddress(),
      payload: { email: user.email, password },
    });
  const sessionOf = (me: SignedIn) =>
    t.inject({ method: 'GET', url: '/api/v1/auth/session', headers: me.headers() });

  /** An organisation with one signed-in admin. */
  async function orgWithAdmin(kind: 'hospital' | 'sector_unit' = 'hospital') {
    const org = await createOrg(t, { kind });
    const adminUser = await createUser(t, { org: org.slug, role: 'admin' });
    const admin = await login(t, adminUser);
    return { org, adminUser, admin };
  }

  it('replaces roles in one step, audited with before and after, and lists name and MFA state', async () => {
    const { org, admin } = await orgWithAdmin();
    const person = await createUser(t, { org: org.slug, role: 'member', name: 'Mette Madsen' });
    const url = `/api/v1/orgs/${org.slug}/members/${person.id}`;
    const r = await as(admin, 'PUT', url, { roles: ['system_owner', 'auditor'] });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      user_id: person.id,
      email: person.email,
      name: 'Mette Madsen',
      roles: ['auditor', 'system_owner'],
    });
    const list = await as(admin, 'GET', `/api/v1/orgs/${org.slug}/members?limit=50`);
    const items = list.json().items as Array<{
      user_id: string;
      roles: string[];
      mfa_enabled: boolean;
      name: string;
    }>;
    expect(items.find((m) => m.user_id === person.id)).toMatchObject({
      name: 'Mette Madsen',
      roles: ['auditor', 'system_owner'],
      mfa_enabled: false,
    });
    expect(items.find((m) => m.user_id === admin.userId)?.mfa_enabled).toBe(true);
    const audit = await auditOf(t, org.id, person.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'member.roles_change',
      before: { roles: ['member'] },
      after: { roles: ['auditor', 'system_owner'] },
      actor: { id: admin.userId },
    });
  });

  it('refuses duplicate, empty and misplaced roles, non-members, and the last admin', async () => {
    const { org, admin, adminUser } = await orgWithAdmin();
    const person = await createUser(t, { org: org.slug, role: 'member' });
    const url = `/api/v1/orgs/${org.slug}/members/${person.id}`;
    expect((await as(admin, 'PUT', url, { roles: [] })).statusCode).toBe(400);
    expect((await as(admin, 'PUT', url, { roles: ['member', 'member'] })).statusCode).toBe(400);
    const coordinator = await as(admin, 'PUT', url, { roles: ['sector_coordinator'] });
    expect(coordinator.statusCode).toBe(400);
    expect(coordinator.json().code).toBe('directory.role_not_allowed');
    const stranger = await createUser(t);
    const missing = await as(admin, 'PUT', `/api/v1/orgs/${org.slug}/members/${stranger.id}`, {
      roles: ['member'],
    });
    expect(missing.statusCode).toBe(404);
    const last = await as(admin, 'PUT', `/api/v1/orgs/${org.slug}/members/${adminUser.id}`, {
      roles: ['security_officer'],
    });
    expect(last.statusCode).toBe(409);
    expect(last.json().code).toBe('people.last_admin');
    // With a second admin the first may step down.
    await as(admin, 'PUT', url, { roles: ['admin'] });
    const stepDown = await as(admin, 'PUT', `/api/v1/orgs/${org.slug}/members/${adminUser.id}`, {
      roles: ['member'],
    });
    expect(stepDown.statusCode).toBe(200);
  });

  it('allows sector_coordinator in a sector unit', async () => {
    const { org, admin } = await orgWithAdmin('sector_unit');
    const person = await createUser(t, { org: org.slug, role: 'member' });
    const r = await as(admin, 'PUT', `/api/v1/orgs/${org.slug}/members/${person.id}`, {
      roles: ['sector_coordinator'],
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().roles).toEqual(['sector_coordinator']);
  });

  it('two admins demoting each other at once leave one admin', async () => {
    const { org, admin, adminUser } = await orgWithAdmin();
    const secondUser = await createUser(t, { org: org.slug, role: 'admin' });
    const second = await login(t, secondUser);
    const [a, b] = await Promise.all([
      as(admin, 'PUT', `/api/v1/orgs/${org.slug}/members/${secondUser.id}`, { roles: ['member'] }),
      as(second, 'PUT', `/api/v1/orgs/${org.slug}/members/${adminUser.id}`, { roles: ['member'] }),
    ]);
    const codes = [a.statusCode, b.statusCode].sort();
    // One wins; the other is refused (last admin) or, having lost its admin role, forbidden.
    expect(codes[0]).toBe(200);
    expect([403, 409]).toContain(codes[1]);
    const list = await t.asOperator('GET', `/api/v1/orgs/${org.slug}/members`);
    const admins = (list.json().items as Array<{ roles: string[] }>).filter((m) => m.roles.includes('admin'));
    expect(admins).toHaveLength(1);
  });

  it('refuses every management route to non-admins and to another organisation’s admin', async () => {
    const { org } = await orgWithAdmin();
    const { admin: otherAdmin } = await orgWithAdmin();
    const officer = await login(t, await createUser(t, { org: org.slug, role: 'security_officer' }));
    const person = await createUser(t, { org: org.slug, role: 'member' });
    const base = `/api/v1/orgs/${org.slug}/members/${person.id}`;
    const calls: Array<[string, string, unknown?]> = [
      ['PUT', base, { roles: ['auditor'] }],
      ['DELETE', base],
      ['POST', `${base}/mfa-reset`],
      ['POST', `${base}/password-reset`],
    ];
    for (const [method, url, body] of calls) {
      const asOfficer = await as(officer, method, url, body);
      expect(asOfficer.statusCode, `${method} ${url} as security officer`).toBe(403);
      const asOther = await as(otherAdmin, method, url, body);
      expect(asOther.statusCode, `${method} ${url} as another organisation's admin`).toBe(403);
    }
    const list = await t.asOperator('GET', `/api/v1/orgs/${org.slug}/members`);
    expect((list.json().items as Array<{ user_id: string }>).some((m) => m.user_id === person.id)).toBe(true);
  });

  it('deactivates a leaver: roles, tokens and sessions go at once, the account is deactivated, audited', async () => {
    const { org, admin } = await orgWithAdmin();
    const leaverUser = await createUser(t, { org: org.slug, role: 'security_officer' });
    const leaver = await login(t, leaverUser);
    const token = await as(leaver, 'POST', `/api/v1/orgs/${org.slug}/tokens`, {
      name: 'scanner',
      role: 'member',
    });
    expect(token.statusCode).toBe(201);
    const bearer = `Bearer ${token.json().token}`;
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/orgs/${org.slug}`, headers: { authorization: bearer } }))
        .statusCode,
    ).toBe(200);
    expect((await sessionOf(leaver)).statusCode).toBe(200);

    const r = await as(admin, 'DELETE', `/api/v1/orgs/${org.slug}/members/${leaverUser.id}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      user_id: leaverUser.id,
      removed_roles: ['security_officer'],
      tokens_revoked: 1,
      sessions_revoked: 1,
      account_deactivated: true,
    });
    // The old cookie and the token they created stop working with the very next request.
    expect((await sessionOf(leaver)).statusCode).toBe(401);
    expect((await as(leaver, 'GET', `/api/v1/orgs/${org.slug}/members`)).statusCode).toBe(401);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/orgs/${org.slug}`, headers: { authorization: bearer } }))
        .statusCode,
    ).toBe(401);
    expect((await signIn(leaverUser)).statusCode).toBe(401);
    const audit = await auditOf(t, org.id, leaverUser.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'member.deactivate',
      before: { roles: ['security_officer'] },
      after: { tokens_revoked: 1, account_deactivated: true },
    });
    expect((await as(admin, 'DELETE', `/api/v1/orgs/${org.slug}/members/${leaverUser.id}`)).statusCode).toBe(
      404,
    );
  });

  it('keeps the account of a person who belongs elsewhere, refuses removing oneself and the last admin', async () => {
    const { org, admin, adminUser } = await orgWithAdmin();
    const other = await createOrg(t);
    const person = await createUser(t, { org: org.slug, role: 'member' });
    await t.asOperator('POST', `/api/v1/orgs/${other.slug}/members`, { email: person.email, role: 'member' });
    // The operator may remove them here; they keep their account for the other organisation.
    const r = await t.asOperator('DELETE', `/api/v1/orgs/${org.slug}/members/${person.id}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ removed_roles: ['member'], account_deactivated: false });
    expect((await signIn(person)).statusCode).toBe(200);

    const self = await as(admin, 'DELETE', `/api/v1/orgs/${org.slug}/members/${adminUser.id}`);
    expect(self.statusCode).toBe(409);
    expect(self.json().code).toBe('people.cannot_remove_self');
    const last = await t.asOperator('DELETE', `/api/v1/orgs/${org.slug}/members/${adminUser.id}`);
    expect(last.statusCode).toBe(409);
    expect(last.json().code).toBe('people.last_admin');
  });

  it('resets a member’s MFA: seed and sessions gone, enrolment asked again at sign-in, audited', async () => {
    const { org, admin } = await orgWithAdmin();
    const personUser = await createUserWithMfa(t, { org: org.slug, role: 'security_officer' });
    const person = await login(t, personUser);
    const r = await as(admin, 'POST', `/api/v1/orgs/${org.slug}/members/${personUser.id}/mfa-reset`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ user_id: personUser.id });
    expect((await sessionOf(person)).statusCode).toBe(401);
    const again = await signIn(personUser);
    expect(again.statusCode).toBe(200);
    expect(again.json().next).toBe('enrol');
    const list = await as(admin, 'GET', `/api/v1/orgs/${org.slug}/members`);
    const row = (list.json().items as Array<{ user_id: string; mfa_enabled: boolean }>).find(
      (m) => m.user_id === personUser.id,
    );
    expect(row?.mfa_enabled).toBe(false);
    const audit = await auditOf(t, org.id, personUser.id);
    // Both sessions end: the one of the enrolment (createUserWithMfa) and the one of login above.
    expect(audit.at(-1)).toMatchObject({ action: 'member.mfa_reset', after: { sessions_revoked: 2 } });
  });

  it('resets a member’s password without SMTP: the old one stops, the returned link sets a new one', async () => {
    const { org, admin } = await orgWithAdmin();
    const personUser = await createUser(t, { org: org.slug, role: 'member' });
    const person = await login(t, personUser);
    const r = await as(admin, 'POST', `/api/v1/orgs/${org.slug}/members/${personUser.id}/password-reset`);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.sent).toBe(false);
    expect(body.link).toMatch(new RegExp(`^${t.config.publicUrl}/reset-password#token=[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
    expect((await sessionOf(person)).statusCode).toBe(401);
    expect((await signIn(personUser)).statusCode).toBe(401);
    const token = String(body.link).split('#token=')[1];
    const done = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/complete',
      payload: { token, password: 'a brand new passphrase' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ email: personUser.email });
    expect((await signIn(personUser, 'a brand new passphrase')).statusCode).toBe(200);
    const audit = await auditOf(t, org.id, personUser.id);
    expect(audit.at(-1)?.action).toBe('member.password_reset');
    expect(JSON.stringify(audit.at(-1))).not.toContain(token);
  });

  it('guards against escalation: another organisation’s member or a platform admin needs a platform admin', async () => {
    const { org, admin } = await orgWithAdmin();
    const { org: orgB, admin: adminB, adminUser: adminBUser } = await orgWithAdmin();
    // B's admin is also a plain member of A: A's admin must not take over their account.
    await t.asOperator('POST', `/api/v1/orgs/${org.slug}/members`, {
      email: adminBUser.email,
      role: 'member',
    });
    const base = `/api/v1/orgs/${org.slug}/members/${adminBUser.id}`;
    for (const url of [`${base}/mfa-reset`, `${base}/password-reset`]) {
      const r = await as(admin, 'POST', url);
      expect(r.statusCode, url).toBe(403);
      expect(r.json().code).toBe('people.needs_platform_admin');
    }
    expect((await sessionOf(adminB)).statusCode).toBe(200);
    expect((await signIn(adminBUser)).statusCode).toBe(200);

    const platformAdmin = await createUser(t, { org: org.slug, role: 'member', platformAdmin: true });
    for (const [method, url] of [
      ['POST', `/api/v1/orgs/${org.slug}/members/${platformAdmin.id}/password-reset`],
      ['DELETE', `/api/v1/orgs/${org.slug}/members/${platformAdmin.id}`],
    ] as const) {
      const r = await as(admin, method, url);
      expect(r.statusCode, `${method} ${url}`).toBe(403);
      expect(r.json().code).toBe('people.needs_platform_admin');
    }

    // Removing a leaver takes nothing over: A's admin removes B's admin from A; they stay B's admin
    // and keep their account, only their sessions end.
    const removed = await as(admin, 'DELETE', base);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ removed_roles: ['member'], account_deactivated: false });
    expect((await sessionOf(adminB)).statusCode).toBe(401);
    const again = await login(t, adminBUser);
    const stillB = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${orgB.slug}/members`,
      headers: again.headers(),
    });
    expect(stillB.statusCode).toBe(200);
    await t.asOperator('POST', `/api/v1/orgs/${org.slug}/members`, {
      email: adminBUser.email,
      role: 'member',
    });

    // An admin of both organisations may act.
    const bothUser = await createUser(t, { org: org.slug, role: 'admin' });
    await t.asOperator('POST', `/api/v1/orgs/${orgB.slug}/members`, { email: bothUser.email, role: 'admin' });
    const both = await login(t, bothUser);
    const ok = await as(both, 'POST', `${base}/mfa-reset`);
    expect(ok.statusCode).toBe(200);
  });
});
