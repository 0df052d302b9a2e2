import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of the people module. Every function runs inside withTenant. */

// --- Members -----------------------------------------------------------------------------

/** The member as the management routes show them, with their roles here (none: not a member). */
export async function findMember(tx: Tx, orgId: string, userId: string) {
  const r = await sql<{
    user_id: string;
    email: string;
    name: string;
    locale: string;
    roles: string[];
  }>`select u.id as user_id, u.email, u.name, u.locale, array_agg(m.role order by m.role) as roles
     from memberships m join users u on u.id = m.user_id
     where m.org_id = ${orgId} and m.user_id = ${userId} and m.pending_import is null
     group by u.id, u.email, u.name, u.locale`.execute(tx.q);
  return r.rows[0];
}

/**
 * The organisation's admins, their rows locked until commit: concurrent role changes and
 * removals of one organisation serialise here, so two admins cannot demote each other at once
 * and leave none.
 */
export async function lockAdmins(tx: Tx, orgId: string): Promise<string[]> {
  const r = await sql<{ user_id: string }>`
    select user_id from memberships
    where org_id = ${orgId} and role = 'admin' and pending_import is null
    for update`.execute(tx.q);
  return r.rows.map((x) => x.user_id);
}

export async function replaceRoles(tx: Tx, orgId: string, userId: string, roles: readonly string[]) {
  await sql`delete from memberships
            where org_id = ${orgId} and user_id = ${userId} and pending_import is null
              and not (role = any (${roles as string[]}::text[]))`.execute(tx.q);
  await sql`insert into memberships (org_id, user_id, role)
            select ${orgId}, ${userId}, r from unnest(${roles as string[]}::text[]) r
            on conflict do nothing`.execute(tx.q);
}

/** The target's platform flag and organisations (definer: RLS hides their other memberships). */
export async function findTarget(tx: Tx, userId: string) {
  const r = await sql<{ platform_admin: boolean; org_ids: string[] }>`
    select platform_admin, org_ids from vaern_people_target(${userId}::uuid)`.execute(tx.q);
  return r.rows[0];
}

/** Revokes the organisation's API tokens the person created; returns how many. */
export async function revokeTokensCreatedBy(tx: Tx, orgId: string, userId: string): Promise<number> {
  const r = await tx.q
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('org_id', '=', orgId)
    .where('created_by', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return r.length;
}

export async function offboard(tx: Tx, orgId: string, userId: string) {
  const r = await sql<{ removed_roles: string[]; sessions_revoked: number; account_deactivated: boolean }>`
    select removed_roles, sessions_revoked, account_deactivated
    from vaern_member_offboard(${orgId}::uuid, ${userId}::uuid)`.execute(tx.q);
  return r.rows[0];
}

/** Clears MFA and/or the password and ends every session; null when the target is out of reach. */
export async function resetMember(
  tx: Tx,
  userId: string,
  what: { mfa: boolean; password: boolean },
): Promise<number | null> {
  const r = await sql<{ n: number | null }>`
    select vaern_member_reset(${userId}::uuid, ${what.mfa}, ${what.password}) as n`.execute(tx.q);
  const n = r.rows[0]?.n;
  return n === null || n === undefined ? null : Number(n);
}

// --- Invitations -------------------------------------------------------------------------

export interface InvitationRow {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invited_by_label: string;
  created_at: Date;
  /** created_at with full precision, for the cursor. */
  created_key: string;
  expires_at: Date;
  accepted_at: Date | null;
}

const invitationColumns = sql`i.id, i.email, i.name, i.roles, i.invited_by_label, i.created_at,
  to_char(i.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key,
  i.expires_at, i.accepted_at,
  case when i.revoked_at is not null then 'revoked'
       when i.accepted_at is not null then 'accepted'
       when i.expires_at <= now() then 'expired'
       else 'pending' end as status`;

export async function emailIsMember(tx: Tx, orgId: string, email: string): Promise<boolean> {
  const r = await sql<{ found: boolean }>`
    select exists (select 1 from memberships m join users u on u.id = m.user_id
                   where m.org_id = ${orgId} and u.email = ${email} and m.pending_import is null) as found`.execute(
    tx.q,
  );
  return r.rows[0]?.found === true;
}

export async function hasPendingInvitation(tx: Tx, orgId: string, email: string): Promise<boolean> {
  const r = await sql<{ found: boolean }>`
    select exists (select 1 from invitations
                   where org_id = ${orgId} and email = ${email} and accepted_at is null
                     and revoked_at is null and expires_at > now()) as found`.execute(tx.q);
  return r.rows[0]?.found === true;
}

export async function insertInvitation(
  tx: Tx,
  v: {
    org_id: string;
    email: string;
    name: string | null;
    roles: readonly string[];
    locale: string;
    token_hash: string;
    invited_by: string | null;
    invited_by_label: string;
    ttl_hours: number;
  },
): Promise<InvitationRow> {
  const r = await sql<InvitationRow>`
    with i as (
      insert into invitations (org_id, email, name, roles, locale, token_hash, invited_by, invited_by_label,
                               expires_at)
      values (${v.org_id}, ${v.email}, ${v.name}, ${v.roles as string[]}::text[], ${v.locale}, ${v.token_hash},
              ${v.invited_by}, ${v.invited_by_label}, now() + make_interval(hours => ${v.ttl_hours}::integer))
      returning *
    )
    select ${invitationColumns} from i`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('invitation not inserted');
  return row;
}

export async function listInvitations(
  tx: Tx,
  orgId: string,
  opts: { limit: number; after?: [string, string] | undefined; status?: InvitationRow['status'] | undefined },
): Promise<InvitationRow[]> {
  const r = await sql<InvitationRow>`
    select * from (
      select ${invitationColumns} from invitations i
      where i.org_id = ${orgId}
        ${opts.after ? sql`and (i.created_at, i.id) < (${opts.after[0]}::timestamptz, ${opts.after[1]}::uuid)` : sql``}
    ) x
    ${opts.status ? sql`where x.status = ${opts.status}` : sql``}
    order by x.created_at desc, x.id desc
    limit ${opts.limit}`.execute(tx.q);
  return r.rows;
}

export async function findInvitation(tx: Tx, orgId: string, id: string) {
  const r = await sql<InvitationRow>`
    select ${invitationColumns} from invitations i where i.org_id = ${orgId} and i.id = ${id}`.execute(tx.q);
  return r.rows[0];
}

export async function revokeInvitation(tx: Tx, orgId: string, id: string) {
  const r = await sql<InvitationRow>`
    with i as (
      update invitations set revoked_at = now()
      where org_id = ${orgId} and id = ${id} and accepted_at is null and revoked_at is null
      returning *
    )
    select ${invitationColumns} from i`.execute(tx.q);
  return r.rows[0];
}

export async function lookupInvitation(tx: Tx, tokenHash: string) {
  const r = await sql<{
    org_id: string;
    org_slug: string;
    org_name: string;
    id: string;
    email: string;
    name: string | null;
    roles: string[];
    locale: string;
    expires_at: Date;
    account_exists: boolean;
  }>`select * from vaern_invitation_lookup(${tokenHash})`.execute(tx.q);
  return r.rows[0];
}

export async function acceptInvitation(
  tx: Tx,
  v: { tokenHash: string; userId: string | null; name: string | null; passwordHash: string | null },
) {
  const r = await sql<{
    org_id: string;
    invitation_id: string;
    user_id: string;
    email: string;
    roles: string[];
    account_created: boolean;
  }>`select * from vaern_invitation_accept(${v.tokenHash}, ${v.userId}::uuid, ${v.name}, ${v.passwordHash})`.execute(
    tx.q,
  );
  return r.rows[0];
}

// --- Reset links -------------------------------------------------------------------------

export async function requestReset(tx: Tx, email: string, tokenHash: string, ttlMinutes: number) {
  const r = await sql<{ user_id: string; email: string; name: string; locale: string; expires_at: Date }>`
    select * from vaern_reset_request(${email}, ${tokenHash}, ${ttlMinutes}::integer)`.execute(tx.q);
  return r.rows[0];
}

export async function consumeReset(tx: Tx, tokenHash: string, passwordHash: string) {
  const r = await sql<{ user_id: string; email: string; purpose: string }>`
    select * from vaern_reset_consume(${tokenHash}, ${passwordHash})`.execute(tx.q);
  return r.rows[0];
}
