import type { StagedType } from '../imports/framework.js';

/**
 * The staged record of a scan item (scan-import.ts writes it, scan-merge.ts reads it): its values
 * are staged as a JSON array in this order (stagedTuples), so that the names are not repeated in
 * each of a large scan's items; one column for each field of StagedItem, no more.
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
} as const satisfies Record<keyof StagedItem, StagedType>;

/** The staged record of one item, as the reader builds it (`kind` tells findings from host facts). */
export interface StagedItem {
  kind: 'finding' | 'fact';
  fingerprint: string;
  family: string;
  host: string;
  port: number | null;
  protocol: string | null;
  rule: string;
  host_ip: string | null;
  host_fqdn: string | null;
  host_name: string | null;
  title: string;
  severity: string;
  cvss: number | null;
  cvss_vector: string | null;
  cves: string[];
  /** SHA-256 of the item's description and solution (textHashOf); null when it has neither. */
  text_hash: string | null;
  /**
   * The texts themselves, only on the first item of the file with this `text_hash` (null on the
   * others): a plugin's texts are the same on every host, and are staged and written once.
   */
  description: string | null;
  solution: string | null;
  evidence: string | null;
  location_file: string | null;
  location_line: number | null;
  suppressed: boolean;
}

const NAMES = Object.keys(STAGED_COLUMNS) as (keyof typeof STAGED_COLUMNS)[];

/** A staged record's values in STAGED_COLUMNS' order. */
export const stagedTuple = (item: StagedItem): unknown[] => NAMES.map((name) => item[name]);
