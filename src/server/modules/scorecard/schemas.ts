import { z } from 'zod';
import { orgParams } from '../directory/schemas.js';

/** The ten criteria of the audit (issue 4), in order; docs/scorecard.md defines each exactly. */
export const CRITERIA = [
  { n: 1, key: 'inventory_confirmed' },
  { n: 2, key: 'criticality_assessed' },
  { n: 3, key: 'vulnerability_followup' },
  { n: 4, key: 'risk_assessments' },
  { n: 5, key: 'mfa' },
  { n: 6, key: 'segmentation' },
  { n: 7, key: 'patching' },
  { n: 8, key: 'contingency_tested' },
  { n: 9, key: 'restore_procedure' },
  { n: 10, key: 'restore_tested' },
] as const;
export type CriterionKey = (typeof CRITERIA)[number]['key'];
export const CRITERION_KEYS = CRITERIA.map((c) => c.key) as [CriterionKey, ...CriterionKey[]];

export const STATUSES = ['passed', 'failed', 'not_measured'] as const;
export type Status = (typeof STATUSES)[number];

const isoDate = z.string().describe('YYYY-MM-DD');

export const criterion = z.object({
  n: z.number().int().min(1).max(10),
  key: z.enum(CRITERION_KEYS),
  status: z.enum(STATUSES),
  value: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('numerator / denominator as a share 0..1; null when not a share or nothing to measure'),
  numerator: z.number().int().nullable(),
  denominator: z.number().int().nullable(),
  threshold: z.number().min(0).max(1).nullable().describe('the share needed to pass (setting)'),
  period: z
    .object({ unit: z.enum(['days', 'months']), length: z.number().int() })
    .nullable()
    .describe('the time window the criterion looks back over (setting)'),
  detail: z.string().describe("a sentence for people, in the caller's language"),
  detail_code: z.string().describe('the message key of detail, stable for machines'),
});
export type Criterion = z.infer<typeof criterion>;

export const scorecard = z.object({
  org: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
  computed_at: z.string(),
  inventory: z.object({
    systems: z.number().int(),
    health_data_systems: z.number().int(),
    critical_systems: z.number().int().describe('criticality critical or high'),
    last_confirmed_at: z.string().nullable(),
  }),
  vulnerability_report: z
    .object({
      id: z.uuid(),
      quarter: z.string(),
      signed_at: z.string(),
      signer_name: z.string(),
      sha256: z.string(),
    })
    .nullable()
    .describe("criterion 3's evidence: the latest signed vulnerability management report"),
  criteria: z.array(criterion),
});

// Confirmations ---------------------------------------------------------------------------------

export const confirmBody = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'six digits'),
  statement: z.string().trim().min(1).max(2000).optional(),
});

export const confirmationParams = z.strictObject({ org: z.string().min(1).max(63), id: z.uuid() });

export const confirmationSummary = z.object({
  id: z.uuid(),
  signer: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
  signed_at: z.string(),
  statement: z.string().nullable(),
  systems: z.number().int(),
  health_data_systems: z.number().int(),
  snapshot_sha256: z.string(),
});

export const confirmation = confirmationSummary.extend({
  snapshot: z.string().describe('the canonical JSON text that was signed, byte for byte'),
  sha256_verified: z.boolean().describe('the SHA-256 of snapshot, recomputed now, equals snapshot_sha256'),
});

// Evidence --------------------------------------------------------------------------------------

export const evidenceParams = z.strictObject({
  org: z.string().min(1).max(63),
  n: z.coerce.number().int().min(1).max(10),
});

export const evidenceQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  outcome: z.enum(['failing', 'passing']).optional(),
});

export const evidenceItem = z.object({
  key: z.string(),
  name: z.string(),
  criticality: z.string().nullable(),
  health_data: z.boolean(),
  passing: z.boolean(),
  fields: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .describe('the fields of the system that decide this criterion'),
});

// Snapshots and trend ---------------------------------------------------------------------------

export const snapshot = z.object({
  day: isoDate,
  computed_at: z.string(),
  criteria: z.array(criterion),
});

export const trendQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(730).default(90),
});

export const trend = z.object({
  from: isoDate,
  to: isoDate,
  criteria: z.array(
    z.object({
      n: z.number().int(),
      key: z.enum(CRITERION_KEYS),
      points: z.array(z.object({ day: isoDate, value: z.number().nullable(), status: z.enum(STATUSES) })),
    }),
  ),
});

// Sector ----------------------------------------------------------------------------------------

export const sectorQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(500).optional(),
});

export const sectorScorecard = z.object({
  org: z.object({ id: z.uuid(), slug: z.string(), name: z.string(), kind: z.string() }),
  inventory: scorecard.shape.inventory,
  criteria: z.array(criterion),
});

export const sectorScorecards = z.object({
  computed_at: z.string(),
  items: z.array(sectorScorecard),
  next_cursor: z.string().nullable(),
});

const CRITICALITIES = ['critical', 'high', 'medium', 'low'] as const;

export const criticalShared = z.object({
  buckets: z
    .array(
      z.object({
        criticality: z.enum(CRITICALITIES).nullable(),
        organisations: z.number().int(),
        systems: z.number().int(),
      }),
    )
    .describe('every plotted system counted by (highest) criticality × organisations depending on it'),
  items: z
    .array(
      z.object({
        owner: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
        key: z.string(),
        name: z.string(),
        vendor: z.string().nullable(),
        product: z.string().nullable(),
        owner_criticality: z.enum(CRITICALITIES).nullable(),
        criticality: z
          .enum(CRITICALITIES)
          .nullable()
          .describe("the highest of the owner's and the linking organisations' own criticality"),
        organisations: z.number().int().describe('the owner plus every organisation linking to it'),
      }),
    )
    .describe('the shared records (offered to the sector), most depended on first'),
  next_cursor: z.string().nullable(),
});

export { orgParams };
