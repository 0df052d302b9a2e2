import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createUser,
  login,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type SmtpServer, startSmtpServer } from '../../../../test/smtp.js';
import { withTenant } from '../../db/tenant.js';

const NEW_PASSWORD = 'a long enough passphrase';

async function auditActions(t: TestApp, chain: string) {
  return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
    const r = await sql<{ action: string; target_id: string | null; after: unknown }>`
      select action, target_id, after from audit_log where org_id = ${chain}::uuid order by seq`.execute(
      tx.q,
    );
    return r.rows;
  });
}

const tokenOf = (link: string) => link.split('#token=')[1] ?? '';

function helpers(get: () => TestApp) {
  const as = (me: SignedIn, method: string, url: string, payload?: unknown) =>
    get().inject({
      method: method as 'GET',
      url,
      headers: me.headers(),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const pub = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    get().inject({
      method: 'POST',
      url,
      remoteAddress: clientAddress(),
      headers,
      payload: payload as object,
    });
  async function orgWithAdmin(): Promise<{ org: OrgFixture; admin: SignedIn }> {
    const org = await createOrg(get());
    const admin = await login(
      get(),
      await createUser(get(), { org: org.slug, role: 'admin', name: 'Anne Admin' }),
    );
    return { org, admin };
  }
  return { as, pub, orgWithAdmin };
}

describe.each(engines())('invitations without SMTP on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });
  const { as, pub, orgWithAdmin } = helpers(() => t);

  it('invites, shows the link to the admin, and the invitee creates an account and signs in', async () => {
    const { org, admin } = await orgWithAdmin();
    const created = await as(admin, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
      email: 'Ny.Person@Example.dk',
      name: 'Ny Person',
      roles: ['system_owner', 'member'],
    });
    expect(created.statusCode).toBe(201);
    const inv = created.json();
    expect(inv).toMatchObject({
      email: 'ny.person@example.dk',
      name: 'Ny Person',
      roles: ['member', 'system_owner'],
      status: 'pending',
      sent: false,
      invited_by: 'Anne Admin',
      accepted_at: null,
    });
    expect(inv.link).toMatch(new RegExp(`^${t.config.publicUrl}/invitation#token=[A-Za-z0-9_-]{43}$`));
    // Valid for the default invitation_ttl_hours (168).
    const hours = (Date.parse(inv.expires_at) - Date.parse(inv.created_at)) / 3_600_000;
    expect(hours).toBeCloseTo(168, 1);
    const token = tokenOf(inv.link);

    const lookup = await pub('/api/v1/invitations/lookup', { token });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json()).toEqual({
      org: { slug: org.slug, name: `Organisation ${org.slug}` },
      email: 'ny.person@example.dk',
      name: 'Ny Person',
      roles: ['member', 'system_owner'],
      expires_at: inv.expires_at,
      account_exists: false,
    });

    const short = await pub('/api/v1/invitations/accept', { token, name: 'Ny Person', password: 'short' });
    expect(short.statusCode).toBe(400);
    const accepted = await pub('/api/v1/invitations/accept', {
      token,
      name: 'Ny Person',
      password: NEW_PASSWORD,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({
      email: 'ny.person@example.dk',
      org: { slug: org.slug, name: `Organisation ${org.slug}` },
      account_created: true,
      roles: ['member', 'system_owner'],
    });
    const signIn = await pub('/api/v1/auth/login', { email: 'ny.person@example.dk', password: NEW_PASSWORD });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json().next).toBe('done');

    const members = await as(admin, 'GET', `/api/v1/orgs/${org.slug}/members`);
    expect(members.json().items).toContainEqual(
      expect.objectContaining({ email: 'ny.person@example.dk', roles: ['member', 'system_owner'] }),
    );
    const list = await as(admin, 'GET', `/api/v1/orgs/${org.slug}/invitations`);
    expect(list.json().items[0]).toMatchObject({ id: inv.id, status: 'accepted' });
    expect(list.json().items[0].accepted_at).not.toBeNull();

    // Single use.
    const again = await pub('/api/v1/invitations/accept', { token, name: 'X', password: NEW_PASSWORD });
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('people.invitation_invalid');
    expect((await pub('/api/v1/invitations/lookup', { token })).statusCode).toBe(410);

    const actions = await auditActions(t, org.id);
    const create = actions.find((a) => a.action === 'invitation.create');
    expect(create?.target_id).toBe(inv.id);
    expect(JSON.stringify(actions)).not.toContain(token);
    expect(actions.find((a) => a.action === 'invitation.accept')?.after).toMatchObject({
      email: 'ny.person@example.dk',
      account_created: true,
    });
  });

  it('refuses a member’s address, a second pending invitation, and a misplaced role', async () => {
    const { org, admin } = await orgWithAdmin();
    const member = await createUser(t, { org: org.slug, role: 'member' });
    const url = `/api/v1/orgs/${org.slug}/invitations`;
    const dup = await as(admin, 'POST', url, { email: member.email.toUpperCase(), roles: ['auditor'] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('people.already_member');
    expect((await as(admin, 'POST', url, { email: 'twice@example.dk', roles: ['member'] })).statusCode).toBe(
      201,
    );
    const twice = await as(admin, 'POST', url, { email: 'twice@example.dk', roles: ['member'] });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('people.already_invited');
    const coordinator = await as(admin, 'POST', url, {
      email: 'c@example.dk',
      roles: ['sector_coordinator'],
    });
    expect(coordinator.statusCode).toBe(400);
    expect((await as(admin, 'POST', url, { email: 'c@example.dk', roles: [] })).statusCode).toBe(400);
  });

  it('refuses non-admins and another organisation’s admin on every invitation route', async () => {
    const { org, admin } = await orgWithAdmin();
    const { admin: otherAdmin } = await orgWithAdmin();
    const officer = await login(t, await createUser(t, { org: org.slug, role: 'security_officer' }));
    const inv = (
      await as(admin, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
        email: 'x@example.dk',
        roles: ['member'],
      })
    ).json();
    for (const me of [officer, otherAdmin]) {
      expect((await as(me, 'GET', `/api/v1/orgs/${org.slug}/invitations`)).statusCode).toBe(403);
      expect(
        (
          await as(me, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
            email: 'y@example.dk',
            roles: ['member'],
          })
        ).statusCode,
      ).toBe(403);
      expect((await as(me, 'DELETE', `/api/v1/orgs/${org.slug}/invitations/${inv.id}`)).statusCode).toBe(403);
    }
    const list = await as(admin, 'GET', `/api/v1/orgs/${org.slug}/invitations`);
    expect(list.json().items.map((i: { email: string }) => i.email)).toEqual(['x@example.dk']);
  });

  it('withdraws an invitation and lets expired ones lapse; lists page newest first and filter by status', async () => {
    const { org, admin } = await orgWithAdmin();
    const url = `/api/v1/orgs/${org.slug}/invitations`;
    const a = (await as(admin, 'POST', url, { email: 'a@example.dk', roles: ['member'] })).json();
    const b = (await as(admin, 'POST', url, { email: 'b@example.dk', roles: ['member'] })).json();
    const c = (await as(admin, 'POST', url, { email: 'c@example.dk', roles: ['member'] })).json();

    const revoked = await as(admin, 'DELETE', `${url}/${a.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: a.id, status: 'revoked' });
    expect((await pub('/api/v1/invitations/lookup', { token: tokenOf(a.link) })).statusCode).toBe(410);
    const late = await pub('/api/v1/invitations/accept', {
      token: tokenOf(a.link),
      name: 'A',
      password: NEW_PASSWORD,
    });
    expect(late.statusCode).toBe(410);

    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      sql`update invitations set expires_at = now() - interval '1 minute' where id = ${b.id}`.execute(tx.q),
    );
    const expired = await pub('/api/v1/invitations/lookup', { token: tokenOf(b.link) });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().title).toBe(
      'This invitation link has expired, has been used or was withdrawn. Ask your administrator for a new one.',
    );
    expect(
      (await pub('/api/v1/invitations/accept', { token: tokenOf(b.link), name: 'B', password: NEW_PASSWORD }))
        .statusCode,
    ).toBe(410);
    // An expired invitation no longer blocks a new one.
    expect((await as(admin, 'POST', url, { email: 'b@example.dk', roles: ['member'] })).statusCode).toBe(201);

    const first = await as(admin, 'GET', `${url}?limit=2`);
    expect(first.json().items.map((i: { email: string }) => i.email)).toEqual([
      'b@example.dk',
      'c@example.dk',
    ]);
    const second = await as(admin, 'GET', `${url}?limit=2&cursor=${first.json().next_cursor}`);
    expect(second.json().items.map((i: { id: string }) => i.id)).toEqual([b.id, a.id]);
    expect(second.json().next_cursor).toBeNull();
    const statuses = async (status: string) =>
      (await as(admin, 'GET', `${url}?status=${status}`)).json().items.map((i: { id: string }) => i.id);
    expect(await statuses('revoked')).toEqual([a.id]);
    expect(await statuses('expired')).toEqual([b.id]);
    expect(await statuses('pending')).toHaveLength(2);
    expect(await statuses('pending')).toContain(c.id);
    expect((await auditActions(t, org.id)).map((x) => x.action)).toContain('invitation.revoke');
  });

  it('asks an existing account to sign in, then adds the roles to that person', async () => {
    const { org, admin } = await orgWithAdmin();
    const elsewhere = await createOrg(t);
    const person = await createUser(t, { org: elsewhere.slug, role: 'member' });
    const inv = (
      await as(admin, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
        email: person.email,
        roles: ['auditor'],
      })
    ).json();
    const token = tokenOf(inv.link);
    expect((await pub('/api/v1/invitations/lookup', { token })).json().account_exists).toBe(true);
    const anonymous = await pub('/api/v1/invitations/accept', {
      token,
      name: 'Someone',
      password: NEW_PASSWORD,
    });
    expect(anonymous.statusCode).toBe(409);
    expect(anonymous.json().code).toBe('people.sign_in_to_accept');
    const someoneElse = await login(t, await createUser(t, { org: elsewhere.slug, role: 'member' }));
    expect((await pub('/api/v1/invitations/accept', { token }, someoneElse.headers())).statusCode).toBe(409);
    // The account's password was not changed by the anonymous attempt.
    const me = await login(t, person);
    const accepted = await pub('/api/v1/invitations/accept', { token }, me.headers());
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      email: person.email,
      account_created: false,
      roles: ['auditor'],
    });
    const mine = await t.inject({ method: 'GET', url: '/api/v1/auth/session', headers: me.headers() });
    expect(mine.json().memberships).toContainEqual(
      expect.objectContaining({ org: org.slug, roles: ['auditor'] }),
    );
  });

  it('re-activates a leaver’s deactivated account with a new password and without the old second factor', async () => {
    const { org, admin } = await orgWithAdmin();
    const leaverUser = await createUser(t, { org: org.slug, role: 'security_officer' });
    await login(t, leaverUser);
    const removed = await as(admin, 'DELETE', `/api/v1/orgs/${org.slug}/members/${leaverUser.id}`);
    expect(removed.json().account_deactivated).toBe(true);
    const inv = (
      await as(admin, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
        email: leaverUser.email,
        roles: ['member'],
      })
    ).json();
    const token = tokenOf(inv.link);
    expect((await pub('/api/v1/invitations/lookup', { token })).json().account_exists).toBe(false);
    const accepted = await pub('/api/v1/invitations/accept', {
      token,
      name: 'Back Again',
      password: NEW_PASSWORD,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ account_created: true, roles: ['member'] });
    expect(
      (await pub('/api/v1/auth/login', { email: leaverUser.email, password: leaverUser.password }))
        .statusCode,
    ).toBe(401);
    const back = await pub('/api/v1/auth/login', { email: leaverUser.email, password: NEW_PASSWORD });
    expect(back.statusCode).toBe(200);
    // A member needs no second factor, and the old seed is gone: no challenge.
    expect(back.json().next).toBe('done');
  });

  it('rate-limits the public invitation routes like sign-in', async () => {
    const remoteAddress = clientAddress();
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await t.inject({
        method: 'POST',
        url: '/api/v1/invitations/lookup',
        remoteAddress,
        payload: { token: 'B'.repeat(43) },
      });
      codes.push(r.statusCode);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(410));
    expect(codes[10]).toBe(429);
  });

  it('accepts exactly once when two accepts race', async () => {
    const { org, admin } = await orgWithAdmin();
    const inv = (
      await as(admin, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
        email: 'race@example.dk',
        roles: ['member'],
      })
    ).json();
    const token = tokenOf(inv.link);
    const results = await Promise.all([
      pub('/api/v1/invitations/accept', { token, name: 'Racer One', password: NEW_PASSWORD }),
      pub('/api/v1/invitations/accept', { token, name: 'Racer Two', password: `${NEW_PASSWORD}!` }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 410]);
    const accepts = (await auditActions(t, org.id)).filter((a) => a.action === 'invitation.accept');
    expect(accepts).toHaveLength(1);
  });
});

describe.each(engines())('invitations by e-mail on %s', (engine) => {
  let t: TestApp;
  let smtp: SmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp(engine, { SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });
  const { as, pub, orgWithAdmin } = helpers(() => t);

  it('mails the link in the chosen language and never returns it; the link from the mail works', async () => {
    const { org, admin } = await orgWithAdmin();
    const created = await as(admin, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
      email: 'mailed@example.dk',
      roles: ['member'],
      locale: 'en',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().sent).toBe(true);
    expect(created.json().link).toBeUndefined();
    const mail = await smtp.waitFor('mailed@example.dk');
    expect(mail.subject).toBe('Invitation to Værn');
    expect(mail.text).toContain('Anne Admin has invited you to join');
    const link = /(\S+\/invitation#token=[A-Za-z0-9_-]+)/.exec(mail.text)?.[1] ?? '';
    expect(link.startsWith(`${t.config.publicUrl}/invitation#token=`)).toBe(true);
    const accepted = await pub('/api/v1/invitations/accept', {
      token: tokenOf(link),
      name: 'Mailed Person',
      password: NEW_PASSWORD,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().account_created).toBe(true);
  });

  it('writes in the inviter’s language by default', async () => {
    const { org, admin } = await orgWithAdmin();
    await as(admin, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
      email: 'dansk@example.dk',
      roles: ['member'],
    });
    const mail = await smtp.waitFor('dansk@example.dk');
    expect(mail.subject).toBe('Invitation til Værn');
    expect(mail.text).toContain('har inviteret dig til');
  });
});

describe.each(engines())('invitations when the mail server refuses on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine, { SMTP_URL: 'smtp://127.0.0.1:1' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const { as, orgWithAdmin } = helpers(() => t);

  it('answers 502 and stores nothing', async () => {
    const { org, admin } = await orgWithAdmin();
    const r = await as(admin, 'POST', `/api/v1/orgs/${org.slug}/invitations`, {
      email: 'lost@example.dk',
      roles: ['member'],
    });
    expect(r.statusCode).toBe(502);
    expect(r.json().code).toBe('mail.send_failed');
    const list = await as(admin, 'GET', `/api/v1/orgs/${org.slug}/invitations`);
    expect(list.json().items).toEqual([]);
    expect((await auditActions(t, org.id)).map((a) => a.action)).not.toContain('invitation.create');
  });
});
