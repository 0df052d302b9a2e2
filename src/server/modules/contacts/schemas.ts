import { z } from 'zod';

export const CONTACT_ROLES = ['security_officer', 'dpo', 'it_on_call', 'crisis_staff'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

/** Digits, spaces, hyphens and parentheses, optionally a leading +; 3 to 20 digits in all. */
const PHONE = /^\+?[0-9][0-9 ()-]{1,28}[0-9]$/;
const phoneSchema = z
  .string()
  .trim()
  .max(30)
  .regex(PHONE, 'not a valid phone number')
  .refine((p) => {
    const digits = p.replace(/\D/g, '').length;
    return digits >= 3 && digits <= 20;
  }, 'not a valid phone number');
const emailSchema = z
  .string()
  .trim()
  .max(254)
  .email('not a valid e-mail address')
  .transform((e) => e.toLowerCase());
const dateSchema = z.iso.date();

export const contactParams = z.strictObject({ org: z.string().min(1).max(63), id: z.uuid() });

export const contact = z.object({
  id: z.uuid(),
  role: z.enum(CONTACT_ROLES),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  notes: z.string().nullable(),
  verified_on: z.string().nullable().describe('YYYY-MM-DD'),
  overdue: z.boolean().describe('never verified, or verified more than 12 months ago'),
  created_at: z.string(),
  updated_at: z.string(),
});

export const sectorContact = contact.extend({
  org: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
});

export const createContactBody = z.strictObject({
  role: z.enum(CONTACT_ROLES),
  name: z.string().trim().min(1).max(200),
  phone: phoneSchema.nullable().optional(),
  email: emailSchema.nullable().optional(),
  notes: z.string().trim().max(2000).nullable().optional(),
  verified_on: dateSchema.nullable().optional(),
});

export const updateContactBody = createContactBody.partial();

export const sectorQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  overdue: z.enum(['true', 'false']).optional(),
});
