import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import { type Actor, actorRef } from '../../lib/actor.js';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { recordAudit } from '../audit/record.js';
import { issueSetupLink } from '../people/reset.js';
import { readSetting } from '../settings/registry.js';
import './messages.js';
import { authorise, grantsPolicy } from './policy.js';
import { auditedGrant, presentGrant } from './present.js';
import * as q from './queries.js';
import type { createdGrant, createGrantBody } from './schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function listGrants(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  after?: [string, string] | undefined;
}) {
  authorise(grantsPolicy.list(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), (tx) =>
    q.listGrants(tx, opts.org.id, opts.limit + 1, opts.after),
  );
}

/**
 * Grants a person the role `auditor` in the organisation for an access window, optionally limited
 * to a data period. A person without an account gets one without password and a set-up link
 * (e-mailed, or returned when no mail can be sent). The window is bounded by the platform setting
 * auditor_grant_max_days; windows of one person in one organisation do not overlap.
 */
export async function createGrant(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  input: z.infer<typeof createGrantBody>;
}): Promise<z.infer<typeof createdGrant>> {
  const { ctx, actor, org, input } = opts;
  authorise(grantsPolicy.manage(actor, org.id));
  const now = new Date();
  const startsAt = input.starts_at === undefined ? now : new Date(input.starts_at);
  const endsAt = new Date(input.ends_at);
  if (endsAt.getTime() <= now.getTime()) throw badRequest('grants.ends_in_past');
  if (endsAt.getTime() <= startsAt.getTime()) throw badRequest('grants.ends_before_start');
  const dataFrom = input.data_from ?? null;
  const dataTo = input.data_to ?? null;
  if (dataFrom !== null && dataTo !== null && dataFrom > dataTo)
    throw badRequest('grants.data_period_invalid');
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const maxDays = await readSetting(tx, 'auditor_grant_max_days');
    if (endsAt.getTime() - startsAt.getTime() > maxDays * DAY_MS)
      throw badRequest('grants.window_too_long', { max_days: maxDays });

    let account = await q.findAccountByEmail(tx, input.email);
    let created: { id: string; locale: 'da' | 'en' } | undefined;
    if (account) {
      if (account.platform_admin) throw badRequest('grants.platform_admin');
      if (account.deactivated_at) throw badRequest('grants.user_deactivated', { email: account.email });
    } else {
      if (!input.name) throw badRequest('grants.name_required', { email: input.email });
      const locale = actor.kind === 'user' ? actor.locale : 'da';
      created = { id: randomUUID(), locale };
      try {
        await q.insertAccount(tx, { id: created.id, email: input.email, name: input.name, locale });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('directory.email_taken', { email: input.email });
        throw error;
      }
      account = {
        id: created.id,
        email: input.email,
        name: input.name,
        platform_admin: false,
        locale,
        deactivated_at: null,
      };
    }

    await q.lockGrantsOf(tx, org.id, account.id);
    if (await q.hasOverlappingGrant(tx, org.id, account.id, startsAt, endsAt))
      throw conflict('grants.overlapping', { email: account.email });
    const id = await q.insertGrant(tx, org.id, {
      user_id: account.id,
      starts_at: startsAt,
      ends_at: endsAt,
      data_from: dataFrom,
      data_to: dataTo,
      note: input.note || null,
      granted_by: actorRef(actor),
    });
    const row = await q.findGrant(tx, org.id, id);
    if (!row) throw notFound();

    if (created) {
      await recordAudit(tx, ctx.anchors, {
        chain: PLATFORM_CHAIN,
        actor,
        action: 'user.create',
        targetType: 'user',
        targetId: account.id,
        after: { email: account.email, name: account.name, for: 'auditor_grant', org: org.slug },
      });
    }
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'auditor_grant.create',
      targetType: 'auditor_grant',
      targetId: row.id,
      after: { ...auditedGrant(row), account_created: created !== undefined },
    });

    const result: z.infer<typeof createdGrant> = {
      ...presentGrant(row),
      account_created: created !== undefined,
    };
    if (created) {
      const link = await issueSetupLink(tx, ctx, {
        userId: account.id,
        email: account.email,
        locale: created.locale,
        orgName: org.name,
      });
      result.setup_sent = link.sent;
      if (link.link !== undefined) result.setup_link = link.link;
    }
    return result;
  });
}

/** Revokes a grant: the grantee's next request no longer carries it. Revoking twice changes nothing. */
export async function revokeGrant(opts: { ctx: AppContext; actor: Actor; org: OrgRef; id: string }) {
  const { ctx, actor, org } = opts;
  authorise(grantsPolicy.manage(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.findGrant(tx, org.id, opts.id);
    if (!before) throw notFound();
    if (!(await q.revokeGrant(tx, org.id, opts.id, actorRef(actor)))) return presentGrant(before);
    const after = await q.findGrant(tx, org.id, opts.id);
    if (!after) throw notFound();
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'auditor_grant.revoke',
      targetType: 'auditor_grant',
      targetId: after.id,
      before: auditedGrant(before),
      after: auditedGrant(after),
    });
    return presentGrant(after);
  });
}
