import { z } from 'zod';
import { ORG_ROLES } from '../../lib/actor.js';
import { emailSchema, passwordSchema } from '../directory/schemas.js';

const orgSlug = z.string().min(1).max(63);
const roles = z
  .array(z.enum(ORG_ROLES))
  .min(1)
  .max(ORG_ROLES.length)
  .refine((r) => new Set(r).size === r.length, 'roles must be unique');
/** A token from a link: 32 random bytes, base64url. */
const linkToken = z
  .string()
  .min(20)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a token');

export const memberParams = z.strictObject({ org: orgSlug, user_id: z.uuid() });
export const invitationParams = z.strictObject({ org: orgSlug, id: z.uuid() });

export const setRolesBody = z.strictObject({ roles });
export const memberResult = z.object({
  user_id: z.uuid(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.enum(ORG_ROLES)),
});

export const deactivateResult = z.object({
  user_id: z.uuid(),
  removed_roles: z.array(z.string()),
  tokens_revoked: z.number().int(),
  sessions_revoked: z.number().int(),
  account_deactivated: z.boolean(),
});

export const mfaResetResult = z.object({ user_id: z.uuid() });

export const issuedLink = z.object({
  sent: z.boolean().describe('the link was e-mailed to the person'),
  link: z.string().optional().describe('only when no mail could be sent (no SMTP): hand it over yourself'),
  expires_at: z.string(),
});

export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;

export const invitation = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  roles: z.array(z.enum(ORG_ROLES)),
  status: z.enum(INVITATION_STATUSES),
  invited_by: z.string().describe("the inviter's name (or the operator)"),
  created_at: z.string(),
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
});

export const createInvitationBody = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(200).optional(),
  roles,
  locale: z.enum(['da', 'en']).optional(),
});

export const createdInvitation = invitation.extend({
  sent: z.boolean().describe('the invitation was e-mailed'),
  link: z.string().optional().describe('only when no mail could be sent (no SMTP): hand it over yourself'),
});

export const listInvitationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  status: z.enum(INVITATION_STATUSES).optional(),
});

export const tokenBody = z.strictObject({ token: linkToken });

export const invitationLookup = z.object({
  org: z.object({ slug: z.string(), name: z.string() }),
  email: z.string(),
  name: z.string().nullable(),
  roles: z.array(z.enum(ORG_ROLES)),
  expires_at: z.string(),
  account_exists: z
    .boolean()
    .describe('true: sign in as this person to accept; false: choose a name and password'),
});

export const acceptBody = z.strictObject({
  token: linkToken,
  name: z.string().trim().min(1).max(200).optional(),
  password: passwordSchema.optional(),
});

export const acceptResult = z.object({
  email: z.string(),
  org: z.object({ slug: z.string(), name: z.string() }),
  account_created: z.boolean(),
  roles: z.array(z.enum(ORG_ROLES)),
});

export const resetRequestBody = z.strictObject({ email: emailSchema });
export const resetCompleteBody = z.strictObject({ token: linkToken, password: passwordSchema });
export const resetCompleteResult = z.object({ email: z.string() });
