import type { OrgRef } from '../../http/types.js';
import { type Actor, hasAnyRole } from '../../lib/actor.js';

/** Who may do what with the sector's vulnerability reference data. One rule per action. */
export const referencePolicy = {
  /**
   * Every signed-in actor reads it (people of any organisation, auditors, API tokens, the
   * operator, jobs): it is sector-wide reference data (DESIGN.md). Anonymous requests never reach
   * the service (the routes need an actor).
   */
  read: (_actor: Actor) => true,
  /**
   * KEV and EPSS are imported into the sector unit's organisation, by its sector coordinator, the
   * operator (CLI) or a job of that organisation (the daily refresh).
   */
  import: (actor: Actor, org: OrgRef) =>
    org.kind === 'sector_unit' && hasAnyRole(actor, org.id, ['sector_coordinator']),
};
