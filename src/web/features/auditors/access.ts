import type { z } from 'zod';
import type { createdGrant, createGrantBody, grantItem } from '../../../server/modules/grants/schemas';
import type { Membership } from '../../app/api-types';

/** The API's shapes, from the server's zod schemas (types only). */
export type AuditorGrant = z.infer<typeof grantItem>;
export type CreatedGrant = z.infer<typeof createdGrant>;
export type GrantInput = z.input<typeof createGrantBody>;
export type GrantStatus = AuditorGrant['status'];

/** Admins and security officers grant auditors access (the server's grantsPolicy.manage). */
export const canManageGrants = (membership: Membership | undefined): boolean =>
  membership?.roles.some((role) => role === 'admin' || role === 'security_officer') ?? false;

/** The start of a calendar day (YYYY-MM-DD) in the browser's time zone, as an instant. */
export const startOfDay = (day: string): string => {
  const [y = 0, m = 1, d = 1] = day.split('-').map(Number);
  return new Date(y, m - 1, d).toISOString();
};

/** The end of a calendar day, inclusive: the start of the next day in the browser's time zone. */
export const endOfDay = (day: string): string => {
  const [y = 0, m = 1, d = 1] = day.split('-').map(Number);
  return new Date(y, m - 1, d + 1).toISOString();
};

/** Today as YYYY-MM-DD in the browser's time zone. */
export const today = (): string => {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
};
