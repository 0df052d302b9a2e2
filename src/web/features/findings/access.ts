import type { z } from 'zod';
import type { acceptanceRequest } from '../../../server/modules/vulnerabilities/acceptance-schemas';
import type {
  finding,
  findingHistory,
  findingsSummary,
  slaResponse,
  unmappedHost,
} from '../../../server/modules/vulnerabilities/findings-schemas';
import type { signedReport } from '../../../server/modules/vulnerabilities/report-schemas';
import type { Membership } from '../../app/api-types';
import type { ImportStatus } from '../../components/imports';

/** The findings API's shapes, from the server's zod schemas (types only). */
export type Finding = z.infer<typeof finding>;
export type UnmappedHost = z.infer<typeof unmappedHost>;
export type FindingsSummary = z.infer<typeof findingsSummary>;
export type SlaResponse = z.infer<typeof slaResponse>;
export type SlaPolicy = SlaResponse['policy'];
export type SignedReport = z.infer<typeof signedReport>;
export type Severity = Finding['severity'];
export type FindingState = Finding['state'];
export type FindingChange = z.infer<typeof findingHistory>['items'][number];
export type AcceptanceRequest = z.infer<typeof acceptanceRequest>;

/** Worst first, as the list is ordered. */
export const SEVERITIES = [
  'critical',
  'high',
  'medium',
  'low',
  'info',
] as const satisfies readonly Severity[];
export const STATES = [
  'open',
  'in_progress',
  'risk_accepted',
  'false_positive',
  'fixed',
  'suppressed',
] as const satisfies readonly FindingState[];
/** The SLA's rows and columns (findings-schemas.ts slaPolicy): severity × system criticality. */
export const SLA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const SLA_CRITICALITIES = ['critical', 'high', 'medium', 'low', 'unassessed'] as const;

/** The states a person sets by hand (fixed and suppressed come from scans). */
export type ManualState = 'open' | 'in_progress' | 'risk_accepted' | 'false_positive';
/** The list's filter when the person has chosen none: what still needs work. */
export const DEFAULT_STATES: FindingState[] = ['open', 'in_progress'];
/**
 * Unfinished: what the overview's open figures and trend count (finding_daily_counts.open_total),
 * an accepted risk and a suppressed finding included.
 */
export const UNFINISHED_STATES: FindingState[] = ['open', 'in_progress', 'risk_accepted', 'suppressed'];

export const SCAN_FORMATS = ['nessus', 'openvas', 'sarif', 'csv'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

/** The media type the server reads each format by. */
export const SCAN_MEDIA_TYPE: Record<ScanFormat, string> = {
  nessus: 'application/xml',
  openvas: 'application/xml',
  sarif: 'application/json',
  csv: 'text/csv',
};

/** A scan import's summary: the framework's keys and the scan's figures (scan-import.ts). */
export interface ScanImportStatus extends ImportStatus {
  new?: number;
  still_open?: number;
  reopened?: number;
  closed?: number;
  informational?: number;
  unmapped_hosts?: number;
  unmapped_host_names?: string[];
}

const has = (m: Membership | undefined, roles: readonly string[]) =>
  m?.roles.some((r) => roles.includes(r)) ?? false;

/** The roles that read an organisation's findings (findingsPolicy.read); not a sector coordinator. */
const FINDINGS_READERS = ['admin', 'security_officer', 'system_owner', 'management', 'auditor', 'member'];

/** Its members and auditors read the organisation's findings (findingsPolicy.read). */
export const canReadFindings = (m: Membership | undefined): boolean => has(m, FINDINGS_READERS);

/** Those who run the scans import them (findingsPolicy.importScan). */
export const canImportScans = (m: Membership | undefined): boolean =>
  has(m, ['admin', 'security_officer', 'system_owner']);

/** Those who follow findings up move them along (findingsPolicy.triage). */
export const canTriage = (m: Membership | undefined): boolean =>
  has(m, ['admin', 'security_officer', 'system_owner']);

/** Accepting a risk is management's decision (findingsPolicy.acceptRisk). */
export const canAcceptRisk = (m: Membership | undefined): boolean => has(m, ['management']);

/** The states this person may move a finding in `from` to, by hand (findings-service.ts FROM). */
export function nextStates(m: Membership | undefined, from: FindingState): ManualState[] {
  const manual: ManualState[] = ['open', 'in_progress', 'risk_accepted', 'false_positive'];
  if (!manual.includes(from as ManualState)) return [];
  // An accepted risk may be accepted again (renewed) by management.
  return manual.filter(
    (to) =>
      (to !== from || to === 'risk_accepted') && (to === 'risk_accepted' ? canAcceptRisk(m) : canTriage(m)),
  );
}

/** The SLA is the organisation's policy: its admins and security officers set it (findingsPolicy.setSla). */
export const canSetSla = (m: Membership | undefined): boolean => has(m, ['admin', 'security_officer']);

/** Who reads the quarterly management reports and their drafts (reportPolicy.read). */
export const canReadReports = (m: Membership | undefined): boolean =>
  has(m, ['management', 'security_officer', 'admin', 'auditor']);

/** Management signs the report (reportPolicy.sign; the TOTP code is checked by the server). */
export const canSignReports = (m: Membership | undefined): boolean => has(m, ['management']);

/** Penetration-test and red-team results are entered by those who import scans (findingsPolicy.enterTest). */
export const canEnterTests = (m: Membership | undefined): boolean =>
  has(m, ['admin', 'security_officer', 'system_owner']);

/** Sharing a test result with another organisation is the security officer's call (findingsPolicy.share). */
export const canShareFindings = (m: Membership | undefined): boolean => has(m, ['admin', 'security_officer']);
