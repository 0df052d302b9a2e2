import { type Actor, hasAnyRole, sectorCoordinatorUnit } from '../../lib/actor.js';

/** Who may do what with alerts. One rule per action. */
export const alertPolicy = {
  /**
   * Writing alerts to the sector: the sector coordinator, in the sector unit. Returns that unit;
   * the database checks again that it is a sector unit in the request's scope.
   */
  sectorUnitOf: (a: Actor): string | undefined => sectorCoordinatorUnit(a)?.orgId,
  /** Every member of a recipient organisation reads its alerts (RED: row-level security narrows). */
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
  /** The organisation's answer: its security officer, admin or management. */
  answer: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer', 'management']),
  /**
   * Writing, previewing and following an organisation's own alerts to its subscribers (and, when
   * chosen, its child organisations): its admin or security officer.
   */
  issue: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']),
  /** The duty address is set by the organisation's admin or security officer. */
  setDutyAddress: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']),
};
