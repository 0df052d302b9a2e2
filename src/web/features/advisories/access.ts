import type { z } from 'zod';
import type {
  advisory,
  advisoryListItem,
  advisoryProduct,
  advisoryVulnerability,
} from '../../../server/modules/advisories/advisory-schemas';
import type {
  manualAdvisory,
  manualAdvisoryBody,
  MANUAL_SEVERITIES as SERVER_SEVERITIES,
  MANUAL_STATUSES as SERVER_STATUSES,
  savedAdvisory,
} from '../../../server/modules/advisories/manual-schemas';
import type {
  advisoryMatch,
  affectedOrganisation,
  kevMatch,
} from '../../../server/modules/advisories/match-schemas';
import type { Membership } from '../../app/api-types';

/** The advisories API's shapes, from the server's zod schemas (types only). */
export type AdvisoryListItem = z.infer<typeof advisoryListItem>;
export type Advisory = z.infer<typeof advisory>;
export type AdvisoryVulnerability = z.infer<typeof advisoryVulnerability>;
export type AdvisoryProduct = z.infer<typeof advisoryProduct>;
export type AdvisoryMatch = z.infer<typeof advisoryMatch>;
export type KevMatch = z.infer<typeof kevMatch>;
export type AffectedOrganisation = z.infer<typeof affectedOrganisation>;
export type Tlp = AdvisoryListItem['tlp'];
export type Decision = 'confirmed' | 'rejected';

/** TLP 2.0 labels, least restricted first (csaf/tlp.ts TLP_LABELS). */
export const TLP_LABELS = [
  'CLEAR',
  'GREEN',
  'AMBER',
  'AMBER+STRICT',
  'RED',
] as const satisfies readonly Tlp[];

const has = (m: Membership | undefined, roles: readonly string[]) =>
  m?.roles.some((r) => roles.includes(r)) ?? false;

/** Every member of the organisation sees which of its systems advisories concern (matchPolicy.read). */
export const canReadMatches = (m: Membership | undefined): boolean => (m?.roles.length ?? 0) > 0;

/** A security officer or the organisation's admin confirms or rejects a match (matchPolicy.review). */
export const canReviewMatches = (m: Membership | undefined): boolean => has(m, ['admin', 'security_officer']);

/** Sector coordinators of a sector unit see which organisations an advisory concerns (matchPolicy.sectorUnitOf). */
export const isSectorCoordinator = (memberships: readonly Membership[]): boolean =>
  memberships.some((m) => m.kind === 'sector_unit' && m.roles.includes('sector_coordinator'));

/** Advisories written by hand (manual-schemas.ts). */
export type ManualInput = z.input<typeof manualAdvisoryBody>;
export type ManualAdvisory = z.infer<typeof manualAdvisory>;
export type SavedAdvisory = z.infer<typeof savedAdvisory>;
export type ManualStatus = (typeof SERVER_STATUSES)[number];
export type ManualSeverity = (typeof SERVER_SEVERITIES)[number];
export const MANUAL_STATUSES = [
  'known_affected',
  'fixed',
  'known_not_affected',
  'under_investigation',
] as const satisfies readonly ManualStatus[];
export const MANUAL_SEVERITIES = [
  'low',
  'medium',
  'high',
  'critical',
] as const satisfies readonly ManualSeverity[];
export const manualAdvisoryKey = (id: string) => ['advisories', 'manual', id] as const;
