import type { AppContext } from '../../context.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import { authorise } from '../inventory/policy.js';
import { verifyLink } from './alert-links.js';
import './alert-messages.js';
import { alertPolicy } from './alert-policy.js';
import { presentAlert, presentAnswer } from './alert-present.js';
import * as q from './alert-queries.js';
import { ANSWER_STATUSES, type Audience, type ComposeInput } from './alert-schemas.js';
import { requestDelivery } from './delivery.js';
import { requestWebhookDelivery } from './webhook-delivery.js';
import { enqueue as enqueueWebhooks } from './webhook-queries.js';

/** How long an answer link in an e-mail stays valid after the alert was issued. */
export const LINK_VALID_DAYS = 30;

type Status = (typeof ANSWER_STATUSES)[number];

function sectorScope(actor: Actor) {
  const sectorUnitId = alertPolicy.sectorUnitOf(actor);
  if (!sectorUnitId) throw forbidden('alerts.not_sector_coordinator');
  return { sectorUnitId, scope: scopeOf(actor, sectorUnitId) };
}

function checkAudience(tlp: string, advisoryId: string | undefined, a: Audience) {
  if (a.affected && !advisoryId) throw badRequest('alerts.affected_needs_advisory');
  if (tlp === 'RED' && a.people.length === 0) throw badRequest('alerts.red_needs_people');
  const empty =
    a.kinds.length === 0 &&
    a.regions.length === 0 &&
    !a.affected &&
    a.organisations.length === 0 &&
    a.people.length === 0;
  if (empty) throw badRequest('alerts.audience_empty');
}

/** Whom an audience would reach under a label and severity (subscriptions apply); stores nothing. */
export async function previewAudience(opts: {
  ctx: AppContext;
  actor: Actor;
  tlp: string;
  severity: string;
  advisoryId: string | undefined;
  audience: Audience;
}): Promise<q.Counts> {
  const { sectorUnitId, scope } = sectorScope(opts.actor);
  checkAudience(opts.tlp, opts.advisoryId, opts.audience);
  return withTenant(opts.ctx.db.kysely, scope, async (tx) => {
    if (opts.advisoryId && !(await q.advisoryVisible(tx, opts.advisoryId)))
      throw notFound('alerts.advisory_not_found');
    return q.preview(tx, sectorUnitId, opts.tlp, opts.severity, opts.advisoryId ?? null, opts.audience);
  });
}

/**
 * Writes and publishes an alert: stores it with its rules, resolves the audience set-based in
 * the database (vaern_alert_publish), records it in the sector unit's audit chain, and queues the
 * e-mail deliveries after commit.
 */
export async function composeAlert(opts: { ctx: AppContext; actor: Actor; input: ComposeInput }) {
  const { ctx, actor, input } = opts;
  const { sectorUnitId, scope } = sectorScope(actor);
  if (actor.kind !== 'user') throw forbidden('alerts.not_sector_coordinator');
  checkAudience(input.tlp, input.advisory_id, input.audience);
  return withTenant(ctx.db.kysely, scope, async (tx) => {
    if (input.advisory_id && !(await q.advisoryVisible(tx, input.advisory_id)))
      throw notFound('alerts.advisory_not_found');
    const stored = await q.insertAlert(tx, {
      sectorUnitId,
      advisoryId: input.advisory_id ?? null,
      title: input.title,
      body: input.body,
      severity: input.severity,
      recommendedAction: input.recommended_action || null,
      tlp: input.tlp,
      audience: input.audience,
      createdBy: actor.userId,
    });
    const recipients = await q.publish(tx, stored.id);
    const webhooks = await enqueueWebhooks(tx, stored.id);
    await recordAudit(tx, ctx.anchors, {
      chain: sectorUnitId,
      actor,
      action: 'alert.publish',
      targetType: 'alert',
      targetId: stored.id,
      after: {
        title: input.title,
        severity: input.severity,
        tlp: input.tlp,
        advisory_id: input.advisory_id ?? null,
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

interface OrgOpts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

/** The organisation's received alerts with its latest answer. */
export async function listInbox(opts: OrgOpts & { after: [string, string] | undefined; limit: number }) {
  authorise(alertPolicy.read(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), (tx) =>
    q.inbox(tx, opts.org.id, opts.after, opts.limit),
  );
}

/**
 * Whether the caller may answer the alert for the organisation: a person by the database's rule
 * (vaern_alert_may_answer: active admin, security officer, management, or named on the alert), an
 * API token by its role.
 */
const callerMayAnswer = async (tx: Tx, actor: Actor, orgId: string, alertId: string): Promise<boolean> =>
  actor.kind === 'user' ? q.mayAnswer(tx, orgId, alertId, actor.userId) : alertPolicy.answer(actor, orgId);

/**
 * One received alert, its body, its answers and whether the caller may answer it; 404 when the
 * organisation is not a recipient.
 */
export async function getAlert(opts: OrgOpts & { id: string }) {
  authorise(alertPolicy.read(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const row = await q.findAlert(tx, opts.org.id, opts.id);
    if (!row) throw notFound('alerts.not_found');
    return presentAlert(
      row,
      await q.answers(tx, opts.org.id, opts.id),
      await callerMayAnswer(tx, opts.actor, opts.org.id, opts.id),
    );
  });
}

const actorLabel = (actor: Actor): string => {
  switch (actor.kind) {
    case 'user':
      return actor.email;
    case 'token':
      return `token:${actor.tokenName}`;
    case 'operator':
      return actor.label;
    case 'job':
      return actor.job;
  }
};

/** The organisation answers an alert it received; every answer is kept and audited. */
export async function answerAlert(opts: OrgOpts & { id: string; status: Status; note: string | undefined }) {
  const { ctx, actor, org } = opts;
  // The organisation's admin, security officer or management; a person named on the alert too
  // (checked in the database, the rule the answer links follow: vaern_alert_may_answer).
  const byRole = alertPolicy.answer(actor, org.id);
  authorise(byRole || (actor.kind === 'user' && alertPolicy.read(actor, org.id)));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    if (!byRole && !(actor.kind === 'user' && (await q.mayAnswer(tx, org.id, opts.id, actor.userId))))
      throw forbidden();
    const row = await q.findAlert(tx, org.id, opts.id);
    if (!row) throw notFound('alerts.not_found');
    const note = opts.note?.trim() || null;
    const answeredBy = actorLabel(actor);
    const { id } = await q.insertAnswer(tx, {
      orgId: org.id,
      alertId: opts.id,
      status: opts.status,
      note,
      userId: actor.kind === 'user' ? actor.userId : null,
      answeredBy,
      via: 'app',
    });
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.answer',
      targetType: 'alert',
      targetId: opts.id,
      before: row.answer ? { status: row.answer.status, note: row.answer.note } : null,
      after: { answer_id: id, status: opts.status, note, via: 'app' },
    });
    const after = await q.findAlert(tx, org.id, opts.id);
    if (!after) throw notFound('alerts.not_found');
    return presentAlert(
      after,
      await q.answers(tx, org.id, opts.id),
      await callerMayAnswer(tx, actor, org.id, opts.id),
    );
  });
}

export async function getDutyAddress(opts: OrgOpts) {
  authorise(alertPolicy.read(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => ({
    duty_address: await q.dutyAddress(tx, opts.org.id),
  }));
}

/** Sets (or, with null, removes) the organisation's duty address; audited. */
export async function setDutyAddress(opts: OrgOpts & { address: string | null }) {
  const { ctx, actor, org } = opts;
  authorise(alertPolicy.setDutyAddress(actor, org.id));
  const address = opts.address?.toLowerCase() ?? null;
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.dutyAddress(tx, org.id);
    await q.setDutyAddress(tx, org.id, address, actor.kind === 'user' ? actor.userId : null);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'alert.duty_address',
      targetType: 'organisation',
      targetId: org.id,
      before: { duty_address: before },
      after: { duty_address: address },
    });
    return { duty_address: address };
  });
}

/**
 * An answer link's target: the delivery it names (signature checked first), read in the scope of
 * its organisation and, for a named person, as that person (so TLP:RED rows are visible to it).
 */
async function withLink<T>(
  ctx: AppContext,
  token: string,
  fn: (tx: import('../../db/tenant.js').Tx, target: q.LinkTarget, alert: q.AlertRow) => Promise<T>,
): Promise<T> {
  const deliveryId = verifyLink(ctx.config.secret, token);
  if (!deliveryId) throw notFound('alerts.link_invalid');
  const target = await withTenant(ctx.db.kysely, { orgIds: [] }, (tx) => q.linkTarget(tx, deliveryId));
  if (!target) throw notFound('alerts.link_invalid');
  const scope = { orgIds: [target.org_id], userId: target.user_id ?? undefined };
  return withTenant(ctx.db.kysely, scope, async (tx) => {
    const alert = await q.findAlert(tx, target.org_id, target.alert_id);
    const expires = alert ? new Date(alert.created_at).getTime() + LINK_VALID_DAYS * 86_400_000 : 0;
    if (!alert || Date.now() > expires) throw notFound('alerts.link_invalid');
    return fn(tx, target, alert);
  });
}

const restricted = (tlp: string) => tlp !== 'CLEAR' && tlp !== 'GREEN';

/** What a link would answer: never changes anything (mail scanners follow links). */
export async function viewLink(opts: { ctx: AppContext; token: string }) {
  return withLink(opts.ctx, opts.token, async (tx, target, alert) => {
    const org = await q.orgBrief(tx, target.org_id);
    if (!org) throw notFound('alerts.link_invalid');
    return {
      alert: {
        title: alert.title,
        severity: alert.severity,
        tlp: alert.tlp,
        body: restricted(alert.tlp) ? null : alert.body,
      },
      organisation: org,
      answering_as: target.address,
      may_answer: !target.user_id || (await q.mayAnswer(tx, target.org_id, target.alert_id, target.user_id)),
      answer: alert.answer ? presentAnswer(alert.answer) : null,
      statuses: [...ANSWER_STATUSES],
    };
  });
}

/** Records the organisation's answer from a link, as the link's person or duty address; audited. */
export async function answerByLink(opts: {
  ctx: AppContext;
  token: string;
  status: Status;
  note: string | undefined;
}) {
  return withLink(opts.ctx, opts.token, async (tx, target, alert) => {
    // A person's link answers only while they may answer in the app (a duty address's always).
    if (target.user_id && !(await q.mayAnswer(tx, target.org_id, target.alert_id, target.user_id)))
      throw forbidden('alerts.link_not_answerer');
    const note = opts.note?.trim() || null;
    const { id } = await q.insertAnswer(tx, {
      orgId: target.org_id,
      alertId: target.alert_id,
      status: opts.status,
      note,
      userId: target.user_id,
      answeredBy: target.address,
      via: 'link',
    });
    await recordAudit(tx, opts.ctx.anchors, {
      chain: target.org_id,
      actor: undefined,
      action: 'alert.answer',
      targetType: 'alert',
      targetId: target.alert_id,
      before: alert.answer ? { status: alert.answer.status, note: alert.answer.note } : null,
      after: {
        answer_id: id,
        status: opts.status,
        note,
        via: 'link',
        answered_by: target.address,
        user_id: target.user_id,
      },
    });
    const answers = await q.answers(tx, target.org_id, target.alert_id);
    const latest = answers[0];
    if (!latest) throw new Error('answer not stored');
    return presentAnswer(latest);
  });
}
