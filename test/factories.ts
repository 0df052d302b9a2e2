import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import type { OrgKind, OrgRole, TokenRole } from '../src/server/lib/actor.js';
import type { TestApp } from './server.js';

const unique = () => randomBytes(4).toString('hex');

function ok<T>(r: { statusCode: number; body: string }, what: string): T {
  if (r.statusCode >= 300) throw new Error(`${what} failed: ${r.statusCode} ${r.body}`);
  return JSON.parse(r.body) as T;
}

export interface OrgFixture {
  id: string;
  slug: string;
  kind: string;
}

export async function createOrg(
  t: TestApp,
  input: { slug?: string; name?: string; kind?: OrgKind; parent?: string; region?: string } = {},
): Promise<OrgFixture> {
  const slug = input.slug ?? `org-${unique()}`;
  return ok(
    await t.asOperator('POST', '/api/v1/orgs', {
      slug,
      name: input.name ?? `Organisation ${slug}`,
      kind: input.kind ?? 'hospital',
      ...(input.parent ? { parent: input.parent } : {}),
      ...(input.region ? { region: input.region } : {}),
    }),
    'create organisation',
  );
}

export const TEST_PASSWORD = 'correct horse battery staple';

export interface UserFixture {
  id: string;
  email: string;
  password: string;
}

export async function createUser(
  t: TestApp,
  input: {
    email?: string;
    name?: string;
    org?: string;
    role?: OrgRole;
    platformAdmin?: boolean;
    password?: string;
  } = {},
): Promise<UserFixture> {
  const email = input.email ?? `user-${unique()}@example.dk`;
  const password = input.password ?? TEST_PASSWORD;
  const user = ok<{ id: string; email: string }>(
    await t.asOperator('POST', '/api/v1/users', {
      email,
      name: input.name ?? `User ${email}`,
      password,
      platform_admin: input.platformAdmin ?? false,
      ...(input.org ? { org: input.org, role: input.role ?? 'member' } : {}),
    }),
    'create user',
  );
  return { id: user.id, email: user.email, password };
}

/** An API token of the organisation with the role; returns the bearer header value. */
export async function createToken(
  t: TestApp,
  org: string,
  role: TokenRole,
  name = `token-${unique()}`,
): Promise<string> {
  const created = ok<{ token: string }>(
    await t.asOperator('POST', `/api/v1/orgs/${org}/tokens`, { name, role }),
    'create token',
  );
  return `Bearer ${created.token}`;
}

// --- Signing in (auth module) ------------------------------------------------------------
//
// Route tests act as a person through the real sign-in flow:
//
//   const user = await createUser(t, { org: org.slug, role: 'security_officer' });
//   const me = await login(t, user);              // password, then MFA enrolment or challenge
//   await t.inject({ method: 'POST', url, headers: me.headers(), payload });
//
// login(t, user) answers whatever the server asks next: nothing (a plain member), the TOTP
// challenge (a user enrolled through these factories), or enrolment (a role that requires MFA:
// the helper enrols a seed through the API and remembers it for later logins). Each login comes
// from its own loopback address, so the per-address sign-in rate limit never trips a test.
// createUserWithMfa(t, input) is createUser plus an enrolled seed and its recovery codes.
// TOTP codes are accepted once per 30 s time step; the helpers pick unused steps and, after
// about three sign-ins of one MFA user within 30 s, wait for the next step.

/** A signed-in person. */
export interface SignedIn {
  userId: string;
  /** The Cookie header value: `vaern_session=…`. */
  cookie: string;
  /** The session's CSRF token, sent as x-csrf-token on writes. */
  csrf: string;
  /** Headers for any request as this person. */
  headers(): { cookie: string; 'x-csrf-token': string };
}

export interface MfaUserFixture extends UserFixture {
  /** The TOTP seed, base32. */
  mfaSecret: string;
  /** The ten recovery codes issued at enrolment (single use). */
  recoveryCodes: string[];
}

const mfaSeeds = new Map<string, string>();
const mfaRecoveryCodes = new Map<string, string[]>();
const lastTotpSteps = new Map<string, number>();
const TOTP_PERIOD_MS = 30_000;

/** A random loopback address: a client of its own for the per-address rate limits. */
export const clientAddress = (): string => {
  const [a = 0, b = 0, c = 1] = randomBytes(3);
  return `127.${a}.${b}.${Math.max(c, 1)}`;
};

/** The TOTP code of a seed for one time step (Unix ms / 30 000). */
export const totpCode = (seed: string, step: number): string =>
  TOTP.generate({
    secret: Secret.fromBase32(seed),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: step * TOTP_PERIOD_MS,
  });

/**
 * A TOTP code the server will accept now for a user enrolled through these factories (or for
 * `seed`): a step within ±1 of now that this user has not used yet, waiting for the next step
 * when all are used.
 */
export async function nextTotpCode(userId: string, seed = mfaSeeds.get(userId)): Promise<string> {
  if (!seed) throw new Error(`no TOTP seed known for user ${userId}: enrol through the factories`);
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / TOTP_PERIOD_MS);
    // The previous step only while the server cannot cross into the next one before it checks.
    const candidates = now - step * TOTP_PERIOD_MS < 25_000 ? [step - 1, step, step + 1] : [step, step + 1];
    const last = lastTotpSteps.get(userId) ?? Number.NEGATIVE_INFINITY;
    const pick = candidates.find((s) => s > last);
    if (pick !== undefined) {
      lastTotpSteps.set(userId, pick);
      return totpCode(seed, pick);
    }
    await new Promise((resolve) => setTimeout(resolve, (step + 1) * TOTP_PERIOD_MS - now + 50));
  }
}

interface SessionState {
  next: string;
  cookie: string;
  csrf: string;
}

function sessionState(r: LightMyRequestResponse, what: string): SessionState {
  const body = ok<{ next: string; csrf_token: string }>(r, what);
  const cookie = r.cookies.find((c) => c.name === 'vaern_session');
  if (!cookie) throw new Error(`${what}: no session cookie set`);
  return { next: body.next, cookie: `vaern_session=${cookie.value}`, csrf: body.csrf_token };
}

const headersOf = (s: SessionState) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

/** Enrols a new TOTP seed for the session's person and confirms it; returns the rotated session. */
async function enrolMfa(
  t: TestApp,
  userId: string,
  session: SessionState,
  remoteAddress: string,
  password?: string,
): Promise<SessionState> {
  const started = ok<{ secret: string }>(
    await t.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrol',
      remoteAddress,
      headers: headersOf(session),
      // Voluntary enrolment (from a full session) asks for the password again.
      ...(password ? { payload: { password } } : {}),
    }),
    'start MFA enrolment',
  );
  mfaSeeds.set(userId, started.secret);
  lastTotpSteps.delete(userId);
  const r = await t.inject({
    method: 'POST',
    url: '/api/v1/auth/mfa/enrol/confirm',
    remoteAddress,
    headers: headersOf(session),
    payload: { code: await nextTotpCode(userId) },
  });
  mfaRecoveryCodes.set(userId, ok<{ recovery_codes: string[] }>(r, 'confirm MFA').recovery_codes);
  return sessionState(r, 'confirm MFA');
}

/** Signs the user in through the API (password, then MFA as the server asks). */
export async function login(t: TestApp, user: UserFixture | MfaUserFixture): Promise<SignedIn> {
  if ('mfaSecret' in user) mfaSeeds.set(user.id, user.mfaSecret);
  const remoteAddress = clientAddress();
  let session = sessionState(
    await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      payload: { email: user.email, password: user.password },
    }),
    'sign in',
  );
  if (session.next === 'mfa') {
    session = sessionState(
      await t.inject({
        method: 'POST',
        url: '/api/v1/auth/mfa/verify',
        remoteAddress,
        headers: headersOf(session),
        payload: { code: await nextTotpCode(user.id) },
      }),
      'MFA challenge',
    );
  } else if (session.next === 'enrol') {
    session = await enrolMfa(t, user.id, session, remoteAddress);
  }
  const { cookie, csrf } = session;
  return { userId: user.id, cookie, csrf, headers: () => ({ cookie, 'x-csrf-token': csrf }) };
}

/** createUser, then TOTP enrolled through the API (voluntarily when the role does not demand it). */
export async function createUserWithMfa(
  t: TestApp,
  input: Parameters<typeof createUser>[1] = {},
): Promise<MfaUserFixture> {
  const user = await createUser(t, input);
  const me = await login(t, user);
  if (!mfaSeeds.has(user.id)) {
    await enrolMfa(
      t,
      user.id,
      { next: 'done', cookie: me.cookie, csrf: me.csrf },
      clientAddress(),
      user.password,
    );
  }
  const mfaSecret = mfaSeeds.get(user.id);
  const recoveryCodes = mfaRecoveryCodes.get(user.id);
  if (!mfaSecret || !recoveryCodes) throw new Error('MFA enrolment left no seed');
  return { ...user, mfaSecret, recoveryCodes };
}
