import { z } from 'zod';
import { TLP_LABELS } from './csaf/tlp.js';

/** The API contract of advisories written by hand (docs/advisories.md, "Written by hand"). */

const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const text = (max: number) => z.string().trim().min(1).max(max);
/** An optional text: an empty string counts as not given. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const MANUAL_STATUSES = [
  'known_affected',
  'fixed',
  'known_not_affected',
  'under_investigation',
] as const;
export const MANUAL_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export const manualVulnerability = z.strictObject({
  cve: optionalText(30).transform((v) => v?.toUpperCase()),
  ids: z
    .array(text(100).refine((v) => v.length >= 3, 'at least 3 characters'))
    .max(20)
    .default([]),
  title: optionalText(1000),
  cvss_vector: optionalText(200),
  cvss_score: z.number().min(0).max(10).multipleOf(0.1).optional(),
});
export type ManualVulnerability = z.infer<typeof manualVulnerability>;

export const manualProduct = z.strictObject({
  vendor: optionalText(500),
  product: optionalText(1000),
  model_numbers: z.array(text(200)).max(50).default([]),
  versions: optionalText(1000).describe(
    'Version or range as text: "< 4.2", "<= R1.23.0", "vers:npm/<4.17.21", "all versions"',
  ),
  cpe: optionalText(2000),
  purl: optionalText(2000),
  status: z.enum(MANUAL_STATUSES),
});
export type ManualProduct = z.infer<typeof manualProduct>;

export const manualAdvisoryBody = z.strictObject({
  title: text(1000),
  summary: text(20_000),
  details: optionalText(50_000),
  recommended_action: optionalText(10_000),
  severity: z.enum(MANUAL_SEVERITIES).optional(),
  lang: z.enum(['da', 'en']).default('da'),
  tlp: z.enum(TLP_LABELS).default('GREEN'),
  audience: z
    .array(z.string().trim().toLowerCase().regex(SLUG, 'an organisation slug'))
    .max(1000)
    .default([])
    .describe('Organisations (slugs) that may read an advisory above TLP:GREEN; the sector unit always may'),
  vulnerabilities: z.array(manualVulnerability).min(1).max(100),
  products: z.array(manualProduct).min(1).max(500),
  revision_note: optionalText(1000).describe('What this revision changed (its revision history entry)'),
});
export type ManualAdvisoryInput = z.infer<typeof manualAdvisoryBody>;

export const manualParams = z.strictObject({ id: z.uuid() });

export const savedAdvisory = z.object({
  id: z.uuid(),
  tracking_id: z.string(),
  version: z.string(),
  created: z.boolean(),
  import_id: z.uuid(),
});

const savedVulnerability = z.object({
  cve: z.string().optional(),
  ids: z.array(z.string()),
  title: z.string().optional(),
  cvss_vector: z.string().optional(),
  cvss_score: z.number().optional(),
});
const savedProduct = z.object({
  vendor: z.string().optional(),
  product: z.string().optional(),
  model_numbers: z.array(z.string()),
  versions: z.string().optional(),
  cpe: z.string().optional(),
  purl: z.string().optional(),
  status: z.enum(MANUAL_STATUSES),
});

/** The form as last saved, for editing (the same fields as the body, without the revision note). */
export const manualAdvisory = z.object({
  id: z.uuid(),
  tracking_id: z.string(),
  version: z.string(),
  input: z.object({
    title: z.string(),
    summary: z.string(),
    details: z.string().optional(),
    recommended_action: z.string().optional(),
    severity: z.enum(MANUAL_SEVERITIES).optional(),
    lang: z.enum(['da', 'en']),
    tlp: z.enum(TLP_LABELS),
    audience: z.array(z.string()),
    vulnerabilities: z.array(savedVulnerability),
    products: z.array(savedProduct),
  }),
});
export type SavedManualInput = z.infer<typeof manualAdvisory>['input'];
