import { type Actor, hasAnyRole } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Whom a management step acts on: their platform flag and every organisation they belong to. */
export interface Target {
  platformAdmin: boolean;
  orgIds: readonly string[];
}

/** Who may manage people. One rule per action. */
export const peoplePolicy = {
  /**
   * Roles, leavers, MFA and password resets, invitations: an organisation's admins (people, not
   * tokens or jobs) and the instance operator.
   */
  manage: (a: Actor, orgId: string) =>
    a.kind === 'operator' || (a.kind === 'user' && hasAnyRole(a, orgId, ['admin'])),

  /**
   * The escalation guard for steps that could take over an account (MFA reset, password reset):
   * an admin of organisation A must not
   * use them on a person who is also an admin (or anything else) in organisation B, or on a
   * platform administrator; otherwise A's admin could reset B's admin's password and MFA, sign
   * in as them and rule B. So the target must not be a platform administrator, and every
   * organisation the target belongs to must be one where the actor is admin. Platform
   * administrators and the operator pass. The database re-checks reachability and the platform
   * flag in the definer functions (0011-people.sql).
   */
  mayTakeOver: (a: Actor, target: Target): boolean => {
    if (a.kind === 'operator') return true;
    if (a.kind !== 'user') return false;
    if (a.platformAdmin) return true;
    if (target.platformAdmin) return false;
    return target.orgIds.every((orgId) => hasAnyRole(a, orgId, ['admin']));
  },

  /**
   * Removing a leaver from the organisation takes nothing over: an admin may always remove a
   * member of their own organisation, also one who belongs to other organisations (they keep
   * those memberships; their sessions end and they sign in again). A platform administrator's
   * membership is removed only by a platform administrator or the operator, since every session
   * of theirs would end too.
   */
  mayRemove: (a: Actor, target: Target): boolean =>
    a.kind === 'operator' || (a.kind === 'user' && (a.platformAdmin || !target.platformAdmin)),
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden();
}
