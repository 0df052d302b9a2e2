import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../context.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';
import { AppError } from '../../lib/errors.js';
import type { Anchor } from './anchors.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import * as q from './queries.js';
import { PROBLEM_KINDS } from './schemas.js';
import './messages.js';

/*
 * What verification checks, and what each kind of problem means.
 *
 * Every entry is checked on its own and against its neighbour:
 *   - its own hash: entryHash over the stored fields (prev_hash included) must equal the stored
 *     hash. A mismatch means the entry's content was changed after it was written.
 *   - its link: prev_hash must equal the stored hash of the entry before it (the genesis hash
 *     for seq 1). A break between N and N+1 means either N was changed and its hash recomputed
 *     to match, or N+1's prev_hash was changed.
 * "altered at N" names the smallest set of entries that explains what is seen, so that one
 * alteration is one problem and never a cascade:
 *   - N's content changed, hash left alone: N fails its own hash; N+1 still links to N's stored
 *     hash, so nothing after N is reported. → altered at N.
 *   - N's content changed and its hash recomputed: N is consistent with itself, but N+1's
 *     prev_hash no longer matches. N+1 is consistent with itself, so the break is charged to N.
 *     → altered at N, once.
 *   - N changed and its hash left broken as well as its prev_hash: N fails its own hash, and the
 *     break before N is explained by N itself. → altered at N, once.
 *   - an attacker who rewrites N and every entry after it, and the head, leaves a chain that is
 *     consistent in itself: only the anchors (HMAC under VAERN_SECRET, outside the database)
 *     show it, as "altered" at the anchored seq whose hash differs. The first rewritten entry
 *     cannot be known then; the newest anchor is what is checked.
 * The entries after an altered one are still checked against their own links, so a second,
 * independent alteration further on is reported too.
 *
 *   removed        a sequence number missing from the chain (each missing seq is named)
 *   truncated      the chain ends at seq N-1 although its head or newest anchor says it went
 *                  further; reported once per chain at N, the first missing seq (1 when every
 *                  entry of the chain is gone)
 *   altered        as above; also a head row that disagrees with the table: a head behind the
 *                  table (or a missing head) at the first entry the head does not account for,
 *                  a head at the last entry with another hash at that entry, an anchor whose
 *                  hash differs from the entry it anchors at its seq, and an `at` carrying more
 *                  than the milliseconds recordAudit writes
 *   anchor_invalid an anchor line that does not parse or fails its HMAC, at the seq it names
 *                  (0 when it names none) and the chain it names ('' when it names none)
 *
 * Consistency while the instance runs: the anchor file is read first (an anchor is written
 * after its entry commits, so every authentic anchor is covered by what the walk then sees);
 * the entries are walked chain by chain in bounded batches, each its own short transaction (on
 * the embedded database other requests run between batches); heads are compared with the
 * chain's last entry in one statement at the end, so entries appended meanwhile never look like
 * tampering.
 *
 * What it cannot see: entries appended after the newest anchor by someone who also moves the
 * head (the hash is public, only the anchors are keyed), and anchor lines deleted from the end
 * of the instance's own file (deleting needs no secret). A copy of the anchors kept elsewhere,
 * given with `anchorsFile`, closes the second.
 */

export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface AuditProblem {
  chain: string;
  seq: number;
  kind: ProblemKind;
}

export interface AuditVerification {
  ok: boolean;
  /** Chains seen in the table, the heads or the anchors. */
  chains: number;
  /** Entries whose hash was recomputed. */
  entries: number;
  problems: AuditProblem[];
  anchors: { file: string; lines: number; chains: number };
}

export const VERIFY_BATCH_SIZE = 5000;

class Problems {
  readonly #seen = new Set<string>();
  readonly list: AuditProblem[] = [];

  add(chain: string, seq: number, kind: ProblemKind): void {
    const key = `${chain}:${seq}:${kind}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.list.push({ chain, seq, kind });
  }

  sorted(): AuditProblem[] {
    const order = (k: ProblemKind) => PROBLEM_KINDS.indexOf(k);
    return this.list.sort((a, b) =>
      a.chain !== b.chain
        ? a.chain < b.chain
          ? -1
          : 1
        : a.seq !== b.seq
          ? a.seq - b.seq
          : order(a.kind) - order(b.kind),
    );
  }
}

/** Walks the entries in (chain, seq) order, one chain at a time, holding only the previous entry. */
class ChainWalker {
  readonly seen = new Set<string>();
  entries = 0;
  #chain: string | undefined;
  #lastSeq = 0;
  #lastHash = GENESIS_HASH;
  #anchor: Anchor | undefined;

  constructor(
    private readonly anchors: Map<string, Anchor>,
    private readonly problems: Problems,
  ) {}

  visit(row: q.StoredEntry): void {
    if (row.org_id !== this.#chain) {
      this.#endChain();
      this.#chain = row.org_id;
      this.#lastSeq = 0;
      this.#lastHash = GENESIS_HASH;
      this.#anchor = this.anchors.get(row.org_id);
      this.seen.add(row.org_id);
    }
    const chain = row.org_id;
    const seq = Number(row.seq);
    this.entries++;
    const expected = this.#lastSeq + 1;
    for (let missing = expected; missing < seq; missing++) this.problems.add(chain, missing, 'removed');
    const selfOk = !row.sub_ms && recompute(row) === row.hash;
    if (!selfOk) {
      this.problems.add(chain, seq, 'altered');
    } else if (seq === expected) {
      // After a gap the link cannot be checked: the entry it points to is gone (reported above).
      const expectedPrev = this.#lastSeq === 0 ? GENESIS_HASH : this.#lastHash;
      if (row.prev_hash !== expectedPrev)
        this.problems.add(chain, this.#lastSeq === 0 ? seq : seq - 1, 'altered');
    }
    if (this.#anchor && this.#anchor.seq === seq && this.#anchor.hash !== row.hash) {
      this.problems.add(chain, seq, 'altered');
    }
    this.#lastSeq = seq;
    this.#lastHash = row.hash;
  }

  /** An anchor beyond the chain's last entry: the chain was cut short. */
  #endChain(): void {
    if (this.#chain !== undefined && this.#anchor && this.#anchor.seq > this.#lastSeq) {
      this.problems.add(this.#chain, this.#lastSeq + 1, 'truncated');
    }
  }

  finish(): void {
    this.#endChain();
    this.#chain = undefined;
    // Chains that have anchors but no entry at all: every entry was deleted.
    for (const [chain, anchor] of this.anchors) {
      if (!this.seen.has(chain) && anchor.seq >= 1) this.problems.add(chain, 1, 'truncated');
    }
  }
}

/** entryHash over the entry exactly as stored; JSON values are parsed as recordAudit wrote them. */
function recompute(row: q.StoredEntry): string {
  return entryHash({
    org_id: row.org_id,
    seq: Number(row.seq),
    at: row.at,
    actor: JSON.parse(row.actor),
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    prev_hash: row.prev_hash,
  });
}

/** Where the walk stands: inside `chain` after `seq`, or between chains after `lastChain`. */
interface WalkPosition {
  chain: string | undefined;
  seq: number;
  lastChain: string | undefined;
}

/**
 * Up to `size` entries from the position on, across chains, in one short transaction; and the
 * position after them (undefined at the end of the table). Ranges are bounded by the batch, so a
 * gap is stepped over with nextSeq rather than read.
 */
async function readBatch(ctx: AppContext, from: WalkPosition, size: number) {
  return withTenant(ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
    const rows: q.StoredEntry[] = [];
    let { chain, seq, lastChain } = from;
    while (rows.length < size) {
      if (chain === undefined) {
        chain = await q.nextChain(tx, lastChain);
        if (chain === undefined) return { rows, position: undefined };
        seq = 0;
      }
      const got = await q.chainRange(tx, chain, seq, seq + (size - rows.length));
      const last = got.at(-1);
      if (last) {
        rows.push(...got);
        seq = Number(last.seq);
        continue;
      }
      const following = await q.nextSeq(tx, chain, seq);
      if (following === undefined) {
        lastChain = chain;
        chain = undefined;
      } else {
        seq = following - 1;
      }
    }
    return { rows, position: { chain, seq, lastChain } };
  });
}

function assertReadableFile(file: string): void {
  try {
    accessSync(file, constants.R_OK);
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new AppError(400, 'audit.anchors_not_found', { file });
  }
}

/**
 * Verifies every hash chain of the audit trail against itself, its head in audit_heads and the
 * anchor file, and reports every problem found. Reads the table in keyset batches, so memory
 * holds one batch, the anchors' newest line per chain and the problems, whatever the table's size.
 * `anchorsFile` checks against another copy of the anchors (e.g. one kept offline); it must exist.
 */
export async function verifyAuditTrail(opts: {
  ctx: AppContext;
  anchorsFile?: string | undefined;
  batchSize?: number;
}): Promise<AuditVerification> {
  const { ctx } = opts;
  const batchSize = opts.batchSize ?? VERIFY_BATCH_SIZE;
  const file = path.resolve(opts.anchorsFile ?? ctx.anchors.file);
  if (opts.anchorsFile !== undefined) assertReadableFile(file);

  const anchors = await ctx.anchors.read(file);
  const problems = new Problems();
  for (const line of anchors.invalid) problems.add(line.chain, line.seq, 'anchor_invalid');

  const walker = new ChainWalker(anchors.latest, problems);
  const fetch = (from: WalkPosition) => {
    const p = readBatch(ctx, from, batchSize);
    p.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    return p;
  };
  // Each batch is fetched while the previous one is hashed.
  let next = fetch({ chain: undefined, seq: 0, lastChain: undefined });
  for (;;) {
    const batch = await next;
    if (batch.rows.length === 0) break;
    next = batch.position ? fetch(batch.position) : Promise.resolve({ rows: [], position: undefined });
    for (const row of batch.rows) walker.visit(row);
  }
  walker.finish();

  const heads = await withTenant(ctx.db.kysely, OPERATOR_SCOPE, (tx) => q.headsWithLastEntry(tx));
  const headed = new Set<string>();
  for (const h of heads) {
    headed.add(h.chain);
    const headSeq = Number(h.head_seq);
    const last = h.last_seq === null ? 0 : Number(h.last_seq);
    if (headSeq > last) problems.add(h.chain, last + 1, 'truncated');
    else if (headSeq < last) problems.add(h.chain, headSeq + 1, 'altered');
    else if (last > 0 && h.head_hash !== h.last_hash) problems.add(h.chain, last, 'altered');
  }
  // Entries without a head: recordAudit writes both in one transaction, so the head was deleted.
  for (const chain of walker.seen) if (!headed.has(chain)) problems.add(chain, 1, 'altered');

  const chains = new Set<string>([...walker.seen, ...headed, ...anchors.latest.keys()]);
  const list = problems.sorted();
  return {
    ok: list.length === 0,
    chains: chains.size,
    entries: walker.entries,
    problems: list,
    anchors: { file, lines: anchors.lines, chains: anchors.latest.size },
  };
}
