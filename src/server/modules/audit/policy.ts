import { type Actor, hasAnyRole } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Who may read or check the audit trail. Nobody may change it: there is no rule for that. */
export const auditPolicy = {
  /** An organisation's chain is read by the people who answer for it and by its auditors. */
  readOrgLog: (a: Actor, orgId: string) =>
    hasAnyRole(a, orgId, ['admin', 'security_officer', 'management', 'auditor']),
  /** The platform chain (organisations, users, sign-ins) by platform administrators and the operator. */
  readPlatformLog: (a: Actor) => a.kind === 'operator' || (a.kind === 'user' && a.platformAdmin),
  /** Verification reads every chain and the anchor file: the instance operator only. */
  verify: (a: Actor) => a.kind === 'operator',
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden();
}
