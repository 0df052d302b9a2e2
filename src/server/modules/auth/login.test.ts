import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { clientAddress, createOrg, createUser, login, TEST_PASSWORD } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type Tx, withTenant } from '../../db/tenant.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { MAX_FAILED_LOGINS, SESSION_ABSOLUTE_MS } from './constants.js';

describe.each(engines())('sign-in with password on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Direct database access as the instance operator, to look at or age rows. */
  const asOperator = <T>(fn: (tx: Tx) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, fn);

  const signIn = (
    email: string,
    password: string,
    remoteAddress = clientAddress(),
    headers: Record<string, string> = {},
  ) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      headers,
      payload: { email, password },
    });

  const sessionCookie = (r: { cookies: Array<{ name: string; value: string }> }) => {
    const c = r.cookies.find((x) => x.name === 'vaern_session');
    return c ? `vaern_session=${c.value}` : undefined;
  };

  it('signs a member in with a new HttpOnly SameSite session, storing only its hash', async () => {
    const org = await createOrg(t);
    const user = await createUser(t, { org: org.slug, role: 'member', email: 'Mette@Example.dk' });
    const r = await signIn('  METTE@example.DK ', TEST_PASSWORD);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toEqual({ next: 'done', csrf_token: expect.any(String) });
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/^vaern_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    expect(setCookie).not.toMatch(/Max-Age|Expires/i);

    const cookie = sessionCookie(r) ?? '';
    const token = cookie.slice('vaern_session='.length);
    const session = await t.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({
      stage: 'full',
      csrf_token: body.csrf_token,
      user: { id: user.id, email: 'mette@example.dk', mfa_enabled: false, platform_admin: false },
      memberships: [{ org: org.slug, kind: 'hospital', roles: ['member'] }],
    });
    const own = await t.inject({ method: 'GET', url: `/api/v1/orgs/${org.slug}`, headers: { cookie } });
    expect(own.statusCode).toBe(200);

    const rows = await asOperator((tx) =>
      tx.q
        .selectFrom('sessions')
        .select(['token_hash', 'created_at', 'expires_at', 'stage'])
        .where('user_id', '=', user.id)
        .execute(),
    );
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row?.token_hash).not.toContain(token);
    const lifetime = new Date(row?.expires_at ?? 0).getTime() - new Date(row?.created_at ?? 0).getTime();
    expect(Math.abs(lifetime - SESSION_ABSOLUTE_MS)).toBeLessThan(5_000);
  });

  it('gives every sign-in a new token and ends the session the browser had', async () => {
    const user = await createUser(t);
    const first = await login(t, user);
    const again = await signIn(user.email, user.password, clientAddress(), first.headers());
    expect(again.statusCode).toBe(200);
    const second = sessionCookie(again);
    expect(second).toBeDefined();
    expect(second).not.toBe(first.cookie);
    expect(again.json().csrf_token).not.toBe(first.csrf);
    const old = await t.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: first.cookie },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await t.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: second ?? '' },
    });
    expect(fresh.statusCode).toBe(200);
  });

  it('refuses a wrong password and an unknown address alike, and sets no cookie', async () => {
    const user = await createUser(t);
    const wrong = await signIn(user.email, 'not the password at all');
    const unknown = await signIn('nobody@example.dk', TEST_PASSWORD);
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({ code: 'auth.invalid_credentials' });
      expect(sessionCookie(r)).toBeUndefined();
    }
    expect(unknown.json().title).toBe(wrong.json().title);
  });

  it(`locks the account after ${MAX_FAILED_LOGINS} failures, even against the right password`, async () => {
    const user = await createUser(t);
    const address = clientAddress();
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
      const r = await signIn(user.email, `wrong password ${i}`, address);
      expect(r.statusCode).toBe(401);
    }
    const locked = await signIn(user.email, user.password, clientAddress());
    // Locked answers exactly like a wrong password, so it does not reveal that the address exists.
    expect(locked.statusCode).toBe(401);
    expect(locked.json().code).toBe('auth.invalid_credentials');
    expect(sessionCookie(locked)).toBeUndefined();
    const unknown = await signIn('nobody-at-all@example.dk', 'whatever password', clientAddress());
    expect(unknown.json()).toEqual({ ...locked.json(), instance: unknown.json().instance });

    // Once the lock has run out the right password works again and clears the count.
    await asOperator((tx) =>
      tx.q
        .updateTable('users')
        .set({ locked_until: new Date(Date.now() - 1000) })
        .where('id', '=', user.id)
        .execute(),
    );
    const after = await signIn(user.email, user.password);
    expect(after.statusCode).toBe(200);
    const row = await asOperator((tx) =>
      tx.q
        .selectFrom('users')
        .select(['failed_logins', 'locked_until'])
        .where('id', '=', user.id)
        .executeTakeFirst(),
    );
    expect(row).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('counts parallel guesses atomically: a burst cannot outrun the lockout', async () => {
    const user = await createUser(t);
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn(user.email, `wrong password ${i}`, clientAddress())),
    );
    expect(burst.every((r) => r.statusCode === 401)).toBe(true);
    const right = await signIn(user.email, user.password, clientAddress());
    expect(right.statusCode).toBe(401);
    const row = await asOperator((tx) =>
      tx.q
        .selectFrom('users')
        .select(['failed_logins', 'locked_until'])
        .where('id', '=', user.id)
        .executeTakeFirst(),
    );
    expect(row?.failed_logins).toBe(MAX_FAILED_LOGINS);
    expect(row?.locked_until).not.toBeNull();
  });

  it('refuses a deactivated person as if the password were wrong, and ends their sessions', async () => {
    const user = await createUser(t);
    const me = await login(t, user);
    await asOperator((tx) =>
      tx.q.updateTable('users').set({ deactivated_at: new Date() }).where('id', '=', user.id).execute(),
    );
    const r = await signIn(user.email, user.password);
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('auth.invalid_credentials');
    const old = await t.inject({ method: 'GET', url: '/api/v1/auth/session', headers: me.headers() });
    expect(old.statusCode).toBe(401);
  });

  it('answers in Danish when asked', async () => {
    const r = await signIn('ingen@example.dk', 'forkert adgangskode', clientAddress(), {
      'accept-language': 'da-DK,da;q=0.9,en;q=0.5',
    });
    expect(r.statusCode).toBe(401);
    expect(r.json().title).toMatch(/^E-mailadressen eller adgangskoden er forkert/);
  });

  it('limits sign-in attempts per client address', async () => {
    const address = clientAddress();
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push((await signIn(`probe-${i}@example.dk`, 'guess', address)).statusCode);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes[10]).toBe(429);
    const limited = await signIn('probe@example.dk', 'guess', address);
    expect(limited.json().code).toBe('error.rate_limited');
    // Another address is not affected.
    expect((await signIn('probe@example.dk', 'guess')).statusCode).toBe(401);
  });

  it('records sign-ins and failures in the platform chain, never the password', async () => {
    const user = await createUser(t, { password: 'a very secret passphrase 1' });
    await signIn(user.email, 'a very secret passphrase 2');
    await signIn(user.email, 'a very secret passphrase 1');
    const entries = await asOperator((tx) =>
      tx.q
        .selectFrom('audit_log')
        .select(['action', 'actor', 'target_id', 'after'])
        .where('org_id', '=', PLATFORM_CHAIN)
        .where('target_id', '=', user.id)
        .where('action', 'like', 'auth.%')
        .orderBy('seq')
        .execute(),
    );
    expect(entries.map((e) => e.action)).toEqual(['auth.login_failed', 'auth.login']);
    expect(entries[0]?.after).toMatchObject({ email: user.email, reason: 'wrong_password' });
    expect(entries[1]?.actor).toMatchObject({ type: 'user', id: user.id });
    expect(entries[1]?.after).toMatchObject({ stage: 'full' });
    expect(JSON.stringify(entries)).not.toContain('passphrase');
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const secure = await startTestApp(engine, { VAERN_PUBLIC_URL: 'https://vaern.example.dk' });
    try {
      const user = await createUser(secure);
      const r = await secure.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password },
      });
      expect(r.statusCode).toBe(200);
      expect(String(r.headers['set-cookie'])).toContain('Secure');
    } finally {
      await secure.close();
    }
  });
});
