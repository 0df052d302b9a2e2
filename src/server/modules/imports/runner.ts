import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { CopyText, copyField, copyJson, copyLines, copyRows, withTenantCopy } from '../../db/copy.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import { recordAudit } from '../audit/record.js';
import { deleteStoredFile, openFile } from '../files/service.js';
import {
  type ApplyCounts,
  copyTuple,
  FileRefused,
  type ImportDefinition,
  type ImportIssue,
  type ImportJob,
  type StagedSlice,
  type StagedType,
  stagedChunkCopy,
  stagedChunkTable,
} from './framework.js';
import { HeldTransaction } from './held-transaction.js';
import './messages.js';
import * as q from './queries.js';
import { findImportDefinition } from './registers/index.js';

/** At most this many errors are stored with an import; `errors` counts them all. */
export const ERROR_LIST_CAP = 1000;
/** Rows staged per statement and transaction (the contract allows at most 20,000). */
export const STAGE_ROWS = 5_000;
/** …and at most this much JSON per statement. */
export const STAGE_BYTES = 8 * 1024 * 1024;
/** Progress is written at least this often while a file is read. */
const PROGRESS_MS = 500;

/** The errors of one import: every one counted, the first ERROR_LIST_CAP by row kept. */
class IssueList {
  #kept: ImportIssue[] = [];
  #total = 0;

  add(issue: ImportIssue): void {
    this.#total++;
    this.#kept.push(issue);
    if (this.#kept.length >= 2 * ERROR_LIST_CAP) this.#trim();
  }

  /** Issues beyond those added, known only by number. */
  count(more: number): void {
    this.#total += Math.max(0, more);
  }

  get total(): number {
    return this.#total;
  }

  list(): ImportIssue[] {
    this.#trim();
    return this.#kept;
  }

  #trim(): void {
    this.#kept.sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (a.column ?? '').localeCompare(b.column ?? ''));
    this.#kept.length = Math.min(this.#kept.length, ERROR_LIST_CAP);
  }
}

/** Everything one run of an import knows. */
interface Run {
  ctx: AppContext;
  kind: string;
  job: ImportJob;
  orgId: string;
  importId: string;
  fileId: string | null;
  rows: number;
  bytesRead: number;
  issues: IssueList;
  /** What the definition's mergeEarly did while the file was read (EarlyMerges). */
  early: EarlyMerges | null;
  /** This run's claim on the import (imports.run_id, migration 0056): every step checks it. */
  runId: string;
}

/**
 * The import was taken over by another run (its job retried after this run's worker stopped
 * sending heartbeats, or a recovery that ends it): this run stops and leaves everything to that
 * one, without failing the import or removing what it wrote.
 */
export class RunTakenOver extends Error {
  constructor(importId: string) {
    super(`import ${importId} was taken over by another run`);
  }
}

/** Stops the run unless the import is still its own, locked so until the transaction ends. */
async function holdRun(run: Run, tx: Tx): Promise<void> {
  if (!(await q.holdsRun(tx, run.orgId, run.importId, run.runId))) throw new RunTakenOver(run.importId);
}

/** `fn` as a step of the run: after holdRun, in the same transaction. */
const held =
  <T>(run: Run, fn: (tx: Tx) => Promise<T>) =>
  async (tx: Tx): Promise<T> => {
    await holdRun(run, tx);
    return fn(tx);
  };

/**
 * The definition's mergeEarly over each staged chunk while the file is still read (a server
 * only): in order, each chunk its own transaction, never holding up the reader; one at a time, or
 * MERGE_AT_ONCE for a definition whose slices are independent (mergeSlicesAtOnce). For a
 * definition with `switchEarly`, each chunk's switchEarly follows its committed mergeEarly in the
 * switch's own transaction (`held`), opened for the first chunk and held open until the switch
 * commits or the import ends otherwise: the next chunk's merge and this one's switch run at the
 * same time, on two connections. With `typed` (stagedTypes) each chunk arrives as COPY text and is
 * copied into its merge's transaction (stagedChunk) instead of import_rows. After a failure no
 * further chunk starts; `settle`, which the reading awaits before the checks, throws it, and the
 * import fails (its discard, and the held transaction's rollback, remove what was merged).
 */
class EarlyMerges {
  counts: ApplyCounts = { created: 0, updated: 0, unchanged: 0 };
  /** The switch's transaction, once the first chunk is merged (switchEarly). */
  held: HeldTransaction | null = null;
  #queue: Array<{ slice: StagedSlice; lines: Buffer[] | null }> = [];
  #running = new Set<Promise<void>>();
  #switching = new Set<Promise<void>>();
  #error: unknown = null;
  #drained: Array<() => void> = [];

  constructor(
    private readonly run: Run,
    private readonly def: ImportDefinition & { mergeEarly: NonNullable<ImportDefinition['mergeEarly']> },
    private readonly atOnce: number,
    private readonly typed: Record<string, StagedType> | null,
  ) {}

  /**
   * Queues the early merge of the staged rows after < row_no <= upTo; `lines`: the chunk itself,
   * as COPY text (typed: it was staged nowhere else).
   */
  add(slice: StagedSlice, lines: Buffer[] | null = null): void {
    // After a failure nothing more is merged: nor kept in memory.
    if (this.#error !== null) return;
    this.#queue.push({ slice, lines });
    this.#pump();
  }

  /**
   * Waits until at most `n` chunks are queued, being merged or being switched (typed chunks are
   * held in memory); throws the failure of an early merge or switch, so that the reading stops.
   */
  async waitBelow(n: number): Promise<void> {
    while (this.#error === null && this.#queue.length + this.#running.size + this.#switching.size > n)
      await new Promise<void>((resolve) => this.#drained.push(resolve));
    if (this.#error !== null) throw this.#error;
  }

  #wake(): void {
    for (const wake of this.#drained.splice(0)) wake();
  }

  #fail(error: unknown): void {
    this.#error ??= error;
    this.#wake();
  }

  #pump(): void {
    while (this.#error === null && this.#running.size < this.atOnce && this.#queue.length > 0) {
      const next = this.#queue.shift() as { slice: StagedSlice; lines: Buffer[] | null };
      const task: Promise<void> = this.#mergeOne(next.slice, next.lines).finally(() => {
        this.#running.delete(task);
        this.#wake();
        this.#pump();
      });
      this.#running.add(task);
    }
  }

  async #mergeOne(slice: StagedSlice, lines: Buffer[] | null): Promise<void> {
    const job = this.run.job;
    const switchEarly = this.def.switchEarly;
    if (switchEarly) job.earlyInSwitch = true;
    const merge = (tx: Tx) => this.def.mergeEarly(tx, job, slice);
    try {
      const typed = this.typed;
      if (typed) {
        if (!lines) throw new Error('a typed chunk without its rows');
        job.stagedAsChunk = true;
        addCounts(this.counts, await mergeChunk(this.run, typed, lines, merge));
      } else {
        addCounts(this.counts, await tenant(this.run, merge));
      }
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (!switchEarly) return;
    if (!this.held) {
      this.held = new HeldTransaction(this.run.ctx.db, scopeOf(job.actor, this.run.orgId));
      // Held from its first step to its end: a takeover waits for the switch to end.
      const run = this.run;
      this.held.run((tx) => holdRun(run, tx)).catch(() => {});
    }
    const switching: Promise<void> = this.held
      .run((tx) => switchEarly(tx, job, slice))
      .catch((error) => this.#fail(error))
      .finally(() => {
        this.#switching.delete(switching);
        this.#wake();
      });
    this.#switching.add(switching);
  }

  /** Waits for the queued merges and switches; throws the first failure. */
  async settle(): Promise<void> {
    this.#wake();
    while (this.#running.size > 0) await Promise.all([...this.#running]);
    while (this.#switching.size > 0) await Promise.all([...this.#switching]);
    if (this.#error !== null) throw this.#error;
  }

  /** Undoes what was switched in the switch's transaction (the merges' work is the discard's). */
  async rollback(): Promise<void> {
    await this.held?.rollback();
  }
}

/**
 * A typed chunk's merge in its own transaction: the chunk copied into the temporary table that
 * stagedChunk reads, then `merge`. Committed without waiting for the disk, like every step.
 */
async function mergeChunk<T>(
  run: Run,
  columns: Record<string, StagedType>,
  lines: Buffer[],
  merge: (tx: Tx) => Promise<T>,
): Promise<T> {
  await nextTurn();
  return withTenantCopy(
    run.ctx.db,
    scopeOf(run.job.actor, run.orgId),
    async (tx, copy) => {
      await holdRun(run, tx);
      await sql.raw(stagedChunkTable(columns)).execute(tx.q);
      await copy(stagedChunkCopy(columns), lines);
      return merge(tx);
    },
    { asyncCommit: true },
  );
}

/**
 * A NUL character (U+0000) in a row's values, which PostgreSQL's text and jsonb cannot hold: the
 * row is refused with its number instead of failing the import in the database (a JSON reader,
 * SARIF or KEV, gives one from the escape backslash-u0000). In JSON text it is that escape after
 * an even number of backslashes.
 */
const JSON_NUL = /(?<!\\)(?:\\\\)*\\u0000/;
const nulIssue = (row: number): ImportIssue => ({
  row,
  column: null,
  code: 'imports.nul_character',
  params: { row },
});

/** Rows of a first staging chunk from which it is staged with COPY rather than one INSERT. */
const COPY_FROM_ROWS = 1_000;

/** Staged rows from which the staging table is analysed before the checks. */
const ANALYZE_FROM_ROWS = 1_000;

/**
 * A file read in one chunk of fewer rows than this (one advisory, a short register) runs in one
 * transaction from staging to its end (runSmall): a commit per step costs more than the steps.
 */
const SMALL_RUN_ROWS = 1_000;

/** Staged rows waiting to be written: row number, key, data as JSON. */
type Batch = Array<[number, string | null, string | null]>;

/** Runs one step of a run in a transaction: its own (a large file) or the run's one (a small file). */
type Step = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/**
 * Every transaction of a run starts after a turn of the event loop. On the embedded database a
 * query runs synchronously, so a chain of them would otherwise never let a waiting request in.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A step of the run: staging, progress, checks, merge slices, clean-up. These commit without
 * waiting for the disk (withTenant's asyncCommit): a crash of the machine can lose only steps the
 * run redoes or the recovery fails; the import's end (`durable`) waits, and flushes them with it.
 */
const tenant = async <T>(run: Run, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  await nextTurn();
  return withTenant(run.ctx.db.kysely, scopeOf(run.job.actor, run.orgId), held(run, fn), {
    asyncCommit: true,
  });
};

/** A step that takes the import for this run (no claim to check yet). */
const claim = async <T>(run: Run, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  await nextTurn();
  return withTenant(run.ctx.db.kysely, scopeOf(run.job.actor, run.orgId), fn);
};

/** The import's end (the switch, a refusal, a failure): committed durably. */
const durable = async <T>(run: Run, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  await nextTurn();
  return withTenant(run.ctx.db.kysely, scopeOf(run.job.actor, run.orgId), held(run, fn));
};

const progress = (run: Run, phase: string): q.Progress => ({
  phase,
  processed: run.rows,
  bytesRead: run.bytesRead,
  extra: run.job.extra,
});

/**
 * Reads the stored file through the definition's reader, collecting every row's issues, and stages
 * the rows in bounded chunks, each chunk its own short transaction (other requests are served in
 * between on the embedded database). `readable` is false when the file as a whole was refused.
 * A small file (fewer than SMALL_RUN_ROWS rows, read before the first progress write) is not
 * staged here: its rows come back as `held`, for runSmall.
 */
async function readAndStage(
  run: Run,
  def: ImportDefinition,
  fileId: string,
): Promise<{ readable: boolean; held: Batch | null }> {
  const file = await openFile({ ctx: run.ctx, actor: run.job.actor, orgId: run.orgId, fileId });
  let batch: Batch = [];
  // Once the first chunk is written (the file is not a small one), each row goes straight into
  // COPY text (CopyText) as it is read: see stageText.
  let text = null as CopyText | null;
  const prefix = stagedPrefix(run);
  // The rows of the chunk being read, and its last row number.
  let chunkRows = 0;
  let chunkLast = 0;
  let flushed = false;
  let batchBytes = 0;
  let lastWrite = Date.now();
  // The last row number staged: the next chunk's rows all come after it.
  let lastStaged = 0;
  // The definition's mergeEarly follows the staging on a server (EarlyMerges).
  // With stagedTypes, the chunks go as typed COPY text into their early merges' transactions
  // (EarlyMerges), not into import_rows: `typed` holds the chunk being read. The first chunk is
  // also kept as JSON until it is written, for a file that turns out small (runSmall).
  let typed: { columns: Record<string, StagedType>; types: StagedType[]; text: CopyText } | null = null;
  if (def.mergeEarly && run.ctx.db.kind === 'postgres') {
    const atOnce = def.mergeSlicesAtOnce && !def.switchEarly ? MERGE_AT_ONCE : 1;
    if (def.stagedTypes && def.keyColumn === undefined)
      typed = { columns: def.stagedTypes, types: Object.values(def.stagedTypes), text: new CopyText() };
    run.early = new EarlyMerges(run, { ...def, mergeEarly: def.mergeEarly }, atOnce, typed?.columns ?? null);
  }
  // One chunk is written while the reader goes on with the next: the file is parsed and the
  // database stages at the same time. Never more than one write in flight (bounded memory).
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    flushed = true;
    const rows = typed ? [] : batch;
    const copy = text?.take() ?? [];
    const lines = typed?.text.take() ?? null;
    const slice = chunkRows > 0 ? { after: lastStaged, upTo: chunkLast } : null;
    if (slice) lastStaged = slice.upTo;
    const at = progress(run, 'reading');
    batch = [];
    chunkRows = 0;
    batchBytes = 0;
    lastWrite = Date.now();
    text ??= new CopyText();
    await writing;
    writing = (async () => {
      if (copy.length > 0) await stageText(run, copy);
      if (rows.length > 0) await stage(run, rows);
      // A typed chunk waits in memory: at most two more on their way before the reader waits.
      if (slice && lines) await run.early?.waitBelow(2);
      if (slice) run.early?.add(slice, lines);
      await tenant(run, (tx) => q.setProgress(tx, run.orgId, run.importId, at));
    })();
    // Handled here so that a failed write never goes unobserved; the next flush awaits it.
    writing.catch(() => {});
  };
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of file.stream) {
      run.bytesRead += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  try {
    const rows = def.read({
      job: run.job,
      bytes: counted(),
      contentType: file.contentType,
      fileName: file.name,
    });
    for await (const r of rows) {
      run.rows++;
      for (const issue of r.issues) run.issues.add(issue);
      if (typed && Array.isArray(r.data)) {
        const line = copyTuple(r.row, r.data, typed.types);
        // COPY text keeps a NUL as it is (copyField escapes only backslashes, tabs and line breaks).
        if (line.includes('\u0000')) {
          run.issues.add(nulIssue(r.row));
          continue;
        }
        typed.text.write(line);
        if (!flushed) batch.push([r.row, r.key, JSON.stringify(r.data)]);
        chunkRows++;
        chunkLast = r.row;
        batchBytes += line.length;
      } else if (r.data !== null || r.key !== null) {
        if (typed) throw new Error('a definition with stagedTypes staged a row that is not a tuple');
        const data = r.data === null ? null : JSON.stringify(r.data);
        if ((data !== null && JSON_NUL.test(data)) || r.key?.includes('\u0000')) {
          run.issues.add(nulIssue(r.row));
          continue;
        }
        if (text) text.write(stagedLine(prefix, r.row, r.key, data));
        else batch.push([r.row, r.key, data]);
        chunkRows++;
        chunkLast = r.row;
        batchBytes += (data?.length ?? 0) + (r.key?.length ?? 0) + 16;
      }
      if (chunkRows >= STAGE_ROWS || batchBytes >= STAGE_BYTES || Date.now() - lastWrite >= PROGRESS_MS) {
        await flush();
      }
    }
    if (!flushed && batch.length < SMALL_RUN_ROWS) {
      run.early = null;
      return { readable: true, held: batch };
    }
    await flush();
    await writing;
    await run.early?.settle();
    return { readable: true, held: null };
  } catch (error) {
    // A write or an early merge still in flight ends before the staged rows are discarded.
    await writing.catch(() => {});
    await run.early?.settle().catch(() => {});
    if (!(error instanceof FileRefused)) throw error;
    for (const issue of error.issues) run.issues.add(issue);
    // Nothing of a refused file is checked: a small one need not be staged at all.
    return { readable: false, held: flushed ? null : [] };
  } finally {
    file.stream.destroy();
  }
}

/**
 * Writes staged rows: with COPY (its own transaction, under the import's scope; on the embedded
 * database from a blob), and a first chunk of fewer than COPY_FROM_ROWS rows as one INSERT of a
 * JSON array.
 */
async function stage(run: Run, rows: Batch): Promise<void> {
  // A few rows (one advisory, a short register) go in as JSON: COPY's temporary table costs more
  // than it saves below that.
  if (rows.length >= COPY_FROM_ROWS) {
    const prefix = stagedPrefix(run);
    await stageText(run, copyLines(rows.map(([row, key, data]) => stagedLine(prefix, row, key, data))));
    return;
  }
  await tenant(run, (tx) => q.stageRows(tx, run.orgId, run.importId, batchJson(rows)));
}

/** The first columns of a staged row in COPY text: the organisation and the import. */
const stagedPrefix = (run: Run) => `${run.orgId}\t${run.importId}\t`;

/** A staged row as a line of COPY text: prefix, row number, key, data. */
const stagedLine = (prefix: string, row: number, key: string | null, data: string | null) =>
  `${prefix}${row}\t${copyField(key)}\t${copyJson(data)}\n`;

/** Writes staged rows already in COPY text (every chunk after a run's first). */
async function stageText(run: Run, text: Buffer[]): Promise<void> {
  await copyRows(
    run.ctx.db,
    scopeOf(run.job.actor, run.orgId),
    'import_rows',
    ['org_id', 'import_id', 'row_no', 'key', 'data'],
    text,
    {
      sql: q.HOLDS_RUN_SQL,
      values: [run.orgId, run.importId, run.runId],
      lost: () => new RunTakenOver(run.importId),
    },
  );
}

/** Rows as the JSON array stageRows takes. */
const batchJson = (rows: Batch): string =>
  `[${rows.map(([row, key, data]) => `{"row_no":${row},"key":${JSON.stringify(key)},"data":${data ?? 'null'}}`).join(',')}]`;

/** Checks across the staged rows: duplicate keys, then the definition's own checks. */
async function checkStaged(run: Run, def: ImportDefinition, step: Step): Promise<void> {
  const keyColumn = def.keyColumn;
  if (keyColumn !== undefined) {
    const dups = await step((tx) => q.duplicateKeys(tx, run.orgId, run.importId, ERROR_LIST_CAP));
    for (const d of dups.rows) {
      run.issues.add({
        row: d.row_no,
        column: keyColumn,
        code: 'imports.duplicate_key',
        params: { key: d.key, first: d.first },
      });
    }
    run.issues.count(dups.total - dups.rows.length);
  }
  if (def.check) {
    const check = def.check;
    const found = await step((tx) => check(tx, run.job, ERROR_LIST_CAP));
    for (const issue of found.issues) run.issues.add(issue);
    run.issues.count(found.total - found.issues.length);
  }
}

/** A file without errors and without a data row is refused as empty. */
function refuseEmpty(run: Run): void {
  if (run.issues.total === 0 && run.rows === 0)
    run.issues.add({ row: 1, column: null, code: 'imports.no_rows' });
}

/** Removes an import's staged rows, a bounded chunk per transaction. */
async function discardStaged(run: Run): Promise<void> {
  while ((await tenant(run, (tx) => q.deleteStaged(tx, run.orgId, run.importId, STAGE_ROWS))) >= STAGE_ROWS) {
    /* a full chunk: there may be more */
  }
}

/** Records the end of an import and its one audit entry, in the caller's transaction. */
async function finish(run: Run, tx: Tx, o: q.Outcome): Promise<void> {
  await q.finishImport(tx, run.orgId, run.importId, o);
  if (o.dropFile && run.fileId) await deleteStoredFile(tx, run.orgId, run.fileId);
  const { errorList: _list, dropFile: _drop, bytesRead: _bytes, processed: _processed, extra, ...counts } = o;
  await recordAudit(tx, run.ctx.anchors, {
    chain: run.orgId,
    actor: run.job.actor,
    action: `import.${run.kind}`,
    targetType: 'import',
    targetId: run.importId,
    after: { import_id: run.importId, ...counts, ...extra },
  });
}

const outcome = (
  run: Run,
  o: Pick<q.Outcome, 'status' | 'created' | 'updated' | 'unchanged' | 'errors' | 'errorList' | 'dropFile'>,
): q.Outcome => ({
  ...o,
  rows: run.rows,
  processed: run.rows,
  bytesRead: run.bytesRead,
  extra: run.job.extra,
});

const refused = (run: Run): q.Outcome =>
  outcome(run, {
    status: 'refused',
    created: 0,
    updated: 0,
    unchanged: 0,
    errors: run.issues.total,
    errorList: run.issues.list(),
    dropFile: true,
  });

/** Refuses the file: staged rows and the upload removed, nothing applied. */
async function refuse(run: Run, def?: ImportDefinition): Promise<void> {
  // What the early merges prepared goes too, and what an earlier run of the import (one that
  // started over after a crash) may have left.
  await run.early?.rollback();
  const discard = def?.discard;
  if (discard) await tenant(run, (tx) => discard(tx, run.job));
  await discardStaged(run);
  const o = refused(run);
  await durable(run, (tx) => finish(run, tx, o));
}

/** Merge slices that run at the same time on a server, for a definition whose slices are independent. */
const MERGE_AT_ONCE = 2;

const addCounts = (sum: ApplyCounts, counts: Partial<ApplyCounts>) => {
  sum.created += counts.created ?? 0;
  sum.updated += counts.updated ?? 0;
  sum.unchanged += counts.unchanged ?? 0;
};

/**
 * The definition's merge over the staged rows, slice by slice (each slice a step), the counts
 * summed. With `atOnce` above 1 (a server, a definition whose slices are independent) that many
 * slices run at the same time, each its own transaction and backend. After a failure no further
 * slice starts, the ones under way end, and the first error is thrown (the run's failure then
 * discards what the finished slices prepared).
 */
async function mergeSlices(run: Run, def: ImportDefinition, step: Step, atOnce = 1): Promise<ApplyCounts> {
  const merged = { created: 0, updated: 0, unchanged: 0 };
  // A run that merged early got here only with every staged chunk merged (a failure fails it).
  if (run.early) addCounts(merged, run.early.counts);
  const parts = [run.early ? undefined : def.mergeEarly, def.merge].filter((p) => p !== undefined);
  if (parts.length === 0) return merged;
  const merge = async (tx: Tx, job: ImportJob, slice: StagedSlice): Promise<ApplyCounts> => {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const part of parts) addCounts(counts, await part(tx, job, slice));
    return counts;
  };
  const ends = await step((tx) => q.sliceEnds(tx, run.orgId, run.importId, STAGE_ROWS));
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < ends.length) {
      const i = next++;
      const slice = { after: i === 0 ? 0 : (ends[i - 1] as number), upTo: ends[i] as number };
      try {
        addCounts(merged, await step((tx) => merge(tx, run.job, slice)));
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const done = await Promise.allSettled(Array.from({ length: atOnce }, worker));
  const rejected = done.find((d) => d.status === 'rejected');
  if (rejected) throw rejected.reason;
  return merged;
}

/** The switch: the definition's set-based apply, the import's status and counts, its audit entry. */
async function applyIn(run: Run, def: ImportDefinition, tx: Tx, merged: ApplyCounts): Promise<void> {
  const counts = await def.apply(tx, run.job, merged);
  await finish(
    run,
    tx,
    outcome(run, { status: 'succeeded', ...counts, errors: 0, errorList: [], dropFile: false }),
  );
}

/**
 * The definition's merge, slice by slice (each its own transaction), then the one step that makes
 * the result visible. The staged rows go afterwards, in chunks. Where the early merges ran in the
 * switch's transaction (earlyInSwitch), the merge slices and the switch run in it too, and its
 * commit makes all of it visible at once.
 */
async function apply(run: Run, def: ImportDefinition): Promise<void> {
  if (def.merge || def.mergeEarly) await setPhase(run, 'merging');
  const held = run.early?.held ?? null;
  if (held) {
    const merged = await mergeSlices(run, def, (fn) => held.run(fn));
    await setPhase(run, 'applying');
    await held.run((tx) => applyIn(run, def, tx, merged));
    await held.commit();
    return;
  }
  const atOnce = def.mergeSlicesAtOnce && run.ctx.db.kind === 'postgres' ? MERGE_AT_ONCE : 1;
  const merged = await mergeSlices(run, def, (fn) => tenant(run, fn), atOnce);
  await setPhase(run, 'applying');
  await durable(run, (tx) => applyIn(run, def, tx, merged));
}

/** Shows which step a large run is in (committed before the step starts). */
const setPhase = (run: Run, phase: string) =>
  tenant(run, (tx) =>
    q.setProgress(tx, run.orgId, run.importId, { ...progress(run, phase), rows: run.rows }),
  );

/**
 * A small file's run in one durable transaction: staged, checked, then merged and applied or
 * refused, its staged rows removed. The same steps as a large file's, without a commit between
 * them, so that nobody sees an intermediate state and a one-document import (an advisory from a
 * feed) costs one transaction instead of about ten. A failure rolls all of it back.
 */
async function runSmall(run: Run, def: ImportDefinition, readable: boolean, held: Batch): Promise<void> {
  await durable(run, async (tx) => {
    const within: Step = (fn) => fn(tx);
    if (readable) {
      if (held.length > 0) await q.stageRows(tx, run.orgId, run.importId, batchJson(held));
      await checkStaged(run, def, within);
    }
    refuseEmpty(run);
    const clean = run.issues.total === 0;
    const merged = clean ? await mergeSlices(run, def, within) : null;
    if (merged) await applyIn(run, def, tx, merged);
    else await finish(run, tx, refused(run));
    if (held.length > 0) await q.deleteStaged(tx, run.orgId, run.importId, held.length);
  });
}

async function fail(run: Run, def: ImportDefinition | undefined, code = 'imports.failed'): Promise<void> {
  await run.early?.rollback();
  const discard = def?.discard;
  if (discard) await tenant(run, (tx) => discard(tx, run.job));
  await discardStaged(run);
  const o = outcome(run, {
    status: 'failed',
    created: 0,
    updated: 0,
    unchanged: 0,
    errors: 1,
    errorList: [{ row: null, column: null, code }],
    dropFile: false,
  });
  await durable(run, (tx) => finish(run, tx, o));
}

export interface RunImportPayload {
  org_id: string;
  import_id: string;
}

/** A run of an import as the job runs it: as a job acting for the import's creator. */
function runOf(ctx: AppContext, orgId: string, importId: string, found: q.RunRow): Run {
  return {
    ctx,
    kind: found.kind,
    job: {
      ctx,
      importId,
      org: { id: orgId, slug: found.org_slug, kind: found.org_kind, name: found.org_name },
      actor: { kind: 'job', job: `import.${found.kind}`, orgId, onBehalfOf: found.created_by },
      options: found.options,
      rows: 0,
      extra: {},
      earlyInSwitch: false,
      stagedAsChunk: false,
    },
    orgId,
    importId,
    fileId: found.file_id,
    rows: 0,
    bytesRead: 0,
    issues: new IssueList(),
    early: null,
    runId: randomUUID(),
  };
}

/** The import to end by a recovery, while it is still queued or running (else undefined). */
async function unfinishedImport(ctx: AppContext, payload: RunImportPayload): Promise<q.RunRow | undefined> {
  const found = await withTenant(ctx.db.kysely, { orgIds: [payload.org_id] }, (tx) =>
    q.findImportToRun(tx, payload.org_id, payload.import_id),
  );
  return found && (found.status === 'queued' || found.status === 'running') ? found : undefined;
}

/**
 * Ends an import that a request ran (runImportNow) and left unfinished past its lease, because
 * the process died: the same end as a run that failed (the definition's discard, the staged rows
 * removed, status failed, one audit entry), with the error `code`. Nothing of it was applied: an
 * import applies in one transaction with its end. False when it was no longer stale (finished,
 * renewed, or taken by another worker).
 */
export async function failInterruptedImport(
  ctx: AppContext,
  payload: RunImportPayload,
  o: { leaseSeconds: number; code: string },
): Promise<boolean> {
  const found = await unfinishedImport(ctx, payload);
  if (!found) return false;
  const run = runOf(ctx, payload.org_id, payload.import_id, found);
  if (
    !(await claim(run, (tx) =>
      q.takeStaleInline(tx, payload.org_id, payload.import_id, o.leaseSeconds, run.runId),
    ))
  )
    return false;
  await fail(run, findImportDefinition(found.kind), o.code);
  return true;
}

/**
 * Ends an import whose job pg-boss gave up on: every try of it was cut off (the process that ran
 * it died, or the run outlived the job's time limit), so the job went to the dead letter queue
 * (imports.run.dead). The same end as a run that failed, with `imports.abandoned`, so that the
 * import no longer says queued or running for ever. False when it had ended already; an import
 * run inside a request is left to its lease (recoverInlineImports).
 */
export async function failAbandonedImport(ctx: AppContext, payload: RunImportPayload): Promise<boolean> {
  const found = await unfinishedImport(ctx, payload);
  if (!found || found.inline) return false;
  const run = runOf(ctx, payload.org_id, payload.import_id, found);
  if (!(await claim(run, (tx) => q.takeRun(tx, payload.org_id, payload.import_id, run.runId)))) return false;
  await fail(run, findImportDefinition(found.kind), 'imports.abandoned');
  return true;
}

/**
 * Whether `error` means that another run took the import over: this run then only undoes its own
 * switch's transaction (held open while the file is read) and leaves the rest to that run.
 */
async function takenOver(run: Run, error: unknown): Promise<boolean> {
  if (!(error instanceof RunTakenOver)) return false;
  await run.early?.rollback();
  run.ctx.log.warn(
    { importId: run.importId, kind: run.kind },
    'import taken over by another run: this run stops',
  );
  return true;
}

/**
 * The background job of every import: read and validate the whole file, stage, check, then apply
 * in one step, or refuse the file leaving nothing behind. Safe to run again after a crash: an
 * import still queued or running starts over; a finished one is left alone.
 */
export async function runImport(ctx: AppContext, payload: RunImportPayload): Promise<void> {
  const orgId = payload.org_id;
  const importId = payload.import_id;
  const found = await withTenant(ctx.db.kysely, { orgIds: [orgId] }, (tx) =>
    q.findImportToRun(tx, orgId, importId),
  );
  if (!found || (found.status !== 'queued' && found.status !== 'running')) return;
  const run = runOf(ctx, orgId, importId, found);
  if (!(await claim(run, (tx) => q.startRun(tx, orgId, importId, run.runId)))) return;
  const def = findImportDefinition(found.kind);
  try {
    if (!def) throw new Error(`no import definition for the kind ${found.kind}`);
    if (!found.file_id) throw new Error('the import has no stored file');
    // Only a run that starts over (its job retried) can find rows an earlier run staged.
    if (found.status === 'running') await discardStaged(run);
    const { readable, held } = await readAndStage(run, def, found.file_id);
    run.job.rows = run.rows;
    if (held) {
      await runSmall(run, def, readable, held);
      return;
    }
    // Fresh statistics matter for the checks and merges of a large file; a small one (one
    // advisory, a short register) is read through the import's own index whatever they say.
    if (run.rows >= ANALYZE_FROM_ROWS) await q.analyzeStaging(ctx.db.kysely);
    if (readable) {
      await setPhase(run, 'checking');
      await checkStaged(run, def, (fn) => tenant(run, fn));
    }
    refuseEmpty(run);
    if (run.issues.total > 0) {
      await refuse(run, def);
      return;
    }
    await apply(run, def);
  } catch (error) {
    if (await takenOver(run, error)) return;
    ctx.log.error({ err: error, importId, kind: found.kind }, 'import failed');
    await fail(run, def).catch(async (failure) => {
      if (!(await takenOver(run, failure))) throw failure;
    });
    return;
  }
  // Applied: the staged rows are no longer needed (a failure here leaves the result intact).
  await discardStaged(run).catch((error) => ctx.log.error({ err: error, importId }, 'staged rows remain'));
}
