import { type Locale, translate } from '../../lib/messages.js';
import type { ImportIssue } from './framework.js';
import type { ImportRow } from './queries.js';
import { STATUS_KEYS, SUMMARY_KEYS } from './schemas.js';

const RESERVED = new Set([...SUMMARY_KEYS, ...STATUS_KEYS]);

/** Reading is most of the work; checking and applying the last tenth. */
function fractionDone(row: ImportRow): number {
  if (row.status === 'queued') return 0;
  if (row.status !== 'running') return 1;
  if (row.phase === 'applying') return 0.95;
  if (row.phase === 'merging') return 0.92;
  if (row.phase === 'checking') return 0.9;
  const total = Math.max(1, Number(row.bytes_total));
  return Math.min(0.9, (0.9 * Number(row.bytes_read)) / total);
}

export const presentIssue = (issue: ImportIssue, locale: Locale) => ({
  row: issue.row,
  column: issue.column,
  message: translate(issue.code, locale, issue.params ?? {}),
});

function extraKeys(row: ImportRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row.extra ?? {})) if (!RESERVED.has(key)) out[key] = value;
  return out;
}

/** An import's list entry: the summary's counts and its status, without the error list. */
export function presentImportItem(row: ImportRow) {
  return {
    import_id: row.id,
    status: row.status,
    rows: row.rows,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    errors: row.errors,
    ...extraKeys(row),
    kind: row.kind,
    phase: row.phase,
    processed: row.processed,
    progress: fractionDone(row),
    file_name: row.file_name,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

/** An import: its summary (error messages in the reader's language) and its status while it runs. */
export function presentImport(row: ImportRow, locale: Locale) {
  return {
    ...presentImportItem(row),
    error_list: row.error_list.map((issue) => presentIssue(issue, locale)),
  };
}
