import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import type { ActorRef } from '../../lib/actor.js';

/** All SQL of the auditor grants module. Every function runs inside withTenant. */

export interface GrantRow {
  id: string;
  user_id: string;
  user_email: string;
  user_name: string;
  starts_at: Date;
  ends_at: Date;
  data_from: string | null;
  data_to: string | null;
  note: string | null;
  status: 'scheduled' | 'active' | 'expired' | 'revoked';
  granted_by: ActorRef;
  created_at: Date;
  /** created_at as PostgreSQL's text, exact to the microsecond, for the cursor. */
  created_key: string;
  revoked_at: Date | null;
}

/** The grant's state now, by the database's clock (the one loadMemberships uses). */
const columns = sql`g.id, g.user_id, u.email as user_email, u.name as user_name, g.starts_at, g.ends_at,
  to_char(g.data_from, 'YYYY-MM-DD') as data_from, to_char(g.data_to, 'YYYY-MM-DD') as data_to,
  g.note, g.granted_by, g.created_at, g.created_at::text as created_key, g.revoked_at,
  case when g.revoked_at is not null then 'revoked'
       when now() < g.starts_at then 'scheduled'
       when now() >= g.ends_at then 'expired'
       else 'active' end as status`;

/** The organisation's grants, newest first. */
export async function listGrants(tx: Tx, orgId: string, limit: number, after: [string, string] | undefined) {
  const r = await sql<GrantRow>`select ${columns}
    from auditor_grants g join users u on u.id = g.user_id
    where g.org_id = ${orgId}
      ${after ? sql`and (g.created_at, g.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by g.created_at desc, g.id desc
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

export async function findGrant(tx: Tx, orgId: string, id: string) {
  const r = await sql<GrantRow>`select ${columns}
    from auditor_grants g join users u on u.id = g.user_id
    where g.org_id = ${orgId} and g.id = ${id}`.execute(tx.q);
  return r.rows[0];
}

/** Anyone with the e-mail address, whatever organisations they belong to (reviewed definer lookup). */
export async function findAccountByEmail(tx: Tx, email: string) {
  const r = await sql<{
    id: string;
    email: string;
    name: string;
    platform_admin: boolean;
    locale: string;
    deactivated_at: Date | null;
  }>`select id, email, name, platform_admin, locale, deactivated_at
     from vaern_auth_user_by_email(${email})`.execute(tx.q);
  return r.rows[0];
}

/**
 * A new account without password. Inserted without RETURNING: the organisation sees the person
 * only once the grant that names them exists (users_read_grantee, 0012).
 */
export async function insertAccount(
  tx: Tx,
  v: { id: string; email: string; name: string; locale: 'da' | 'en' },
) {
  await sql`insert into users (id, email, name, password_hash, locale)
    values (${v.id}, ${v.email}, ${v.name}, null, ${v.locale})`.execute(tx.q);
}

/**
 * Serialises the grants of one person in one organisation for the rest of the transaction, so
 * that two concurrent requests cannot both pass the overlap check.
 */
export async function lockGrantsOf(tx: Tx, orgId: string, userId: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`auditor_grant:${orgId}:${userId}`}, 0))`.execute(
    tx.q,
  );
}

/** Whether a live (unrevoked) grant of the person's window overlaps [startsAt, endsAt). */
export async function hasOverlappingGrant(
  tx: Tx,
  orgId: string,
  userId: string,
  startsAt: Date,
  endsAt: Date,
) {
  const r = await sql<{ id: string }>`select id from auditor_grants
    where org_id = ${orgId} and user_id = ${userId} and revoked_at is null
      and starts_at < ${endsAt} and ends_at > ${startsAt}
    limit 1`.execute(tx.q);
  return r.rows.length > 0;
}

export async function insertGrant(
  tx: Tx,
  orgId: string,
  v: {
    user_id: string;
    starts_at: Date;
    ends_at: Date;
    data_from: string | null;
    data_to: string | null;
    note: string | null;
    granted_by: ActorRef;
  },
) {
  const r = await sql<{ id: string }>`insert into auditor_grants
      (org_id, user_id, starts_at, ends_at, data_from, data_to, note, granted_by)
    values (${orgId}, ${v.user_id}, ${v.starts_at}, ${v.ends_at}, ${v.data_from}::date, ${v.data_to}::date,
            ${v.note}, ${JSON.stringify(v.granted_by)}::jsonb)
    returning id`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('insert into auditor_grants returned no row');
  return row.id;
}

/** Revokes a grant that is not yet revoked; returns whether it changed. */
export async function revokeGrant(tx: Tx, orgId: string, id: string, by: ActorRef) {
  const r = await sql<{ id: string }>`update auditor_grants
    set revoked_at = now(), revoked_by = ${JSON.stringify(by)}::jsonb
    where org_id = ${orgId} and id = ${id} and revoked_at is null
    returning id`.execute(tx.q);
  return r.rows.length > 0;
}
