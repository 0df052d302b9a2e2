import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildHttpApp, type VaernApp } from '../src/server/http/app.js';
import { benchArgs } from './lib/args.js';
import { openBenchRuntime } from './lib/engine.js';
import { BenchError, machine, peakRssMib, progress, round, runBench, secondsSince } from './lib/report.js';

/*
 * bench:import — a users CSV of N rows (default 50,000) uploaded through the operator's HTTP app
 * (what `vaern import users` does), read, checked, merged and applied by the import job, then the
 * same file again (every row unchanged). Reports upload and job seconds per run, rows per second
 * end to end, the longest event-loop stall while each run was under way, and the peak RSS.
 *
 *   npm run bench:import [-- --rows N] [-- --engine pglite]
 */

const ROLES = ['admin', 'security_officer', 'system_owner', 'management', 'auditor', 'member'] as const;
const FINAL = new Set(['succeeded', 'refused', 'failed']);
const POLL_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** N people, semicolon-separated as Danish spreadsheets save it, with and without a locale. */
function usersCsv(rows: number): Buffer {
  const lines = ['email;name;role;locale'];
  for (let i = 1; i <= rows; i++) {
    const n = String(i).padStart(7, '0');
    const locale = i % 3 === 0 ? 'en' : i % 3 === 1 ? 'da' : '';
    lines.push(`person.${n}@bench.example.dk;Bench Person ${n};${ROLES[i % ROLES.length]};${locale}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

interface ImportState {
  status: string;
  phase: string | null;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  error_list: Array<{ row: number | null; column: string | null; message: string }>;
}

interface RunFigures {
  upload_s: number;
  /** From the upload's answer until a worker took the job (pg-boss polls every 0.5 s). */
  queued_s: number;
  job_s: number;
  rows_per_s: number;
  max_stall_ms: number;
  created: number;
  updated: number;
  unchanged: number;
}

async function importOnce(app: VaernApp, org: string, file: Buffer, label: string): Promise<RunFigures> {
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const started = performance.now();
  const upload = await app.inject({
    method: 'POST',
    url: `/api/v1/orgs/${org}/imports/users?name=bench-users.csv`,
    headers: { 'content-type': 'text/csv' },
    payload: file,
  });
  if (upload.statusCode !== 202) {
    throw new BenchError(`${label}: upload answered ${upload.statusCode}: ${upload.body}`);
  }
  const uploadSeconds = secondsSince(started);
  const id = (upload.json() as { import_id: string }).import_id;
  progress(`${label}: uploaded ${file.length} bytes in ${uploadSeconds} s, import ${id}`);
  const jobStarted = performance.now();
  let state: ImportState;
  let phase: string | null = null;
  let queuedSeconds: number | undefined;
  for (;;) {
    const r = await app.inject({ method: 'GET', url: `/api/v1/orgs/${org}/imports/${id}` });
    if (r.statusCode !== 200) throw new BenchError(`${label}: status answered ${r.statusCode}: ${r.body}`);
    state = r.json() as ImportState;
    if (state.phase !== phase) {
      phase = state.phase;
      progress(`${label}: ${phase} (${secondsSince(jobStarted)} s)`);
      if (phase !== 'queued' && queuedSeconds === undefined) queuedSeconds = secondsSince(jobStarted);
    }
    if (FINAL.has(state.status)) break;
    await sleep(POLL_MS);
  }
  const jobSeconds = secondsSince(jobStarted);
  stall.disable();
  if (state.status !== 'succeeded') {
    const first = state.error_list.slice(0, 5).map((e) => `row ${e.row} ${e.column ?? ''}: ${e.message}`);
    throw new BenchError(`${label}: import ${state.status} (${state.errors} errors) ${first.join('; ')}`);
  }
  return {
    upload_s: uploadSeconds,
    queued_s: queuedSeconds ?? 0,
    job_s: jobSeconds,
    rows_per_s: Math.round(state.rows / (uploadSeconds + jobSeconds)),
    max_stall_ms: round(stall.max / 1e6, 1),
    created: state.created,
    updated: state.updated,
    unchanged: state.unchanged,
  };
}

function expectCounts(label: string, got: RunFigures, want: Pick<RunFigures, 'created' | 'unchanged'>) {
  if (got.created !== want.created || got.unchanged !== want.unchanged || got.updated !== 0) {
    throw new BenchError(
      `${label}: expected created ${want.created}, updated 0, unchanged ${want.unchanged}; got ${got.created}, ${got.updated}, ${got.unchanged}`,
    );
  }
}

await runBench('import', async () => {
  const { engine, count: rows } = benchArgs('rows', 50_000);
  const bench = await openBenchRuntime(engine);
  try {
    const ctx = bench.runtime.ctx;
    const app = await buildHttpApp(ctx, { operator: true });
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: { slug: 'bench-hospital', name: 'Bench Hospital', kind: 'hospital' },
      });
      if (created.statusCode !== 201 && created.statusCode !== 200) {
        throw new BenchError(`creating the organisation answered ${created.statusCode}: ${created.body}`);
      }
      const file = usersCsv(rows);
      progress(`${engine}: ${rows} rows, ${(file.length / 2 ** 20).toFixed(1)} MiB of CSV`);
      await ctx.jobs.work();
      const first = await importOnce(app, 'bench-hospital', file, 'first run');
      expectCounts('first run', first, { created: rows, unchanged: 0 });
      const second = await importOnce(app, 'bench-hospital', file, 'second run (unchanged)');
      expectCounts('second run', second, { created: 0, unchanged: rows });
      return {
        engine,
        rows,
        first,
        second,
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
