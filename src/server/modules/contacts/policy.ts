import { type Actor, hasAnyRole, sectorCoordinatorUnit } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Who may do what with contacts. One rule per action. */
export const contactsPolicy = {
  /** Any member of the organisation reads its contacts. */
  read: (a: Actor, orgId: string) =>
    hasAnyRole(a, orgId, [
      'admin',
      'security_officer',
      'management',
      'auditor',
      'system_owner',
      'member',
      'sector_coordinator',
    ]),
  write: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']),
  /**
   * The sector view: the sector unit in which the caller is sector coordinator, or undefined.
   * The database function checks that this organisation is in scope and a sector unit; the role
   * can only be checked here.
   */
  sectorUnitOf: (a: Actor): string | undefined => sectorCoordinatorUnit(a)?.orgId,
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden();
}
