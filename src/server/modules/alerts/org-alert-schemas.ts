import { z } from 'zod';
import { SEVERITIES, TLP_LABELS } from './alert-schemas.js';

/**
 * An organisation's alert to its own subscribers (migration 0033): the audience is the
 * organisation itself, optionally its child organisations (TLP:CLEAR, GREEN, AMBER only), and
 * named people who are members of the organisation itself (TLP:RED: only they).
 */
export const orgAudience = z.strictObject({
  children: z
    .boolean()
    .default(false)
    .describe('Also its child organisations (a region: its hospitals); only under TLP:CLEAR, GREEN or AMBER'),
  people: z
    .array(z.uuid())
    .max(1000)
    .default([])
    .describe('Named people (user ids), each a member of the organisation itself; TLP:RED reaches only them'),
});
export type OrgAudience = z.infer<typeof orgAudience>;

export const orgComposeBody = z.strictObject({
  title: z.string().trim().min(1).max(500),
  body: z.string().trim().min(1).max(50_000),
  severity: z.enum(SEVERITIES),
  recommended_action: z.string().trim().max(10_000).optional(),
  tlp: z.enum(TLP_LABELS),
  audience: orgAudience,
});
export type OrgComposeInput = z.infer<typeof orgComposeBody>;

export const orgPreviewBody = z.strictObject({
  tlp: z.enum(TLP_LABELS),
  severity: z
    .enum(SEVERITIES)
    .default('critical')
    .describe(
      "The alert's severity, which subscriptions filter by; without it, counted as critical (the most)",
    ),
  audience: orgAudience,
});

export const issuedAlertParams = z.strictObject({ org: z.string().min(1).max(63), id: z.uuid() });
