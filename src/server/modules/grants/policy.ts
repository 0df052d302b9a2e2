import { type Actor, hasAnyRole } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Who may do what with auditor grants. One rule per action. */
export const grantsPolicy = {
  /** The people who answer for the organisation's security see whom it has let in. */
  list: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']),
  /** Granting and revoking, by people (or the operator): never by an API token. */
  manage: (a: Actor, orgId: string) =>
    a.kind !== 'token' && hasAnyRole(a, orgId, ['admin', 'security_officer']),
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden();
}
