import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import type { ActorRef } from '../../lib/actor.js';

/** All SQL of the audit module. Every function runs inside withTenant. */

/** One audit entry as verification reads it: `at` as written, JSON values as text. */
export interface StoredEntry {
  org_id: string;
  seq: number;
  /** ISO 8601 with milliseconds in UTC, exactly as recordAudit rendered it. */
  at: string;
  /** True when `at` carries more precision than the milliseconds recordAudit writes. */
  sub_ms: boolean;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

/*
 * Verification walks the table chain by chain with equality and range conditions only: under
 * row-level security PostgreSQL uses an index only for leakproof operators, and a row comparison
 * `(org_id, seq) > (…)` is not one, so a keyset over both columns would sort the whole table for
 * every batch. `org_id = … and seq > … and seq <= …` reads at most one batch through the primary key.
 */

/** The first chain after `after` (or the first of all) that has entries. */
export async function nextChain(tx: Tx, after: string | undefined) {
  const r = await sql<{ chain: string }>`
    select a.org_id::text as chain from audit_log a
    where ${after === undefined ? sql`true` : sql`a.org_id > ${after}::uuid`}
    order by a.org_id limit 1`.execute(tx.q);
  return r.rows[0]?.chain;
}

/** A chain's entries with afterSeq < seq <= upTo, in order; `at` as written, JSON as text. */
export async function chainRange(tx: Tx, chain: string, afterSeq: number, upTo: number) {
  const r = await sql<StoredEntry>`
    select a.org_id::text as org_id, a.seq,
           to_char(a."at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "at",
           date_trunc('milliseconds', a."at") <> a."at" as sub_ms,
           a.actor::text as actor, a.action, a.target_type, a.target_id,
           a.before::text as before, a.after::text as after, a.prev_hash, a.hash
    from audit_log a
    where a.org_id = ${chain}::uuid and a.seq > ${afterSeq} and a.seq <= ${upTo}
    order by a.seq`.execute(tx.q);
  return r.rows;
}

/** The first sequence number of a chain after `afterSeq`, to step over a gap or find the end. */
export async function nextSeq(tx: Tx, chain: string, afterSeq: number) {
  const r = await sql<{ seq: number }>`
    select a.seq from audit_log a where a.org_id = ${chain}::uuid and a.seq > ${afterSeq}
    order by a.seq limit 1`.execute(tx.q);
  const seq = r.rows[0]?.seq;
  return seq === undefined ? undefined : Number(seq);
}

/** Every chain head with the chain's actual last entry, read in one statement (one snapshot). */
export async function headsWithLastEntry(tx: Tx) {
  const r = await sql<{
    chain: string;
    head_seq: number;
    head_hash: string;
    last_seq: number | null;
    last_hash: string | null;
  }>`
    select h.org_id::text as chain, h.seq as head_seq, h.hash as head_hash,
           l.seq as last_seq, l.hash as last_hash
    from audit_heads h
    left join lateral (
      select a.seq, a.hash from audit_log a where a.org_id = h.org_id order by a.seq desc limit 1
    ) l on true`.execute(tx.q);
  return r.rows;
}

export interface EntryFilters {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Inclusive lower bound. */
  from?: Date | undefined;
  /** Exclusive upper bound. */
  toExclusive?: Date | undefined;
}

export interface LogRow {
  seq: number;
  at: Date;
  actor: ActorRef;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  hash: string;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern built from user input. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One chain's entries, newest first, after the cursor's sequence number. */
export async function listEntries(
  tx: Tx,
  opts: { chain: string; limit: number; beforeSeq: number | undefined; filters: EntryFilters },
) {
  const f = opts.filters;
  const conditions = [sql`org_id = ${opts.chain}::uuid`];
  if (opts.beforeSeq !== undefined) conditions.push(sql`seq < ${opts.beforeSeq}`);
  if (f.actor !== undefined)
    conditions.push(
      sql`(actor->>'id' = ${f.actor} or actor->>'name' ilike ${`%${likeLiteral(f.actor)}%`} escape '\\')`,
    );
  if (f.action !== undefined) conditions.push(sql`action like ${`${likeLiteral(f.action)}%`} escape '\\'`);
  if (f.targetType !== undefined) conditions.push(sql`target_type = ${f.targetType}`);
  if (f.targetId !== undefined) conditions.push(sql`target_id = ${f.targetId}`);
  if (f.from !== undefined) conditions.push(sql`"at" >= ${f.from}`);
  if (f.toExclusive !== undefined) conditions.push(sql`"at" < ${f.toExclusive}`);
  const r = await sql<LogRow>`
    select seq, "at", actor, action, target_type, target_id, before, after, hash
    from audit_log
    where ${sql.join(conditions, sql` and `)}
    order by seq desc
    limit ${opts.limit}`.execute(tx.q);
  return r.rows;
}
