import type { z } from 'zod';
import type { ConfirmationRow, CriticalSharedRow, EvidenceRow } from './queries.js';
import type { confirmationSummary, criticalShared, evidenceItem } from './schemas.js';

type Criticality = 'critical' | 'high' | 'medium' | 'low';
const criticality = (v: string | null) => v as Criticality | null;

export function presentConfirmationSummary(row: ConfirmationRow): z.infer<typeof confirmationSummary> {
  return {
    id: row.id,
    signer: { id: row.signer_id, name: row.signer_name, email: row.signer_email },
    signed_at: new Date(row.signed_at).toISOString(),
    statement: row.statement,
    systems: Number(row.systems),
    health_data_systems: Number(row.health_data_systems),
    snapshot_sha256: row.snapshot_sha256,
  };
}

export function presentEvidence(row: EvidenceRow): z.infer<typeof evidenceItem> {
  const fields = typeof row.fields === 'string' ? JSON.parse(row.fields) : row.fields;
  return {
    key: row.key,
    name: row.name,
    criticality: row.criticality,
    health_data: row.health_data,
    passing: row.passing,
    fields,
  };
}

export function presentBucket(row: CriticalSharedRow): z.infer<typeof criticalShared>['buckets'][number] {
  return {
    criticality: criticality(row.highest_criticality),
    organisations: Number(row.organisations),
    systems: Number(row.systems),
  };
}

export function presentSharedPoint(row: CriticalSharedRow): z.infer<typeof criticalShared>['items'][number] {
  return {
    owner: { id: row.org_id ?? '', slug: row.org_slug ?? '', name: row.org_name ?? '' },
    key: row.key ?? '',
    name: row.name ?? '',
    vendor: row.vendor,
    product: row.product,
    owner_criticality: criticality(row.owner_criticality),
    criticality: criticality(row.highest_criticality),
    organisations: Number(row.organisations),
  };
}
