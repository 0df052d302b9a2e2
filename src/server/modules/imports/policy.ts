import type { OrgRef } from '../../http/types.js';
import { type Actor, hasAnyRole } from '../../lib/actor.js';
import type { ImportDefinition } from './framework.js';

/** Who may do what with imports. One rule per action. */
export const importsPolicy = {
  /** Each register or scanner says who may start it (the users register: the organisation's admin). */
  start: (def: ImportDefinition, actor: Actor, org: OrgRef) => def.mayStart(actor, org),
  /**
   * Imports and their error lists (which quote the file's cells) are read by those who keep the
   * organisation's registers and by its auditors; not by every member. In the sector unit the
   * sector coordinators, who import the sector's reference data (KEV, EPSS), follow their imports.
   */
  read: (actor: Actor, orgId: string) =>
    hasAnyRole(actor, orgId, ['admin', 'security_officer', 'system_owner', 'auditor', 'sector_coordinator']),
};
