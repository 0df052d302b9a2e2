import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../src/server/context.js';
import { withMaintenance } from '../src/server/db/maintenance.js';
import { normalise } from '../src/server/lib/canonical-json.js';
import { type ChainEntry, entryHash, GENESIS_HASH } from '../src/server/modules/audit/chain.js';
import { verifyAuditTrail } from '../src/server/modules/audit/verify.js';
import { benchArgs } from './lib/args.js';
import { openBenchRuntime } from './lib/engine.js';
import { BenchError, machine, peakRssMib, progress, runBench, secondsSince } from './lib/report.js';

/*
 * bench:audit — N audit entries (default 100,000) across 100 hash chains, then one full
 * `verifyAuditTrail` (what `vaern audit verify` runs). Writing N entries through recordAudit one
 * transaction at a time would take longer than the verification, so the setup computes each
 * entry's hash with the same entryHash, chained as recordAudit chains them, and bulk-inserts the
 * entries and the chain heads (unnest over arrays, a few thousand rows per statement) in the
 * operator's scope; every head is anchored as recordAudit anchors it. The trail is therefore
 * valid, and the bench fails unless verification says so.
 *
 *   npm run bench:audit [-- --entries N] [-- --engine pglite]
 */

const CHAINS = 100;
const BATCH = 5000;
const ACTIONS = ['system.update', 'system.create', 'finding.update', 'membership.create', 'import.users'];

interface Chain {
  id: string;
  seq: number;
  hash: string;
}

interface Columns {
  org_id: string[];
  seq: number[];
  at: string[];
  actor: string[];
  action: string[];
  target_type: Array<string | null>;
  target_id: Array<string | null>;
  before: Array<string | null>;
  after: Array<string | null>;
  prev_hash: string[];
  hash: string[];
}

const emptyColumns = (): Columns => ({
  org_id: [],
  seq: [],
  at: [],
  actor: [],
  action: [],
  target_type: [],
  target_id: [],
  before: [],
  after: [],
  prev_hash: [],
  hash: [],
});

/** The next entry of a chain, shaped as recordAudit writes one (JSON values after a round trip). */
function nextEntry(chain: Chain, n: number, at: Date): ChainEntry {
  const action = ACTIONS[n % ACTIONS.length] ?? 'system.update';
  const created = action.endsWith('.create');
  const entry: ChainEntry = {
    org_id: chain.id,
    seq: chain.seq + 1,
    at: at.toISOString(),
    actor: normalise({ type: 'user', id: randomUUID(), name: `person.${n % 997}@bench.example.dk` }),
    action,
    target_type: action === 'import.users' ? null : (action.split('.')[0] ?? null),
    target_id: action === 'import.users' ? null : randomUUID(),
    before: created ? null : normalise({ name: `Item ${n}`, criticality: (n % 4) + 1, tags: ['a', 'b'] }),
    after: normalise({
      name: `Item ${n} (changed)`,
      criticality: ((n + 1) % 4) + 1,
      tags: ['a', 'c'],
      note: 'ø',
    }),
    prev_hash: chain.hash,
  };
  return entry;
}

async function insertBatch(ctx: AppContext, rows: Columns, heads: Chain[]): Promise<void> {
  // Bulk set-up writes as vaern_definer: the application role appends one entry at a time only.
  await withMaintenance(ctx.db, { readOnly: false }, async (tx) => {
    await sql`
      insert into audit_log (org_id, seq, "at", actor, action, target_type, target_id, before, after, prev_hash, hash)
      select o, s, a, ac::jsonb, act, tt, ti, b::jsonb, af::jsonb, ph, h
      from unnest(${rows.org_id}::uuid[], ${rows.seq}::bigint[], ${rows.at}::timestamptz[],
                  ${rows.actor}::text[], ${rows.action}::text[], ${rows.target_type}::text[],
                  ${rows.target_id}::text[], ${rows.before}::text[], ${rows.after}::text[],
                  ${rows.prev_hash}::text[], ${rows.hash}::text[])
           as t(o, s, a, ac, act, tt, ti, b, af, ph, h)`.execute(tx.q);
    await sql`
      insert into audit_heads (org_id, seq, hash)
      select o, s, h from unnest(${heads.map((c) => c.id)}::uuid[], ${heads.map((c) => c.seq)}::bigint[],
                                 ${heads.map((c) => c.hash)}::text[]) as t(o, s, h)
      on conflict (org_id) do update set seq = excluded.seq, hash = excluded.hash`.execute(tx.q);
  });
}

/** N valid entries round-robin over the chains, a batch per transaction; returns the seconds it took. */
async function writeTrail(ctx: AppContext, entries: number): Promise<number> {
  const started = performance.now();
  const chains: Chain[] = Array.from({ length: CHAINS }, () => ({
    id: randomUUID(),
    seq: 0,
    hash: GENESIS_HASH,
  }));
  // A trail that began a year ago, one entry a few seconds apart, in milliseconds as recordAudit writes.
  let clock = Date.now() - 365 * 24 * 3600 * 1000;
  let written = 0;
  while (written < entries) {
    const size = Math.min(BATCH, entries - written);
    const rows = emptyColumns();
    const anchored: Array<{ chain: string; seq: number; hash: string }> = [];
    for (let i = 0; i < size; i++) {
      const n = written + i;
      const chain = chains[n % CHAINS];
      if (!chain) throw new Error('no chain');
      clock += 1000 + (n % 5000);
      const entry = nextEntry(chain, n, new Date(clock));
      const hash = entryHash(entry);
      rows.org_id.push(entry.org_id);
      rows.seq.push(entry.seq);
      rows.at.push(entry.at);
      rows.actor.push(JSON.stringify(entry.actor));
      rows.action.push(entry.action);
      rows.target_type.push(entry.target_type);
      rows.target_id.push(entry.target_id);
      rows.before.push(entry.before === null ? null : JSON.stringify(entry.before));
      rows.after.push(entry.after === null ? null : JSON.stringify(entry.after));
      rows.prev_hash.push(entry.prev_hash);
      rows.hash.push(hash);
      chain.seq = entry.seq;
      chain.hash = hash;
      anchored.push({ chain: chain.id, seq: entry.seq, hash });
    }
    await insertBatch(
      ctx,
      rows,
      chains.filter((c) => c.seq > 0),
    );
    // recordAudit anchors every entry's head after its commit: one line per entry.
    ctx.anchors.append(anchored);
    written += size;
    progress(`written ${written}/${entries} entries (${secondsSince(started)} s)`);
  }
  return secondsSince(started);
}

await runBench('audit', async () => {
  const { engine, count: entries } = benchArgs('entries', 100_000);
  const bench = await openBenchRuntime(engine);
  try {
    const ctx = bench.runtime.ctx;
    // Verification reads the table, not the job queue.
    await ctx.jobs.stop();
    progress(`${engine}: ${entries} entries across ${CHAINS} chains`);
    const setupSeconds = await writeTrail(ctx, entries);
    // As autovacuum would have by now: statistics for the planner (as the login, which owns the table).
    await sql`analyze audit_log, audit_heads`.execute(ctx.db.kysely);
    progress('verifying');
    const started = performance.now();
    const result = await verifyAuditTrail({ ctx });
    const verifySeconds = secondsSince(started);
    if (!result.ok || result.entries !== entries || result.chains !== CHAINS) {
      const problems = result.problems.slice(0, 5).map((p) => `${p.kind} ${p.chain}#${p.seq}`);
      throw new BenchError(
        `verification: ok=${result.ok}, ${result.entries} entries in ${result.chains} chains (expected ${entries} in ${CHAINS}); ${problems.join(', ')}`,
      );
    }
    return {
      engine,
      entries: result.entries,
      chains: result.chains,
      anchor_lines: result.anchors.lines,
      setup_s: setupSeconds,
      verify_s: verifySeconds,
      entries_per_s: Math.round(result.entries / verifySeconds),
      ok: result.ok,
      peak_rss_mib: peakRssMib(),
      machine: machine(ctx.db.serverVersion),
    };
  } finally {
    await bench.close();
  }
});
