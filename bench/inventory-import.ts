import { parseArgs } from 'node:util';
import { buildHttpApp, type VaernApp } from '../src/server/http/app.js';
import { type Engine, openBenchRuntime } from './lib/engine.js';
import { expectCounts, timedImport } from './lib/import-run.js';
import { BenchUsageError, type Machine, machine, peakRssMib, progress, runBench } from './lib/report.js';
import { benchScorecards, type ScorecardFigures } from './lib/sector-scorecards.js';

/*
 * bench:inventory — a systems register of N rows (default 50,000; every column of the template,
 * most of them filled) uploaded through the operator's HTTP app (what `vaern import systems`
 * does), read, checked, merged and applied by the import job; then the same file again (every
 * row unchanged). On PostgreSQL (DATABASE_URL) and then on PGlite, unless --engine names one.
 * Reports per engine and run the upload and job seconds, rows per second end to end, and the
 * longest event-loop stall; `import_rows_per_s` and `import_s` are PostgreSQL's first run
 * (the target: 50,000 systems in under 5 s).
 *
 * After the import, on the same database: a sector of 1,000 organisations (the region above, a
 * sector unit and 998 more, about 100,000 systems in all) and every organisation's scorecard,
 * through the sector view and the daily snapshot job (bench/lib/sector-scorecards.ts).
 * `scorecards` is how many were computed, `scorecard_s` PostgreSQL's (else PGlite's) median time
 * for a sector coordinator to page through all of them (pages of 500).
 *
 *   npm run bench:inventory [-- --rows N] [-- --engine postgres|pglite]
 */

const CRITICALITY = ['critical', 'high', 'medium', 'low', ''];

function args(): { engines: Engine[]; rows: number } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: { engine: { type: 'string' }, rows: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const engine = values.engine;
  if (engine !== undefined && engine !== 'postgres' && engine !== 'pglite') {
    throw new BenchUsageError(`--engine must be postgres or pglite, not ${String(engine)}`);
  }
  const rows = values.rows === undefined ? 50_000 : Number(values.rows);
  if (!Number.isSafeInteger(rows) || rows < 1)
    throw new BenchUsageError(`--rows must be a whole number, not ${values.rows}`);
  return { engines: engine ? [engine] : ['postgres', 'pglite'], rows };
}

/** N systems, semicolon-separated as Danish spreadsheets save it, list cells quoted. */
function systemsCsv(rows: number, owner: string): Buffer {
  const header =
    'key;name;owner_email;health_data;health_data_categories;criticality;assessed_by;assessed_on;mtd_hours;rto_hours;rpo_hours;legacy;medical_device;vendor;product;model_number;version;cpe;purl;hosting;hostnames;ip_addresses;fqdns;mfa;mfa_on;segmented;patch_status;patch_confirmed_on;endpoint_protection;backup;contingency_plan;contingency_tested_on;restore_procedure;restore_procedure_link;restore_tested_on;restore_result;shared';
  const lines = [header];
  for (let i = 1; i <= rows; i++) {
    const n = String(i).padStart(6, '0');
    const device = i % 7 === 0;
    const a = (i >> 8) & 255;
    const b = i & 255;
    const bool = (k: number) => (i % k === 0 ? 'false' : 'true');
    lines.push(
      [
        `SYS-${n}`,
        `${device ? 'Medicoteknisk udstyr' : 'System'} ${n}`,
        i % 3 === 0 ? owner : '',
        i % 2 === 0 ? 'true' : 'false',
        i % 2 === 0 ? '"journal;billeder"' : '',
        CRITICALITY[i % 5],
        i % 5 === 4 ? '' : 'Anne Holm',
        i % 5 === 4 ? '' : '2026-03-01',
        String((i % 48) + 1),
        String((i % 24) + 1),
        '0.25',
        i % 11 === 0 ? 'true' : 'false',
        device ? 'true' : 'false',
        device ? 'Acme Medical' : 'Leverandør A/S',
        device ? 'Infusion Pump' : `Produkt ${i % 300}`,
        device ? `P-${i % 40}` : '',
        `${i % 9}.${i % 4}`,
        device ? '' : `cpe:2.3:a:leverandor:produkt_${i % 300}:${i % 9}.${i % 4}:*:*:*:*:*:*:*`,
        device ? `pkg:generic/acme-pump@${i % 9}.${i % 4}` : '',
        'Regionalt datacenter',
        `"sys-${n}-a;sys-${n}-b"`,
        `"10.${a}.${b}.0/24;172.16.${a}.${b}"`,
        `sys-${n}.region.example.dk`,
        bool(4),
        '2026-02-01',
        bool(6),
        i % 8 === 0 ? 'behind' : 'current',
        '2026-03-10',
        bool(10),
        bool(12),
        bool(5),
        '2025-11-20',
        bool(9),
        'https://intranet.example.dk/beredskab',
        '2026-01-15',
        i % 13 === 0 ? 'partial' : 'success',
        i % 1000 === 0 ? 'true' : 'false',
      ].join(';'),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** The figures of one run: the shared ones plus the end-to-end seconds. */
type RunFigures = Awaited<ReturnType<typeof importOnce>>;

async function importOnce(app: VaernApp, org: string, file: Buffer, label: string) {
  const r = await timedImport(app, org, 'systems', file, label);
  return {
    upload_s: r.upload_s,
    queued_s: r.queued_s,
    job_s: r.job_s,
    total_s: r.total_s,
    rows_per_s: Math.round(r.rows / r.total_s),
    max_stall_ms: r.max_stall_ms,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
  };
}

async function benchEngine(engine: Engine, rows: number) {
  const bench = await openBenchRuntime(engine);
  try {
    const ctx = bench.runtime.ctx;
    const app = await buildHttpApp(ctx, { operator: true });
    try {
      const org = 'bench-region';
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: { slug: org, name: 'Bench Region', kind: 'region' },
      });
      if (created.statusCode !== 201)
        throw new BenchUsageError(`creating the organisation answered ${created.statusCode}`);
      const owner = 'system.owner@bench.example.dk';
      const user = await app.inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: owner, name: 'System Owner', org, role: 'system_owner' },
      });
      if (user.statusCode !== 201)
        throw new BenchUsageError(`creating the owner answered ${user.statusCode}: ${user.body}`);
      const file = systemsCsv(rows, owner);
      progress(`${engine}: ${rows} systems, ${(file.length / 2 ** 20).toFixed(1)} MiB of CSV`);
      await ctx.jobs.work();
      const first = await importOnce(app, org, file, `${engine} first run`);
      expectCounts('first run', first, { created: rows, unchanged: 0 });
      const second = await importOnce(app, org, file, `${engine} second run (unchanged)`);
      expectCounts('second run', second, { created: 0, unchanged: rows });
      const scorecards = await benchScorecards(ctx, app, engine);
      return { figures: { first, second }, scorecards, postgres: ctx.db.serverVersion };
    } finally {
      await app.close();
    }
  } finally {
    await bench.close();
  }
}

await runBench('inventory', async () => {
  const { engines, rows } = args();
  const results: Record<string, { first: RunFigures; second: RunFigures }> = {};
  const scorecards: Record<string, ScorecardFigures> = {};
  let server: Machine | undefined;
  for (const engine of engines) {
    const { figures, scorecards: computed, postgres } = await benchEngine(engine, rows);
    results[engine] = figures;
    scorecards[engine] = computed;
    if (engine === 'postgres' || !server) server = machine(postgres);
  }
  const headline = results.postgres ?? results.pglite;
  const sector = scorecards.postgres ?? scorecards.pglite;
  return {
    rows,
    import_rows_per_s: headline?.first.rows_per_s,
    import_s: headline?.first.total_s,
    scorecards: sector?.organisations,
    scorecard_s: sector?.sector_view.limit_500?.median_s,
    snapshot_job_s: sector?.snapshot_job.first_s,
    engines: results,
    scorecard_engines: scorecards,
    peak_rss_mb: peakRssMib(),
    machine: server,
  };
});
