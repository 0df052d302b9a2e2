import { sql } from 'kysely';
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
import { type Tx, withTenant } from '../../db/tenant.js';
import { SESSION_IDLE_MS } from './constants.js';

describe.each(engines())('sessions and CSRF on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const asOperator = <T>(fn: (tx: Tx) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, fn);

  const get = (url: string, headers: Record<string, string>) => t.inject({ method: 'GET', url, headers });
  const whoAmI = (me: SignedIn) => get('/api/v1/auth/session', { cookie: me.cookie });

  /** Moves the session's timestamps back, as time passing would. */
  async function age(me: SignedIn, column: 'last_seen_at' | 'expires_at', ms: number) {
    const id = (await whoAmI(me)).json().id as string;
    await asOperator((tx) =>
      tx.q
        .updateTable('sessions')
        .set({ [column]: sql`now() - make_interval(secs => ${ms / 1000})` })
        .where('id', '=', id)
        .execute(),
    );
    return id;
  }

  it('needs a session for the session routes', async () => {
    const none = await get('/api/v1/auth/session', {});
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('error.unauthenticated');
    const org = await createOrg(t);
    const bearer = await createToken(t, org.slug, 'member');
    const token = await get('/api/v1/auth/session', { authorization: bearer });
    expect(token.statusCode).toBe(401);
    const list = await get('/api/v1/auth/sessions', { authorization: bearer });
    expect(list.statusCode).toBe(403);
    expect(list.json().code).toBe('auth.people_only');
  });

  it("lists the person's own working sessions, newest first, page by page", async () => {
    const user = await createUser(t);
    const other = await login(t, await createUser(t));
    const a = await login(t, user);
    const b = await login(t, user);
    const c = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '127.9.9.9',
      headers: { 'user-agent': 'Firefox/140' },
      payload: { email: user.email, password: user.password },
    });
    const cCookie = `vaern_session=${c.cookies.find((x) => x.name === 'vaern_session')?.value}`;
    await t.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: b.headers() });

    const r = await get('/api/v1/auth/sessions', { cookie: a.cookie });
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Array<Record<string, unknown>>;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ ip: '127.9.9.9', user_agent: 'Firefox/140', current: false });
    expect(items[1]).toMatchObject({ current: true });
    expect(items[1]?.id).toBe((await whoAmI(a)).json().id);
    expect(items.map((i) => i.id)).not.toContain((await whoAmI(other)).json().id);

    const page1 = (await get('/api/v1/auth/sessions?limit=1', { cookie: cCookie })).json();
    expect(page1.items).toHaveLength(1);
    expect(page1.items[0].current).toBe(true);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = (
      await get(`/api/v1/auth/sessions?limit=1&cursor=${page1.next_cursor}`, { cookie: cCookie })
    ).json();
    expect(page2.items.map((i: { id: string }) => i.id)).toEqual([items[1]?.id]);
    expect(page2.next_cursor).toBeNull();
    const bad = await get('/api/v1/auth/sessions?cursor=bm9wZQ', { cookie: cCookie });
    expect(bad.statusCode).toBe(400);
  });

  it('revokes one of my sessions, but not somebody else’s', async () => {
    const user = await createUser(t);
    const laptop = await login(t, user);
    const phone = await login(t, user);
    const stranger = await login(t, await createUser(t));
    const phoneId = (await whoAmI(phone)).json().id as string;

    const theirs = await t.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${phoneId}`,
      headers: stranger.headers(),
    });
    expect(theirs.statusCode).toBe(404);
    expect((await whoAmI(phone)).statusCode).toBe(200);

    const mine = await t.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${phoneId}`,
      headers: laptop.headers(),
    });
    expect(mine.statusCode).toBe(204);
    expect((await whoAmI(phone)).statusCode).toBe(401);
    expect((await whoAmI(laptop)).statusCode).toBe(200);
    const twice = await t.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${phoneId}`,
      headers: laptop.headers(),
    });
    expect(twice.statusCode).toBe(404);
  });

  it('logs out: the session ends and the cookie is cleared', async () => {
    const me = await login(t, await createUser(t));
    const r = await t.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: me.headers() });
    expect(r.statusCode).toBe(204);
    expect(String(r.headers['set-cookie'])).toMatch(/^vaern_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await whoAmI(me)).statusCode).toBe(401);
    // Without a session there is nothing to end, and still nothing fails.
    const again = await t.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: me.headers() });
    expect(again.statusCode).toBe(204);
  });

  it('logs out half-way through sign-in too', async () => {
    const user = await createUser(t, { platformAdmin: true });
    const r = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: clientAddress(),
      payload: { email: user.email, password: user.password },
    });
    expect(r.json().next).toBe('enrol');
    const cookie = `vaern_session=${r.cookies.find((x) => x.name === 'vaern_session')?.value}`;
    const out = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': r.json().csrf_token },
    });
    expect(out.statusCode).toBe(204);
    expect((await get('/api/v1/auth/session', { cookie })).statusCode).toBe(401);
  });

  it('ends a session left idle, and keeps an active one alive', async () => {
    const idle = await login(t, await createUser(t));
    const idleId = await age(idle, 'last_seen_at', SESSION_IDLE_MS + 60_000);
    expect((await whoAmI(idle)).statusCode).toBe(401);

    const busy = await login(t, await createUser(t));
    const busyId = await age(busy, 'last_seen_at', SESSION_IDLE_MS - 60_000);
    expect((await whoAmI(busy)).statusCode).toBe(200);
    const seen = await asOperator((tx) =>
      tx.q
        .selectFrom('sessions')
        .select(['id', 'last_seen_at'])
        .where('id', 'in', [idleId, busyId])
        .execute(),
    );
    const busyRow = seen.find((s) => s.id === busyId);
    expect(Date.now() - new Date(busyRow?.last_seen_at ?? 0).getTime()).toBeLessThan(60_000);
  });

  it('ends a session at its absolute expiry, however active', async () => {
    const me = await login(t, await createUser(t));
    expect((await whoAmI(me)).statusCode).toBe(200);
    await age(me, 'expires_at', 1000);
    expect((await whoAmI(me)).statusCode).toBe(401);
  });

  it('demands the CSRF token on cookie writes, not on reads or bearer writes', async () => {
    const org = await createOrg(t);
    const user = await createUser(t);
    const me = await login(t, user);
    const victim = await login(t, user);
    const victimId = (await whoAmI(victim)).json().id as string;
    const url = `/api/v1/auth/sessions/${victimId}`;

    const missing = await t.inject({ method: 'DELETE', url, headers: { cookie: me.cookie } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('error.csrf');
    const wrong = await t.inject({
      method: 'DELETE',
      url,
      headers: { cookie: me.cookie, 'x-csrf-token': victim.csrf },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('error.csrf');
    const da = await t.inject({
      method: 'DELETE',
      url,
      headers: { cookie: me.cookie, 'accept-language': 'da' },
    });
    expect(da.json().title).toBe(
      'Forespørgslen mangler et gyldigt CSRF-token. Genindlæs siden og prøv igen.',
    );
    expect((await whoAmI(victim)).statusCode).toBe(200);

    expect((await get('/api/v1/auth/sessions', { cookie: me.cookie })).statusCode).toBe(200);
    const right = await t.inject({ method: 'DELETE', url, headers: me.headers() });
    expect(right.statusCode).toBe(204);
    expect((await whoAmI(victim)).statusCode).toBe(401);

    // A bearer token carries no ambient authority: no CSRF token, and a cookie beside it is ignored.
    const bearer = await createToken(t, org.slug, 'security_officer');
    const tokenWrite = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/tokens`,
      headers: { authorization: bearer, cookie: me.cookie },
      payload: { name: 'minted', role: 'member' },
    });
    expect(tokenWrite.statusCode).toBe(403);
    expect(tokenWrite.json().code).toBe('error.forbidden');
    const tokenLogout = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: bearer, cookie: me.cookie },
    });
    expect(tokenLogout.statusCode).toBe(204);
    expect((await whoAmI(me)).statusCode).toBe(200);
  });
});
