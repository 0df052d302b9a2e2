import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Tx, withTenant } from '../../db/tenant.js';
import type { Actor, Membership, OrgRole, TokenRole } from '../../lib/actor.js';
import { mfaRequiredFor } from '../../lib/actor.js';
import { sha256Hex } from '../../lib/crypto.js';
import { SESSION_IDLE_MS, SESSION_TOUCH_MS, TOKEN_PREFIX } from './constants.js';

export interface SessionInfo {
  id: string;
  userId: string;
  stage: 'password' | 'enrol' | 'full';
  csrfToken: string;
  expiresAt: Date;
}

/** The actor behind an API token, or undefined when it is unknown, expired or revoked. */
export async function actorFromToken(ctx: AppContext, token: string): Promise<Actor | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const hash = sha256Hex(token);
  return withTenant(ctx.db.kysely, { orgIds: [] }, async (tx) => {
    const r = await sql<{ org_id: string; id: string; name: string; role: TokenRole }>`
      select * from vaern_auth_token(${hash})`.execute(tx.q);
    const row = r.rows[0];
    if (!row) return undefined;
    const org = await tx.q
      .selectFrom('organisations')
      .select('slug')
      .where('id', '=', row.org_id)
      .executeTakeFirst();
    if (!org) return undefined;
    return {
      kind: 'token',
      tokenId: row.id,
      tokenName: row.name,
      orgId: row.org_id,
      orgSlug: org.slug,
      role: row.role,
    } satisfies Actor;
  });
}

/**
 * The session behind a cookie and, when it has passed every factor, its user as an actor.
 * Idle sessions end here; last_seen_at is refreshed at most once a minute.
 */
export async function sessionFromCookie(
  ctx: AppContext,
  token: string,
): Promise<{ session: SessionInfo; actor: Actor | undefined } | undefined> {
  if (token.length > 200) return undefined;
  const hash = sha256Hex(token);
  const row = await withTenant(ctx.db.kysely, { orgIds: [] }, async (tx) => {
    const r = await sql<{
      id: string;
      user_id: string;
      stage: SessionInfo['stage'];
      csrf_token: string;
      last_seen_at: Date;
      expires_at: Date;
    }>`select * from vaern_auth_session(${hash})`.execute(tx.q);
    return r.rows[0];
  });
  if (!row) return undefined;
  const idleMs = Date.now() - row.last_seen_at.getTime();
  if (idleMs > SESSION_IDLE_MS) return undefined;
  const session: SessionInfo = {
    id: row.id,
    userId: row.user_id,
    stage: row.stage,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  };
  if (row.stage !== 'full') return { session, actor: undefined };
  const actor = await loadUserActor(ctx, row.user_id, row.id, idleMs);
  if (actor?.kind === 'user' && actor.mfaMissing) {
    // A role that needs a second factor was granted after this session signed in without one:
    // the session falls back to enrolment before it may act again.
    await withTenant(ctx.db.kysely, { orgIds: [], userId: row.user_id }, (tx) =>
      tx.q.updateTable('sessions').set({ stage: 'enrol' }).where('id', '=', row.id).execute(),
    );
    return { session: { ...session, stage: 'enrol' }, actor: undefined };
  }
  return { session, actor };
}

/** Builds a user's actor: identity, platform flag and memberships grouped per organisation. */
export async function loadUserActor(
  ctx: AppContext,
  userId: string,
  sessionId: string,
  sinceLastSeenMs = 0,
): Promise<Actor | undefined> {
  return withTenant(ctx.db.kysely, { orgIds: [], userId }, async (tx) => {
    const user = await tx.q
      .selectFrom('users')
      .select(['id', 'email', 'name', 'locale', 'platform_admin', 'deactivated_at', 'mfa_enabled_at'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user || user.deactivated_at) return undefined;
    const memberships = await loadMemberships(tx, userId);
    if (sinceLastSeenMs > SESSION_TOUCH_MS) {
      await tx.q
        .updateTable('sessions')
        .set({ last_seen_at: new Date() })
        .where('id', '=', sessionId)
        .execute();
    }
    const roles = memberships.flatMap((m) => m.roles);
    return {
      kind: 'user',
      mfaMissing: user.mfa_enabled_at === null && mfaRequiredFor(user.platform_admin, roles),
      userId: user.id,
      email: user.email,
      name: user.name,
      locale: user.locale === 'da' ? 'da' : 'en',
      platformAdmin: user.platform_admin,
      memberships,
      sessionId,
    } satisfies Actor;
  });
}

/**
 * A person's memberships, grouped per organisation (by slug, roles sorted): the standing ones and
 * those of auditor grants active now (starts_at <= now() < ends_at, not revoked). A grant adds
 * the role `auditor`; where it is the only access to the organisation, the membership carries the
 * grant's end (accessUntil) and data period. Read on every request, so a grant that ends or is
 * revoked stops working at the next one.
 */
export async function loadMemberships(tx: Tx, userId: string): Promise<Membership[]> {
  const rows = await tx.q
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.org_id')
    .select(['m.org_id', 'o.slug', 'o.kind', 'm.role'])
    .where('m.user_id', '=', userId)
    .execute();
  // One active grant per person and organisation (grants/service.ts refuses overlapping
  // windows); should two ever be active, the one ending last counts.
  const grants = await sql<{
    org_id: string;
    slug: string;
    kind: string;
    ends_at: Date;
    data_from: string | null;
    data_to: string | null;
  }>`select g.org_id, o.slug, o.kind, g.ends_at,
            to_char(g.data_from, 'YYYY-MM-DD') as data_from, to_char(g.data_to, 'YYYY-MM-DD') as data_to
     from auditor_grants g join organisations o on o.id = g.org_id
     where g.user_id = ${userId} and g.revoked_at is null and g.starts_at <= now() and g.ends_at > now()
     order by g.ends_at, g.id`.execute(tx.q);
  const byOrg = new Map<string, Membership>();
  for (const r of rows) {
    const m = byOrg.get(r.org_id) ?? { orgId: r.org_id, slug: r.slug, kind: r.kind, roles: [] };
    m.roles.push(r.role as OrgRole);
    byOrg.set(r.org_id, m);
  }
  const standing = new Set(byOrg.keys());
  for (const g of grants.rows) {
    if (standing.has(g.org_id)) {
      const m = byOrg.get(g.org_id);
      if (m && !m.roles.includes('auditor')) m.roles.push('auditor');
      continue;
    }
    const m: Membership = {
      orgId: g.org_id,
      slug: g.slug,
      kind: g.kind,
      roles: ['auditor'],
      accessUntil: new Date(g.ends_at),
    };
    if (g.data_from !== null || g.data_to !== null) m.dataPeriod = { from: g.data_from, to: g.data_to };
    byOrg.set(g.org_id, m);
  }
  for (const m of byOrg.values()) m.roles.sort();
  return [...byOrg.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
}
