import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';

const SEVERITY = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const STATE = z.enum(['open', 'in_progress', 'risk_accepted', 'false_positive', 'fixed', 'suppressed']);

/** A comma-separated list of allowed values (`?state=open,in_progress`). */
const listOf = <T extends z.ZodEnum>(e: T) =>
  z
    .string()
    .max(200)
    .transform((v, ctx) => {
      const parts = v.split(',').map((p) => p.trim());
      for (const p of parts) {
        if (!e.safeParse(p).success) {
          ctx.addIssue({
            code: 'custom',
            message: 'validation.one_or_more',
            params: { values: e.options.join(', ') },
          });
          return z.NEVER;
        }
      }
      return parts as Array<z.infer<T>>;
    });

export const findingsQuery = pageQuery.extend({
  state: listOf(STATE).optional(),
  severity: listOf(SEVERITY).optional(),
  system: z.string().min(1).max(100).optional(),
  host: z.string().min(1).max(300).optional(),
  cve: z
    .string()
    .regex(/^CVE-\d{4}-\d{4,}$/i)
    .optional(),
  unmapped: z.enum(['true', 'false']).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  kev: z.enum(['true', 'false']).optional(),
  q: z.string().min(1).max(200).optional(),
  first_import: z.uuid().optional().describe('new since a scan: the findings that import saw first'),
});

export const findingParams = z.strictObject({ org: z.string().min(1).max(63), id: z.uuid() });

export const finding = z.object({
  id: z.uuid(),
  fingerprint: z.string(),
  family: z.string(),
  host: z.string(),
  port: z.number().int().nullable(),
  protocol: z.string().nullable(),
  rule: z.string(),
  host_ip: z.string().nullable(),
  host_fqdn: z.string().nullable(),
  host_name: z.string().nullable(),
  system: z.object({ id: z.uuid(), key: z.string(), name: z.string() }).nullable(),
  title: z.string(),
  severity: SEVERITY,
  cvss: z.number().nullable(),
  cvss_vector: z.string().nullable(),
  cves: z.array(z.string()),
  description: z.string().nullable(),
  solution: z.string().nullable(),
  evidence: z.string().nullable(),
  location: z.object({ file: z.string(), line: z.number().int().nullable() }).nullable(),
  state: STATE,
  state_reason: z.string().nullable(),
  state_changed_at: z.string().nullable(),
  accepted_by: z.uuid().nullable(),
  accepted_until: z.string().nullable(),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  closed_at: z.string().nullable(),
  closed_by_import: z.uuid().nullable(),
  reopened_count: z.number().int(),
  reopened_at: z.string().nullable(),
  due_on: z.string().nullable().describe('the SLA due date (YYYY-MM-DD); null: no deadline'),
  overdue: z.boolean(),
  in_kev: z.boolean().describe('one of its CVEs is in the CISA KEV catalogue'),
  epss: z.number().nullable().describe('the highest EPSS score of its CVEs'),
  epss_percentile: z.number().nullable(),
});

const SLA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
const SLA_CRITICALITIES = ['critical', 'high', 'medium', 'low', 'unassessed'] as const;
const days = z.number().int().min(1).max(3650);

export const slaPolicy = z.strictObject({
  days: z.strictObject(
    Object.fromEntries(
      SLA_SEVERITIES.map((s) => [
        s,
        z.strictObject(
          Object.fromEntries(SLA_CRITICALITIES.map((c) => [c, days])) as Record<
            (typeof SLA_CRITICALITIES)[number],
            typeof days
          >,
        ),
      ]),
    ) as Record<
      (typeof SLA_SEVERITIES)[number],
      z.ZodObject<Record<(typeof SLA_CRITICALITIES)[number], typeof days>>
    >,
  ),
  kev_max_days: z.number().int().min(1).max(365),
  epss_max_days: z.number().int().min(1).max(365),
  epss_score_threshold: z.number().min(0).max(1),
  epss_percentile_threshold: z.number().min(0).max(1),
});

export const slaResponse = z.object({
  custom: z.boolean(),
  policy: slaPolicy,
  recomputed: z.number().int().optional(),
});

export const stateBody = z.strictObject({
  state: z.enum(['open', 'in_progress', 'risk_accepted', 'false_positive']),
  reason: z.string().max(2000).optional(),
  accepted_until: z.iso.date().optional(),
});

export const unmappedHost = z.object({
  host: z.string(),
  host_ip: z.string().nullable(),
  host_fqdn: z.string().nullable(),
  open: z.number().int(),
  last_seen_at: z.string(),
});

const bySeverity = z.object({
  info: z.number().int(),
  low: z.number().int(),
  medium: z.number().int(),
  high: z.number().int(),
  critical: z.number().int(),
});

export const findingsSummary = z.object({
  open_by_severity: bySeverity,
  overdue: z.number().int(),
  kev_open: z.number().int(),
  trend: z.array(z.object({ week: z.string().describe('the last day of the week'), open: bySeverity })),
  last_scan: z
    .object({
      import_id: z.uuid(),
      finished_at: z.string(),
      new: z.number().int(),
      still_open: z.number().int(),
      reopened: z.number().int(),
      closed: z.number().int(),
    })
    .nullable(),
  top_systems: z.array(
    z.object({
      id: z.uuid(),
      key: z.string(),
      name: z.string(),
      critical: z.number().int(),
      high: z.number().int(),
    }),
  ),
});

export const findingHistory = z.object({
  items: z.array(
    z.object({
      at: z.string(),
      action: z
        .string()
        .describe(
          'finding.open, finding.in_progress, finding.risk_accepted, finding.false_positive (a person), finding.acceptance_requested, finding.acceptance_approved, finding.acceptance_declined, finding.acceptance_expired (the daily job), finding.test_created, finding.shared, finding.unshared',
        ),
      actor: z.object({
        type: z.string().describe('user, token, job or operator'),
        name: z.string().nullable().describe("a person's name, a token's or a job's name"),
      }),
      from_state: z.string().nullable(),
      to_state: z.string().nullable(),
      reason: z.string().nullable(),
      accepted_until: z.string().nullable(),
    }),
  ),
  truncated: z.boolean().describe('more changes than listed: the audit trail has them all'),
});
