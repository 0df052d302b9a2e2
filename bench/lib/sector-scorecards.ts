import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import type { AppContext } from '../../src/server/context.js';
import { withTenant } from '../../src/server/db/tenant.js';
import { buildHttpApp, type VaernApp } from '../../src/server/http/app.js';
import { snapshotAllOrganisations } from '../../src/server/modules/scorecard/service.js';
import { BenchError, progress, secondsSince } from './report.js';
import { insertSector, type SectorFigures } from './sector-data.js';

/*
 * The scorecard half of bench:inventory: a sector of organisations around the measured region
 * (bench/lib/sector-data.ts, set-based), then every organisation's scorecard computed the two ways
 * the product computes them:
 *
 * - `sector_view`: what the sector coordinator waits for: a signed-in coordinator (password and
 *   TOTP, through the HTTP app without the operator) pages GET /api/v1/sector/scorecards through
 *   every organisation (limit 500, the most a page holds; and the default 100). One run to warm
 *   up, then RUNS measured; the median and the slowest of the walks.
 * - `critical_shared`: the coordinator's "critical and shared" map (its buckets and the first page
 *   of shared systems), one run to warm up, then RUNS measured.
 * - `snapshot_job`: the daily job `scorecard.snapshot` (snapshotAllOrganisations, what its handler
 *   runs): today's snapshot of every organisation, written; then again (it replaces the day).
 *
 * Each answer is checked: the walk returns every organisation once, each with ten criteria; the
 * systems its scorecards count add up to the visible systems; the snapshot job wrote one row per
 * organisation for today, and its statuses equal the sector view's.
 */

const RUNS = 3;
const PASSWORD = 'correct horse battery staple bench';

interface SectorItem {
  org: { slug: string };
  inventory: { systems: number };
  criteria: Array<{ n: number; status: string; value: number | null }>;
}

/** A signed-in person's headers; sign-in with password, then TOTP enrolment as the server asks. */
async function signIn(app: VaernApp, email: string): Promise<Record<string, string>> {
  const remoteAddress = '127.0.9.1';
  let r = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress,
    payload: { email, password: PASSWORD },
  });
  const session = (what: string) => {
    if (r.statusCode !== 200) throw new BenchError(`${what} answered ${r.statusCode}: ${r.body}`);
    const cookie = r.cookies.find((c) => c.name === 'vaern_session');
    if (!cookie) throw new BenchError(`${what}: no session cookie`);
    const body = r.json() as { next: string; csrf_token: string };
    return {
      next: body.next,
      headers: { cookie: `vaern_session=${cookie.value}`, 'x-csrf-token': body.csrf_token },
    };
  };
  let s = session('sign-in');
  if (s.next === 'enrol') {
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrol',
      remoteAddress,
      headers: s.headers,
    });
    if (r.statusCode !== 200) throw new BenchError(`MFA enrolment answered ${r.statusCode}: ${r.body}`);
    const secret = (r.json() as { secret: string }).secret;
    const code = new TOTP({
      secret: Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }).generate();
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrol/confirm',
      remoteAddress,
      headers: s.headers,
      payload: { code },
    });
    s = session('MFA confirmation');
  }
  if (s.next !== 'done') throw new BenchError(`sign-in ended at '${s.next}', not 'done'`);
  return s.headers;
}

/** One walk through the sector view: every organisation's scorecard, page by page. */
async function walk(app: VaernApp, headers: Record<string, string>, limit: number) {
  const started = performance.now();
  const items: SectorItem[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/sector/scorecards?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const r = await app.inject({ method: 'GET', url, headers });
    if (r.statusCode !== 200)
      throw new BenchError(`GET ${url} answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
    const page = r.json() as { items: SectorItem[]; next_cursor: string | null };
    items.push(...page.items);
    cursor = page.next_cursor;
    pages++;
  } while (cursor);
  return { seconds: secondsSince(started), pages, items };
}

/** The visible systems and organisations, as the operator sees them. */
async function totals(ctx: AppContext) {
  return withTenant(ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
    const r = await sql<{ systems: string; organisations: string }>`select
      (select count(*) from inventory_systems s where vaern_inventory_live(s.org_id, s.imported_by)) as systems,
      (select count(*) from organisations) as organisations`.execute(tx.q);
    return { systems: Number(r.rows[0]?.systems), organisations: Number(r.rows[0]?.organisations) };
  });
}

/** Today's snapshots: how many, and each organisation's statuses by criterion. */
async function todaysSnapshots(ctx: AppContext) {
  return withTenant(ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
    const r = await sql<{ slug: string; criteria: Array<{ n: number; status: string }> }>`
      select o.slug, s.criteria from scorecard_snapshots s join organisations o on o.id = s.org_id
      where s.day = current_date`.execute(tx.q);
    return new Map(r.rows.map((row) => [row.slug, row.criteria.map((c) => `${c.n}:${c.status}`).join(',')]));
  });
}

async function analyze(ctx: AppContext) {
  // As autovacuum would have by now: statistics for the planner (as the login, which owns the tables).
  await sql`analyze organisations, inventory_systems, inventory_confirmations, vulnerability_reports`.execute(
    ctx.db.kysely,
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export interface ScorecardFigures {
  sector: SectorFigures & { seed_s: number };
  organisations: number;
  systems: number;
  sector_view: Record<string, { median_s: number; max_s: number; pages: number }>;
  critical_shared: { median_s: number; max_s: number };
  snapshot_job: { first_s: number; again_s: number; organisations: number };
}

/**
 * Seeds the sector around the runtime's organisations (through `operator`, the operator's HTTP
 * app), then measures every organisation's scorecard through the sector view and the snapshot job.
 */
export async function benchScorecards(
  ctx: AppContext,
  operator: VaernApp,
  label: string,
): Promise<ScorecardFigures> {
  const unit = await operator.inject({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug: 'sundhedsdatastyrelsen', name: 'Sundhedsdatastyrelsen', kind: 'sector_unit' },
  });
  if (unit.statusCode !== 201) throw new BenchError(`creating the sector unit answered ${unit.statusCode}`);
  const email = 'koordinator@bench.example.dk';
  const person = await operator.inject({
    method: 'POST',
    url: '/api/v1/users',
    payload: {
      email,
      name: 'Sektor Koordinator',
      password: PASSWORD,
      org: 'sundhedsdatastyrelsen',
      role: 'sector_coordinator',
    },
  });
  if (person.statusCode !== 201)
    throw new BenchError(`creating the coordinator answered ${person.statusCode}: ${person.body}`);

  const seedStarted = performance.now();
  const sector = await insertSector(ctx, {
    sectorUnitId: (unit.json() as { id: string }).id,
    signerId: (person.json() as { id: string }).id,
  });
  await analyze(ctx);
  const seed_s = secondsSince(seedStarted);
  const expected = await totals(ctx);
  progress(
    `${label}: sector of ${expected.organisations} organisations, ${expected.systems} systems ` +
      `(${sector.systems} seeded, ${sector.links} links) in ${seed_s} s`,
  );

  const app = await buildHttpApp(ctx);
  try {
    const headers = await signIn(app, email);
    const sectorView: ScorecardFigures['sector_view'] = {};
    let seen: SectorItem[] = [];
    for (const limit of [500, 100]) {
      const seconds: number[] = [];
      let pages = 0;
      for (let run = 0; run <= RUNS; run++) {
        const w = await walk(app, headers, limit);
        if (run > 0) seconds.push(w.seconds);
        pages = w.pages;
        seen = w.items;
      }
      const slugs = new Set(seen.map((i) => i.org.slug));
      if (seen.length !== expected.organisations || slugs.size !== expected.organisations)
        throw new BenchError(`sector view: ${seen.length} scorecards, expected ${expected.organisations}`);
      if (seen.some((i) => i.criteria.length !== 10))
        throw new BenchError('sector view: a scorecard without its ten criteria');
      const counted = seen.reduce((n, i) => n + i.inventory.systems, 0);
      if (counted !== expected.systems)
        throw new BenchError(
          `sector view: the scorecards count ${counted} systems, expected ${expected.systems}`,
        );
      sectorView[`limit_${limit}`] = { median_s: median(seconds), max_s: Math.max(...seconds), pages };
      progress(`${label}: sector view, pages of ${limit}: ${JSON.stringify(sectorView[`limit_${limit}`])}`);
    }

    // The "critical and shared" map next to it: its buckets and the first page of shared systems.
    const mapSeconds: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const mapStarted = performance.now();
      const r = await app.inject({ method: 'GET', url: '/api/v1/sector/critical-shared?limit=100', headers });
      if (r.statusCode !== 200)
        throw new BenchError(`critical-shared answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
      const map = r.json() as { buckets: Array<{ systems: number }>; items: unknown[] };
      if (map.items.length === 0 || map.buckets.length === 0)
        throw new BenchError('critical-shared: no shared system or no bucket');
      if (run > 0) mapSeconds.push(secondsSince(mapStarted));
    }
    const critical_shared = { median_s: median(mapSeconds), max_s: Math.max(...mapSeconds) };
    progress(`${label}: critical-and-shared map: ${JSON.stringify(critical_shared)}`);

    let started = performance.now();
    const first = await snapshotAllOrganisations(ctx);
    const first_s = secondsSince(started);
    started = performance.now();
    const again = await snapshotAllOrganisations(ctx);
    const again_s = secondsSince(started);
    if (first.organisations !== expected.organisations || again.organisations !== expected.organisations)
      throw new BenchError(
        `snapshot job: ${first.organisations} and ${again.organisations} organisations, expected ${expected.organisations}`,
      );
    const stored = await todaysSnapshots(ctx);
    if (stored.size !== expected.organisations)
      throw new BenchError(
        `snapshot job: ${stored.size} snapshots today, expected ${expected.organisations}`,
      );
    const differing = seen.find(
      (i) => stored.get(i.org.slug) !== i.criteria.map((c) => `${c.n}:${c.status}`).join(','),
    );
    if (differing) throw new BenchError(`snapshot of ${differing.org.slug} differs from the sector view`);
    const snapshot_job = { first_s, again_s, organisations: first.organisations };
    progress(`${label}: snapshot job: ${JSON.stringify(snapshot_job)}`);
    return {
      sector: { ...sector, seed_s },
      organisations: expected.organisations,
      systems: expected.systems,
      sector_view: sectorView,
      critical_shared,
      snapshot_job,
    };
  } finally {
    await app.close();
  }
}
