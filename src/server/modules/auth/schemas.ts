import { z } from 'zod';
import { ORG_KINDS, ORG_ROLES } from '../../lib/actor.js';

export const loginBody = z.strictObject({
  email: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(1024),
});

const next = z
  .enum(['mfa', 'enrol', 'done'])
  .describe('mfa: answer POST /auth/mfa/verify; enrol: set up MFA first; done: signed in');

export const loginResult = z.object({
  next,
  csrf_token: z.string().describe('send as the x-csrf-token header on every write with this session'),
});

const totpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'six digits');

export const verifyBody = z.union([
  z.strictObject({ code: totpCode }),
  z.strictObject({ recovery_code: z.string().trim().min(8).max(64) }),
]);

export const verifyResult = z.object({
  next: z.literal('done'),
  csrf_token: z.string(),
  recovery_codes_left: z.number().int(),
});

export const enrolBody = z.strictObject({ password: z.string().min(1).max(1024).optional() });

export const enrolResult = z.object({
  secret: z.string().describe('the TOTP seed, base32, for typing into an authenticator app'),
  otpauth_uri: z.string().describe('the same seed as an otpauth:// URI, for a QR code'),
});

export const confirmBody = z.strictObject({ code: totpCode });

export const confirmResult = z.object({
  next: z.literal('done'),
  csrf_token: z.string(),
  recovery_codes: z.array(z.string()).describe('shown once; each works once in place of a code'),
});

export const sessionUser = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  locale: z.enum(['da', 'en']),
  platform_admin: z.boolean(),
  mfa_enabled: z.boolean(),
});

export const currentSession = z.object({
  id: z.uuid(),
  stage: z.enum(['password', 'enrol', 'full']),
  csrf_token: z.string(),
  expires_at: z.string(),
  user: sessionUser,
  memberships: z
    .array(
      z.object({
        org: z.string(),
        kind: z.enum(ORG_KINDS),
        roles: z.array(z.enum(ORG_ROLES)),
        access_until: z
          .string()
          .nullable()
          .describe('the end of the auditor grant that is the only access to this organisation; else null'),
        data_period: z
          .object({
            from: z.string().nullable().describe('YYYY-MM-DD, inclusive; null: open'),
            to: z.string().nullable().describe('YYYY-MM-DD, inclusive; null: open'),
          })
          .nullable()
          .describe("the grant's data period: only records of it are visible; null: no limit"),
      }),
    )
    .describe('empty until the session is full; includes organisations reached by an active auditor grant'),
});

export const sessionItem = z.object({
  id: z.uuid(),
  created_at: z.string(),
  last_seen_at: z.string(),
  expires_at: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  current: z.boolean(),
});

export const sessionParams = z.strictObject({ id: z.uuid() });

export const updateMeBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  locale: z.enum(['da', 'en']).optional().describe('the language of the web app and of messages'),
});

export const passwordBody = z.strictObject({
  current_password: z.string().min(1).max(1024),
  new_password: z.string().min(1).max(1024).describe('at least 12 characters, not the current one'),
});

export const passwordResult = z.object({
  csrf_token: z.string().describe('the new session (cookie vaern_session) has a new CSRF token'),
  revoked_sessions: z.number().int().describe("the person's other sessions, now ended"),
});
