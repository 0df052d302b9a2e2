import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';

/** The API contract of risk acceptance requests (docs/vulnerabilities.md, "Follow-up: states"). */

const org = z.string().min(1).max(63);

export const requestBody = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe('why the risk may be accepted; kept in the audit trail'),
  accepted_until: z.iso.date().describe('the proposed last day of the acceptance'),
});

export const requestParams = z.strictObject({ org, request: z.uuid() });

export const decisionBody = z.strictObject({
  decision: z.enum(['approved', 'declined']),
  note: z.string().trim().min(1).max(2000).optional().describe('required when declining: why'),
});

export const requestsQuery = pageQuery.extend({
  status: z.enum(['open', 'decided']).default('open').describe('open: oldest first; decided: newest first'),
  finding: z.uuid().optional().describe("only this finding's requests"),
});

const person = z.object({ id: z.uuid(), name: z.string().nullable() });

export const acceptanceRequest = z.object({
  id: z.uuid(),
  finding: z.object({
    id: z.uuid(),
    title: z.string(),
    severity: z.string(),
    state: z.string(),
    system: z.object({ key: z.string(), name: z.string() }).nullable(),
  }),
  reason: z.string(),
  accepted_until: z.string(),
  requested_by: person,
  requested_at: z.string(),
  decision: z.enum(['approved', 'declined']).nullable(),
  decision_note: z.string().nullable(),
  decided_by: person.nullable(),
  decided_at: z.string().nullable(),
});
