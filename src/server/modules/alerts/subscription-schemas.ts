import { z } from 'zod';
import { ALERT_KINDS, SEVERITIES, TLP_LABELS } from './alert-schemas.js';

/** Channels a person chooses for alerts (machine clients use the organisation's webhook endpoints). */
export const SUBSCRIPTION_CHANNELS = ['app', 'email'] as const;

const kinds = z
  .array(z.enum(ALERT_KINDS))
  .max(ALERT_KINDS.length)
  .describe('advisory: alerts issued from an advisory; general: alerts without one');
const onlyAffected = z
  .boolean()
  .describe("Advisory alerts only when the advisory's matching found the organisation affected");

export const subscriptionBody = z.strictObject({
  channels: z
    .array(z.enum(SUBSCRIPTION_CHANNELS))
    .max(SUBSCRIPTION_CHANNELS.length)
    .describe('Empty: nothing by subscription (the duty address and being named still apply)'),
  min_severity: z.enum(SEVERITIES),
  kinds,
  only_affected: onlyAffected,
});
export type SubscriptionInput = z.infer<typeof subscriptionBody>;

export const subscription = z.object({
  channels: z.array(z.enum(SUBSCRIPTION_CHANNELS)),
  min_severity: z.enum(SEVERITIES),
  kinds: z.array(z.enum(ALERT_KINDS)),
  only_affected: z.boolean(),
  default: z.boolean().describe('True while the person has not chosen: the default applies'),
  updated_at: z.string().nullable(),
});

export const webhookFiltersBody = z.strictObject({
  min_severity: z.enum(SEVERITIES),
  kinds,
  only_affected: onlyAffected,
});

export const webhookFilters = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  min_severity: z.enum(SEVERITIES),
  kinds: z.array(z.enum(ALERT_KINDS)),
  only_affected: z.boolean(),
  created_at: z.string(),
});

export const notification = z.object({
  id: z.uuid().describe('The delivery id of the notification (stable per alert, organisation and person)'),
  alert_id: z.uuid(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  tlp: z.enum(TLP_LABELS),
  created_at: z.string(),
  read_at: z.string().nullable(),
});

export const notificationParams = z.strictObject({ org: z.string(), id: z.uuid() });
export const unreadCount = z.object({ unread: z.number().int() });
export const markedCount = z.object({ marked: z.number().int() });
