import type { OrgRef } from '../../http/types.js';
import { type Actor, hasAnyRole } from '../../lib/actor.js';

/** Who may do what with the sector's advisories. One rule per action. */
export const advisoryPolicy = {
  /**
   * Every signed-in actor may ask (people, auditors, API tokens, the operator): advisories are
   * sector-wide reference data. Which advisories it then sees is row-level security's answer
   * (TLP and audience, migration 0021).
   */
  read: (_actor: Actor) => true,
  /**
   * Advisories are imported into the sector unit's organisation by its sector coordinator or the
   * operator (CLI), like KEV and EPSS.
   */
  import: (actor: Actor, org: OrgRef) =>
    org.kind === 'sector_unit' && hasAnyRole(actor, org.id, ['sector_coordinator']),
};
