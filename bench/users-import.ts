import { buildHttpApp, type VaernApp } from '../src/server/http/app.js';
import { benchArgs } from './lib/args.js';
import { openBenchRuntime } from './lib/engine.js';
import { expectCounts, timedImport } from './lib/import-run.js';
import { BenchError, machine, peakRssMib, progress, runBench } from './lib/report.js';

/*
 * bench:users — a users CSV of N rows (default 50,000) uploaded through the operator's HTTP app
 * (what `vaern import users` does), read, checked, merged and applied by the import job, then the
 * same file again (every row unchanged). Reports upload and job seconds per run, rows per second
 * end to end, the longest event-loop stall while each run was under way, and the peak RSS.
 *
 *   npm run bench:users [-- --rows N] [-- --engine pglite]
 */

const ROLES = ['admin', 'security_officer', 'system_owner', 'management', 'auditor', 'member'] as const;

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

/** The figures of one run, as this benchmark has always printed them. */
async function importOnce(app: VaernApp, org: string, file: Buffer, label: string) {
  const r = await timedImport(app, org, 'users', file, label);
  return {
    upload_s: r.upload_s,
    queued_s: r.queued_s,
    job_s: r.job_s,
    rows_per_s: Math.round(r.rows / (r.upload_s + r.job_s)),
    max_stall_ms: r.max_stall_ms,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
  };
}

await runBench('users', async () => {
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
