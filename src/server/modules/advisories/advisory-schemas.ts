import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';
import { TLP_LABELS } from './csaf/tlp.js';
import { PRODUCT_STATUS_CATEGORIES } from './csaf/types.js';

export const advisoryParams = z.strictObject({
  id: z.uuid().describe("the advisory's id in Værn"),
});

export const advisoriesQuery = pageQuery.extend({
  q: z
    .string()
    .max(200)
    .optional()
    .describe('a word of the title or tracking id, or a CVE prefix (CVE-2021-)'),
  tlp: z.enum(TLP_LABELS).optional().describe('only advisories with this TLP 2.0 label'),
});

const tlp = z.enum(TLP_LABELS).describe('TLP 2.0 label (a CSAF TLP:WHITE is CLEAR)');

export const advisoryListItem = z.object({
  id: z.uuid(),
  tracking_id: z.string(),
  title: z.string(),
  publisher_name: z.string(),
  publisher_namespace: z.string(),
  version: z.string(),
  status: z.enum(['draft', 'interim', 'final']),
  category: z.string(),
  tlp,
  cvss_max: z.number().nullable().describe('the highest CVSS base score of its vulnerabilities'),
  initial_release: z.string(),
  current_release: z.string(),
  vulnerabilities: z.array(z.string()).describe('the CVE (or own id) of each vulnerability'),
  in_kev: z.boolean().describe('whether any of its vulnerabilities is in the KEV catalogue'),
});

export const remediation = z.object({
  category: z.string().describe('mitigation, no_fix_planned, none_available, vendor_fix, workaround'),
  details: z.string(),
  url: z.string().nullable(),
  date: z.string().nullable(),
  product_ids: z.array(z.string()).describe('its products, product groups expanded'),
});

export const advisoryVulnerability = z.object({
  vulnerability_id: z.uuid(),
  ref: z.string().describe("the CVE, or the first of the advisory's own ids when it has none"),
  canonical_id: z.string(),
  title: z.string().nullable(),
  cvss_score: z.number().nullable(),
  cvss_vector: z.string().nullable(),
  in_kev: z.boolean(),
  kev_due_date: z.string().nullable(),
  epss: z.number().nullable(),
  percentile: z.number().nullable(),
  remediations: z.array(remediation),
});

export const advisoryProduct = z.object({
  product_id: z.string(),
  name: z.string(),
  vendor: z.string().nullable(),
  product: z.string().nullable(),
  version_text: z.string().nullable(),
  model_numbers: z.array(z.string()),
  cpe: z.string().nullable(),
  purl: z.string().nullable(),
  range_state: z.enum(['all', 'parsed', 'unparsed', 'none']),
  statuses: z.array(z.object({ vulnerability: z.string(), status: z.enum(PRODUCT_STATUS_CATEGORIES) })),
});

export const advisory = z.object({
  id: z.uuid(),
  source: z.enum(['csaf', 'manual']),
  tracking_id: z.string(),
  version: z.string(),
  status: z.enum(['draft', 'interim', 'final']),
  category: z.string(),
  title: z.string(),
  publisher_name: z.string(),
  publisher_namespace: z.string(),
  tlp,
  tlp_original: z
    .string()
    .nullable()
    .describe('the label the document carried, null when the importer gave it'),
  initial_release: z.string(),
  current_release: z.string(),
  summary: z.string().nullable(),
  cvss_max: z.number().nullable(),
  sha256: z.string().nullable(),
  revisions: z.array(z.object({ number: z.string(), date: z.string(), summary: z.string() })),
  vulnerabilities: z.array(advisoryVulnerability),
  products: z.array(advisoryProduct),
  created_at: z.string(),
  updated_at: z.string(),
});
