import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import { type Actor, hasAnyRole, isMember } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import { authorise } from '../inventory/policy.js';
import { ALERT_KINDS } from './alert-schemas.js';
import * as q from './subscription-queries.js';
import './subscription-messages.js';
import type { SubscriptionInput } from './subscription-schemas.js';

interface OrgOpts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

/** A person of the organisation, acting for themself (tokens subscribe through webhook endpoints). */
function personIn(actor: Actor, orgId: string): string {
  authorise(isMember(actor, orgId));
  if (actor.kind !== 'user') throw forbidden('alerts.subscription_people_only');
  return actor.userId;
}

/**
 * The subscription that applies without a row of one's own (migration 0028, vaern_alert_reach):
 * the organisation's security officers get every alert in the app and by e-mail; everyone else
 * nothing by subscription.
 */
export const defaultSubscription = (actor: Actor, orgId: string) => ({
  channels: hasAnyRole(actor, orgId, ['security_officer']) ? (['app', 'email'] as const) : ([] as const),
  min_severity: 'low' as const,
  kinds: [...ALERT_KINDS],
  only_affected: false,
});

const sortChannels = (c: readonly string[]) => (['app', 'email'] as const).filter((x) => c.includes(x));
const sortKinds = (k: readonly string[]) => ALERT_KINDS.filter((x) => k.includes(x));

const present = (row: q.SubscriptionRow) => ({
  channels: sortChannels(row.channels),
  min_severity: row.min_severity as 'low' | 'medium' | 'high' | 'critical',
  kinds: sortKinds(row.kinds),
  only_affected: row.only_affected,
  default: false,
  updated_at: new Date(row.updated_at).toISOString(),
});

/** The person's own subscription in the organisation, or the default that applies to them. */
export async function getSubscription(opts: OrgOpts) {
  const userId = personIn(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const row = await q.subscription(tx, opts.org.id, userId);
    if (row) return present(row);
    const d = defaultSubscription(opts.actor, opts.org.id);
    return { ...d, channels: [...d.channels], default: true, updated_at: null };
  });
}

/** Sets the person's own subscription; audited in the organisation's chain. */
export async function setSubscription(opts: OrgOpts & { input: SubscriptionInput }) {
  const { ctx, actor, org } = opts;
  const userId = personIn(actor, org.id);
  const input = {
    channels: sortChannels(opts.input.channels),
    min_severity: opts.input.min_severity,
    kinds: sortKinds(opts.input.kinds),
    only_affected: opts.input.only_affected,
  };
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.subscription(tx, org.id, userId);
    const row = await q.upsertSubscription(tx, org.id, userId, input);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.subscription',
      targetType: 'user',
      targetId: userId,
      before: before
        ? {
            channels: before.channels,
            min_severity: before.min_severity,
            kinds: before.kinds,
            only_affected: before.only_affected,
          }
        : null,
      after: input,
    });
    return present(row);
  });
}

/** Removes the person's own subscription: the default applies again; audited. */
export async function resetSubscription(opts: OrgOpts) {
  const { ctx, actor, org } = opts;
  const userId = personIn(actor, org.id);
  await withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.subscription(tx, org.id, userId);
    if (!(await q.deleteSubscription(tx, org.id, userId))) return;
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.subscription',
      targetType: 'user',
      targetId: userId,
      before: before
        ? {
            channels: before.channels,
            min_severity: before.min_severity,
            kinds: before.kinds,
            only_affected: before.only_affected,
          }
        : null,
      after: null,
    });
  });
  return getSubscription(opts);
}

/** A webhook endpoint's filters (admin, security officer: those who manage the endpoints); audited. */
export async function setWebhookFilters(
  opts: OrgOpts & { id: string; minSeverity: string; kinds: string[]; onlyAffected: boolean },
) {
  const { ctx, actor, org } = opts;
  authorise(hasAnyRole(actor, org.id, ['admin', 'security_officer']));
  const filters = {
    min_severity: opts.minSeverity,
    kinds: sortKinds(opts.kinds),
    only_affected: opts.onlyAffected,
  };
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const changed = await q.setEndpointFilters(tx, org.id, opts.id, filters);
    if (!changed) throw notFound('alerts.webhook_not_found');
    const { before, after } = changed;
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.webhook_filters',
      targetType: 'alert_webhook',
      targetId: after.id,
      before: { min_severity: before.min_severity, kinds: before.kinds, only_affected: before.only_affected },
      after: filters,
    });
    return { ...after, kinds: sortKinds(after.kinds), created_at: new Date(after.created_at).toISOString() };
  });
}

const presentNotification = (n: q.NotificationRow) => ({
  id: n.id,
  alert_id: n.alert_id,
  title: n.title,
  severity: n.severity,
  tlp: n.tlp,
  created_at: new Date(n.created_at).toISOString(),
  read_at: n.read_at ? new Date(n.read_at).toISOString() : null,
});

/** The person's in-app notifications in the organisation, newest first. */
export async function listNotifications(
  opts: OrgOpts & { after: [string, string] | undefined; limit: number },
) {
  const userId = personIn(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), (tx) =>
    q.notifications(tx, opts.org.id, userId, opts.after, opts.limit),
  );
}

export { presentNotification };

export async function unreadNotifications(opts: OrgOpts) {
  const userId = personIn(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => ({
    unread: await q.unread(tx, opts.org.id, userId),
  }));
}

export async function markNotificationRead(opts: OrgOpts & { id: string }) {
  const userId = personIn(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const row = await q.markRead(tx, opts.org.id, userId, opts.id);
    if (!row) throw notFound('alerts.notification_not_found');
    return presentNotification(row);
  });
}

/** Opening an alert marks the person's notification of it read; `marked` is 0 when there was none unread. */
export async function markAlertNotificationRead(opts: OrgOpts & { alertId: string }) {
  const userId = personIn(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => ({
    marked: await q.markAlertRead(tx, opts.org.id, userId, opts.alertId),
  }));
}

export async function markAllNotificationsRead(opts: OrgOpts) {
  const userId = personIn(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => ({
    marked: await q.markAllRead(tx, opts.org.id, userId),
  }));
}
