import { canonicalJson } from '../../lib/canonical-json.js';
import { sha256Hex } from '../../lib/crypto.js';

/** The platform's own chain (logins, organisations, platform settings). */
export const PLATFORM_CHAIN = '00000000-0000-0000-0000-000000000000';
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainEntry {
  org_id: string;
  seq: number;
  at: string;
  actor: unknown;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
}

/** SHA-256 over the canonical JSON of every field of the entry, the previous hash included. */
export function entryHash(entry: ChainEntry): string {
  return sha256Hex(
    canonicalJson({
      org_id: entry.org_id,
      seq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target_type: entry.target_type,
      target_id: entry.target_id,
      before: entry.before ?? null,
      after: entry.after ?? null,
      prev_hash: entry.prev_hash,
    }),
  );
}
