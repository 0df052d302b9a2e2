import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { clientAddress, createOrg, createUser, login, type UserFixture } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type SmtpServer, startSmtpServer } from '../../../../test/smtp.js';
import { withMaintenance } from '../../db/maintenance.js';
import { withTenant } from '../../db/tenant.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { issueSetupLink } from './reset.js';

const NEW_PASSWORD = 'another long passphrase';

/** Reset links of a person, read as vaern_definer (no application role can read the table). */
async function resetRows(t: TestApp, userId: string) {
  return withMaintenance(t.runtime.ctx.db, { readOnly: true }, async (tx) => {
    const r = await sql<{ purpose: string; used_at: Date | null }>`
      select purpose, used_at from password_resets where user_id = ${userId} order by created_at`.execute(
      tx.q,
    );
    return r.rows;
  });
}

async function platformActions(t: TestApp, userId: string) {
  return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
    const r = await sql<{ action: string; after: unknown }>`
      select action, after from audit_log where org_id = ${PLATFORM_CHAIN}::uuid and target_id = ${userId}
      order by seq`.execute(tx.q);
    return r.rows;
  });
}

const pub = (t: TestApp, url: string, payload: unknown) =>
  t.inject({ method: 'POST', url, remoteAddress: clientAddress(), payload: payload as object });
const signIn = (t: TestApp, user: UserFixture, password: string) =>
  pub(t, '/api/v1/auth/login', { email: user.email, password });
const linkIn = (text: string) => /\/reset-password#token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';

describe.each(engines())('password reset by e-mail on %s', (engine) => {
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

  it('mails a single-use link; the new password works, the old one and every session end, audited', async () => {
    const org = await createOrg(t);
    const user = await createUser(t, { org: org.slug, role: 'member' });
    const session = await login(t, user);
    // Locked out by wrong passwords: the reset also clears the lockout.
    for (let i = 0; i < 5; i++) await signIn(t, user, 'wrong password!!');
    expect((await signIn(t, user, user.password)).statusCode).toBe(401);

    const asked = await pub(t, '/api/v1/auth/password-reset', { email: user.email.toUpperCase() });
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toEqual({});
    const mail = await smtp.waitFor(user.email);
    expect(mail.subject).toBe('Nulstil din adgangskode til Værn');
    expect(mail.text).toContain(`${t.config.publicUrl}/reset-password#token=`);
    const token = linkIn(mail.text);

    const done = await pub(t, '/api/v1/auth/password-reset/complete', { token, password: NEW_PASSWORD });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ email: user.email });
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/auth/session', headers: session.headers() })).statusCode,
    ).toBe(401);
    expect((await signIn(t, user, user.password)).statusCode).toBe(401);
    expect((await signIn(t, user, NEW_PASSWORD)).statusCode).toBe(200);

    const reused = await pub(t, '/api/v1/auth/password-reset/complete', {
      token,
      password: 'yet another passphrase',
    });
    expect(reused.statusCode).toBe(410);
    expect(reused.json().code).toBe('people.reset_invalid');
    const actions = await platformActions(t, user.id);
    expect(actions.map((a) => a.action)).toContain('user.password_reset');
    expect(JSON.stringify(actions)).not.toContain(token);
  });

  it('answers the same for unknown and deactivated addresses and sends them nothing', async () => {
    const org = await createOrg(t);
    const admin = await login(t, await createUser(t, { org: org.slug, role: 'admin' }));
    const gone = await createUser(t, { org: org.slug, role: 'member' });
    await t.inject({
      method: 'DELETE',
      url: `/api/v1/orgs/${org.slug}/members/${gone.id}`,
      headers: admin.headers(),
    });
    const known = await createUser(t, { org: org.slug, role: 'member' });
    for (const email of ['nobody@example.dk', gone.email, known.email]) {
      const r = await pub(t, '/api/v1/auth/password-reset', { email });
      expect(r.statusCode).toBe(202);
      expect(r.json()).toEqual({});
    }
    // The mails go out in order; once the last has arrived the others would have too.
    await smtp.waitFor(known.email);
    expect(smtp.received.some((m) => m.envelope_to.includes('nobody@example.dk'))).toBe(false);
    expect(smtp.received.some((m) => m.envelope_to.includes(gone.email))).toBe(false);
    expect(await resetRows(t, gone.id)).toEqual([]);
  });

  it('refuses an expired link and a link replaced by a newer one', async () => {
    const user = await createUser(t);
    await pub(t, '/api/v1/auth/password-reset', { email: user.email });
    const first = linkIn((await smtp.waitFor(user.email)).text);
    await pub(t, '/api/v1/auth/password-reset', { email: user.email });
    const second = linkIn((await smtp.waitFor(user.email, (m) => linkIn(m.text) !== first)).text);
    expect(
      (await pub(t, '/api/v1/auth/password-reset/complete', { token: first, password: NEW_PASSWORD }))
        .statusCode,
    ).toBe(410);
    await withMaintenance(t.runtime.ctx.db, { readOnly: false }, (tx) =>
      sql`update password_resets set expires_at = now() - interval '1 second' where user_id = ${user.id}`.execute(
        tx.q,
      ),
    );
    const expired = await pub(t, '/api/v1/auth/password-reset/complete', {
      token: second,
      password: NEW_PASSWORD,
    });
    expect(expired.statusCode).toBe(410);
    expect((await signIn(t, user, user.password)).statusCode).toBe(200);
    const bogus = await pub(t, '/api/v1/auth/password-reset/complete', {
      token: 'A'.repeat(43),
      password: NEW_PASSWORD,
    });
    expect(bogus.statusCode).toBe(410);
  });

  it('issues a set-up link for an account created without a password (issueSetupLink)', async () => {
    const org = await createOrg(t);
    const created = await t.asOperator('POST', '/api/v1/users', {
      email: 'revisor@example.dk',
      name: 'Rie Revisor',
      org: org.slug,
      role: 'auditor',
      locale: 'en',
    });
    expect(created.statusCode).toBe(201);
    const userId = created.json().id as string;
    const issued = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      issueSetupLink(tx, t.runtime.ctx, {
        userId,
        email: 'revisor@example.dk',
        locale: 'en',
        orgName: 'Region Test',
      }),
    );
    expect(issued.sent).toBe(true);
    expect(issued.link).toBeUndefined();
    const mail = await smtp.waitFor('revisor@example.dk');
    expect(mail.subject).toBe('Your Værn account');
    expect(mail.text).toContain('has been created for you by Region Test');
    const done = await pub(t, '/api/v1/auth/password-reset/complete', {
      token: linkIn(mail.text),
      password: NEW_PASSWORD,
    });
    expect(done.statusCode).toBe(200);
    expect((await resetRows(t, userId)).map((r) => r.purpose)).toEqual(['setup']);
    expect(
      (await signIn(t, { id: userId, email: 'revisor@example.dk', password: NEW_PASSWORD }, NEW_PASSWORD))
        .statusCode,
    ).toBe(200);
    // Only for a member of the transaction's organisations.
    const other = await createOrg(t);
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [other.id] }, (tx) =>
        issueSetupLink(tx, t.runtime.ctx, {
          userId,
          email: 'revisor@example.dk',
          locale: 'en',
          orgName: 'X',
        }),
      ),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('mails an admin’s password reset to the person instead of returning the link', async () => {
    const org = await createOrg(t);
    const admin = await login(t, await createUser(t, { org: org.slug, role: 'admin' }));
    const person = await createUser(t, { org: org.slug, role: 'member' });
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/members/${person.id}/password-reset`,
      headers: admin.headers(),
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().sent).toBe(true);
    expect(r.json().link).toBeUndefined();
    const mail = await smtp.waitFor(person.email);
    expect(mail.subject).toBe('Vælg en ny adgangskode til Værn');
    const done = await pub(t, '/api/v1/auth/password-reset/complete', {
      token: linkIn(mail.text),
      password: NEW_PASSWORD,
    });
    expect(done.statusCode).toBe(200);
    expect((await signIn(t, person, NEW_PASSWORD)).statusCode).toBe(200);
  });
});

describe.each(engines())('password reset without SMTP on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('rate-limits asking for and completing resets like sign-in', async () => {
    const remoteAddress = clientAddress();
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        remoteAddress,
        payload: { email: 'someone@example.dk' },
      });
      codes.push(r.statusCode);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(202));
    expect(codes[10]).toBe(429);
    // Each route counts on its own, as the sign-in routes do.
    const completes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/complete',
        remoteAddress,
        payload: { token: 'C'.repeat(43), password: NEW_PASSWORD },
      });
      completes.push(r.statusCode);
    }
    expect(completes.slice(0, 10)).toEqual(Array(10).fill(410));
    expect(completes[10]).toBe(429);
  });

  it('answers 202 and issues nothing', async () => {
    const user = await createUser(t);
    const r = await pub(t, '/api/v1/auth/password-reset', { email: user.email });
    expect(r.statusCode).toBe(202);
    expect(await resetRows(t, user.id)).toEqual([]);
    expect((await signIn(t, user, user.password)).statusCode).toBe(200);
  });
});
