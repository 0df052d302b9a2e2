import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of the directory module. Every function runs inside withTenant. */

export const findOrgBySlug = (tx: Tx, slug: string) =>
  tx.q
    .selectFrom('organisations')
    .select(['id', 'slug', 'kind', 'name'])
    .where('slug', '=', slug)
    .executeTakeFirst();

export const insertOrganisation = (
  tx: Tx,
  v: { slug: string; name: string; kind: string; parent_id: string | null; region_id: string | null },
) => tx.q.insertInto('organisations').values(v).returning(['id', 'created_at']).executeTakeFirstOrThrow();

const orgColumns = sql`o.id, o.slug, o.name, o.kind, p.slug as parent_slug, r.slug as region_slug, o.created_at`;

export interface OrganisationFilter {
  /** Part of the slug or the name, case-insensitive. */
  q?: string | undefined;
  kind?: string | undefined;
}

export async function listOrganisations(
  tx: Tx,
  limit: number,
  after: string | undefined,
  filter: OrganisationFilter = {},
) {
  const pattern = filter.q ? `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const r = await sql<{
    id: string;
    slug: string;
    name: string;
    kind: string;
    parent_slug: string | null;
    region_slug: string | null;
    created_at: Date;
  }>`select ${orgColumns}
     from organisations o
     left join organisations p on p.id = o.parent_id
     left join organisations r on r.id = o.region_id
     where ${after === undefined ? sql`true` : sql`o.slug > ${after}`}
       and ${pattern === undefined ? sql`true` : sql`(o.slug ilike ${pattern} or o.name ilike ${pattern})`}
       and ${filter.kind === undefined ? sql`true` : sql`o.kind = ${filter.kind}`}
     order by o.slug limit ${limit}`.execute(tx.q);
  return r.rows;
}

export async function getOrganisation(tx: Tx, id: string) {
  const r = await sql<{
    id: string;
    slug: string;
    name: string;
    kind: string;
    parent_slug: string | null;
    region_slug: string | null;
    created_at: Date;
  }>`select ${orgColumns}
     from organisations o
     left join organisations p on p.id = o.parent_id
     left join organisations r on r.id = o.region_id
     where o.id = ${id}`.execute(tx.q);
  return r.rows[0];
}

export const updateOrganisation = (
  tx: Tx,
  id: string,
  v: { name?: string; kind?: string; parent_id?: string | null; region_id?: string | null },
) => tx.q.updateTable('organisations').set(v).where('id', '=', id).executeTakeFirstOrThrow();

/** Whether `candidate` is `id` or one of its descendants (a parent there would make a cycle). */
export async function isSelfOrDescendant(tx: Tx, id: string, candidate: string): Promise<boolean> {
  const r = await sql<{ found: boolean }>`
    with recursive below(id) as (
      select ${id}::uuid
      union
      select o.id from organisations o join below b on o.parent_id = b.id
    )
    select exists (select 1 from below where id = ${candidate}::uuid) as found`.execute(tx.q);
  return r.rows[0]?.found ?? false;
}

const userColumns = [
  'id',
  'email',
  'name',
  'platform_admin',
  'mfa_enabled_at',
  'locale',
  'deactivated_at',
  'created_at',
] as const;

export const insertUser = (
  tx: Tx,
  v: { email: string; name: string; password_hash: string | null; platform_admin: boolean; locale: string },
) => tx.q.insertInto('users').values(v).returning(userColumns).executeTakeFirstOrThrow();

export const findUserByEmail = (tx: Tx, email: string) =>
  tx.q.selectFrom('users').select(userColumns).where('email', '=', email).executeTakeFirst();

export const listUsers = (tx: Tx, limit: number, after: string | undefined) => {
  let q = tx.q.selectFrom('users').select(userColumns).orderBy('email').limit(limit);
  if (after !== undefined) q = q.where('email', '>', after);
  return q.execute();
};

export const insertMembership = (tx: Tx, v: { org_id: string; user_id: string; role: string }) =>
  tx.q
    .insertInto('memberships')
    .values(v)
    .onConflict((c) => c.doNothing())
    .returning('role')
    .executeTakeFirst();

export async function listMembers(tx: Tx, orgId: string, limit: number, after: string | undefined) {
  const r = await sql<{
    user_id: string;
    email: string;
    name: string;
    mfa_enabled: boolean;
    roles: string[];
  }>`
    select u.id as user_id, u.email, u.name, u.mfa_enabled_at is not null as mfa_enabled,
           array_agg(m.role order by m.role) as roles
    from memberships m join users u on u.id = m.user_id
    where m.org_id = ${orgId} ${after === undefined ? sql`` : sql`and u.email > ${after}`}
    group by u.id, u.email, u.name, u.mfa_enabled_at
    order by u.email limit ${limit}`.execute(tx.q);
  return r.rows;
}

const tokenColumns = [
  'id',
  'name',
  'role',
  'created_at',
  'expires_at',
  'revoked_at',
  'last_used_at',
] as const;

export const insertToken = (
  tx: Tx,
  v: {
    org_id: string;
    name: string;
    role: string;
    token_hash: string;
    created_by: string | null;
    expires_at: Date | null;
  },
) => tx.q.insertInto('api_tokens').values(v).returning(tokenColumns).executeTakeFirstOrThrow();

export const listTokens = (tx: Tx, orgId: string, limit: number, after: [string, string] | undefined) => {
  let q = tx.q
    .selectFrom('api_tokens')
    .select(tokenColumns)
    .where('org_id', '=', orgId)
    .orderBy('name')
    .orderBy('id')
    .limit(limit);
  if (after)
    q = q.where((eb) =>
      eb.or([eb('name', '>', after[0]), eb.and([eb('name', '=', after[0]), eb('id', '>', after[1])])]),
    );
  return q.execute();
};

export const findToken = (tx: Tx, orgId: string, id: string) =>
  tx.q
    .selectFrom('api_tokens')
    .select(tokenColumns)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();

export const revokeToken = (tx: Tx, orgId: string, id: string) =>
  tx.q
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(tokenColumns)
    .executeTakeFirst();
