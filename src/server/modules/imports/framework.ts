import { type RawBuilder, sql } from 'kysely';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { copyField, copyJson } from '../../db/copy.js';
import type { Tx } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import type { MessageParams } from '../../lib/messages.js';

/**
 * The contract between the import framework and the registers and scanners that use it
 * (docs/imports.md). A definition says which files it reads, who may start it, how to read the
 * file into keyed records (validating every row), and how to apply the staged records in one
 * transaction. The framework does the rest: storing the upload, the job, staging in bounded
 * chunks, duplicate keys, progress, refusal, the audit entry and the one summary.
 */
export interface ImportDefinition {
  /** The `{kind}` of `POST /api/v1/orgs/{org}/imports/{kind}` and of `vaern import <kind>`. */
  kind: string;
  /** One line for people: what the import brings in. */
  title: string;
  /** Media types (without parameters) the reader understands. */
  accepts: readonly string[];
  /** Options from the upload's query string (besides `name`); a strict object. Default: none. */
  options?: z.ZodType<Record<string, unknown>>;
  /** The column that holds a row's key, named in duplicate-key errors; undefined when rows have no key. */
  keyColumn?: string;
  /** Who may start this import in the organisation (the operator passes every role check). */
  mayStart(actor: Actor, org: OrgRef): boolean;
  /**
   * Reads the stored file and yields one item per data row, validated, in file order. A problem
   * with a row or cell goes into the row's `issues`; a problem with the file as a whole (encoding,
   * header) is thrown as FileRefused. Must read with bounded memory: the file may be large.
   */
  read(input: ReadInput): AsyncIterable<ReadRow>;
  /**
   * Checks across the staged rows and against the database (references to other registers), set
   * based. Returns at most `limit` issues, ordered by row, and how many there are in all.
   */
  check?(tx: Tx, job: ImportJob, limit: number): Promise<{ issues: ImportIssue[]; total: number }>;
  /**
   * Optional work before the switch, done in bounded slices of the staged rows (at most 5,000
   * each), each slice its own short transaction, so that on the embedded database other requests
   * are served in between: work whose result the organisation does not see until `apply` runs
   * (e.g. the users register creates the people, who belong to no organisation yet). Returns
   * counts, summed over the slices and handed to `apply`. Set-based SQL over
   * `stagedRows(job, …, slice)`. The slices are laid out before the first runs: a slice may set
   * aside (delete, or clear the data of) its own staged rows, never another's. Should a later
   * step fail, what merge did stays: keep it to work that is harmless on its own and that a new
   * run of the same file takes as already done.
   */
  merge?(tx: Tx, job: ImportJob, slice: StagedSlice): Promise<Partial<ApplyCounts>>;
  /**
   * The merge slices are independent of one another (disjoint rows, no shared keys: e.g. a
   * register whose keys the checks made unique), so on a server two may run at the same time,
   * each in its own transaction and backend: the database's inserts use both cores. Leave unset
   * when two slices could write the same row (they would wait for each other, or deadlock).
   */
  mergeSlicesAtOnce?: boolean;
  /**
   * Optional: the part of a slice's merge that may run before the checks, while the file is still
   * read. It must write only what nobody sees before the switch and `discard` removes, and
   * running it again over the same rows must change nothing (e.g. insert the slice's new records
   * hidden, ON CONFLICT DO NOTHING); it must not set staged rows aside, which the checks still
   * read. On a server it runs for each staged chunk on a connection of its own, in order and one
   * chunk at a time (two with `mergeSlicesAtOnce`), beside the reading (which has the other core
   * mostly to itself); a failure fails the import. Where it does not run early (the embedded database, a small file) it runs before
   * `merge` in each merge slice instead. Its counts are added to the merge's.
   */
  mergeEarly?(tx: Tx, job: ImportJob, slice: StagedSlice): Promise<Partial<ApplyCounts>>;
  /**
   * On a server, the part of a slice's merge that runs in the switch's own transaction, while the
   * file is still read: opened for the first staged chunk and held open, it runs this for each
   * chunk once the chunk's mergeEarly committed, in order (the next chunk's mergeEarly runs
   * meanwhile on another connection), then `merge` and `apply`, and commits with them. What it
   * writes may be final (e.g. the organisation's records themselves): nobody sees it before the
   * commit, and a refused or failed import rolls it back. `job.earlyInSwitch` tells mergeEarly and
   * apply which way the run goes; where it is false (the embedded database, a small file) this
   * never runs, and apply does all of it.
   */
  switchEarly?(tx: Tx, job: ImportJob, slice: StagedSlice): Promise<void>;
  /**
   * The columns of the tuple the reader stages (an array per row) and their types, in order.
   * With mergeEarly on a server and no keyColumn, each staged chunk is copied with these types
   * straight into a temporary table of its early merge's transaction (stagedChunk) instead of
   * import_rows, and `job.stagedAsChunk` is true: no JSON is written, stored or parsed for it.
   * mergeEarly reads the chunk through stagedChunk(), which falls back to the staged tuples
   * where the rows went into import_rows (the embedded database, a small file). Only for a kind
   * whose checks do not read the staged rows.
   */
  stagedTypes?: Record<string, StagedType>;
  /**
   * Applies every staged row in the one transaction that also marks the import succeeded and
   * records its audit entry, so the result becomes visible at once or not at all: the atomic
   * switch. Keep it to what must be atomic. Use set-based SQL over `stagedRows(job, …)`; never
   * row by row. `merged` holds the counts the merge slices returned.
   */
  apply(tx: Tx, job: ImportJob, merged: ApplyCounts): Promise<ApplyCounts>;
  /**
   * Removes what the merge slices prepared but the switch never published, when an import fails
   * after merging (rows kept invisible until the switch, e.g. pending memberships).
   */
  discard?(tx: Tx, job: ImportJob): Promise<void>;
}

/** Staged rows with `after < row_no <= upTo`. */
export interface StagedSlice {
  after: number;
  upTo: number;
}

/** One problem: where (row 1 is the header line, so the first data row is 2) and what. */
export interface ImportIssue {
  row: number | null;
  column: string | null;
  /** A message key (registered with addMessages) and its parameters, shown in the reader's language. */
  code: string;
  params?: MessageParams;
}

/** A data row as a reader yields it. */
export interface ReadRow {
  /** 1 is the header line; for formats without one, the line the record starts on. */
  row: number;
  /** The row's key within the file (a second row with the same key is refused); null: none. */
  key: string | null;
  /**
   * The validated record to stage (plain JSON); null when the row has issues. An array stages the
   * values by position, read back with `stagedTuples` (no names repeated in every staged row).
   */
  data: Record<string, unknown> | unknown[] | null;
  issues: ImportIssue[];
}

export interface ReadInput {
  job: ImportJob;
  /** The stored file, chunk by chunk. */
  bytes: AsyncIterable<Buffer>;
  contentType: string;
  fileName: string;
}

/** What the hooks of a definition know about the import they serve. */
export interface ImportJob {
  ctx: AppContext;
  importId: string;
  org: OrgRef;
  /** The background job, acting for whoever started the import; its scope is the organisation. */
  actor: Actor;
  options: Record<string, unknown>;
  /** Data rows in the file: known once it is read (0 before), so in check, merge and apply. */
  rows: number;
  /**
   * Keys of the register's or scanner's own that the summary carries besides the common ones
   * (e.g. `hosts`, `closed`); saved with the progress and the result. Values must be JSON.
   */
  extra: Record<string, unknown>;
  /** The early merges are followed by switchEarly in the switch's transaction. */
  earlyInSwitch: boolean;
  /** Each staged chunk is in its early merge's temporary table, not import_rows (stagedTypes). */
  stagedAsChunk: boolean;
}

export interface ApplyCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** The file cannot be read on: the import is refused with these issues. */
export class FileRefused extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(issues.map((i) => i.code).join(', '));
  }
}

/** SQL types a staged JSON value can be read back as. */
export type StagedType =
  | 'text'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'boolean'
  | 'date'
  | 'timestamptz'
  | 'jsonb';

/** The names of staged columns, each checked to be a plain identifier (they become SQL). */
function columnNames(columns: Record<string, StagedType>): string[] {
  const names = Object.keys(columns);
  for (const name of names) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad column name ${name}`);
  return names;
}

/** The import's staged rows with data (`r`), those of the slice only when one is given. */
const stagedWhere = (job: ImportJob, slice?: StagedSlice) =>
  sql`where r.org_id = ${job.org.id} and r.import_id = ${job.importId} and r.data is not null
    ${slice ? sql`and r.row_no > ${slice.after} and r.row_no <= ${slice.upTo}` : sql``}`;

/**
 * The select list of staged tuples (`alias.data`, a JSON array) as typed columns: each of
 * `columns` read from its position in `order` (by default the columns' own order).
 */
export function tupleValues(
  columns: Record<string, StagedType>,
  order: readonly string[] = Object.keys(columns),
  alias = 'r',
): RawBuilder<unknown> {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`bad alias ${alias}`);
  const values = columnNames(columns).map((n) => {
    const i = order.indexOf(n);
    if (i < 0) throw new Error(`staged column ${n} is not in the tuple`);
    const type = columns[n];
    if (type === 'text') return `${alias}.data ->> ${i} as ${n}`;
    if (type === 'jsonb') return `nullif(${alias}.data -> ${i}, 'null'::jsonb) as ${n}`;
    return `(${alias}.data ->> ${i})::${type} as ${n}`;
  });
  return sql.raw(values.join(', '));
}

/**
 * The staged rows of a definition whose reader stages each row as a JSON array, the values in
 * `order` (by default `columns`' own order), as a table expression `(row_no, <columns>)` like
 * stagedRows. For a record of many short fields the names are much of an object's bytes; a tuple
 * repeats none of them, so there is less to write, parse and store. Scan items and the rows of
 * every table register (tabular.ts) stage this way.
 */
export function stagedTuples(
  job: ImportJob,
  columns: Record<string, StagedType>,
  slice?: StagedSlice,
  order?: readonly string[],
): RawBuilder<unknown> {
  return sql`(select r.row_no, ${tupleValues(columns, order)} from import_rows r ${stagedWhere(job, slice)})`;
}

/** The temporary table of an early merge's transaction that holds its staged chunk (stagedTypes). */
const STAGED_CHUNK = 'vaern_staged_chunk';

/** The DDL of STAGED_CHUNK: `row_no`, then `columns` with their types (dropped at commit). */
export const stagedChunkTable = (columns: Record<string, StagedType>): string =>
  `create temporary table ${STAGED_CHUNK} (row_no integer, ${columnNames(columns)
    .map((n) => `${n} ${columns[n]}`)
    .join(', ')}) on commit drop`;

/** The COPY that fills STAGED_CHUNK (`row_no`, then `columns`, as copyTuple writes them). */
export const stagedChunkCopy = (columns: Record<string, StagedType>): string =>
  `copy ${STAGED_CHUNK} (row_no, ${columnNames(columns).join(', ')}) from stdin`;

/**
 * A staged row as a line of COPY text for STAGED_CHUNK: its number, then each value of the tuple
 * as its text, which PostgreSQL reads in the column's type exactly as it reads the staged JSON's
 * text (`data ->> i`): a number that is not finite, like null, is stored as null; JSON values as
 * JSON text.
 */
export function copyTuple(row: number, data: readonly unknown[], types: readonly StagedType[]): string {
  let line = String(row);
  for (let i = 0; i < types.length; i++) {
    const v = data[i];
    line += '\t';
    if (v === null || v === undefined) line += '\\N';
    else if (types[i] === 'jsonb') line += copyJson(JSON.stringify(v));
    else if (typeof v === 'number') line += Number.isFinite(v) ? String(v) : '\\N';
    else line += copyField(String(v));
  }
  return `${line}\n`;
}

/**
 * The chunk a merge works on as a table expression `(row_no, <columns>)`: the typed chunk of its
 * transaction where the run stages that way (job.stagedAsChunk), else the slice's staged tuples.
 */
export function stagedChunk(
  job: ImportJob,
  columns: Record<string, StagedType>,
  slice: StagedSlice,
): RawBuilder<unknown> {
  if (!job.stagedAsChunk) return stagedTuples(job, columns, slice);
  return sql`(select row_no, ${sql.raw(columnNames(columns).join(', '))} from ${sql.raw(STAGED_CHUNK)})`;
}

/**
 * The temporary table that holds the merge slice's chunk (`row_no` and the stagedTypes columns,
 * for the transaction of mergeEarly), where the chunk was copied into one (job.stagedAsChunk);
 * null where it was staged as tuples (read them through stagedChunk).
 */
export const stagedChunkTableName = (job: ImportJob): string | null =>
  job.stagedAsChunk ? STAGED_CHUNK : null;

/**
 * The staged rows of an import as a table expression `(row_no, <columns>)`, for a definition's
 * check, merge and apply: `select … from ${stagedRows(job, { email: 'text' })} s`. Only valid
 * rows; with a slice, only those of the slice.
 */
export function stagedRows(
  job: ImportJob,
  columns: Record<string, StagedType>,
  slice?: StagedSlice,
): RawBuilder<unknown> {
  const defs = columnNames(columns)
    .map((n) => `${n} ${columns[n]}`)
    .join(', ');
  return sql`(select r.row_no, d.* from import_rows r
               cross join lateral jsonb_to_record(r.data) as d(${sql.raw(defs)}) ${stagedWhere(job, slice)})`;
}
