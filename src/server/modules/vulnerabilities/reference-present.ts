import type { z } from 'zod';
import type { EpssRow, KevRow, ListRow, VulnerabilityRow } from './reference-queries.js';
import type { vulnerability, vulnerabilityListItem } from './reference-schemas.js';

export function presentVulnerability(
  v: VulnerabilityRow,
  aliases: string[],
  kev: KevRow | undefined,
  epss: EpssRow | undefined,
): z.infer<typeof vulnerability> {
  return {
    id: v.id,
    canonical_id: v.canonical_id,
    title: v.title,
    description: v.description,
    published: v.published,
    modified: v.modified,
    cvss_score: v.cvss_score,
    cvss_vector: v.cvss_vector,
    aliases,
    kev: kev ?? null,
    epss: epss ?? null,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

export function presentListItem(r: ListRow): z.infer<typeof vulnerabilityListItem> {
  return {
    id: r.id,
    canonical_id: r.canonical_id,
    title: r.title,
    in_kev: r.in_kev,
    kev_due_date: r.kev_due_date,
    epss: r.epss,
    percentile: r.percentile,
  };
}
