import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import { type Actor, actorRef } from '../../lib/actor.js';
import { normalise } from '../../lib/canonical-json.js';
import type { AnchorFile } from './anchors.js';
import { entryHash, GENESIS_HASH } from './chain.js';

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
  await sql`insert into audit_heads (org_id, seq, hash) values (${event.chain}, 0, ${GENESIS_HASH})
            on conflict (org_id) do nothing`.execute(tx.q);
  const head = await tx.q
    .selectFrom('audit_heads')
    .select(['seq', 'hash'])
    .where('org_id', '=', event.chain)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const entry = {
    org_id: event.chain,
    seq: Number(head.seq) + 1,
    at: new Date().toISOString(),
    actor: normalise(actorRef(event.actor)),
    action: event.action,
    target_type: event.targetType ?? null,
    target_id: event.targetId ?? null,
    before: event.before === undefined ? null : normalise(event.before),
    after: event.after === undefined ? null : normalise(event.after),
    prev_hash: head.hash,
  };
  const hash = entryHash(entry);
  await tx.q
    .insertInto('audit_log')
    .values({
      ...entry,
      actor: JSON.stringify(entry.actor),
      before: entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === null ? null : JSON.stringify(entry.after),
      hash,
    })
    .execute();
  await tx.q
    .updateTable('audit_heads')
    .set({ seq: entry.seq, hash })
    .where('org_id', '=', event.chain)
    .execute();
  tx.onCommit(() => anchors.append([{ chain: event.chain, seq: entry.seq, hash }]));
}
