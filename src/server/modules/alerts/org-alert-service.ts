import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import './alert-messages.js';
import { alertPolicy } from './alert-policy.js';
import type { Counts } from './alert-queries.js';
import { publish } from './alert-queries.js';
import * as bq from './board-queries.js';
import type { alertBoard, sectorAlert } from './board-schemas.js';
import { presentAlert, presentBoard } from './board-service.js';
import { requestDelivery } from './delivery.js';
import './org-alert-messages.js';
import * as q from './org-alert-queries.js';
import type { OrgAudience, OrgComposeInput } from './org-alert-schemas.js';
import { requestWebhookDelivery } from './webhook-delivery.js';
import { enqueue as enqueueWebhooks } from './webhook-queries.js';

/**
 * An organisation's alerts to its own subscribers (migration 0033, docs/alerts.md "Alerts from an
 * organisation"): its admin or security officer previews, publishes and follows them. Whom they
 * reach is decided in the database (vaern_alert_org_reach): the organisation, its child
 * organisations when chosen under TLP:CLEAR/GREEN/AMBER, named members; nothing outside.
 */

interface OrgOpts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

function authoriseIssuer(actor: Actor, orgId: string) {
  if (!alertPolicy.issue(actor, orgId)) throw forbidden('alerts.org_not_issuer');
}

function checkAudience(tlp: string, a: OrgAudience) {
  if (a.children && tlp !== 'CLEAR' && tlp !== 'GREEN' && tlp !== 'AMBER')
    throw badRequest('alerts.org_children_label');
  if (tlp === 'RED' && a.people.length === 0) throw badRequest('alerts.red_needs_people');
}

/** Whom the organisation's alert would reach under a label and severity; stores nothing. */
export async function previewOrgAlert(
  opts: OrgOpts & { tlp: string; severity: string; audience: OrgAudience },
): Promise<Counts> {
  authoriseIssuer(opts.actor, opts.org.id);
  checkAudience(opts.tlp, opts.audience);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), (tx) =>
    q.preview(tx, opts.org.id, opts.tlp, opts.severity, opts.audience),
  );
}

/**
 * Writes and publishes the organisation's alert: stores it, resolves whom it reaches in the
 * database (vaern_alert_publish), records it in the organisation's audit chain and queues the
 * e-mail and webhook deliveries after commit. A person's act: API tokens do not publish.
 */
export async function composeOrgAlert(opts: OrgOpts & { input: OrgComposeInput }) {
  const { ctx, actor, org, input } = opts;
  authoriseIssuer(actor, org.id);
  if (actor.kind !== 'user') throw forbidden('alerts.org_not_issuer');
  checkAudience(input.tlp, input.audience);
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const stored = await q.insertAlert(tx, {
      issuerId: org.id,
      title: input.title,
      body: input.body,
      severity: input.severity,
      recommendedAction: input.recommended_action || null,
      tlp: input.tlp,
      audience: input.audience,
      createdBy: actor.userId,
    });
    const recipients = await publish(tx, stored.id);
    const webhooks = await enqueueWebhooks(tx, stored.id);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.publish',
      targetType: 'alert',
      targetId: stored.id,
      after: {
        issuer: 'organisation',
        title: input.title,
        severity: input.severity,
        tlp: input.tlp,
        audience: input.audience,
        recipients,
      },
    });
    tx.onCommit(() => requestDelivery(ctx, stored.id));
    if (webhooks > 0) tx.onCommit(() => requestWebhookDelivery(ctx, stored.id));
    return {
      id: stored.id,
      title: input.title,
      tlp: input.tlp,
      severity: input.severity,
      recipients,
      created_at: new Date(stored.created_at).toISOString(),
    };
  });
}

/** The organisation's own alerts, newest first, with recipients, answers and median time to acknowledge. */
export async function listIssuedAlerts(
  opts: OrgOpts & { after: [string, string] | undefined; limit: number },
): Promise<Array<z.infer<typeof sectorAlert>>> {
  authoriseIssuer(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const rows = await q.listIssued(tx, opts.org.id, opts.after, opts.limit);
    return rows.map((r) => presentAlert(r, r));
  });
}

/** The board of one of the organisation's own alerts; 404 for any other alert. */
export async function getIssuedBoard(opts: OrgOpts & { id: string }): Promise<z.infer<typeof alertBoard>> {
  authoriseIssuer(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const alert = await q.findIssued(tx, opts.org.id, opts.id);
    if (!alert) throw notFound('alerts.not_found');
    return presentBoard(alert, await bq.summary(tx, opts.org.id, opts.id), await bq.board(tx, opts.id));
  });
}
