import { z } from 'zod';

export const importParams = z.strictObject({
  org: z.string().min(1).max(63),
  kind: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'an import kind, e.g. users'),
});

export const importIdParams = z.strictObject({ org: z.string().min(1).max(63), id: z.uuid() });

/**
 * Control and formatting characters (line breaks, escapes, right-to-left overrides, zero-width
 * marks): a file name that holds one would show otherwise than it reads, in a list or an audit
 * trail.
 */
export const UNSHOWN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** `?name=` the file's name; any other key is an option of the register (checked by it). */
export const uploadQuery = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((v) => !UNSHOWN.test(v), 'a file name without control or formatting characters')
      .optional(),
    wait: z.enum(['true', 'false']).optional(),
  })
  .catchall(z.string().max(1000));

export const startedImport = z.object({ import_id: z.uuid() });

export const importError = z.object({
  row: z.number().int().nullable().describe('1 is the header line; the first data row is 2'),
  column: z.string().nullable(),
  message: z.string(),
});

const STATUSES = ['queued', 'running', 'succeeded', 'refused', 'failed'] as const;

/**
 * The one summary of every import (register or scanner). Registers and scanners add keys of their
 * own next to these; the status keys below (kind … finished_at) are the API's, not the summary's.
 */
const summaryShape = {
  import_id: z.uuid(),
  status: z.enum(STATUSES),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  errors: z.number().int(),
};

const statusShape = {
  kind: z.string(),
  phase: z.string().nullable().describe('queued, reading, checking, merging, applying, finished'),
  processed: z.number().int().describe('data rows read so far'),
  progress: z.number().min(0).max(1).describe('fraction done, for a progress bar'),
  file_name: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
};

/** Keys of the API's import status that are not part of the summary. */
export const STATUS_KEYS = Object.keys(statusShape);
export const SUMMARY_KEYS = [...Object.keys(summaryShape), 'error_list'];

export const importStatus = z.looseObject({
  ...summaryShape,
  error_list: z.array(importError),
  ...statusShape,
});

export const importListItem = z.looseObject({ ...summaryShape, ...statusShape });
