import type { z } from 'zod';
import type {
  confirmationSummary,
  criterion,
  criticalShared,
  evidenceItem,
  scorecard,
  sectorScorecards,
  snapshot,
  trend,
} from '../../../server/modules/scorecard/schemas';
import type { Membership } from '../../app/api-types';

/** The API's shapes, from the server's zod schemas (types only). */
export type Scorecard = z.infer<typeof scorecard>;
export type Criterion = z.infer<typeof criterion>;
export type EvidenceItem = z.infer<typeof evidenceItem>;
export type Trend = z.infer<typeof trend>;
export type Snapshot = z.infer<typeof snapshot>;
export type ConfirmationSummary = z.infer<typeof confirmationSummary>;
export type SectorScorecards = z.infer<typeof sectorScorecards>;
export type CriticalShared = z.infer<typeof criticalShared>;
export type Status = Criterion['status'];

const has = (m: Membership | undefined, roles: readonly string[]) =>
  m?.roles.some((r) => roles.includes(r)) ?? false;

/** Who reads the scorecard (the server's scorecardPolicy.read). */
export const canReadScorecard = (m: Membership | undefined): boolean =>
  has(m, ['admin', 'security_officer', 'management', 'auditor', 'system_owner']);

/** Who writes today's snapshot on demand (scorecardPolicy.snapshot). */
export const canSnapshot = (m: Membership | undefined): boolean => has(m, ['admin', 'security_officer']);

/** Who signs the inventory confirmation (scorecardPolicy.confirm; the TOTP code is checked too). */
export const canConfirm = (m: Membership | undefined): boolean => has(m, ['management']);

/** Sector coordinators of a sector unit see every organisation's scorecard. */
export const isSectorCoordinator = (memberships: readonly Membership[]): boolean =>
  memberships.some((m) => m.kind === 'sector_unit' && m.roles.includes('sector_coordinator'));

/** Badge colour per status; the status is always written out next to it. */
export const STATUS_COLOR: Record<Status, string> = {
  passed: 'green',
  failed: 'red',
  not_measured: 'gray',
};

/** A symbol per status, so that colour is never the only signal. */
export const STATUS_SYMBOL: Record<Status, string> = {
  passed: '✓',
  failed: '✗',
  not_measured: '–',
};
