import { buildHttpApp, type VaernApp } from '../src/server/http/app.js';
import { decodeCursor, encodeCursor } from '../src/server/http/paging.js';
import { analyzeInventory, type ListFilters } from '../src/server/modules/inventory/queries.js';
import { benchArgs } from './lib/args.js';
import { openBenchRuntime } from './lib/engine.js';
import { explainSystemsPage, type ListPlan } from './lib/explain-list.js';
import { insertNeighbourSystems, insertSystems, SEARCH_COMMON, SEARCH_RARE } from './lib/inventory-data.js';
import {
  expected,
  type Filterable,
  loadOracle,
  matches,
  type Oracle,
  type OracleRow,
} from './lib/list-oracle.js';
import { BenchError, machine, peakRssMib, progress, round, runBench, secondsSince } from './lib/report.js';

/*
 * bench:inventory-lists — the systems list (GET /api/v1/orgs/{org}/inventory/systems) over N
 * systems of one organisation (default 100,000) next to a neighbouring organisation's 20,000,
 * through the operator's HTTP app: the route, its validation, row-level security and the
 * presenter. The systems are written set-based (bench/lib/inventory-data.ts), then ANALYZE.
 *
 * Every query (the default page, each sort, each filter alone, combinations, each baseline gap,
 * a rare and a common search) runs 2 times to warm up and 20 times measured; each walk follows
 * next_cursor for 20 pages, 2 walks to warm up and 20 measured (figures per page). Reports per
 * query the median and p95 milliseconds, the items returned, how many systems match, and what
 * EXPLAIN (ANALYZE, BUFFERS) says of its page (the indexes read, whether it sorts, the rows read).
 *
 * Every answer is compared with the expected one (bench/lib/list-oracle.ts: the filters as
 * docs/inventory.md defines them, the order from the database's ORDER BY): a page with a system
 * that does not match, a missing or a duplicated system, or a wrong order fails the run.
 *
 *   npm run bench:inventory-lists [-- --systems N] [-- --engine pglite]
 */

const NEIGHBOUR_SYSTEMS = 20_000;
const NEIGHBOUR_SHARED = 100;
const LIMIT = 50;
const WARMUPS = 2;
const RUNS = 20;
const WALK_PAGES = 20;

type Params = Record<string, string>;

interface Query {
  name: string;
  params: Params;
  /** A walk: follow next_cursor for WALK_PAGES pages, starting at this fraction of the matches. */
  walk?: { from: number };
}

const QUERIES: Query[] = [
  { name: 'default', params: {} },
  ...['key', '-key', 'name', '-name', 'criticality', '-criticality'].map((sort) => ({
    name: `sort=${sort}`,
    params: { sort },
  })),
  ...(
    [
      { criticality: 'critical' },
      { criticality: 'none' },
      { health_data: 'true' },
      { health_data: 'false' },
      { legacy: 'true' },
      { medical_device: 'true' },
      { criticality: 'critical,high', health_data: 'true' },
      { medical_device: 'true', sort: 'name' },
      { legacy: 'true', criticality: 'critical,high', sort: '-criticality' },
      ...['any', 'mfa', 'segmented', 'patch', 'endpoint_protection', 'backup', 'contingency'].map((gap) => ({
        gap,
      })),
      { gap: 'restore_procedure' },
      { gap: 'restore_test' },
      { gap: 'any', sort: '-criticality' },
      { q: SEARCH_RARE },
      { q: SEARCH_COMMON },
      { q: SEARCH_RARE, sort: 'name' },
    ] as Params[]
  ).map((params) => ({ name: new URLSearchParams(params).toString().replaceAll('%2C', ','), params })),
  { name: 'walk:sort=key', params: { sort: 'key' }, walk: { from: 0 } },
  { name: 'walk:sort=-name', params: { sort: '-name' }, walk: { from: 0 } },
  { name: 'walk:sort=criticality&from=middle', params: { sort: 'criticality' }, walk: { from: 0.5 } },
  {
    name: 'walk:medical_device=true&sort=name',
    params: { medical_device: 'true', sort: 'name' },
    walk: { from: 0 },
  },
  {
    name: 'walk:gap=patch&sort=-criticality',
    params: { gap: 'patch', sort: '-criticality' },
    walk: { from: 0 },
  },
];

interface Item extends Filterable {
  id: string;
}

interface Page {
  items: Item[];
  next_cursor: string | null;
}

/** One GET of the list: its page and the milliseconds it took. */
async function getPage(app: VaernApp, org: string, params: Params, cursor?: string) {
  const search = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
  const url = `/api/v1/orgs/${org}/inventory/systems${search.size > 0 ? `?${search}` : ''}`;
  const started = performance.now();
  const r = await app.inject({ method: 'GET', url });
  const ms = performance.now() - started;
  if (r.statusCode !== 200)
    throw new BenchError(`GET ${url} answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
  return { page: r.json() as Page, ms };
}

/** The cursor after `row` in `sort`, as the API hands it out (to start a walk in the middle). */
function cursorAt(row: OracleRow | undefined, sort: string): string | undefined {
  if (!row) return undefined;
  const column = sort.replace(/^-/, '');
  if (column === 'name') return encodeCursor([row.name, row.key]);
  if (column === 'criticality') return encodeCursor([row.criticality_rank, row.key]);
  return encodeCursor([row.key]);
}

/** Fails the run unless `items` are exactly `want` (the same systems, in the same order). */
function expectItems(label: string, items: Item[], want: OracleRow[], params: Params, oracle: Oracle) {
  const wrong = items.find((item) => !matches(item, params, oracle));
  if (wrong)
    throw new BenchError(`${label}: ${wrong.key} (${wrong.name}) does not match ${JSON.stringify(params)}`);
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) throw new BenchError(`${label}: ${item.key} appears twice`);
    seen.add(item.id);
  }
  const at = want.findIndex((w, i) => items[i]?.id !== w.id);
  if (items.length !== want.length || at >= 0) {
    const i = at >= 0 ? at : Math.min(items.length, want.length);
    throw new BenchError(
      `${label}: ${items.length} items, expected ${want.length}; at position ${i} got ${items[i]?.key ?? 'nothing'}, expected ${want[i]?.key ?? 'nothing'}`,
    );
  }
}

function filtersOf(params: Params): ListFilters {
  const flag = (v: string | undefined) => (v === undefined ? undefined : v === 'true');
  return {
    q: params.q,
    criticality: params.criticality?.split(','),
    healthData: flag(params.health_data),
    legacy: flag(params.legacy),
    medicalDevice: flag(params.medical_device),
    gap: params.gap as ListFilters['gap'],
  };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 ? (sorted[Math.floor(mid)] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1] ?? 0;
  return { median_ms: round(median, 1), p95_ms: round(p95, 1) };
}

interface QueryFigures {
  median_ms: number;
  p95_ms: number;
  items: number;
  matching: number;
  pages?: number;
  plan: ListPlan;
}

/** The figures of a query, and the cursor of the page to explain (a walk's last). */
interface Measured {
  figures: Omit<QueryFigures, 'plan'>;
  after: Array<string | number> | undefined;
}

/** A query's first page, measured, checked against the oracle, explained. */
async function measurePage(app: VaernApp, org: string, q: Query, oracle: Oracle): Promise<Measured> {
  const want = expected(oracle, q.params);
  const samples: number[] = [];
  let items = 0;
  for (let run = 0; run < WARMUPS + RUNS; run++) {
    const { page, ms } = await getPage(app, org, q.params);
    if (run >= WARMUPS) samples.push(ms);
    if (run === 0) {
      expectItems(q.name, page.items, want.slice(0, LIMIT), q.params, oracle);
      if ((page.next_cursor !== null) !== want.length > LIMIT)
        throw new BenchError(
          `${q.name}: next_cursor ${page.next_cursor ? 'set' : 'missing'} with ${want.length} matches`,
        );
      items = page.items.length;
    }
  }
  return { figures: { ...stats(samples), items, matching: want.length }, after: undefined };
}

/** A walk of WALK_PAGES pages along next_cursor: each page measured, the whole walk checked. */
async function measureWalk(app: VaernApp, org: string, q: Query, oracle: Oracle): Promise<Measured> {
  const want = expected(oracle, q.params);
  const sort = q.params.sort ?? 'key';
  const start = Math.floor((q.walk?.from ?? 0) * want.length);
  const startCursor = start > 0 ? cursorAt(want[start - 1], sort) : undefined;
  const samples: number[] = [];
  let items = 0;
  let lastCursor: string | undefined;
  for (let run = 0; run < WARMUPS + RUNS; run++) {
    const walked: Item[] = [];
    let cursor = startCursor;
    for (let p = 0; p < WALK_PAGES; p++) {
      lastCursor = cursor;
      const { page, ms } = await getPage(app, org, q.params, cursor);
      if (run >= WARMUPS) samples.push(ms);
      walked.push(...page.items);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    if (run === 0) {
      expectItems(q.name, walked, want.slice(start, start + WALK_PAGES * LIMIT), q.params, oracle);
      items = walked.length;
    }
  }
  return {
    figures: { ...stats(samples), items, matching: want.length, pages: Math.ceil(items / LIMIT) },
    after: decodeCursor(lastCursor),
  };
}

await runBench('inventory-lists', async () => {
  const { engine, count: systems } = benchArgs('systems', 100_000);
  const bench = await openBenchRuntime(engine);
  try {
    const ctx = bench.runtime.ctx;
    // The list reads tables, not the job queue.
    await ctx.jobs.stop();
    const app = await buildHttpApp(ctx, { operator: true });
    try {
      const orgIds: Record<string, string> = {};
      for (const [slug, name] of [
        ['bench-region', 'Bench Region'],
        ['bench-neighbour', 'Bench Neighbour'],
      ] as const) {
        const r = await app.inject({
          method: 'POST',
          url: '/api/v1/orgs',
          payload: { slug, name, kind: 'region' },
        });
        if (r.statusCode !== 201)
          throw new BenchError(`creating ${slug} answered ${r.statusCode}: ${r.body}`);
        orgIds[slug] = (r.json() as { id: string }).id;
      }
      const org = 'bench-region';
      const orgId = orgIds[org] ?? '';
      const neighbourId = orgIds['bench-neighbour'] ?? '';
      const setupStarted = performance.now();
      const neighbours = await insertNeighbourSystems(ctx, {
        orgId: neighbourId,
        count: NEIGHBOUR_SYSTEMS,
        shared: NEIGHBOUR_SHARED,
      });
      const written = await insertSystems(ctx, {
        orgId,
        count: systems,
        neighbour: { orgId: neighbourId, shared: NEIGHBOUR_SHARED },
      });
      if (written !== systems || neighbours !== NEIGHBOUR_SYSTEMS)
        throw new BenchError(
          `set-up wrote ${written} and ${neighbours} systems, expected ${systems} and ${NEIGHBOUR_SYSTEMS}`,
        );
      const insertSeconds = secondsSince(setupStarted);
      // As the inventory.analyze job does after an import.
      await analyzeInventory(ctx.db.kysely);
      const setupSeconds = secondsSince(setupStarted);
      progress(
        `${engine}: ${systems} + ${neighbours} systems written in ${insertSeconds} s, analysed by ${setupSeconds} s`,
      );
      const oracle = await loadOracle(ctx, orgId);
      progress(`expected answers from ${oracle.rows.length} systems`);

      const queries: Record<string, QueryFigures> = {};
      for (const q of QUERIES) {
        const { figures, after } = q.walk
          ? await measureWalk(app, org, q, oracle)
          : await measurePage(app, org, q, oracle);
        const plan = await explainSystemsPage(ctx, {
          orgId,
          filters: filtersOf(q.params),
          sort: q.params.sort ?? 'key',
          after,
          limit: LIMIT,
        });
        queries[q.name] = { ...figures, plan };
        progress(
          `${q.name}: median ${figures.median_ms} ms, p95 ${figures.p95_ms} ms, ${figures.items} of ${figures.matching}; ` +
            `${plan.indexes.join('+') || 'no index'}${plan.sorts ? ' + sort' : ''}, ${plan.rows_read} rows read, ${plan.exec_ms} ms`,
        );
      }
      const worst = Object.entries(queries).reduce((a, b) => (b[1].p95_ms > a[1].p95_ms ? b : a));
      return {
        engine,
        systems,
        neighbour_systems: neighbours,
        setup_s: setupSeconds,
        queries,
        worst_p95_ms: worst[1].p95_ms,
        worst_query: worst[0],
        peak_rss_mib: peakRssMib(),
        machine: machine(ctx.db.serverVersion),
      };
    } finally {
      await app.close();
    }
  } finally {
    await bench.close();
  }
});
