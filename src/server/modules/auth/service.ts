import type { AppContext } from '../../context.js';
import { type Scope, scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { AppError, badRequest, conflict, forbidden, notFound, unauthenticated } from '../../lib/errors.js';
import { hashPassword, verifyPassword } from '../../lib/password.js';
import { MFA_SECRET_PURPOSE, openSecret, sealSecret } from '../../lib/secretbox.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { recordAudit } from '../audit/record.js';
import { matchTotp, newRecoveryCodes, newTotpSecret, otpauthUri, recoveryCodeHash } from './factors.js';
import './messages.js';
import { PASSWORD_MIN_LENGTH } from './constants.js';
import { authPolicy } from './policy.js';
import { presentCurrentSession, presentUser } from './present.js';
import * as q from './queries.js';
import { loadMemberships, type SessionInfo } from './resolve.js';

/** Where a sign-in comes from, as recorded on the session and in the audit trail. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

/** A session just created: the token goes into the cookie only, never into a response body. */
export interface NewSession {
  id: string;
  token: string;
  csrfToken: string;
}

type Stage = SessionInfo['stage'];
const NEXT_STEP = { password: 'mfa', enrol: 'enrol', full: 'done' } as const satisfies Record<Stage, string>;

/** The scope of a person who has shown their password (or more): their own rows, nothing else. */
const personScope = (userId: string): Scope => ({ orgIds: [], userId });

/** The person as the audit trail records them (actorRef uses id and e-mail only). */
const auditActor = (user: { id: string; email: string; name: string }, sessionId: string): Actor => ({
  kind: 'user',
  userId: user.id,
  email: user.email,
  name: user.name,
  locale: 'en',
  platformAdmin: false,
  memberships: [],
  sessionId,
});

/** `2026-11-22 14:32:05 UTC`: the end of a lockout, as people read it. */
const formatUntil = (d: Date) => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

async function openSession(tx: Tx, userId: string, stage: Stage, client: ClientInfo): Promise<NewSession> {
  const token = randomToken(32);
  const csrfToken = randomToken(32);
  const row = await q.insertSession(tx, {
    token_hash: sha256Hex(token),
    user_id: userId,
    stage,
    csrf_token: csrfToken,
    ip: client.ip || null,
    user_agent: client.userAgent?.slice(0, 512) ?? null,
  });
  return { id: row.id, token, csrfToken };
}

/** Replaces a session by a new one (new token, new CSRF token): at every change of privilege. */
async function rotateSession(tx: Tx, old: SessionInfo, stage: Stage, client: ClientInfo) {
  const revoked = await q.revokeSession(tx, old.userId, old.id);
  if (!revoked) throw unauthenticated('auth.session_expired');
  return openSession(tx, old.userId, stage, client);
}

/**
 * Signs in with e-mail and password. Unknown addresses cost the same hashing time; a locked
 * account is refused even with the right password; a deactivated one as if the password were
 * wrong. Every sign-in gets a new session; a session the browser already had is ended.
 */
export async function login(opts: {
  ctx: AppContext;
  email: string;
  password: string;
  client: ClientInfo;
  previous?: SessionInfo | undefined;
}): Promise<NewSession & { next: (typeof NEXT_STEP)[Stage] }> {
  const { ctx, email, password, client } = opts;
  const db = ctx.db.kysely;
  const user = await withTenant(db, { orgIds: [] }, (tx) => q.findLoginUser(tx, email));
  // The attempt is claimed before the password is checked, atomically, so parallel guesses
  // cannot outrun the lockout. A locked account answers exactly like a wrong password, after the
  // same hashing time, so that neither the answer nor its timing tells which addresses exist.
  const claimed =
    user && !user.deactivated_at
      ? await withTenant(db, { orgIds: [] }, (tx) => q.claimAttempt(tx, user.id))
      : false;
  const passwordOk = await verifyPassword(claimed ? (user?.password_hash ?? null) : null, password);
  if (!user || user.deactivated_at || !claimed || !passwordOk) {
    await withTenant(db, { orgIds: [] }, async (tx) => {
      // An unknown address is not recorded: people sometimes type their password into it.
      const reason = !user
        ? 'unknown_email'
        : user.deactivated_at
          ? 'deactivated'
          : !claimed
            ? 'locked'
            : 'wrong_password';
      await recordAudit(tx, ctx.anchors, {
        chain: PLATFORM_CHAIN,
        actor: undefined,
        action: 'auth.login_failed',
        ...(user ? { targetType: 'user', targetId: user.id } : {}),
        after: { ...(user ? { email: user.email } : {}), reason, ip: client.ip },
      });
    });
    throw unauthenticated('auth.invalid_credentials');
  }
  const previous = opts.previous;
  if (previous) {
    await withTenant(db, personScope(previous.userId), (tx) =>
      q.revokeSession(tx, previous.userId, previous.id),
    );
  }
  return withTenant(db, personScope(user.id), async (tx) => {
    const roles = (await q.membershipsOf(tx, user.id)).map((m) => m.role);
    const stage = authPolicy.stageAfterPassword(
      user.mfa_enabled,
      authPolicy.mfaRequired(user.platform_admin, roles),
    );
    // While a second factor is still to come the failure count stays, so that the password
    // alone never clears the count of wrong codes.
    if (stage !== 'password') await q.recordLoginAttempt(tx, user.id, true);
    else await q.releaseAttempt(tx, user.id);
    const session = await openSession(tx, user.id, stage, client);
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor: auditActor(user, session.id),
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      after: { stage, session_id: session.id, ip: client.ip },
    });
    return { ...session, next: NEXT_STEP[stage] };
  });
}

/**
 * Starts TOTP enrolment: a new seed, kept sealed until a code confirms it. Enrolling voluntarily
 * from a full session asks for the password again, so that a stolen session cannot bind the
 * thief's authenticator (and take the recovery codes) to someone else's account.
 */
export async function startMfaEnrolment(opts: { ctx: AppContext; session: SessionInfo; password?: string }) {
  const { ctx, session } = opts;
  if (!authPolicy.mayEnrol(session.stage)) throw unauthenticated('auth.mfa_required');
  const db = ctx.db.kysely;
  const user = await withTenant(db, personScope(session.userId), (tx) => q.findAuthUser(tx, session.userId));
  if (!user) throw unauthenticated();
  if (user.mfa_enabled_at) throw conflict('auth.mfa_already_enrolled');
  if (authPolicy.enrolNeedsPassword(session.stage)) {
    if (!opts.password) throw badRequest('auth.password_required');
    const login = await withTenant(db, { orgIds: [] }, (tx) => q.findLoginUser(tx, user.email));
    const claimed = login ? await withTenant(db, { orgIds: [] }, (tx) => q.claimAttempt(tx, user.id)) : false;
    if (!(await verifyPassword(claimed ? (login?.password_hash ?? null) : null, opts.password))) {
      throw unauthenticated('auth.invalid_credentials');
    }
    await withTenant(db, { orgIds: [] }, (tx) => q.recordLoginAttempt(tx, user.id, true));
  }
  return withTenant(db, personScope(session.userId), async (tx) => {
    const secret = newTotpSecret();
    await q.setPendingSecret(tx, user.id, sealSecret(ctx.config.secret, MFA_SECRET_PURPOSE, secret));
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor: auditActor(user, session.id),
      action: 'auth.mfa_enrol_start',
      targetType: 'user',
      targetId: user.id,
      after: { session_id: session.id, voluntary: session.stage === 'full' },
    });
    return { secret, otpauth_uri: otpauthUri(secret, user.email) };
  });
}

/**
 * Confirms enrolment with a code from the new seed: MFA is on, ten recovery codes are issued
 * (returned once, stored as hashes), and the session is rotated into a full one.
 */
export async function confirmMfaEnrolment(opts: {
  ctx: AppContext;
  session: SessionInfo;
  code: string;
  client: ClientInfo;
}): Promise<NewSession & { recoveryCodes: string[] }> {
  const { ctx, session, code, client } = opts;
  if (!authPolicy.mayEnrol(session.stage)) throw unauthenticated('auth.mfa_required');
  return withTenant(ctx.db.kysely, personScope(session.userId), async (tx) => {
    const user = await q.findAuthUser(tx, session.userId);
    if (!user) throw unauthenticated();
    if (user.mfa_enabled_at) throw conflict('auth.mfa_already_enrolled');
    if (!user.mfa_pending_secret) throw badRequest('auth.mfa_enrolment_not_started');
    const seed = openSecret(ctx.config.secret, MFA_SECRET_PURPOSE, user.mfa_pending_secret);
    const step = matchTotp(seed, code);
    if (step === null) throw badRequest('auth.mfa_invalid');
    if (!(await q.activatePendingSecret(tx, user.id, step))) throw conflict('auth.mfa_already_enrolled');
    const recoveryCodes = newRecoveryCodes();
    await q.replaceRecoveryCodes(tx, user.id, recoveryCodes.map(recoveryCodeHash));
    const rotated = await rotateSession(tx, session, 'full', client);
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor: auditActor(user, rotated.id),
      action: 'auth.mfa_enrol',
      targetType: 'user',
      targetId: user.id,
      after: {
        recovery_codes: recoveryCodes.length,
        session_id: rotated.id,
        replaced_session_id: session.id,
        ip: client.ip,
      },
    });
    return { ...rotated, recoveryCodes };
  });
}

type VerifyOutcome =
  | { kind: 'ok'; session: NewSession; recoveryCodesLeft: number }
  | { kind: 'invalid' }
  | { kind: 'locked'; until: Date }
  | { kind: 'refused' };

/**
 * Answers the second-factor challenge of a session that gave its password, with a TOTP code
 * (each time step accepted once) or a recovery code (each once). Wrong answers count towards
 * the same lockout as wrong passwords. Success rotates the session into a full one.
 */
export async function verifySecondFactor(opts: {
  ctx: AppContext;
  session: SessionInfo;
  answer: { code: string } | { recovery_code: string };
  client: ClientInfo;
}): Promise<{ session: NewSession; recoveryCodesLeft: number }> {
  const { ctx, session, answer, client } = opts;
  if (!authPolicy.mayVerify(session.stage)) throw conflict('auth.mfa_not_pending');
  const outcome = await withTenant(
    ctx.db.kysely,
    personScope(session.userId),
    async (tx): Promise<VerifyOutcome> => {
      const user = await q.findAuthUser(tx, session.userId);
      if (!user?.mfa_secret || user.deactivated_at) return { kind: 'refused' };
      // Claimed before the code is checked, like passwords: parallel guesses share one count.
      if (!(await q.claimAttempt(tx, user.id))) {
        const until = (await q.findAuthUser(tx, user.id))?.locked_until ?? new Date();
        return { kind: 'locked', until };
      }
      const method = 'code' in answer ? 'totp' : 'recovery_code';
      let ok: boolean;
      if ('code' in answer) {
        const step = matchTotp(
          openSecret(ctx.config.secret, MFA_SECRET_PURPOSE, user.mfa_secret),
          answer.code,
        );
        ok = step !== null && (await q.claimTotpStep(tx, user.id, step));
      } else {
        ok = await q.claimRecoveryCode(tx, user.id, recoveryCodeHash(answer.recovery_code));
      }
      if (!ok) {
        await recordAudit(tx, ctx.anchors, {
          chain: PLATFORM_CHAIN,
          actor: undefined,
          action: 'auth.mfa_failed',
          targetType: 'user',
          targetId: user.id,
          after: { email: user.email, method, session_id: session.id, ip: client.ip },
        });
        return { kind: 'invalid' };
      }
      await q.recordLoginAttempt(tx, user.id, true);
      const rotated = await rotateSession(tx, session, 'full', client);
      await recordAudit(tx, ctx.anchors, {
        chain: PLATFORM_CHAIN,
        actor: auditActor(user, rotated.id),
        action: 'auth.mfa_verify',
        targetType: 'user',
        targetId: user.id,
        after: { method, session_id: rotated.id, replaced_session_id: session.id, ip: client.ip },
      });
      return {
        kind: 'ok',
        session: rotated,
        recoveryCodesLeft: await q.countUnusedRecoveryCodes(tx, user.id),
      };
    },
  );
  switch (outcome.kind) {
    case 'ok':
      return { session: outcome.session, recoveryCodesLeft: outcome.recoveryCodesLeft };
    case 'invalid':
      throw unauthenticated('auth.mfa_invalid');
    case 'locked':
      throw new AppError(403, 'auth.locked', { until: formatUntil(outcome.until) });
    case 'refused':
      throw unauthenticated();
  }
}

/** The current session: its stage, CSRF token, the person, and their memberships once full. */
export async function getCurrentSession(opts: { ctx: AppContext; session: SessionInfo }) {
  const { ctx, session } = opts;
  return withTenant(ctx.db.kysely, personScope(session.userId), async (tx) => {
    const user = await q.findAuthUser(tx, session.userId);
    if (!user) throw unauthenticated();
    const memberships = session.stage === 'full' ? await loadMemberships(tx, user.id) : [];
    return presentCurrentSession(session, user, memberships);
  });
}

/** The person's own sessions that still work, newest first. */
export async function listSessions(opts: {
  ctx: AppContext;
  actor: Actor;
  limit: number;
  after?: [string, string] | undefined;
}) {
  const { ctx, actor } = opts;
  if (!authPolicy.manageOwnSessions(actor)) throw forbidden('auth.people_only');
  return withTenant(ctx.db.kysely, scopeOf(actor), (tx) =>
    q.listActiveSessions(tx, actor.userId, opts.limit + 1, opts.after),
  );
}

/** Ends one of the person's own sessions; another person's is not found. */
export async function revokeOwnSession(opts: { ctx: AppContext; actor: Actor; id: string }) {
  const { ctx, actor, id } = opts;
  if (!authPolicy.manageOwnSessions(actor)) throw forbidden('auth.people_only');
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) => {
    if (!(await q.revokeSession(tx, actor.userId, id))) throw notFound();
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor,
      action: 'auth.session_revoke',
      targetType: 'session',
      targetId: id,
    });
    return { current: id === actor.sessionId };
  });
}

/** Ends the current session, at whatever stage it is. */
export async function logout(opts: { ctx: AppContext; session: SessionInfo }) {
  const { ctx, session } = opts;
  await withTenant(ctx.db.kysely, personScope(session.userId), async (tx) => {
    const user = await q.findAuthUser(tx, session.userId);
    if (!user || !(await q.revokeSession(tx, session.userId, session.id))) return;
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor: auditActor(user, session.id),
      action: 'auth.logout',
      targetType: 'session',
      targetId: session.id,
    });
  });
}

/** Changes the person's own name and language; records what changed, before and after. */
export async function updateOwnProfile(opts: {
  ctx: AppContext;
  actor: Actor;
  changes: { name?: string | undefined; locale?: 'da' | 'en' | undefined };
}) {
  const { ctx, actor } = opts;
  if (!authPolicy.editOwnProfile(actor)) throw forbidden('auth.people_only');
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) => {
    const user = await q.findAuthUser(tx, actor.userId);
    if (!user) throw unauthenticated();
    const changes: { name?: string; locale?: 'da' | 'en' } = {};
    if (opts.changes.name !== undefined && opts.changes.name !== user.name) changes.name = opts.changes.name;
    if (opts.changes.locale !== undefined && opts.changes.locale !== user.locale) {
      changes.locale = opts.changes.locale;
    }
    const keys = Object.keys(changes) as Array<keyof typeof changes>;
    if (keys.length === 0) return presentUser(user);
    if (!(await q.updateOwnProfile(tx, user.id, changes))) throw unauthenticated();
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor,
      action: 'auth.profile_update',
      targetType: 'user',
      targetId: user.id,
      before: Object.fromEntries(keys.map((k) => [k, user[k]])),
      after: changes,
    });
    return presentUser({ ...user, ...changes });
  });
}

/**
 * Changes the person's own password. The current one is checked like a sign-in (a wrong one
 * counts towards the lockout); on success every other session of the person ends and the
 * current one is replaced by a new one (new cookie, new CSRF token). Passwords are never recorded.
 */
export async function changePassword(opts: {
  ctx: AppContext;
  actor: Actor;
  /** The browser session of the request; bearer tokens have none. */
  session: SessionInfo | undefined;
  currentPassword: string;
  newPassword: string;
  client: ClientInfo;
}): Promise<NewSession & { revokedSessions: number }> {
  const { ctx, actor, session, client } = opts;
  if (!authPolicy.editOwnProfile(actor) || !session || actor.sessionId !== session.id) {
    throw forbidden('auth.people_only');
  }
  const problem = authPolicy.newPasswordProblem(opts.currentPassword, opts.newPassword);
  if (problem === 'too_short') {
    throw new AppError(400, 'auth.password_too_short', { min: PASSWORD_MIN_LENGTH }, [
      {
        path: 'body.new_password',
        message: `at least ${PASSWORD_MIN_LENGTH} characters`,
        code: 'validation.too_small.string',
        params: { limit: PASSWORD_MIN_LENGTH },
      },
    ]);
  }
  if (problem === 'unchanged') {
    throw new AppError(400, 'auth.password_unchanged', {}, [
      {
        path: 'body.new_password',
        message: 'equals the current password',
        code: 'validation.password_unchanged',
      },
    ]);
  }
  const db = ctx.db.kysely;
  const login = await withTenant(db, { orgIds: [] }, (tx) => q.findLoginUser(tx, actor.email));
  if (!login || login.id !== actor.userId || login.deactivated_at) throw unauthenticated();
  // Claimed before the password is checked, as at sign-in: parallel guesses share one count.
  const claimed = await withTenant(db, { orgIds: [] }, (tx) => q.claimAttempt(tx, login.id));
  const passwordOk = await verifyPassword(claimed ? login.password_hash : null, opts.currentPassword);
  if (!claimed || !passwordOk) {
    const until = await withTenant(db, scopeOf(actor), async (tx) => {
      await recordAudit(tx, ctx.anchors, {
        chain: PLATFORM_CHAIN,
        actor,
        action: 'auth.password_change_failed',
        targetType: 'user',
        targetId: login.id,
        after: { reason: claimed ? 'wrong_password' : 'locked', session_id: session.id, ip: client.ip },
      });
      return (await q.findAuthUser(tx, login.id))?.locked_until ?? null;
    });
    if (until && until > new Date()) {
      throw new AppError(403, 'auth.locked', { until: formatUntil(until) });
    }
    throw new AppError(400, 'auth.wrong_password', {}, [
      { path: 'body.current_password', message: 'wrong password', code: 'validation.password_wrong' },
    ]);
  }
  const passwordHash = await hashPassword(opts.newPassword);
  return withTenant(db, scopeOf(actor), async (tx) => {
    await q.recordLoginAttempt(tx, login.id, true);
    if (!(await q.setPasswordHash(tx, login.id, passwordHash))) throw unauthenticated();
    const revokedSessions = await q.revokeOtherSessions(tx, login.id, session.id);
    const rotated = await rotateSession(tx, session, 'full', client);
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor,
      action: 'auth.password_change',
      targetType: 'user',
      targetId: login.id,
      after: {
        revoked_sessions: revokedSessions,
        session_id: rotated.id,
        replaced_session_id: session.id,
        ip: client.ip,
      },
    });
    return { ...rotated, revokedSessions };
  });
}
