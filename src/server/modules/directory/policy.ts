import { type Actor, hasAnyRole } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Who may do what in the directory. One rule per action. */
export const directoryPolicy = {
  /** Organisations are created by the instance's operator or a platform administrator. */
  createOrganisation: (a: Actor) => a.kind === 'operator' || (a.kind === 'user' && a.platformAdmin),
  /** Users are created directly by the operator or a platform administrator (others invite). */
  createUser: (a: Actor) => a.kind === 'operator' || (a.kind === 'user' && a.platformAdmin),
  listUsers: (a: Actor) => a.kind === 'operator' || (a.kind === 'user' && a.platformAdmin),
  /** Members are listed to anyone in the organisation. */
  listMembers: (a: Actor, orgId: string) =>
    hasAnyRole(a, orgId, [
      'admin',
      'security_officer',
      'management',
      'auditor',
      'system_owner',
      'member',
      'sector_coordinator',
    ]),
  manageMembers: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin']),
  /** Tokens are issued by people, never by another token. */
  manageTokens: (a: Actor, orgId: string) =>
    a.kind !== 'token' && hasAnyRole(a, orgId, ['admin', 'security_officer']),
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden();
}
