import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withTenant } from '../../db/tenant.js';
import type { JobDefinition } from '../../jobs/queue.js';
import type { MailMessage } from '../../lib/mail.js';
import { type Locale, translate } from '../../lib/messages.js';
import { answerLink } from './alert-links.js';
import './alert-messages.js';
import * as q from './alert-queries.js';

const OPERATOR = { orgIds: [], operator: true } as const;

/** The stable Message-ID of a delivery: the same on every attempt, so receivers can de-duplicate. */
export const messageIdOf = (publicUrl: string, deliveryId: string): string =>
  `<${deliveryId}@${new URL(publicUrl).hostname}>`;

/**
 * One delivery's e-mail. TLP:CLEAR and TLP:GREEN carry the text and the recommended action;
 * AMBER and above only the title and the answer link, never the body (DESIGN.md: TLP is access
 * control; an e-mail leaves it).
 */
export function alertMail(ctx: AppContext, d: q.DeliveryRow): MailMessage {
  const locale: Locale = d.locale ?? 'da';
  const t = (key: string, params: Record<string, string> = {}) => translate(key, locale, params);
  const open = d.tlp === 'CLEAR' || d.tlp === 'GREEN';
  const link = answerLink(ctx.config.publicUrl, ctx.config.secret, d.id);
  const parts = [t('alerts.mail_intro', { recipient: d.org_name }), '', d.title, ''];
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
  parts.push(t('alerts.mail_answer', { link }));
  return {
    to: d.address,
    subject: t('alerts.mail_subject', { severity: d.severity.toUpperCase(), tlp: d.tlp, title: d.title }),
    text: parts.join('\n'),
    messageId: messageIdOf(ctx.config.publicUrl, d.id),
    headers: { 'X-Vaern-Alert-Delivery': d.id },
  };
}

/**
 * Sends the alert's e-mails that SMTP has not yet accepted. A delivery is marked sent only after
 * the server accepted it (each in its own transaction), so a crash between the two sends it again
 * with the same Message-ID: at least once. Throws when any failed, for the job to retry.
 */
export async function deliverAlert(
  ctx: AppContext,
  alertId: string,
): Promise<{ sent: number; failed: number }> {
  const pending = await withTenant(ctx.db.kysely, OPERATOR, (tx) => q.unsentDeliveries(tx, alertId));
  let sent = 0;
  let failed = 0;
  for (const d of pending) {
    try {
      await ctx.mailer.send(alertMail(ctx, d));
    } catch (error) {
      failed++;
      const message = error instanceof Error ? error.message : String(error);
      await withTenant(ctx.db.kysely, OPERATOR, (tx) => q.markFailed(tx, d.org_id, d.id, message));
      continue;
    }
    await withTenant(ctx.db.kysely, OPERATOR, (tx) => q.markSent(tx, d.org_id, d.id));
    sent++;
  }
  if (failed > 0) throw new Error(`${failed} of ${pending.length} alert e-mails not accepted by SMTP`);
  return { sent, failed };
}

const payload = z.strictObject({ alert_id: z.uuid() });

/** E-mail delivery of one alert as a job; retried with backoff until every delivery is sent. */
export const deliveryJob = (ctx: AppContext): JobDefinition<typeof payload> => ({
  name: 'alerts.deliver_email',
  payload,
  retryLimit: 10,
  expireInSeconds: 900,
  handle: async (p) => {
    if (!ctx.mailer.configured) {
      ctx.log.warn({ alert_id: p.alert_id }, 'alert e-mail not sent: SMTP is not configured (SMTP_URL)');
      return;
    }
    const r = await deliverAlert(ctx, p.alert_id);
    ctx.log.info({ alert_id: p.alert_id, ...r }, 'alert e-mails sent');
  },
});

/** Queues the e-mail delivery of a published alert; a failure to queue is logged. */
export const requestDelivery = (ctx: AppContext, alertId: string): Promise<void> =>
  ctx.jobs
    .send(deliveryJob(ctx), { alert_id: alertId })
    .then(() => undefined)
    .catch((error: unknown) => ctx.log.warn({ err: error, alert_id: alertId }, 'alert delivery not queued'));
