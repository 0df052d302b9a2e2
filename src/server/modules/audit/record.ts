import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import { type Actor, actorRef } from '../../lib/actor.js';
import { normalise } from '../../lib/canonical-json.js';
import type { AnchorFile } from './anchors.js';
import { entryHash } from './chain.js';

export interface AuditEvent {
  /** The organisation whose chain records it, or PLATFORM_CHAIN. */
  chain: string;
  actor: Actor | undefined;
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends one entry to a chain, in the caller's transaction, so the change and its record commit
 * together or not at all. The chain head row is locked for the transaction, which orders
 * concurrent writers of one chain. The head is anchored outside the database after commit.
 */
export async function recordAudit(tx: Tx, anchors: AnchorFile, event: AuditEvent): Promise<void> {
  // Both steps go through reviewed functions (0008): the application role cannot move a head.
  const head = await sql<{ seq: number; hash: string }>`
    select seq, hash from vaern_audit_head(${event.chain}::uuid)`.execute(tx.q);
  const current = head.rows[0];
  if (!current) throw new Error(`audit chain ${event.chain} has no head`);
  const entry = {
    org_id: event.chain,
    seq: Number(current.seq) + 1,
    at: new Date().toISOString(),
    actor: normalise(actorRef(event.actor)),
    action: event.action,
    target_type: event.targetType ?? null,
    target_id: event.targetId ?? null,
    before: event.before === undefined ? null : normalise(event.before),
    after: event.after === undefined ? null : normalise(event.after),
    prev_hash: current.hash,
  };
  const hash = entryHash(entry);
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  await sql`select vaern_audit_append(${entry.org_id}::uuid, ${entry.seq}::bigint, ${entry.at}::timestamptz,
              ${json(entry.actor)}::jsonb, ${entry.action}, ${entry.target_type}, ${entry.target_id},
              ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb, ${entry.prev_hash}, ${hash})`.execute(
    tx.q,
  );
  tx.onCommit(() => anchors.append([{ chain: event.chain, seq: entry.seq, hash }]));
}
