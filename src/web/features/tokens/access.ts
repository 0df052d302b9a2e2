import type { z } from 'zod';
import { TOKEN_ROLES } from '../../../server/lib/actor';
import type { apiToken } from '../../../server/modules/directory/schemas';
import type { Membership } from '../../app/api-types';

/** The API's shapes, from the server's zod schemas (types only). */
export type ApiToken = z.infer<typeof apiToken>;
export type TokenRole = ApiToken['role'];
export const ROLES: readonly TokenRole[] = TOKEN_ROLES;

/** Admins and security officers issue and revoke tokens (the server's directoryPolicy.manageTokens). */
export const canManageTokens = (membership: Membership | undefined): boolean =>
  membership?.roles.some((role) => role === 'admin' || role === 'security_officer') ?? false;

export type TokenStatus = 'active' | 'revoked' | 'expired';

export function statusOf(token: ApiToken, now = Date.now()): TokenStatus {
  if (token.revoked_at) return 'revoked';
  if (token.expires_at && Date.parse(token.expires_at) <= now) return 'expired';
  return 'active';
}
