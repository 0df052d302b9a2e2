import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { recordAudit } from '../audit/record.js';
import { readSetting } from '../settings/registry.js';
import { deliverAlert } from './delivery.js';

export interface EscalationStep {
  org_id: string;
  alert_id: string;
  level: 1 | 2;
  people: number;
}

/**
 * Escalates what is due at `now` (migration 0025): a recipient organisation that has not answered
 * an alert (TLP:RED never) is reminded through its security officers after the platform setting
 * `alert_escalation_minutes`, through its management after `alert_escalation_management_minutes`;
 * each step once, audited in the organisation's trail, and the reminders sent at once (a failed
 * send stays for the delivery job's retries). `now` is a parameter so that tests control the clock.
 */
export async function escalateAlerts(ctx: AppContext, now: Date = new Date()): Promise<EscalationStep[]> {
  const steps = await withTenant(ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
    const officer = await readSetting(tx, 'alert_escalation_minutes');
    const management = await readSetting(tx, 'alert_escalation_management_minutes');
    const r = await sql<EscalationStep>`
      select org_id, alert_id, level, people
      from vaern_alert_escalate(${now.toISOString()}::timestamptz, ${officer}::int, ${management}::int)`.execute(
      tx.q,
    );
    for (const step of r.rows) {
      await recordAudit(tx, ctx.anchors, {
        chain: step.org_id,
        actor: {
          kind: 'job',
          job: 'alerts.escalate',
          orgId: step.org_id,
          onBehalfOf: { type: 'job', name: 'alerts.escalate' },
        },
        action: 'alert.escalated',
        targetType: 'alert',
        targetId: step.alert_id,
        after: {
          level: step.level,
          to: step.level === 1 ? 'security_officer' : 'management',
          people: step.people,
        },
      });
    }
    return r.rows;
  });
  if (ctx.mailer.configured) {
    for (const alertId of new Set(steps.filter((s) => s.people > 0).map((s) => s.alert_id))) {
      await deliverAlert(ctx, alertId).catch((error: unknown) =>
        ctx.log.warn(
          { err: error, alert_id: alertId },
          'escalation e-mails not all sent; the delivery job retries',
        ),
      );
    }
  }
  return steps;
}

/** Every five minutes: the escalation steps that have come due. Idempotent (each step once). */
export const escalationJob = (ctx: AppContext): JobDefinition<z.ZodObject> => ({
  name: 'alerts.escalate',
  payload: z.strictObject({}),
  retryLimit: 2,
  expireInSeconds: 600,
  schedule: '*/5 * * * *',
  handle: async () => {
    const steps = await escalateAlerts(ctx);
    if (steps.length > 0) ctx.log.info({ steps: steps.length }, 'alerts escalated');
  },
});
