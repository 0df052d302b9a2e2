import { z } from 'zod';
import { ORG_KINDS } from '../../lib/actor.js';

export const TLP_LABELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/** Kinds of alert a subscription filters by: issued from an advisory, or general (no advisory). */
export const ALERT_KINDS = ['advisory', 'general'] as const;
export const ANSWER_STATUSES = ['received', 'assessing', 'affected', 'not_affected', 'mitigated'] as const;

export const audience = z.strictObject({
  kinds: z.array(z.enum(ORG_KINDS)).max(ORG_KINDS.length).default([]),
  regions: z
    .array(z.uuid())
    .max(100)
    .default([])
    .describe('Region organisations: each and every organisation in it'),
  affected: z.boolean().default(false).describe("The organisations the advisory's matching found affected"),
  organisations: z.array(z.uuid()).max(10_000).default([]),
  people: z
    .array(z.strictObject({ org_id: z.uuid(), user_id: z.uuid() }))
    .max(1000)
    .default([])
    .describe('Named people, each in an organisation they are a member of'),
});
export type Audience = z.infer<typeof audience>;

export const composeBody = z.strictObject({
  title: z.string().trim().min(1).max(500),
  body: z.string().trim().min(1).max(50_000),
  severity: z.enum(SEVERITIES),
  recommended_action: z.string().trim().max(10_000).optional(),
  tlp: z.enum(TLP_LABELS),
  advisory_id: z.uuid().optional(),
  audience,
});
export type ComposeInput = z.infer<typeof composeBody>;

export const previewBody = z.strictObject({
  tlp: z.enum(TLP_LABELS),
  severity: z
    .enum(SEVERITIES)
    .default('critical')
    .describe(
      "The alert's severity, which subscriptions filter by; without it, counted as critical (the most)",
    ),
  advisory_id: z.uuid().optional(),
  audience,
});

export const audienceCounts = z.object({
  organisations: z.number().int(),
  people: z.number().int().describe('Named people'),
  subscribers: z.number().int().describe('People reached by their subscription (or its default), not named'),
  emails: z.number().int().describe('E-mails: duty addresses, named people, subscribers by e-mail'),
  notifications: z.number().int().describe('In-app notifications: named people and subscribers in the app'),
});

export const composedAlert = z.object({
  id: z.uuid(),
  title: z.string(),
  tlp: z.enum(TLP_LABELS),
  severity: z.enum(SEVERITIES),
  recipients: audienceCounts,
  created_at: z.string(),
});

export const alertAnswer = z.object({
  status: z.enum(ANSWER_STATUSES),
  note: z.string().nullable(),
  answered_by: z.string(),
  via: z.enum(['app', 'link']),
  answered_at: z.string(),
});

export const inboxItem = z.object({
  id: z.uuid(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  tlp: z.enum(TLP_LABELS),
  advisory_id: z.uuid().nullable(),
  created_at: z.string(),
  answer: alertAnswer.nullable(),
});

export const alertDetail = inboxItem.extend({
  body: z.string(),
  recommended_action: z.string().nullable(),
  answers: z.array(alertAnswer),
  may_answer: z
    .boolean()
    .describe(
      'Whether the caller may answer the alert for the organisation (admin, security officer, management, or named on the alert)',
    ),
});

export const alertParams = z.strictObject({ org: z.string(), id: z.uuid() });

export const answerBody = z.strictObject({
  status: z.enum(ANSWER_STATUSES),
  note: z.string().trim().max(4000).optional(),
});

export const dutyAddressBody = z.strictObject({
  duty_address: z.email().max(254).nullable(),
});
export const dutyAddress = z.object({ duty_address: z.string().nullable() });

export const linkParams = z.strictObject({ token: z.string().min(10).max(200) });

export const linkView = z.object({
  alert: z.object({
    title: z.string(),
    severity: z.enum(SEVERITIES),
    tlp: z.enum(TLP_LABELS),
    body: z.string().nullable().describe('Only for TLP:CLEAR and TLP:GREEN'),
  }),
  organisation: z.object({ slug: z.string(), name: z.string() }),
  answering_as: z.string(),
  may_answer: z
    .boolean()
    .describe(
      "False for a person who may not answer for the organisation: posting the link's answer is refused",
    ),
  answer: alertAnswer.nullable(),
  statuses: z.array(z.enum(ANSWER_STATUSES)),
});
