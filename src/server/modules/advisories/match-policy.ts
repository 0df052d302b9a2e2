import { type Actor, hasAnyRole, sectorCoordinatorUnit } from '../../lib/actor.js';

/** Who may do what with advisory matches. One rule per action. */
export const matchPolicy = {
  /** Every member of the organisation sees which of its systems an advisory concerns. */
  read: (a: Actor, orgId: string) =>
    hasAnyRole(a, orgId, [
      'admin',
      'security_officer',
      'system_owner',
      'management',
      'auditor',
      'member',
      'sector_coordinator',
    ]),
  /** A security officer (or the organisation's admin) confirms or rejects an uncertain match. */
  review: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']),
  /**
   * The organisations an advisory concerns: the sector coordinator, in the sector unit. The
   * database function checks that this organisation is in scope and a sector unit.
   */
  sectorUnitOf: (a: Actor): string | undefined => sectorCoordinatorUnit(a)?.orgId,
};
