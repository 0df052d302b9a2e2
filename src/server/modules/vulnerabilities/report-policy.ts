import { type Actor, hasAnyRole } from '../../lib/actor.js';

/** Who may do what with the quarterly management report. One rule per action. */
export const reportPolicy = {
  /** Drafts, the list of signed reports and their PDFs. */
  read: (a: Actor, orgId: string) =>
    hasAnyRole(a, orgId, ['management', 'security_officer', 'admin', 'auditor']),
  /**
   * Signing: a person (never a token, the operator or a job) with the management role in the
   * organisation. The second factor is checked by the service.
   */
  sign: (a: Actor, orgId: string): 'ok' | 'not_a_person' | 'not_management' => {
    if (a.kind !== 'user') return 'not_a_person';
    return a.memberships.some((m) => m.orgId === orgId && m.roles.includes('management'))
      ? 'ok'
      : 'not_management';
  },
};
