import { z } from 'zod';
import { emailSchema } from '../directory/schemas.js';

export const GRANT_STATUSES = ['scheduled', 'active', 'expired', 'revoked'] as const;

export const grantParams = z.strictObject({ org: z.string().min(1).max(63), id: z.uuid() });

export const grantItem = z.object({
  id: z.uuid(),
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  starts_at: z.string(),
  ends_at: z.string(),
  data_from: z.string().nullable().describe('YYYY-MM-DD, inclusive; null: open'),
  data_to: z.string().nullable().describe('YYYY-MM-DD, inclusive; null: open'),
  note: z.string().nullable(),
  status: z
    .enum(GRANT_STATUSES)
    .describe('scheduled: starts later; active: now inside the window; expired: ended; revoked'),
  granted_by: z.string().describe('who granted it (an e-mail address, or the operator)'),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});

export const createdGrant = grantItem.extend({
  account_created: z.boolean().describe('no account had the e-mail address: one was created'),
  setup_sent: z.boolean().optional().describe('account created: the set-up link was e-mailed'),
  setup_link: z
    .string()
    .optional()
    .describe('account created and no mail could be sent: the set-up link, to hand over'),
});

const instant = z.iso.datetime({ offset: true });
const day = z.iso.date();

export const createGrantBody = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(200).optional().describe('required when no account has the e-mail'),
  starts_at: instant.optional().describe('default: now'),
  ends_at: instant,
  data_from: day.nullable().optional(),
  data_to: day.nullable().optional(),
  note: z.string().trim().max(2000).nullable().optional(),
});
