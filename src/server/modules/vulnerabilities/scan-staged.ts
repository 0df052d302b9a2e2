import type { StagedType } from '../imports/framework.js';

/**
 * The staged record of a scan item (scan-import.ts writes it, scan-merge.ts reads it): its values
 * are staged as a JSON array in this order (stagedTuples), so that the names are not repeated in
 * each of a large scan's items. `kind` tells findings from host facts.
 */
export const STAGED_COLUMNS = {
  kind: 'text',
  fingerprint: 'text',
  family: 'text',
  host: 'text',
  port: 'integer',
  protocol: 'text',
  rule: 'text',
  host_ip: 'text',
  host_fqdn: 'text',
  host_name: 'text',
  title: 'text',
  severity: 'text',
  cvss: 'numeric',
  cvss_vector: 'text',
  cves: 'jsonb',
  text_hash: 'text',
  description: 'text',
  solution: 'text',
  evidence: 'text',
  location_file: 'text',
  location_line: 'integer',
  suppressed: 'boolean',
} as const satisfies Record<string, StagedType>;

const NAMES = Object.keys(STAGED_COLUMNS) as (keyof typeof STAGED_COLUMNS)[];

/** A staged record's values in STAGED_COLUMNS' order. */
export const stagedTuple = (item: Record<keyof typeof STAGED_COLUMNS, unknown>): unknown[] =>
  NAMES.map((name) => item[name]);
