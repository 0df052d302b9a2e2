import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import { LOCKOUT_SECONDS, MAX_FAILED_LOGINS, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './constants.js';

/**
 * All SQL of the auth module. Every function runs inside withTenant; before the password is
 * checked only the SECURITY DEFINER lookups of 0001 are used, afterwards the scope names the
 * person (app.user_id), and row-level security limits every query to their own rows.
 */

export interface LoginUser {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  mfa_enabled: boolean;
  platform_admin: boolean;
  locale: string;
  failed_logins: number;
  locked_until: Date | null;
  deactivated_at: Date | null;
}

export async function findLoginUser(tx: Tx, email: string): Promise<LoginUser | undefined> {
  const r = await sql<LoginUser>`select * from vaern_auth_user_by_email(${email})`.execute(tx.q);
  return r.rows[0];
}

/**
 * Claims one attempt (password or second factor) before it is checked: false when the account is
 * locked. The count is cleared by recordLoginAttempt(ok = true) once the attempt succeeds.
 */
export async function claimAttempt(tx: Tx, userId: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`select vaern_auth_claim_attempt(${userId}::uuid,
              ${MAX_FAILED_LOGINS}::integer, ${LOCKOUT_SECONDS}::integer) as ok`.execute(tx.q);
  return r.rows[0]?.ok === true;
}

/** Gives back the attempt a right password claimed while its second factor is still to come. */
export async function releaseAttempt(tx: Tx, userId: string): Promise<void> {
  await sql`select vaern_auth_release_attempt(${userId}::uuid)`.execute(tx.q);
}

/** Counts a failed attempt (locking the account at the limit) or clears the count on success. */
export async function recordLoginAttempt(tx: Tx, userId: string, ok: boolean): Promise<void> {
  await sql`select vaern_auth_record_login(${userId}::uuid, ${ok}::boolean,
              ${MAX_FAILED_LOGINS}::integer, ${LOCKOUT_SECONDS}::integer)`.execute(tx.q);
}

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  locale: string;
  platform_admin: boolean;
  mfa_enabled_at: Date | null;
  mfa_secret: string | null;
  mfa_pending_secret: string | null;
  locked_until: Date | null;
  deactivated_at: Date | null;
}

/** The signed-in person's own row, with the sealed TOTP seeds. */
export async function findAuthUser(tx: Tx, userId: string): Promise<AuthUser | undefined> {
  const r = await sql<AuthUser>`
    select id, email, name, locale, platform_admin, mfa_enabled_at, mfa_secret, mfa_pending_secret,
           locked_until, deactivated_at
    from users where id = ${userId}`.execute(tx.q);
  return r.rows[0];
}

export const membershipsOf = (tx: Tx, userId: string) =>
  tx.q
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.org_id')
    .select(['m.org_id', 'o.slug', 'o.kind', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('o.slug')
    .orderBy('m.role')
    .execute();

/** A new session; it ends SESSION_ABSOLUTE_MS after now, however active. */
export const insertSession = (
  tx: Tx,
  v: {
    token_hash: string;
    user_id: string;
    stage: 'password' | 'enrol' | 'full';
    csrf_token: string;
    ip: string | null;
    user_agent: string | null;
  },
) =>
  tx.q
    .insertInto('sessions')
    .values({
      ...v,
      expires_at: sql<Date>`now() + make_interval(secs => ${SESSION_ABSOLUTE_MS / 1000}::integer)`,
    })
    .returning(['id', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();

/** Ends one of the person's sessions; undefined when it is not theirs or already ended. */
export const revokeSession = (tx: Tx, userId: string, id: string) =>
  tx.q
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();

export interface SessionRow {
  id: string;
  created_at: Date;
  /** created_at as PostgreSQL's text, exact to the microsecond, for the cursor. */
  created_key: string;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** The person's sessions that still work (not revoked, not idle, not past their end), newest first. */
export async function listActiveSessions(
  tx: Tx,
  userId: string,
  limit: number,
  after: [string, string] | undefined,
): Promise<SessionRow[]> {
  const r = await sql<SessionRow>`
    select id, created_at, created_at::text as created_key, last_seen_at, expires_at, ip, user_agent
    from sessions
    where user_id = ${userId} and revoked_at is null and expires_at > now()
      and last_seen_at > now() - make_interval(secs => ${SESSION_IDLE_MS / 1000}::integer)
      ${after ? sql`and (created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by created_at desc, id desc
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

export const setPendingSecret = (tx: Tx, userId: string, sealed: string) =>
  sql`update users set mfa_pending_secret = ${sealed} where id = ${userId}`.execute(tx.q);

/** Makes the pending seed the person's second factor; false when there was none to confirm. */
export async function activatePendingSecret(tx: Tx, userId: string, step: number): Promise<boolean> {
  const r = await sql`
    update users
    set mfa_secret = mfa_pending_secret, mfa_pending_secret = null, mfa_enabled_at = now(),
        mfa_last_step = ${step}
    where id = ${userId} and mfa_pending_secret is not null and mfa_enabled_at is null
    returning id`.execute(tx.q);
  return r.rows.length === 1;
}

/** Accepts a TOTP time step once: false when this or a later step was already used (a replay). */
export async function claimTotpStep(tx: Tx, userId: string, step: number): Promise<boolean> {
  const r = await sql`
    update users set mfa_last_step = ${step}
    where id = ${userId} and (mfa_last_step is null or mfa_last_step < ${step})
    returning id`.execute(tx.q);
  return r.rows.length === 1;
}

export async function replaceRecoveryCodes(tx: Tx, userId: string, hashes: string[]): Promise<void> {
  await tx.q.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await tx.q
    .insertInto('recovery_codes')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
    .execute();
}

/** Uses a recovery code once: false when it is unknown or already used. */
export async function claimRecoveryCode(tx: Tx, userId: string, hash: string): Promise<boolean> {
  const row = await tx.q
    .updateTable('recovery_codes')
    .set({ used_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .returning('code_hash')
    .executeTakeFirst();
  return row !== undefined;
}

export async function countUnusedRecoveryCodes(tx: Tx, userId: string): Promise<number> {
  const r = await tx.q
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The person's own name and language; undefined when the row is not theirs to change. */
export const updateOwnProfile = (tx: Tx, userId: string, v: { name?: string; locale?: 'da' | 'en' }) =>
  tx.q.updateTable('users').set(v).where('id', '=', userId).returning('id').executeTakeFirst();

/** Replaces the person's password hash (argon2id). */
export const setPasswordHash = (tx: Tx, userId: string, passwordHash: string) =>
  tx.q
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where('id', '=', userId)
    .returning('id')
    .executeTakeFirst();

/** Ends every session of the person but one; returns how many ended. */
export async function revokeOtherSessions(tx: Tx, userId: string, keepId: string): Promise<number> {
  const rows = await tx.q
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('id', '<>', keepId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('id')
    .execute();
  return rows.length;
}
