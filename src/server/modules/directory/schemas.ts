import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';
import { ORG_KINDS, ORG_ROLES, TOKEN_ROLES } from '../../lib/actor.js';

export const slugSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and hyphens');
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .email()
  .transform((e) => e.toLowerCase());
export const passwordSchema = z.string().min(12, 'at least 12 characters').max(1024);

export const orgParams = z.strictObject({ org: z.string().min(1).max(63) });

export const organisation = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  kind: z.enum(ORG_KINDS),
  parent: z.string().nullable().describe('slug of the parent organisation'),
  region: z.string().nullable().describe('slug of the region the organisation lies in'),
  created_at: z.string(),
});

export const createOrganisationBody = z.strictObject({
  slug: slugSchema,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ORG_KINDS),
  parent: slugSchema.optional(),
  region: slugSchema.optional(),
});

export const updateOrganisationBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    kind: z.enum(ORG_KINDS).optional(),
    parent: slugSchema.nullable().optional().describe('slug of the new parent; null removes it'),
    region: slugSchema.nullable().optional().describe('slug of the region; null removes it'),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const organisationQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(100).optional().describe('part of the slug or name'),
  kind: z.enum(ORG_KINDS).optional(),
});

export const user = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  platform_admin: z.boolean(),
  mfa_enabled: z.boolean(),
  locale: z.enum(['da', 'en']),
  deactivated: z.boolean(),
  created_at: z.string(),
});

export const createUserBody = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(200),
  password: passwordSchema.optional(),
  platform_admin: z.boolean().default(false),
  org: slugSchema.optional(),
  role: z.enum(ORG_ROLES).optional(),
  locale: z.enum(['da', 'en']).default('da'),
});

export const member = z.object({
  user_id: z.uuid(),
  email: z.string(),
  name: z.string(),
  mfa_enabled: z.boolean(),
  roles: z.array(z.enum(ORG_ROLES)),
});

export const addMemberBody = z.strictObject({ email: emailSchema, role: z.enum(ORG_ROLES) });

export const apiToken = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
});

export const createTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(TOKEN_ROLES),
  expires_at: z.iso
    .date()
    .or(z.iso.datetime({ offset: true }))
    .optional(),
});

export const createdToken = z.object({ id: z.uuid(), token: z.string() });
