import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { copyField } from '../src/server/db/copy.js';
import { withRawSession } from '../src/server/db/session.js';
import { buildHttpApp } from '../src/server/http/app.js';
import { readers } from '../src/server/modules/vulnerabilities/formats/index.js';
import { fingerprintOf } from '../src/server/modules/vulnerabilities/scan-import.js';
import { corpus } from '../test/corpora.js';
import { benchArgs } from './lib/args.js';
import { openBenchRuntime } from './lib/engine.js';
import { type ImportRun, timedImport } from './lib/import-run.js';
import { BenchError, machine, peakRssMib, progress, round, runBench, secondsSince } from './lib/report.js';
import { insertScanSystems } from './lib/scan-inventory.js';
import { serverCpu } from './lib/server-cpu.js';

/*
 * bench:import — a Nessus v2 report of N findings (default 100,000, none informational) over N/20
 * hosts, each item about 1.7 kB like the corpus' reports, uploaded through the operator's HTTP app
 * (what `vaern import scan --format nessus` does) and imported; then a re-scan of the same hosts
 * in which 10% of the findings changed (a tenth of each host's items carry another plugin: that
 * many closed and that many new). Also measured in the same run, for comparison: the Nessus reader
 * alone over the file, and a plain COPY of the same number of rows (the staged columns) into a
 * scratch table. Beside each import another request reads the findings every 100 ms: its longest
 * wait is `max_request_ms` (on the embedded database it waits for the import's transactions).
 * Each import also gives `process_cpu_s`, the CPU time of this process over it (the upload and the
 * worker that reads the file; not the database's): against its seconds, it shows how much of the
 * machine's cores is left for the database; and `db_cpu_s`, the CPU time of the database server's
 * processes over it, where they run on this machine (bench/lib/server-cpu.ts). Together they are
 * the import's work, a figure that varies much less than its seconds when the machine is shared:
 * on N cores an import cannot take less than their sum over N. The sector's KEV catalogue and EPSS scores (the
 * corpus' files) are imported first, as in any real installation. With `--systems N` the
 * organisation first gets an inventory of N systems that map nine hosts in ten, each in one of the
 * documented ways (bench/lib/scan-inventory.ts); without it every host is unmapped. Requires
 * DATABASE_URL (PostgreSQL) unless --engine pglite.
 *
 *   npm run bench:import [-- --findings N] [-- --systems N] [-- --engine pglite]
 */

const PER_HOST = 20;
const FILLER =
  'The remote host is affected by a vulnerability that allows an attacker to execute code or read data ' +
  'without authorisation. Apply the vendor update or the documented workaround. ';

function item(host: number, n: number, variant: number): string {
  const plugin = 100_000 + n + variant * 1_000;
  const severity = 1 + ((host + n) % 4);
  const port = [443, 22, 3389, 445, 80][n % 5];
  const cve = `CVE-20${10 + (n % 15)}-${String(1000 + ((host * 7 + n) % 9000)).padStart(4, '0')}`;
  const text = FILLER.repeat(3);
  return `<ReportItem port="${port}" svc_name="www" protocol="tcp" severity="${severity}" pluginID="${plugin}" pluginName="Bench finding ${plugin}" pluginFamily="General">
<cvss3_base_score>${(4 + (n % 6)).toFixed(1)}</cvss3_base_score>
<cvss3_vector>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</cvss3_vector>
<cve>${cve}</cve>
<description>${text}</description>
<solution>Upgrade to the latest version of the product (${plugin}).</solution>
<synopsis>Bench synopsis for plugin ${plugin}.</synopsis>
<plugin_output>Installed version : 1.${n}.${host % 10}
Fixed version     : 1.${n + 1}.0</plugin_output>
</ReportItem>
`;
}

/** The report as a stream of text; `changed` items per host (the first ones) carry another plugin. */
function* report(hosts: number, changed: number): Generator<string> {
  yield '<?xml version="1.0" ?>\n<NessusClientData_v2>\n<Report name="bench" xmlns:cm="http://www.nessus.org/cm">\n';
  for (let h = 0; h < hosts; h++) {
    const a = (h >> 8) & 255;
    const b = h & 255;
    const name = `host-${String(h).padStart(5, '0')}.bench.example.dk`;
    const parts = [
      `<ReportHost name="${name}"><HostProperties>`,
      `<tag name="host-ip">10.${a}.${b}.10</tag><tag name="host-fqdn">${name}</tag>`,
      '<tag name="operating-system">Linux</tag></HostProperties>\n',
    ];
    for (let n = 0; n < PER_HOST; n++) parts.push(item(h, n, n < changed ? 1 : 0));
    parts.push('</ReportHost>\n');
    yield parts.join('');
  }
  yield '</Report>\n</NessusClientData_v2>\n';
}

async function writeReport(file: string, hosts: number, changed: number): Promise<number> {
  await pipeline(Readable.from(report(hosts, changed)), createWriteStream(file));
  return statSync(file).size;
}

/** The Nessus reader alone over the file: items per second. */
async function parseOnly(file: string): Promise<{ items: number; per_s: number }> {
  const started = performance.now();
  let items = 0;
  for await (const i of readers.nessus(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    fingerprintOf({
      family: i.family,
      host: i.host.name ?? '',
      rule: i.rule,
      port: i.port,
      protocol: i.protocol,
    });
    items++;
  }
  const seconds = secondsSince(started);
  return { items, per_s: Math.round(items / seconds) };
}

/** A plain COPY of `rows` rows shaped like the staged ones (~1.7 kB of JSON each): rows per second. */
async function copyOnly(bench: Awaited<ReturnType<typeof openBenchRuntime>>, rows: number): Promise<number> {
  const db = bench.runtime.ctx.db;
  if (!db.pool) return 0;
  const data = JSON.stringify({
    description: FILLER.repeat(3),
    solution: 'Upgrade',
    evidence: 'x'.repeat(200),
  });
  const field = copyField(data);
  // Streamed in chunks of 1,000 rows: the figure is PostgreSQL's, and the benchmark's own memory
  // stays out of peak_rss_mb.
  function* body(): Generator<Buffer> {
    for (let i = 1; i <= rows; i += 1_000) {
      let chunk = '';
      for (let j = i; j < Math.min(rows + 1, i + 1_000); j++) chunk += `${j}\t\\N\t${field}\n`;
      yield Buffer.from(chunk, 'utf8');
    }
  }
  return withRawSession(db, async () => {
    const client = await db.pool?.connect();
    if (!client) throw new BenchError('no connection');
    try {
      await client.query('create unlogged table bench_copy (row_no integer, key text, data jsonb)');
      const started = performance.now();
      await pipeline(
        Readable.from(body()),
        client.query(copyFrom('copy bench_copy (row_no, key, data) from stdin')),
      );
      const seconds = secondsSince(started);
      await client.query('drop table bench_copy');
      return Math.round(rows / seconds);
    } finally {
      client.release();
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Another request while an import runs: a read of the organisation's findings (one page) 100 ms
 * after the previous answer, through the same app, timed from when it was due to its answer. On
 * the embedded database the request waits for whatever the import's transaction is doing, and a
 * statement that runs in the process (PGlite is WebAssembly on the event loop) holds up even its
 * start: counting from when it was due, and not from when it could start, includes that wait too.
 * Its longest wait is the figure.
 */
function otherRequests(app: Awaited<ReturnType<typeof buildHttpApp>>, org: string) {
  let stopped = false;
  let longest = 0;
  let count = 0;
  const loop = (async () => {
    let due = performance.now();
    while (!stopped) {
      const r = await app.inject({ method: 'GET', url: `/api/v1/orgs/${org}/findings?limit=1` });
      if (r.statusCode !== 200) throw new BenchError(`reading findings answered ${r.statusCode}: ${r.body}`);
      const answered = performance.now();
      longest = Math.max(longest, answered - due);
      count++;
      due = answered + 100;
      await sleep(100);
    }
  })();
  return {
    async stop(): Promise<{ max_request_ms: number; requests: number }> {
      stopped = true;
      await loop;
      return { max_request_ms: round(longest, 1), requests: count };
    },
  };
}

/** One timed import with another request going on beside it. */
async function importWithOthers(
  app: Awaited<ReturnType<typeof buildHttpApp>>,
  file: { stream: () => ReturnType<typeof createReadStream>; length: number },
  label: string,
  cpu: (() => number) | null,
): Promise<ImportRun & { max_request_ms: number; requests: number }> {
  const others = otherRequests(app, 'bench-region');
  try {
    const run = await timedImport(app, 'bench-region', 'scan', file, label, {
      query: '.nessus&format=nessus',
      contentType: 'application/xml',
      serverCpu: cpu,
    });
    return { ...run, ...(await others.stop()) };
  } catch (error) {
    await others.stop().catch(() => {});
    throw error;
  }
}

await runBench('import', async () => {
  const {
    engine,
    count: findings,
    more: { systems },
  } = benchArgs('findings', 100_000, { systems: 0 });
  if (findings % PER_HOST !== 0) throw new BenchError(`--findings must be a multiple of ${PER_HOST}`);
  const hosts = findings / PER_HOST;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vaern-bench-scan-'));
  const bench = await openBenchRuntime(engine);
  try {
    const first = path.join(dir, 'first.nessus');
    const second = path.join(dir, 'rescan.nessus');
    const changed = PER_HOST / 10;
    const size = await writeReport(first, hosts, 0);
    await writeReport(second, hosts, changed);
    progress(
      `${engine}: ${findings} findings on ${hosts} hosts, ${(size / 2 ** 20).toFixed(1)} MiB of Nessus XML`,
    );
    const parse = await parseOnly(first);
    if (parse.items !== findings)
      throw new BenchError(`the reader found ${parse.items} items, not ${findings}`);
    progress(`parse only: ${parse.per_s} findings/s`);
    // The process's peak resident set after each step, to tell which one sets peak_rss_mb.
    const peaks: Record<string, number> = { parse_only: peakRssMib() };
    const copyRate = await copyOnly(bench, findings);
    progress(`copy only: ${copyRate} rows/s`);
    peaks.copy_only = peakRssMib();

    const ctx = bench.runtime.ctx;
    const app = await buildHttpApp(ctx, { operator: true });
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: { slug: 'bench-region', name: 'Bench Region', kind: 'region' },
      });
      if (created.statusCode !== 201) throw new BenchError(`creating the organisation: ${created.body}`);
      await ctx.jobs.work();
      const mapped = await insertScanSystems(ctx, {
        orgId: (created.json() as { id: string }).id,
        systems,
        hosts,
      });
      // The sector's exploitation data, as in any real installation: the corpus' KEV catalogue and
      // EPSS scores, which each scanned item's CVE ids are looked up in while it is merged.
      const sector = await app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: { slug: 'bench-sector', name: 'Bench Sector', kind: 'sector_unit' },
      });
      if (sector.statusCode !== 201) throw new BenchError(`creating the sector unit: ${sector.body}`);
      const kev = readFileSync(corpus('advisories', 'kev', 'known_exploited_vulnerabilities.json'));
      await timedImport(app, 'bench-sector', 'kev', kev, 'KEV', { contentType: 'application/json' });
      const epss = readFileSync(corpus('advisories', 'epss', 'epss_scores-synthetic.csv'));
      await timedImport(app, 'bench-sector', 'epss', epss, 'EPSS', { contentType: 'text/csv' });
      const upload = (file: string) => ({
        stream: () => createReadStream(file),
        length: statSync(file).size,
      });
      const cpu = await serverCpu(ctx.db);
      const one = await importWithOthers(app, upload(first), 'first import', cpu);
      if (one.summary.new !== findings)
        throw new BenchError(`first import: ${one.summary.new} new, not ${findings}`);
      if (one.summary.unmapped_hosts !== hosts - mapped)
        throw new BenchError(
          `first import: ${one.summary.unmapped_hosts} hosts unmapped, not ${hosts - mapped}`,
        );
      peaks.first_import = peakRssMib();
      const two = await importWithOthers(app, upload(second), 're-scan (10% changed)', cpu);
      peaks.reimport = peakRssMib();
      const moved = hosts * changed;
      const s = two.summary;
      if (s.new !== moved || s.closed !== moved || s.still_open !== findings - moved)
        throw new BenchError(`re-scan: ${JSON.stringify(s)}; expected ${moved} new and closed`);
      const slower = copyRate > 0 ? Math.min(parse.per_s, copyRate) : parse.per_s;
      const rate = findings / one.total_s;
      return {
        engine,
        findings,
        hosts,
        inventory_systems: systems,
        file_mib: round(size / 2 ** 20, 1),
        first_import_s: one.total_s,
        reimport_s: two.total_s,
        first: {
          upload_s: one.upload_s,
          queued_s: one.queued_s,
          job_s: one.job_s,
          process_cpu_s: one.process_cpu_s,
          db_cpu_s: one.db_cpu_s,
          max_stall_ms: one.max_stall_ms,
          max_request_ms: one.max_request_ms,
          requests: one.requests,
        },
        reimport: {
          upload_s: two.upload_s,
          queued_s: two.queued_s,
          job_s: two.job_s,
          process_cpu_s: two.process_cpu_s,
          db_cpu_s: two.db_cpu_s,
          max_stall_ms: two.max_stall_ms,
          max_request_ms: two.max_request_ms,
          requests: two.requests,
        },
        import_findings_per_s: Math.round(rate),
        parse_only_findings_per_s: parse.per_s,
        copy_only_rows_per_s: copyRate,
        import_share_of_slower_raw_rate: round(rate / slower, 3),
        peak_rss_mb: peakRssMib(),
        peak_rss_mb_after: peaks,
        machine: machine(ctx.db.serverVersion),
      };
    } finally {
      await app.close();
    }
  } finally {
    await bench.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
