import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { VaernApp } from '../../src/server/http/app.js';
import { BenchError, progress, round, secondsSince } from './report.js';

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const POLL_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ImportState {
  status: string;
  phase: string | null;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  error_list: Array<{ row: number | null; column: string | null; message: string }>;
  [key: string]: unknown;
}

/** One import through the operator's HTTP app, timed phase by phase. */
export interface ImportRun {
  upload_s: number;
  /** From the upload's answer until a worker took the job (pg-boss polls every 0.5 s). */
  queued_s: number;
  job_s: number;
  /** From the start of the upload to the final state. */
  total_s: number;
  /**
   * CPU time (user and system) of the benchmark's own process over the import: the upload, the
   * worker that reads and stages the file, and anything else it runs meanwhile. Not the database's.
   */
  process_cpu_s: number;
  /**
   * CPU time of the database server's processes over the import (bench/lib/server-cpu.ts); null
   * when not measured (no `serverCpu` given, or the server is not readable on this machine).
   */
  db_cpu_s: number | null;
  rows: number;
  max_stall_ms: number;
  created: number;
  updated: number;
  unchanged: number;
  /** The import's whole summary, the kind's own keys included. */
  summary: Record<string, unknown>;
}

/**
 * Uploads `file` as an import of `kind` (what `vaern import <kind>` does), follows it to its end
 * and measures the upload, the wait for a worker, the job and the longest event-loop stall.
 * A refused or failed import is a BenchError naming its first errors.
 */
export async function timedImport(
  app: VaernApp,
  org: string,
  kind: string,
  file: Buffer | { stream: () => Readable; length: number },
  label: string,
  options: { query?: string; contentType?: string; serverCpu?: (() => number) | null } = {},
): Promise<ImportRun> {
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const dbCpu = options.serverCpu?.() ?? null;
  const upload = await app.inject({
    method: 'POST',
    url: `/api/v1/orgs/${org}/imports/${kind}?name=bench-${kind}${options.query ?? ''}`,
    headers: { 'content-type': options.contentType ?? 'text/csv' },
    payload: Buffer.isBuffer(file) ? file : file.stream(),
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
  const total = secondsSince(started);
  const used = process.cpuUsage(cpu);
  const dbUsed = dbCpu === null || !options.serverCpu ? null : options.serverCpu() - dbCpu;
  stall.disable();
  if (state.status !== 'succeeded') {
    const first = state.error_list.slice(0, 5).map((e) => `row ${e.row} ${e.column ?? ''}: ${e.message}`);
    throw new BenchError(`${label}: import ${state.status} (${state.errors} errors) ${first.join('; ')}`);
  }
  return {
    upload_s: uploadSeconds,
    queued_s: queuedSeconds ?? 0,
    job_s: jobSeconds,
    total_s: total,
    process_cpu_s: round((used.user + used.system) / 1e6, 2),
    db_cpu_s: dbUsed === null || Number.isNaN(dbUsed) ? null : round(dbUsed, 2),
    rows: state.rows,
    max_stall_ms: round(stall.max / 1e6, 1),
    created: state.created,
    updated: state.updated,
    unchanged: state.unchanged,
    summary: state,
  };
}

/** Fails the benchmark when a run's counts are not the expected ones (nothing may be updated). */
export function expectCounts(
  label: string,
  got: Pick<ImportRun, 'created' | 'updated' | 'unchanged'>,
  want: Pick<ImportRun, 'created' | 'unchanged'>,
) {
  if (got.created !== want.created || got.unchanged !== want.unchanged || got.updated !== 0) {
    throw new BenchError(
      `${label}: expected created ${want.created}, updated 0, unchanged ${want.unchanged}; got ${got.created}, ${got.updated}, ${got.unchanged}`,
    );
  }
}
