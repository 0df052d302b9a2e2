import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import { type Actor, hasAnyRole } from '../../lib/actor.js';
import { notFound } from '../../lib/errors.js';
import { sealSecret } from '../../lib/secretbox.js';
import { recordAudit } from '../audit/record.js';
import { authorise } from '../inventory/policy.js';
import { readSetting } from '../settings/registry.js';
import { assertDeliverable, parseAllowlist, type Resolver } from './webhook-guard.js';
import './webhook-messages.js';
import * as q from './webhook-queries.js';

/** The purpose under which alert_webhooks.secret_sealed is sealed (secretbox). */
export const WEBHOOK_SECRET_PURPOSE = 'alert-webhook';

/** Webhook endpoints and their dead letters: the organisation's admin or security officer. */
const mayManage = (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']);

interface OrgOpts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

export const present = (e: q.EndpointRow) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  min_severity: e.min_severity,
  kinds: e.kinds,
  only_affected: e.only_affected,
  created_at: new Date(e.created_at).toISOString(),
});

/**
 * Registers an endpoint (admin, security officer): the URL passes the SSRF guard, the server
 * generates the Standard Webhooks secret, seals it and returns it this once; audited (without the
 * secret).
 */
export async function registerWebhook(
  opts: OrgOpts & {
    url: string;
    description: string | undefined;
    minSeverity: string;
    kinds?: string[];
    onlyAffected?: boolean;
    resolve?: Resolver;
  },
) {
  const { ctx, actor, org } = opts;
  authorise(mayManage(actor, org.id));
  const allow = await withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    readSetting(tx, 'webhook_allowlist'),
  );
  const url = await assertDeliverable(opts.url, parseAllowlist(allow), opts.resolve);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.insertEndpoint(tx, {
      orgId: org.id,
      url: url.href,
      description: opts.description?.trim() || null,
      minSeverity: opts.minSeverity,
      kinds: opts.kinds ?? ['advisory', 'general'],
      onlyAffected: opts.onlyAffected ?? false,
      sealed: sealSecret(ctx.config.secret, WEBHOOK_SECRET_PURPOSE, secret),
      by: actor.kind === 'user' ? actor.userId : null,
    });
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.webhook_create',
      targetType: 'alert_webhook',
      targetId: row.id,
      after: {
        url: row.url,
        description: row.description,
        min_severity: row.min_severity,
        kinds: row.kinds,
        only_affected: row.only_affected,
      },
    });
    return { ...present(row), secret };
  });
}

export async function listWebhooks(opts: OrgOpts) {
  authorise(mayManage(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) =>
    (await q.endpoints(tx, opts.org.id)).map(present),
  );
}

/** Removes an endpoint; its undelivered deliveries die with the error "endpoint removed". */
export async function deleteWebhook(opts: OrgOpts & { id: string }) {
  const { ctx, actor, org } = opts;
  authorise(mayManage(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.deleteEndpoint(tx, org.id, opts.id);
    if (!row) throw notFound('alerts.webhook_not_found');
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.webhook_delete',
      targetType: 'alert_webhook',
      targetId: row.id,
      before: { url: row.url, description: row.description, min_severity: row.min_severity },
    });
  });
}

export async function listDeadLetters(opts: OrgOpts) {
  authorise(mayManage(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) =>
    (await q.deadLetters(tx, opts.org.id)).map((d) => ({
      ...d,
      dead_at: new Date(d.dead_at).toISOString(),
    })),
  );
}

/** Requeues a dead delivery with its id (the same `webhook-id`); audited. */
export async function retryDeadLetter(opts: OrgOpts & { id: string }) {
  const { ctx, actor, org } = opts;
  authorise(mayManage(actor, org.id));
  await withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    if (!(await q.requeue(tx, org.id, opts.id))) throw notFound('alerts.webhook_delivery_not_found');
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.webhook_retry',
      targetType: 'alert_delivery',
      targetId: opts.id,
    });
  });
}
