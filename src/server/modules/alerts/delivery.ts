import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';
import type { JobDefinition } from '../../jobs/queue.js';
import type { MailMessage } from '../../lib/mail.js';
import { type Locale, translate } from '../../lib/messages.js';
import { answerLink } from './alert-links.js';
import './alert-messages.js';
import * as aq from './alert-queries.js';
import { LEASE_SECONDS, type PumpRun, pump } from './delivery-pump.js';
import * as dq from './delivery-queries.js';
import { backoffMs, MAX_ATTEMPTS } from './webhook-delivery.js';

/** The stable Message-ID of a delivery: the same on every attempt, so receivers can de-duplicate. */
export const messageIdOf = (publicUrl: string, deliveryId: string): string =>
  `<${deliveryId}@${new URL(publicUrl).hostname}>`;

/**
 * An e-mail delivery as sent: `may_answer` is false for a person who may not answer the alert for
 * the organisation (vaern_alert_may_answer: not its admin, security officer or management, not
 * named), whose e-mail carries a link to the alert's page instead of an answer link.
 */
export type MailDelivery = dq.EmailDelivery & { may_answer: boolean };

/** The alert's page in the web app, opened in the recipient organisation (`?org=`, selected there). */
export const alertPageLink = (publicUrl: string, alertId: string, orgSlug: string): string =>
  `${publicUrl}/alerts/${encodeURIComponent(alertId)}?org=${encodeURIComponent(orgSlug)}`;

/**
 * One delivery's e-mail. TLP:CLEAR and TLP:GREEN carry the text and the recommended action;
 * AMBER and above only the title and the link, never the body (DESIGN.md: TLP is access
 * control; an e-mail leaves it). The link answers for the organisation (the duty address, and
 * people who may answer) or opens the alert's page (everyone else).
 */
export function alertMail(ctx: AppContext, d: MailDelivery): MailMessage {
  const locale: Locale = d.locale ?? 'da';
  const t = (key: string, params: Record<string, string> = {}) => translate(key, locale, params);
  const open = d.tlp === 'CLEAR' || d.tlp === 'GREEN';
  const intro = d.issuer_name
    ? t('alerts.mail_intro_org', { issuer: d.issuer_name, recipient: d.org_name })
    : t('alerts.mail_intro', { recipient: d.org_name });
  const parts = [intro, '', d.title, ''];
  // A reminder to the security officers (escalation-1:…) or management (escalation-2:…) of a
  // recipient organisation that has not answered (escalation.ts).
  const escalation = /^escalation-([12]):/.exec(d.recipient)?.[1];
  if (escalation) {
    const role = t(escalation === '1' ? 'alerts.role_security_officer' : 'alerts.role_management');
    parts.unshift(t('alerts.mail_escalated', { recipient: d.org_name, role }), '');
  }
  if (open) {
    parts.push(d.body, '');
    if (d.recommended_action) parts.push(t('alerts.mail_action'), d.recommended_action, '');
  } else {
    parts.push(t('alerts.mail_restricted', { tlp: d.tlp }), '');
  }
  if (d.may_answer)
    parts.push(t('alerts.mail_answer', { link: answerLink(ctx.config.publicUrl, ctx.config.secret, d.id) }));
  else
    parts.push(t('alerts.mail_view', { link: alertPageLink(ctx.config.publicUrl, d.alert_id, d.org_slug) }));
  return {
    to: d.address,
    subject: t('alerts.mail_subject', { severity: d.severity.toUpperCase(), tlp: d.tlp, title: d.title }),
    text: parts.join('\n'),
    messageId: messageIdOf(ctx.config.publicUrl, d.id),
    headers: { 'X-Vaern-Alert-Delivery': d.id },
  };
}

/** An e-mail that SMTP refused is tried again after the same backoff as a webhook, this many times. */
export const MAX_EMAIL_ATTEMPTS = MAX_ATTEMPTS;
/** E-mails handed to the mailer at once (its pool keeps a few SMTP connections open). */
export const EMAIL_CONCURRENCY = 32;
/** E-mail deliveries per claim; one run holds at most maxHeld(EMAIL_BATCH) (delivery-pump.ts). */
export const EMAIL_BATCH = 64;

/**
 * Sends due e-mail deliveries (operator scope): of one alert when `alertId` is given, else of every
 * alert. Claimed in leased batches (delivery-pump.ts), so several workers share them and a killed
 * worker's claims come back when their lease runs out. A delivery is marked sent only after the
 * SMTP server accepted it, so a crash in between sends it again with the same Message-ID: at least
 * once. A refusal records the attempt and error and makes it due again after backoffMs; after
 * MAX_EMAIL_ATTEMPTS it is given up (dead_at). `retryFailed` (one alert) tries its failed ones now.
 */
export async function deliverDueEmails(
  ctx: AppContext,
  o: { alertId?: string; retryFailed?: boolean } = {},
): Promise<PumpRun> {
  return pump<MailDelivery>({
    ctx,
    concurrency: EMAIL_CONCURRENCY,
    batch: EMAIL_BATCH,
    claim: (limit, skip) =>
      withTenant(ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
        const rows = await dq.claimEmails(tx, {
          now: new Date(),
          leaseSeconds: LEASE_SECONDS,
          limit,
          skip,
          ...o,
        });
        const viewOnly = await aq.viewOnlyDeliveries(tx, rows);
        return rows.map((d) => ({ ...d, may_answer: !viewOnly.has(d.id) }));
      }),
    send: async (d) => {
      try {
        await ctx.mailer.send(alertMail(ctx, d));
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    fail: async (d, error) => {
      const now = new Date();
      const failures = d.attempts + 1;
      const retryAt = failures >= MAX_EMAIL_ATTEMPTS ? null : new Date(now.getTime() + backoffMs(failures));
      await withTenant(ctx.db.kysely, OPERATOR_SCOPE, (tx) => dq.markFailed(tx, d, error, now, retryAt));
      return retryAt !== null;
    },
    sentAt: () => new Date(),
  });
}

/**
 * Sends the alert's e-mails that SMTP has not yet accepted, its failed ones at once (escalation's
 * reminders; an operator's retry). Throws when any failed; they stay due after their backoff.
 */
export async function deliverAlert(
  ctx: AppContext,
  alertId: string,
): Promise<{ sent: number; failed: number }> {
  const run = await deliverDueEmails(ctx, { alertId, retryFailed: true });
  const failed = run.retried + run.dead;
  if (failed > 0) throw new Error(`${failed} of ${run.sent + failed} alert e-mails not accepted by SMTP`);
  return { sent: run.sent, failed };
}

const payload = z.strictObject({ alert_id: z.uuid().optional() });

/**
 * E-mail delivery as a job: at once when an alert is published (`alert_id` names it, for the log)
 * and every minute, each run sending every e-mail that is due — new ones, those whose backoff has
 * passed, and those a killed worker held when their lease ran out. Retries are the deliveries' own
 * schedule, not pg-boss's.
 */
export const deliveryJob = (ctx: AppContext): JobDefinition<typeof payload> => ({
  name: 'alerts.deliver_email',
  payload,
  retryLimit: 0,
  expireInSeconds: 900,
  schedule: '* * * * *',
  handle: async (p) => {
    if (!ctx.mailer.configured) {
      ctx.log.warn({ alert_id: p.alert_id }, 'alert e-mail not sent: SMTP is not configured (SMTP_URL)');
      return;
    }
    const run = await deliverDueEmails(ctx);
    if (run.sent + run.retried + run.dead > 0)
      ctx.log.info({ alert_id: p.alert_id, ...run }, 'alert e-mails sent');
  },
});

/** Queues the e-mail delivery of a published alert; a failure to queue is logged (the schedule catches up). */
export const requestDelivery = (ctx: AppContext, alertId: string): Promise<void> =>
  ctx.jobs
    .send(deliveryJob(ctx), { alert_id: alertId })
    .then(() => undefined)
    .catch((error: unknown) => ctx.log.warn({ err: error, alert_id: alertId }, 'alert delivery not queued'));
