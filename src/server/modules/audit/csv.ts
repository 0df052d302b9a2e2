import type { z } from 'zod';
import type { auditEntry } from './schemas.js';

/** The columns of an audit log export, in order. */
export const CSV_COLUMNS = [
  'seq',
  'at',
  'actor_type',
  'actor',
  'action',
  'target_type',
  'target_id',
  'before',
  'after',
  'hash',
] as const;

/**
 * One CSV field (RFC 4180). A value a spreadsheet would read as a formula (it starts with =, +,
 * -, @, a tab or a carriage return) gets a leading apostrophe first, so opening the export never
 * runs anything someone typed into a name or a value.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

/** One entry as a CSV line (CRLF-terminated); before and after as compact JSON. */
export function csvLine(entry: z.infer<typeof auditEntry>): string {
  const values = [
    String(entry.seq),
    entry.at,
    entry.actor.type,
    entry.actor.name ?? entry.actor.id ?? '',
    entry.action,
    entry.target_type ?? '',
    entry.target_id ?? '',
    json(entry.before),
    json(entry.after),
    entry.hash,
  ];
  return `${values.map(csvField).join(',')}\r\n`;
}

/** The header line. */
export const csvHeader = `${CSV_COLUMNS.join(',')}\r\n`;
