import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';

const isoDateOrTime = z.iso.date().or(z.iso.datetime({ offset: true }));

/** Filters of an audit log listing; every one optional, all of them combined with AND. */
export const auditLogQuery = pageQuery.extend({
  actor: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("the actor's id, or a part of its name (a person's e-mail address, a token's name)"),
  action: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('an action or its prefix, e.g. "token." or "token.create"'),
  target_type: z.string().min(1).max(100).optional(),
  target_id: z.string().min(1).max(200).optional(),
  from: isoDateOrTime.optional().describe('entries at or after this date (UTC midnight) or instant'),
  to: isoDateOrTime.optional().describe('entries on or before this date (the whole UTC day) or instant'),
});
export type AuditLogQuery = z.infer<typeof auditLogQuery>;

/** The filters of an export: those of the listing, without paging (an export holds every match). */
export const auditExportQuery = auditLogQuery.omit({ limit: true, cursor: true });

export const auditActor = z.object({
  type: z.string(),
  id: z.string().optional(),
  name: z.string().optional(),
});

export const auditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: auditActor,
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  before: z.unknown().describe('the values before the change (JSON), or null'),
  after: z.unknown().describe('the values after the change (JSON), or null'),
  hash: z.string().describe('SHA-256 of the entry in its chain; `vaern audit verify` checks it'),
});

export const verifyBody = z.strictObject({
  anchors: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe("an anchor file to check against instead of the instance's own (e.g. an offline copy)"),
});

export const PROBLEM_KINDS = ['altered', 'removed', 'truncated', 'anchor_invalid'] as const;

export const verifyResult = z.object({
  ok: z.boolean(),
  chains: z.number().int(),
  entries: z.number().int(),
  problems: z.array(
    z.object({
      chain: z.string().describe("the organisation's id; the nil uuid is the platform chain"),
      seq: z.number().int(),
      kind: z.enum(PROBLEM_KINDS),
    }),
  ),
  anchors: z.object({
    file: z.string(),
    lines: z.number().int(),
    chains: z.number().int().describe('chains with at least one authentic anchor'),
  }),
});
