import { type Actor, sectorCoordinatorUnit } from '../../lib/actor.js';

/** Who may write advisories by hand. One rule per action. */
export const manualPolicy = {
  /**
   * Writing and revising an advisory by hand: the sector coordinator, in the sector unit (as for
   * importing one). Returns that unit; the import checks again that it is a sector unit and that
   * the actor may import into it.
   */
  sectorUnitOf: (a: Actor): { orgId: string; slug: string } | undefined => {
    const m = sectorCoordinatorUnit(a);
    return m ? { orgId: m.orgId, slug: m.slug } : undefined;
  },
};
