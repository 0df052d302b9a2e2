import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createToken,
  createUser,
  login,
  type SignedIn,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';

const NEW_PASSWORD = 'a brand new passphrase 42';

describe.each(engines())('own profile and password on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const whoAmI = (me: { cookie: string }) =>
    t.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: me.cookie } });
  const patchMe = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    t.inject({ method: 'PATCH', url: '/api/v1/auth/me', headers, payload });
  const changePassword = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      remoteAddress: clientAddress(),
      headers,
      payload,
    });
  const signIn = (email: string, password: string) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: clientAddress(),
      payload: { email, password },
    });
  const auditOf = (userId: string) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, (tx) =>
      tx.q
        .selectFrom('audit_log')
        .select(['action', 'actor', 'before', 'after'])
        .where('org_id', '=', PLATFORM_CHAIN)
        .where('target_id', '=', userId)
        .where('action', 'in', ['auth.profile_update', 'auth.password_change', 'auth.password_change_failed'])
        .orderBy('seq')
        .execute(),
    );
  /** The new cookie of a response that rotated the session. */
  const cookieOf = (r: { cookies: Array<{ name: string; value: string }> }) =>
    `vaern_session=${r.cookies.find((c) => c.name === 'vaern_session')?.value}`;

  it('stores the language and name, returns them in the session, and records before and after', async () => {
    const user = await createUser(t, { name: 'Lise Lokal' });
    const me = await login(t, user);
    expect((await whoAmI(me)).json().user.locale).toBe('da');

    const r = await patchMe(me.headers(), { locale: 'en' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: user.id, locale: 'en', name: 'Lise Lokal' });
    expect((await whoAmI(me)).json().user.locale).toBe('en');
    // A new sign-in finds the stored language.
    const again = await login(t, user);
    expect((await whoAmI(again)).json().user.locale).toBe('en');

    const named = await patchMe(me.headers(), { name: '  Lise Lund ', locale: 'en' });
    expect(named.json()).toMatchObject({ name: 'Lise Lund', locale: 'en' });
    expect((await whoAmI(again)).json().user.name).toBe('Lise Lund');

    const entries = await auditOf(user.id);
    expect(entries.map((e) => [e.before, e.after])).toEqual([
      [{ locale: 'da' }, { locale: 'en' }],
      [{ name: 'Lise Lokal' }, { name: 'Lise Lund' }],
    ]);
    expect(entries[0]?.actor).toMatchObject({ type: 'user', id: user.id });
  });

  it('refuses unknown languages and fields, writes without CSRF, and tokens', async () => {
    const org = await createOrg(t);
    const me = await login(t, await createUser(t, { org: org.slug }));
    expect((await patchMe(me.headers(), { locale: 'de' })).statusCode).toBe(400);
    expect((await patchMe(me.headers(), { locale: 'en', email: 'x@example.dk' })).statusCode).toBe(400);
    expect((await patchMe(me.headers(), { name: '   ' })).statusCode).toBe(400);
    const noCsrf = await patchMe({ cookie: me.cookie }, { locale: 'en' });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('error.csrf');
    expect((await whoAmI(me)).json().user.locale).toBe('da');

    const bearer = await createToken(t, org.slug, 'member');
    const byToken = await patchMe({ authorization: bearer }, { locale: 'en' });
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json().code).toBe('auth.people_only');
    const pwByToken = await changePassword(
      { authorization: bearer },
      { current_password: 'whatever it is', new_password: NEW_PASSWORD },
    );
    expect(pwByToken.statusCode).toBe(403);
    expect(pwByToken.json().code).toBe('auth.people_only');
    expect((await patchMe({}, { locale: 'en' })).statusCode).toBe(401);
  });

  it('changes the password: the old one stops working, other sessions end, this one is rotated', async () => {
    const user = await createUser(t);
    const me = await login(t, user);
    const other = await login(t, user);
    const bystander = await login(t, await createUser(t));
    const oldId = (await whoAmI(me)).json().id as string;

    const r = await changePassword(me.headers(), {
      current_password: user.password,
      new_password: NEW_PASSWORD,
    });
    expect(r.statusCode).toBe(200);
    const { csrf_token: csrf, revoked_sessions } = r.json();
    expect(revoked_sessions).toBe(1);
    expect(csrf).not.toBe(me.csrf);
    const cookie = cookieOf(r);
    expect(cookie).not.toBe(me.cookie);

    // The old cookie and the other session are ended; the new cookie works with its new CSRF token.
    expect((await whoAmI(me)).statusCode).toBe(401);
    expect((await whoAmI(other)).statusCode).toBe(401);
    expect((await whoAmI(bystander)).statusCode).toBe(200);
    const now = await whoAmI({ cookie });
    expect(now.statusCode).toBe(200);
    expect(now.json().id).not.toBe(oldId);
    expect((await patchMe({ cookie, 'x-csrf-token': me.csrf }, { locale: 'en' })).statusCode).toBe(403);
    expect((await patchMe({ cookie, 'x-csrf-token': csrf }, { locale: 'en' })).statusCode).toBe(200);

    expect((await signIn(user.email, user.password)).statusCode).toBe(401);
    expect((await signIn(user.email, NEW_PASSWORD)).statusCode).toBe(200);

    const entries = await auditOf(user.id);
    const change = entries.find((e) => e.action === 'auth.password_change');
    expect(change?.after).toMatchObject({ revoked_sessions: 1, replaced_session_id: oldId });
    expect(JSON.stringify(entries)).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(entries)).not.toContain(user.password);
  });

  it('refuses a wrong current password (counting towards the lockout), a short or unchanged one, and no CSRF', async () => {
    const user = await createUser(t);
    const me: SignedIn = await login(t, user);

    const short = await changePassword(me.headers(), {
      current_password: user.password,
      new_password: 'too short',
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().code).toBe('auth.password_too_short');
    const same = await changePassword(me.headers(), {
      current_password: user.password,
      new_password: user.password,
    });
    expect(same.statusCode).toBe(400);
    expect(same.json().code).toBe('auth.password_unchanged');
    const noCsrf = await changePassword(
      { cookie: me.cookie },
      { current_password: user.password, new_password: NEW_PASSWORD },
    );
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('error.csrf');
    expect(
      (
        await changePassword(me.headers(), {
          current_password: user.password,
          new_password: NEW_PASSWORD,
          x: 1,
        })
      ).statusCode,
    ).toBe(400);

    // Four wrong answers are refused as such; the fifth locks the account like failed sign-ins.
    for (let i = 0; i < 4; i += 1) {
      const wrong = await changePassword(me.headers(), {
        current_password: `wrong password ${i}`,
        new_password: NEW_PASSWORD,
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().code).toBe('auth.wrong_password');
    }
    const fifth = await changePassword(me.headers(), {
      current_password: 'wrong password 5',
      new_password: NEW_PASSWORD,
    });
    expect(fifth.statusCode).toBe(403);
    expect(fifth.json().code).toBe('auth.locked');
    // Locked: even the right password is refused now, here and at sign-in.
    const right = await changePassword(me.headers(), {
      current_password: user.password,
      new_password: NEW_PASSWORD,
    });
    expect(right.statusCode).toBe(403);
    expect((await signIn(user.email, user.password)).statusCode).toBe(401);
    // Nothing changed: the session still works and the password is the old one.
    expect((await whoAmI(me)).statusCode).toBe(200);
    const entries = await auditOf(user.id);
    expect(entries.map((e) => e.action)).toEqual(Array(6).fill('auth.password_change_failed'));
    expect(entries.at(-1)?.after).toMatchObject({ reason: 'locked' });
  });

  it('answers the Danish message for a wrong current password', async () => {
    const user = await createUser(t);
    const me = await login(t, user);
    const r = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      remoteAddress: clientAddress(),
      headers: { ...me.headers(), 'accept-language': 'da' },
      payload: { current_password: 'not it at all', new_password: NEW_PASSWORD },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().title).toBe('Den nuværende adgangskode er forkert.');
    expect(r.json().errors).toEqual([{ path: 'body.current_password', message: 'Forkert adgangskode.' }]);
  });
});
