import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor, OrgRole, TokenRole } from '../../lib/actor.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors.js';
import { hashPassword } from '../../lib/password.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { recordAudit } from '../audit/record.js';
import { TOKEN_PREFIX } from '../auth/constants.js';
import { authorise, directoryPolicy } from './policy.js';
import { presentOrganisation, presentToken, presentUser } from './present.js';
import * as q from './queries.js';
import type { createOrganisationBody, createUserBody, updateOrganisationBody } from './schemas.js';

export async function createOrganisation(opts: {
  ctx: AppContext;
  actor: Actor;
  input: z.infer<typeof createOrganisationBody>;
}) {
  const { ctx, actor, input } = opts;
  authorise(directoryPolicy.createOrganisation(actor));
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) => {
    if (await q.findOrgBySlug(tx, input.slug)) throw conflict('directory.slug_taken', { slug: input.slug });
    let parentId: string | null = null;
    if (input.parent) {
      const parent = await q.findOrgBySlug(tx, input.parent);
      if (!parent) throw badRequest('directory.parent_not_found', { slug: input.parent });
      parentId = parent.id;
    }
    let regionId: string | null = null;
    if (input.region) {
      const region = await q.findOrgBySlug(tx, input.region);
      if (region?.kind !== 'region') throw badRequest('directory.region_not_found', { slug: input.region });
      regionId = region.id;
    }
    const row = await q.insertOrganisation(tx, {
      slug: input.slug,
      name: input.name,
      kind: input.kind,
      parent_id: parentId,
      region_id: regionId,
    });
    const org = await q.getOrganisation(tx, row.id);
    if (!org) throw notFound();
    const presented = presentOrganisation(org);
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor,
      action: 'organisation.create',
      targetType: 'organisation',
      targetId: org.id,
      after: presented,
    });
    return presented;
  });
}

export async function listOrganisations(opts: {
  ctx: AppContext;
  actor: Actor;
  limit: number;
  after?: string;
  filter?: q.OrganisationFilter;
}) {
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor), (tx) =>
    q.listOrganisations(tx, opts.limit + 1, opts.after, opts.filter),
  );
}

/** A platform administrator corrects an organisation; the slug (its identity in URLs) stays. */
export async function updateOrganisation(opts: {
  ctx: AppContext;
  actor: Actor;
  slug: string;
  input: z.infer<typeof updateOrganisationBody>;
}) {
  const { ctx, actor, input } = opts;
  authorise(directoryPolicy.createOrganisation(actor));
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) => {
    const found = await q.findOrgBySlug(tx, opts.slug);
    if (!found) throw notFound('error.org_not_found', { slug: opts.slug });
    const beforeRow = await q.getOrganisation(tx, found.id);
    if (!beforeRow) throw notFound();
    const change: Parameters<typeof q.updateOrganisation>[2] = {};
    if (input.name !== undefined) change.name = input.name;
    if (input.kind !== undefined) change.kind = input.kind;
    if (input.parent !== undefined) {
      if (input.parent === null) change.parent_id = null;
      else {
        const parent = await q.findOrgBySlug(tx, input.parent);
        if (!parent) throw badRequest('directory.parent_not_found', { slug: input.parent });
        if (await q.isSelfOrDescendant(tx, found.id, parent.id)) {
          throw badRequest('directory.parent_cycle', { slug: input.parent });
        }
        change.parent_id = parent.id;
      }
    }
    if (input.region !== undefined) {
      if (input.region === null) change.region_id = null;
      else {
        const region = await q.findOrgBySlug(tx, input.region);
        if (region?.kind !== 'region') throw badRequest('directory.region_not_found', { slug: input.region });
        change.region_id = region.id;
      }
    }
    await q.updateOrganisation(tx, found.id, change);
    const afterRow = await q.getOrganisation(tx, found.id);
    if (!afterRow) throw notFound();
    const before = presentOrganisation(beforeRow);
    const after = presentOrganisation(afterRow);
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor,
      action: 'organisation.update',
      targetType: 'organisation',
      targetId: found.id,
      before,
      after,
    });
    return after;
  });
}

export async function getOrganisation(opts: { ctx: AppContext; actor: Actor; org: OrgRef }) {
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const row = await q.getOrganisation(tx, opts.org.id);
    if (!row) throw notFound();
    return presentOrganisation(row);
  });
}

export async function createUser(opts: {
  ctx: AppContext;
  actor: Actor;
  input: z.infer<typeof createUserBody>;
}) {
  const { ctx, actor, input } = opts;
  authorise(directoryPolicy.createUser(actor));
  if ((input.org === undefined) !== (input.role === undefined)) throw badRequest();
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) => {
    const org = input.org ? await q.findOrgBySlug(tx, input.org) : undefined;
    if (input.org && !org) throw notFound('error.org_not_found', { slug: input.org });
    if (input.role === 'sector_coordinator' && org?.kind !== 'sector_unit') {
      throw badRequest('directory.role_not_allowed', { role: input.role });
    }
    let row: Awaited<ReturnType<typeof q.insertUser>>;
    try {
      row = await q.insertUser(tx, {
        email: input.email,
        name: input.name,
        password_hash: passwordHash,
        platform_admin: input.platform_admin,
        locale: input.locale,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('directory.email_taken', { email: input.email });
      throw error;
    }
    const presented = presentUser(row);
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor,
      action: 'user.create',
      targetType: 'user',
      targetId: row.id,
      after: presented,
    });
    if (org && input.role) {
      await q.insertMembership(tx, { org_id: org.id, user_id: row.id, role: input.role });
      await recordAudit(tx, ctx.anchors, {
        chain: org.id,
        actor,
        action: 'membership.add',
        targetType: 'user',
        targetId: row.id,
        after: { email: row.email, role: input.role },
      });
    }
    return presented;
  });
}

export async function listUsers(opts: { ctx: AppContext; actor: Actor; limit: number; after?: string }) {
  authorise(directoryPolicy.listUsers(opts.actor));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor), (tx) =>
    q.listUsers(tx, opts.limit + 1, opts.after),
  );
}

export async function listMembers(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  after?: string;
}) {
  authorise(directoryPolicy.listMembers(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), (tx) =>
    q.listMembers(tx, opts.org.id, opts.limit + 1, opts.after),
  );
}

export async function addMember(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  email: string;
  role: OrgRole;
}) {
  const { ctx, actor, org } = opts;
  authorise(directoryPolicy.manageMembers(actor, org.id));
  if (opts.role === 'sector_coordinator' && org.kind !== 'sector_unit') {
    throw badRequest('directory.role_not_allowed', { role: opts.role });
  }
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    // The user may belong to no organisation this actor sees yet: the operator path finds anyone.
    const user = await q.findUserByEmail(tx, opts.email);
    if (!user) throw notFound();
    const added = await q.insertMembership(tx, { org_id: org.id, user_id: user.id, role: opts.role });
    if (added) {
      await recordAudit(tx, ctx.anchors, {
        chain: org.id,
        actor,
        action: 'membership.add',
        targetType: 'user',
        targetId: user.id,
        after: { email: user.email, role: opts.role },
      });
    }
    return { user_id: user.id, email: user.email, role: opts.role, added: added !== undefined };
  });
}

/** Tokens are random 256-bit strings, shown once; only their SHA-256 is stored. */
export async function createToken(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  name: string;
  role: TokenRole;
  expiresAt?: string;
}) {
  const { ctx, actor, org } = opts;
  authorise(directoryPolicy.manageTokens(actor, org.id));
  const expires = opts.expiresAt ? new Date(opts.expiresAt) : null;
  if (expires && (Number.isNaN(expires.getTime()) || expires.getTime() <= Date.now())) throw badRequest();
  const token = `${TOKEN_PREFIX}${randomToken(32)}`;
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    let row: Awaited<ReturnType<typeof q.insertToken>>;
    try {
      row = await q.insertToken(tx, {
        org_id: org.id,
        name: opts.name,
        role: opts.role,
        token_hash: sha256Hex(token),
        created_by: actor.kind === 'user' ? actor.userId : null,
        expires_at: expires,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('directory.token_name_taken', { name: opts.name });
      throw error;
    }
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'token.create',
      targetType: 'api_token',
      targetId: row.id,
      after: presentToken(row),
    });
    return { id: row.id, token };
  });
}

export async function listTokens(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  after?: [string, string];
}) {
  authorise(directoryPolicy.manageTokens(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), (tx) =>
    q.listTokens(tx, opts.org.id, opts.limit + 1, opts.after),
  );
}

export async function revokeToken(opts: { ctx: AppContext; actor: Actor; org: OrgRef; id: string }) {
  const { ctx, actor, org } = opts;
  authorise(directoryPolicy.manageTokens(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.findToken(tx, org.id, opts.id);
    if (!before) throw notFound();
    const after = await q.revokeToken(tx, org.id, opts.id);
    if (!after) return presentToken(before);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'token.revoke',
      targetType: 'api_token',
      targetId: after.id,
      before: presentToken(before),
      after: presentToken(after),
    });
    return presentToken(after);
  });
}
