import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Tx } from '../../db/tenant.js';
import type { ImportIssue } from './framework.js';

/** All SQL of the import framework (imports, import_rows). Every function runs inside withTenant. */

export interface ImportRow {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'refused' | 'failed';
  phase: string | null;
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  error_list: ImportIssue[];
  extra: Record<string, unknown>;
  bytes_read: number;
  bytes_total: number;
  file_name: string | null;
  created_at: Date;
  /** created_at with its full precision, for the list's cursor. */
  created_key: string;
  finished_at: Date | null;
}

const columns = sql`i.id, i.kind, i.status, i.phase, i.rows, i.processed, i.created, i.updated, i.unchanged,
  i.errors, i.error_list, i.extra, i.bytes_read, i.bytes_total, i.file_name, i.created_at,
  i.created_at::text as created_key, i.finished_at`;

export async function insertImport(
  tx: Tx,
  v: {
    orgId: string;
    kind: string;
    fileId: string;
    fileName: string;
    options: unknown;
    createdBy: unknown;
    bytesTotal: number;
    /** An import run inside a request (runImportNow): the seconds of its first lease. */
    inlineLeaseSeconds?: number;
  },
): Promise<string> {
  const lease =
    v.inlineLeaseSeconds === undefined
      ? sql`null`
      : sql`now() + make_interval(secs => ${v.inlineLeaseSeconds})`;
  const r = await sql<{ id: string }>`
    insert into imports (org_id, kind, file_id, file_name, options, status, phase, created_by, bytes_total,
                         inline_lease_until)
    values (${v.orgId}, ${v.kind}, ${v.fileId}, ${v.fileName}, ${JSON.stringify(v.options)}::jsonb, 'queued',
            'queued', ${JSON.stringify(v.createdBy)}::jsonb, ${v.bytesTotal}, ${lease})
    returning id`.execute(tx.q);
  const id = r.rows[0]?.id;
  if (!id) throw new Error('import not inserted');
  return id;
}

/** Extends the lease of an import a request is still running, while it is unfinished. */
export async function renewInlineLease(
  tx: Tx,
  orgId: string,
  id: string,
  leaseSeconds: number,
): Promise<void> {
  await sql`
    update imports set inline_lease_until = now() + make_interval(secs => ${leaseSeconds})
    where org_id = ${orgId} and id = ${id} and inline_lease_until is not null and status in ('queued', 'running')`.execute(
    tx.q,
  );
}

/**
 * Imports a request ran and left unfinished past their lease (operator scope): the process that
 * ran them died. Oldest lease first, at most `limit`.
 */
export async function staleInlineImports(
  tx: Tx,
  limit: number,
): Promise<Array<{ org_id: string; id: string }>> {
  const r = await sql<{ org_id: string; id: string }>`
    select org_id, id from imports
    where inline_lease_until is not null and status in ('queued', 'running') and inline_lease_until < now()
    order by inline_lease_until
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

/**
 * Takes over a stale inline import for its recovery: moves its lease on, so that no other worker
 * recovers it at the same time. False when it finished or another worker took it meanwhile.
 */
export async function takeStaleInline(
  tx: Tx,
  orgId: string,
  id: string,
  leaseSeconds: number,
  runId: string,
): Promise<boolean> {
  const r = await sql`
    update imports set inline_lease_until = now() + make_interval(secs => ${leaseSeconds}), run_id = ${runId}
    where org_id = ${orgId} and id = ${id} and inline_lease_until is not null
      and status in ('queued', 'running') and inline_lease_until < now()`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0n) === 1;
}

/**
 * Only for an import whose job could not be queued: nothing was staged for it yet, but its staged
 * rows go with it all the same (the work tables hold no key to imports, migration 0048).
 */
export async function deleteImport(tx: Tx, orgId: string, id: string): Promise<void> {
  await sql`delete from import_rows where org_id = ${orgId} and import_id = ${id}`.execute(tx.q);
  await sql`delete from imports where org_id = ${orgId} and id = ${id}`.execute(tx.q);
}

export async function findImport(tx: Tx, orgId: string, id: string): Promise<ImportRow | undefined> {
  const r = await sql<ImportRow>`
    select ${columns} from imports i where i.org_id = ${orgId} and i.id = ${id}`.execute(tx.q);
  return r.rows[0];
}

/** Newest first; `after` is the last item's [created_at, id]. */
export async function listImports(
  tx: Tx,
  orgId: string,
  limit: number,
  after: [string, string] | undefined,
): Promise<ImportRow[]> {
  const r = await sql<ImportRow>`
    select ${columns} from imports i
    where i.org_id = ${orgId}
      ${after ? sql`and (i.created_at, i.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by i.created_at desc, i.id desc
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

export interface RunRow {
  id: string;
  kind: string;
  status: ImportRow['status'];
  options: Record<string, unknown>;
  created_by: { type: 'user' | 'token' | 'operator' | 'job' | 'anonymous'; id?: string; name?: string };
  file_id: string | null;
  org_slug: string;
  org_kind: string;
  org_name: string;
  /** Run inside a request (runImportNow), under a lease: not by a job. */
  inline: boolean;
}

/** What a job needs to run an import: the import, its organisation and its file. */
export async function findImportToRun(tx: Tx, orgId: string, id: string): Promise<RunRow | undefined> {
  const r = await sql<RunRow>`
    select i.id, i.kind, i.status, i.options, i.created_by, i.file_id,
           o.slug as org_slug, o.kind as org_kind, o.name as org_name,
           i.inline_lease_until is not null as inline
    from imports i join organisations o on o.id = i.org_id
    where i.org_id = ${orgId} and i.id = ${id}`.execute(tx.q);
  return r.rows[0];
}

/** Starts (or, after a crash, restarts) an import from the beginning. */
/** Starts a run of the import, which becomes the run's (`runId`, migration 0056). */
export async function startRun(tx: Tx, orgId: string, id: string, runId: string): Promise<boolean> {
  const r = await sql`
    update imports set status = 'running', phase = 'reading', rows = 0, processed = 0, created = 0,
      updated = 0, unchanged = 0, errors = 0, error_list = '[]', extra = '{}', bytes_read = 0,
      run_id = ${runId}
    where org_id = ${orgId} and id = ${id} and status in ('queued', 'running')`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0n) === 1;
}

/** Takes an unfinished import for a recovery's run (`runId`): a run cut off stops writing for it. */
export async function takeRun(tx: Tx, orgId: string, id: string, runId: string): Promise<boolean> {
  const r = await sql`
    update imports set run_id = ${runId}
    where org_id = ${orgId} and id = ${id} and status in ('queued', 'running')`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0n) === 1;
}

/**
 * Whether the import is still the run's, locked so until the transaction ends (FOR KEY SHARE: a
 * takeover waits for it, progress updates do not; migration 0056).
 */
export const HOLDS_RUN_SQL = `select 1 from imports where org_id = $1 and id = $2 and run_id = $3 for key share`;

export async function holdsRun(tx: Tx, orgId: string, id: string, runId: string): Promise<boolean> {
  const r = await tx.q.executeQuery(CompiledQuery.raw(HOLDS_RUN_SQL, [orgId, id, runId]));
  return r.rows.length === 1;
}

export interface Progress {
  phase: string;
  processed: number;
  bytesRead: number;
  rows?: number;
  extra: Record<string, unknown>;
}

export async function setProgress(tx: Tx, orgId: string, id: string, p: Progress): Promise<void> {
  await sql`
    update imports set phase = ${p.phase}, processed = ${p.processed}, bytes_read = ${p.bytesRead},
      rows = ${p.rows ?? 0}, extra = ${JSON.stringify(p.extra)}::jsonb
    where org_id = ${orgId} and id = ${id}`.execute(tx.q);
}

/** Stages a chunk of rows, given as one JSON array of {row_no, key, data}. */
export async function stageRows(tx: Tx, orgId: string, importId: string, json: string): Promise<void> {
  await sql`
    insert into import_rows (org_id, import_id, row_no, key, data)
    select ${orgId}, ${importId}, r.row_no, r.key, r.data
    from jsonb_to_recordset(${json}::jsonb) as r(row_no integer, key text, data jsonb)`.execute(tx.q);
}

/**
 * Refreshes the planner's statistics of the staging table once an import's rows are staged, so
 * that the checks and applies that join them plan for their real number rather than for an empty
 * table (the embedded database has no autovacuum; a server's may not have run yet). ANALYZE needs
 * the table's owner, the login, so this one statement runs outside withTenant; it returns no row.
 */
export async function analyzeStaging(kysely: Kysely<DB>): Promise<void> {
  // The columns the staged rows are found and joined by. Sampling the JSON as well took about
  // twice as long (0.25 s instead of 0.15 s at 50,000 rows of 1 kB); the plans only test it for
  // null, whose default estimate (almost every row has data) holds.
  await sql`analyze import_rows (org_id, import_id, row_no, key)`.execute(kysely);
}

/** Rows whose key an earlier row of the file already has: the first `limit`, and how many in all. */
export async function duplicateKeys(
  tx: Tx,
  orgId: string,
  importId: string,
  limit: number,
): Promise<{ rows: Array<{ row_no: number; key: string; first: number }>; total: number }> {
  const dups = sql`
    select row_no, key, first from (
      select row_no, key, min(row_no) over (partition by key) as first
      from import_rows where org_id = ${orgId} and import_id = ${importId} and key is not null
    ) k where row_no <> first`;
  const listed = await sql<{ row_no: number; key: string; first: number }>`
    ${dups} order by row_no limit ${limit}`.execute(tx.q);
  const total = await sql<{ n: number }>`select count(*)::int as n from (${dups}) d`.execute(tx.q);
  return { rows: listed.rows, total: total.rows[0]?.n ?? 0 };
}

/**
 * The ends of the slices of at most `size` staged rows (with data), in order: the row number of
 * every `size`-th such row and of the last one. The slice after `ends[i - 1]` (or 0) ends at `ends[i]`.
 */
export async function sliceEnds(tx: Tx, orgId: string, importId: string, size: number): Promise<number[]> {
  const r = await sql<{ up_to: number }>`
    select row_no as up_to from (
      select row_no, row_number() over (order by row_no) as n, count(*) over () as total from import_rows
      where org_id = ${orgId} and import_id = ${importId} and data is not null) s
    where n % ${size} = 0 or n = total order by row_no`.execute(tx.q);
  return r.rows.map((row) => row.up_to);
}

/**
 * Deletes up to `limit` staged rows of an import (its first ones by row number); returns how many
 * it deleted. The bound is computed once (an init plan) and the rows are then one range of the
 * primary key: written as `row_no in (… limit n)`, PostgreSQL may rescan the sub-query for every
 * row when its estimate says one row (an import too small to analyse the staging table for):
 * 100 ms for 324 rows, quadratic beyond.
 */
export async function deleteStaged(tx: Tx, orgId: string, importId: string, limit: number): Promise<number> {
  const r = await sql`
    delete from import_rows where org_id = ${orgId} and import_id = ${importId} and row_no <= (
      select max(row_no) from (
        select row_no from import_rows where org_id = ${orgId} and import_id = ${importId}
        order by row_no limit ${limit}) first_rows)`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0n);
}

export interface Outcome {
  status: 'succeeded' | 'refused' | 'failed';
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  errorList: ImportIssue[];
  extra: Record<string, unknown>;
  bytesRead: number;
  /** Let go of the stored file (it is deleted next). */
  dropFile: boolean;
}

/**
 * Writes the outcome of a queued or running import. An import something else finished meanwhile
 * (the recovery of an inline import whose lease ran out) is not overwritten: this throws, and the
 * caller's transaction (the switch with it) rolls back.
 */
export async function finishImport(tx: Tx, orgId: string, id: string, o: Outcome): Promise<void> {
  const r = await sql`
    update imports set status = ${o.status}, phase = 'finished', rows = ${o.rows}, processed = ${o.processed},
      created = ${o.created}, updated = ${o.updated}, unchanged = ${o.unchanged}, errors = ${o.errors},
      error_list = ${JSON.stringify(o.errorList)}::jsonb, extra = ${JSON.stringify(o.extra)}::jsonb,
      bytes_read = ${o.bytesRead}, finished_at = now()
      ${o.dropFile ? sql`, file_id = null` : sql``}
    where org_id = ${orgId} and id = ${id} and status in ('queued', 'running')`.execute(tx.q);
  if (Number(r.numAffectedRows ?? 0n) !== 1) throw new Error(`import ${id} was already finished`);
}
