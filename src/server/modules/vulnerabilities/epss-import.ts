import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { sql } from 'kysely';
import { formatBytes } from '../files/service.js';
import { csvRecords } from '../imports/csv.js';
import {
  FileRefused,
  type ImportDefinition,
  type ImportIssue,
  type ImportJob,
  type ReadRow,
  stagedRows,
} from '../imports/framework.js';
import { requestDueRecompute } from './findings-jobs.js';
import { referencePolicy } from './reference-policy.js';
import * as q from './reference-queries.js';
import './reference-messages.js';

/**
 * `vaern import epss FILE`: FIRST's EPSS scores as CSV (docs/vulnerabilities-reference.md), plain
 * or gzipped (`.csv.gz`, recognised by its magic bytes): the line `#model_version:…,score_date:…`,
 * then the header `cve,epss,percentile`, then one row per CVE. Rows are numbered by file line,
 * so the first data row is row 3. Scores are upserted (a CVE the file lacks keeps its last score);
 * every CVE gets a vulnerability and its alias when it has none. FIRST's files hold one row per
 * CVE; should a CVE appear twice, its highest score counts (the cautious reading) and the summary
 * says how many rows were such repeats (`duplicates`).
 */

const CVE = /^CVE-\d{4}-\d{4,19}$/;
const NUMBER = /^(0|1|0?\.\d+|[01]\.\d+|\d(\.\d+)?[eE][+-]?\d+)$/;
const COMMENT = /^#model_version:([^,\s]{1,100}),score_date:(\S{8,40})$/;

/**
 * Limits of what an EPSS file may unpack to: FIRST's full file holds about 300,000 rows and 12 MB
 * unpacked (2026). A gzipped file of a few megabytes can unpack to gigabytes; read without a limit,
 * it filled the disk with staged rows.
 */
export const EPSS_MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
export const EPSS_MAX_ROWS = 1_000_000;

/**
 * The file's bytes, gunzipped when they start with gzip's magic bytes (1f 8b); refused once the
 * unpacked bytes pass `maxBytes`.
 */
async function* maybeGunzip(bytes: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  const source = bytes[Symbol.asyncIterator]();
  let first = await source.next();
  while (!first.done && first.value.length < 2) {
    const more = await source.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (first.done) return;
  const head = first.value;
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let n = await source.next(); !n.done; n = await source.next()) yield n.value;
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all();
    return;
  }
  const gunzip = Readable.from(all()).pipe(createGunzip());
  let unpacked = 0;
  try {
    for await (const chunk of gunzip) {
      unpacked += (chunk as Buffer).length;
      if (unpacked > maxBytes) break;
      yield chunk as Buffer;
    }
  } catch {
    throw new FileRefused([{ row: null, column: null, code: 'imports.gzip_invalid' }]);
  } finally {
    gunzip.destroy();
  }
  if (unpacked > maxBytes) {
    throw new FileRefused([
      {
        row: null,
        column: null,
        code: 'vulnerabilities.epss_unpacked_too_large',
        params: { limit: formatBytes(maxBytes) },
      },
    ]);
  }
}

const probability = (value: string, row: number, column: string, issues: ImportIssue[]): number | null => {
  const n = NUMBER.test(value) ? Number(value) : Number.NaN;
  if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
  issues.push({ row, column, code: 'vulnerabilities.epss_probability', params: { value } });
  return null;
};

/** Reads an EPSS CSV: the comment line and header are checked first, then each row. */
export async function* readEpss(
  bytes: AsyncIterable<Buffer>,
  onRun: (run: { modelVersion: string; scoreDate: string }) => void,
  limits: { maxBytes: number; maxRows: number } = {
    maxBytes: EPSS_MAX_UNPACKED_BYTES,
    maxRows: EPSS_MAX_ROWS,
  },
): AsyncGenerator<ReadRow> {
  let sawHeader = false;
  let rows = 0;
  for await (const record of csvRecords(maybeGunzip(bytes, limits.maxBytes))) {
    const cells = record.cells.map((c) => c.trim());
    if (record.row === 1) {
      const m = COMMENT.exec(cells.join(','));
      const scoreDate = m?.[2] ? Date.parse(m[2].replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
      if (!m?.[1] || Number.isNaN(scoreDate)) {
        throw new FileRefused([{ row: 1, column: null, code: 'vulnerabilities.epss_comment' }]);
      }
      onRun({ modelVersion: m[1], scoreDate: new Date(scoreDate).toISOString() });
      continue;
    }
    if (!sawHeader) {
      const header = cells.map((c) => c.toLowerCase()).join(',');
      if (header !== 'cve,epss,percentile') {
        throw new FileRefused([
          {
            row: record.row,
            column: null,
            code: 'vulnerabilities.epss_header',
            params: { header: cells.join(',') },
          },
        ]);
      }
      sawHeader = true;
      continue;
    }
    if (cells.length === 1 && cells[0] === '') continue;
    const row = record.row;
    if (++rows > limits.maxRows) {
      throw new FileRefused([
        { row, column: null, code: 'vulnerabilities.epss_too_many_rows', params: { limit: limits.maxRows } },
      ]);
    }
    const issues: ImportIssue[] = [];
    if (cells.length !== 3) {
      issues.push({
        row,
        column: null,
        code: 'vulnerabilities.epss_columns',
        params: { found: cells.length },
      });
      yield { row, key: null, data: null, issues };
      continue;
    }
    const [cveCell = '', epssCell = '', percentileCell = ''] = cells;
    const cve = cveCell.toUpperCase();
    if (!CVE.test(cve))
      issues.push({ row, column: 'cve', code: 'vulnerabilities.epss_cve', params: { value: cveCell } });
    const epss = probability(epssCell, row, 'epss', issues);
    const percentile = probability(percentileCell, row, 'percentile', issues);
    yield {
      row,
      key: null,
      data: issues.length === 0 ? { cve, epss, percentile } : null,
      issues,
    };
  }
  if (!sawHeader) throw new FileRefused([{ row: 1, column: null, code: 'imports.file_empty' }]);
}

const runOf = (job: ImportJob) => {
  const { model_version: modelVersion, score_date: scoreDate } = job.extra;
  if (typeof modelVersion !== 'string' || typeof scoreDate !== 'string') throw new Error('EPSS run not read');
  return { modelVersion, scoreDate };
};

export const epssImport: ImportDefinition = {
  kind: 'epss',
  title: "FIRST's EPSS scores (CSV, plain or gzipped; sector unit only)",
  accepts: ['text/csv', 'text/plain', 'application/gzip', 'application/x-gzip', 'application/octet-stream'],
  mayStart: referencePolicy.import,
  read: ({ job, bytes }) =>
    readEpss(bytes, (run) => {
      job.extra.model_version = run.modelVersion;
      job.extra.score_date = run.scoreDate;
    }),
  /** Vulnerabilities for new CVEs, a slice at a time: harmless on its own, and found by a new run. */
  async merge(tx, job, slice) {
    await q.openReferenceWrites(tx, job.importId);
    const staged = stagedRows(job, { cve: 'text' }, slice);
    await q.ensureVulnerabilities(
      tx,
      sql`(select s.cve, null::text as title, null::text as description from ${staged} s)`,
    );
    return {};
  },
  /** The switch: every score of the file in one statement. */
  async apply(tx, job) {
    await q.openReferenceWrites(tx, job.importId);
    // Findings with these CVEs get their due dates again (KEV and EPSS tighten them).
    tx.onCommit(() => requestDueRecompute(job.ctx));
    const staged = stagedRows(job, { cve: 'text', epss: 'numeric', percentile: 'numeric' });
    const best = sql`(select distinct on (s.cve) s.cve, s.epss, s.percentile from ${staged} s
                      order by s.cve, s.epss desc, s.percentile desc)`;
    const { created, updated, distinct } = await q.upsertEpssScores(tx, best, runOf(job));
    job.extra.duplicates = job.rows - distinct;
    return { created, updated, unchanged: distinct - created - updated };
  },
};
