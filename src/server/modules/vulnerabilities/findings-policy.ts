import { type Actor, hasAnyRole } from '../../lib/actor.js';

/** Who may do what with an organisation's findings. One rule per action. */
export const findingsPolicy = {
  /** Every member of the organisation (and its auditors) reads its findings. */
  read: (a: Actor, orgId: string) =>
    hasAnyRole(a, orgId, ['admin', 'security_officer', 'system_owner', 'management', 'auditor', 'member']),
  /** Those who run the scans import them (a scanner's API token too). */
  importScan: (a: Actor, orgId: string) =>
    hasAnyRole(a, orgId, ['admin', 'security_officer', 'system_owner']),
  /** Those who follow findings up move them along: in progress, false positive, open again. */
  triage: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer', 'system_owner']),
  /** The SLA is the organisation's policy: its admins and security officers set it. */
  setSla: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']),
  /** Accepting a risk is a management decision: the approver holds the management role. */
  acceptRisk: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['management']),
  /** Penetration-test and red-team results are entered by those who follow findings up. */
  enterTest: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer', 'system_owner']),
  /** Sharing a test result with another organisation is the security officer's (or admin's) call. */
  share: (a: Actor, orgId: string) => hasAnyRole(a, orgId, ['admin', 'security_officer']),
};
