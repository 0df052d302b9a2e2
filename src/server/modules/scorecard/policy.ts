import { type Actor, hasAnyRole, sectorCoordinatorUnit } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Who may do what with the scorecard and the inventory confirmation. One rule per action. */
export const scorecardPolicy = {
  /** The scorecard, its evidence, trend and the confirmations. */
  read: (a: Actor, orgId: string) =>
    hasAnyRole(a, orgId, ['admin', 'security_officer', 'management', 'auditor', 'system_owner']),
  /** Writing today's snapshot on demand. */
  snapshot: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']),
  /**
   * Signing the inventory confirmation: a person (never a token, the operator or a job) who holds
   * the management role in the organisation. The second factor is checked by the service.
   */
  confirm: (a: Actor, orgId: string): 'ok' | 'not_a_person' | 'not_management' => {
    if (a.kind !== 'user') return 'not_a_person';
    return a.memberships.some((m) => m.orgId === orgId && m.roles.includes('management'))
      ? 'ok'
      : 'not_management';
  },
  /**
   * The sector view: the sector unit in which the caller is sector coordinator, or undefined
   * (the same rule as the contacts directory's sector view). The database functions check that
   * this organisation is in scope and a sector unit; the role can only be checked here.
   */
  sectorUnitOf: (a: Actor): string | undefined => sectorCoordinatorUnit(a)?.orgId,
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden();
}
