import { type Actor, hasAnyRole } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Who may do what with the inventory. One rule per action. */
export const inventoryPolicy = {
  /** Every member of the organisation reads its inventory. */
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
  /** Those who keep the inventory change it, by hand or by import. */
  write: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer', 'system_owner']),
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden();
}
