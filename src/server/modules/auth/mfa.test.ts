import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createUser,
  createUserWithMfa,
  login,
  nextTotpCode,
  TEST_PASSWORD,
  totpCode,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type Tx, withTenant } from '../../db/tenant.js';
import { MAX_FAILED_LOGINS } from './constants.js';

describe.each(engines())('second factor on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const asOperator = <T>(fn: (tx: Tx) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, fn);

  interface Step {
    status: number;
    body: Record<string, unknown>;
    cookie: string;
    headers: { cookie: string; 'x-csrf-token': string };
  }

  /** One request in a browser-like sequence: sends the session, keeps a rotated cookie. */
  async function step(
    remoteAddress: string,
    prev: { cookie: string; 'x-csrf-token': string } | undefined,
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
  ): Promise<Step> {
    const r = await t.inject({
      method,
      url,
      remoteAddress,
      ...(prev ? { headers: prev } : {}),
      ...(payload ? { payload } : {}),
    });
    const set = r.cookies.find((c) => c.name === 'vaern_session');
    const cookie = set ? `vaern_session=${set.value}` : (prev?.cookie ?? '');
    const body = r.json() as Record<string, unknown>;
    const csrf = typeof body.csrf_token === 'string' ? body.csrf_token : (prev?.['x-csrf-token'] ?? '');
    return { status: r.statusCode, body, cookie, headers: { cookie, 'x-csrf-token': csrf } };
  }

  const password = (email: string, remoteAddress = clientAddress()) =>
    step(remoteAddress, undefined, 'POST', '/api/v1/auth/login', { email, password: TEST_PASSWORD });

  /** A six-digit code that is not valid for the seed now (nor one step either side). */
  function wrongCode(seed: string): string {
    const now = Math.floor(Date.now() / 30_000);
    const valid = new Set([now - 2, now - 1, now, now + 1, now + 2].map((s) => totpCode(seed, s)));
    for (let s = now + 100; ; s++) {
      const code = totpCode(seed, s);
      if (!valid.has(code)) return code;
    }
  }

  it('makes a security officer enrol before anything else, then rotates into a full session', async () => {
    const org = await createOrg(t);
    const user = await createUser(t, { org: org.slug, role: 'security_officer' });
    const ip = clientAddress();
    const first = await password(user.email, ip);
    expect(first.status).toBe(200);
    expect(first.body.next).toBe('enrol');

    const blocked = await step(ip, first.headers, 'GET', `/api/v1/orgs/${org.slug}`);
    expect(blocked.status).toBe(401);
    expect(blocked.body.code).toBe('auth.mfa_enrolment_required');
    const current = await step(ip, first.headers, 'GET', '/api/v1/auth/session');
    expect(current.body).toMatchObject({ stage: 'enrol', memberships: [], user: { mfa_enabled: false } });

    const confirmEarly = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/enrol/confirm', {
      code: '123456',
    });
    expect(confirmEarly.status).toBe(400);
    expect(confirmEarly.body.code).toBe('auth.mfa_enrolment_not_started');

    const started = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/enrol');
    expect(started.status).toBe(200);
    const seed = String(started.body.secret);
    expect(seed).toMatch(/^[A-Z2-7]{32}$/);
    expect(String(started.body.otpauth_uri)).toMatch(
      new RegExp(
        `^otpauth://totp/V%C3%A6rn:${encodeURIComponent(user.email)}\\?issuer=V%C3%A6rn&secret=${seed}`,
      ),
    );

    const wrong = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/enrol/confirm', {
      code: wrongCode(seed),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('auth.mfa_invalid');

    const confirmed = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/enrol/confirm', {
      code: await nextTotpCode(user.id, seed),
    });
    expect(confirmed.status).toBe(200);
    const codes = confirmed.body.recovery_codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(confirmed.cookie).not.toBe(first.cookie);
    expect(confirmed.headers['x-csrf-token']).not.toBe(first.headers['x-csrf-token']);

    // The enrol-stage session is gone; the new one is full.
    const old = await step(ip, first.headers, 'GET', '/api/v1/auth/session');
    expect(old.status).toBe(401);
    const now = await step(ip, confirmed.headers, 'GET', `/api/v1/orgs/${org.slug}`);
    expect(now.status).toBe(200);
    const session = await step(ip, confirmed.headers, 'GET', '/api/v1/auth/session');
    expect(session.body).toMatchObject({
      stage: 'full',
      user: { mfa_enabled: true },
      memberships: [{ org: org.slug, roles: ['security_officer'] }],
    });

    // At rest: the seed sealed, the recovery codes as hashes.
    const stored = await asOperator(async (tx) => ({
      user: await tx.q
        .selectFrom('users')
        .select(['mfa_secret'])
        .where('id', '=', user.id)
        .executeTakeFirst(),
      codes: await tx.q
        .selectFrom('recovery_codes')
        .select('code_hash')
        .where('user_id', '=', user.id)
        .execute(),
    }));
    expect(stored.user?.mfa_secret).toMatch(/^v1\./);
    expect(stored.user?.mfa_secret).not.toContain(seed);
    const hashOf = (c: string) => createHash('sha256').update(c.replaceAll('-', '')).digest('hex');
    expect(stored.codes.map((r) => r.code_hash).sort()).toEqual(codes.map(hashOf).sort());

    const again = await step(ip, confirmed.headers, 'POST', '/api/v1/auth/mfa/enrol');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('auth.mfa_already_enrolled');
  });

  it('asks for the password again before a full session enrols voluntarily', async () => {
    const org = await createOrg(t);
    const owner = await createUser(t, { org: org.slug, role: 'system_owner' });
    const ip = clientAddress();
    const signedIn = await password(owner.email, ip);
    expect(signedIn.body.next).toBe('done');
    const bare = await step(ip, signedIn.headers, 'POST', '/api/v1/auth/mfa/enrol');
    expect(bare.status).toBe(400);
    expect(bare.body.code).toBe('auth.password_required');
    const wrong = await step(ip, signedIn.headers, 'POST', '/api/v1/auth/mfa/enrol', {
      password: 'not my password',
    });
    expect(wrong.status).toBe(401);
    const right = await step(ip, signedIn.headers, 'POST', '/api/v1/auth/mfa/enrol', {
      password: TEST_PASSWORD,
    });
    expect(right.status).toBe(200);
    expect(right.body.secret).toMatch(/^[A-Z2-7]+$/);
  });

  it('makes a platform administrator enrol too, but lets a system owner in without MFA', async () => {
    const admin = await createUser(t, { platformAdmin: true });
    expect((await password(admin.email)).body.next).toBe('enrol');
    const org = await createOrg(t);
    const owner = await createUser(t, { org: org.slug, role: 'system_owner' });
    const r = await password(owner.email);
    expect(r.body.next).toBe('done');
    expect((await step(clientAddress(), r.headers, 'GET', `/api/v1/orgs/${org.slug}`)).status).toBe(200);
  });

  it('challenges an enrolled person, refuses a wrong code, and rotates the session on success', async () => {
    const org = await createOrg(t);
    const user = await createUserWithMfa(t, { org: org.slug, role: 'member' });
    const ip = clientAddress();
    const first = await password(user.email, ip);
    expect(first.body.next).toBe('mfa');
    const blocked = await step(ip, first.headers, 'GET', `/api/v1/orgs/${org.slug}`);
    expect(blocked.status).toBe(401);
    expect(blocked.body.code).toBe('auth.mfa_required');
    const enrol = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/enrol');
    expect(enrol.status).toBe(401);
    expect(enrol.body.code).toBe('auth.mfa_required');

    const wrong = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/verify', {
      code: wrongCode(user.mfaSecret),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('auth.mfa_invalid');

    const code = await nextTotpCode(user.id);
    const ok = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/verify', { code });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ next: 'done', recovery_codes_left: 10 });
    expect(ok.cookie).not.toBe(first.cookie);
    expect(ok.headers['x-csrf-token']).not.toBe(first.headers['x-csrf-token']);
    expect((await step(ip, first.headers, 'GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await step(ip, ok.headers, 'GET', `/api/v1/orgs/${org.slug}`)).status).toBe(200);

    const notPending = await step(ip, ok.headers, 'POST', '/api/v1/auth/mfa/verify', { code });
    expect(notPending.status).toBe(409);
    expect(notPending.body.code).toBe('auth.mfa_not_pending');

    // The same code (its time step) is not accepted twice.
    const second = await password(user.email, ip);
    const replay = await step(ip, second.headers, 'POST', '/api/v1/auth/mfa/verify', { code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('auth.mfa_invalid');
  });

  it('accepts each recovery code once', async () => {
    const user = await createUserWithMfa(t);
    const [recovery] = user.recoveryCodes;
    const first = await password(user.email);
    const used = await step(clientAddress(), first.headers, 'POST', '/api/v1/auth/mfa/verify', {
      recovery_code: ` ${recovery?.toUpperCase()} `,
    });
    expect(used.status).toBe(200);
    expect(used.body.recovery_codes_left).toBe(9);
    const second = await password(user.email);
    const reused = await step(clientAddress(), second.headers, 'POST', '/api/v1/auth/mfa/verify', {
      recovery_code: recovery ?? '',
    });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('auth.mfa_invalid');
    const other = await step(clientAddress(), second.headers, 'POST', '/api/v1/auth/mfa/verify', {
      recovery_code: user.recoveryCodes[1] ?? '',
    });
    expect(other.status).toBe(200);
    expect(other.body.recovery_codes_left).toBe(8);
  });

  it('counts wrong codes towards the lockout', async () => {
    const user = await createUserWithMfa(t);
    const ip = clientAddress();
    const first = await password(user.email, ip);
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
      const r = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/verify', {
        code: wrongCode(user.mfaSecret),
      });
      expect(r.status).toBe(401);
    }
    const right = await step(ip, first.headers, 'POST', '/api/v1/auth/mfa/verify', {
      code: await nextTotpCode(user.id),
    });
    expect(right.status).toBe(403);
    expect(right.body.code).toBe('auth.locked');
    // Signing in again meets the lock, answered like a wrong password.
    expect((await password(user.email)).body.code).toBe('auth.invalid_credentials');
  });

  it('lets the login factory act as people of every kind', async () => {
    const org = await createOrg(t);
    for (const role of ['admin', 'management', 'member'] as const) {
      const user = await createUser(t, { org: org.slug, role });
      const me = await login(t, user);
      const r = await t.inject({ method: 'GET', url: `/api/v1/orgs/${org.slug}`, headers: me.headers() });
      expect(r.statusCode).toBe(200);
      // A second sign-in answers the challenge with the seed the first one enrolled.
      const again = await login(t, user);
      expect(again.cookie).not.toBe(me.cookie);
    }
  });
});
