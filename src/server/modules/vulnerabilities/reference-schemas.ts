import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';

export const vulnerabilityParams = z.strictObject({
  id: z.string().min(1).max(100).describe('any alias: CVE-2021-44228, a GHSA id, a vendor id'),
});

export const vulnerabilitiesQuery = pageQuery.extend({
  q: z.string().max(200).optional().describe('an alias prefix (CVE-2021-) or a word of the title'),
  kev: z.enum(['true', 'false']).optional().describe('only those in (or not in) the KEV catalogue'),
  min_epss: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('only those with an EPSS score at least this'),
});

export const kevEntry = z.object({
  cve: z.string(),
  vendor_project: z.string(),
  product: z.string(),
  vulnerability_name: z.string(),
  date_added: z.string().describe('YYYY-MM-DD'),
  short_description: z.string(),
  required_action: z.string(),
  due_date: z.string().describe('YYYY-MM-DD'),
  known_ransomware_campaign_use: z.string().nullable(),
  notes: z.string().nullable(),
  cwes: z.array(z.string()),
  catalog_version: z.string().describe('the KEV catalogue the entry comes from'),
  catalog_released: z.string(),
});

export const epssScore = z.object({
  cve: z.string(),
  epss: z.number().describe('probability of exploitation in the next 30 days, 0–1'),
  percentile: z.number(),
  model_version: z.string(),
  score_date: z.string(),
});

export const vulnerability = z.object({
  id: z.uuid(),
  canonical_id: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  published: z.string().nullable(),
  modified: z.string().nullable(),
  cvss_score: z.number().nullable(),
  cvss_vector: z.string().nullable(),
  aliases: z.array(z.string()).describe('every id it goes by, the canonical one included'),
  kev: kevEntry.nullable(),
  epss: epssScore.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const vulnerabilityListItem = z.object({
  id: z.uuid(),
  canonical_id: z.string(),
  title: z.string().nullable(),
  in_kev: z.boolean(),
  kev_due_date: z.string().nullable(),
  epss: z.number().nullable(),
  percentile: z.number().nullable(),
});
