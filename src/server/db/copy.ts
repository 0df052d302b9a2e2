import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Database } from './client.js';
import type { DB } from './schema.js';
import {
  type Scope,
  TENANT_SETTINGS_SQL,
  type TenantOptions,
  type Tx,
  tenantSettings,
  withTenant,
} from './tenant.js';

/**
 * Bulk rows in PostgreSQL's COPY text format. PostgreSQL refuses COPY FROM into a table under
 * row-level security, so the rows go into a temporary table of the same columns (private to the
 * session, dropped at commit) and from there into `table` with one INSERT, in one transaction with
 * exactly withTenant's context (the scope's settings, `SET LOCAL ROLE vaern_app`): row-level
 * security checks every row as for any INSERT. `data` holds whole lines, the values in `columns`'
 * order (copyField each), in one buffer or several (CopyText). Kysely has no COPY, hence a raw
 * session: on a server a pooled client with a COPY stream; on the embedded database (PGlite) COPY
 * reads the lines as a blob (`FROM '/dev/blob'`), see copyRowsEmbedded. Committed without waiting
 * for the disk (staging: see TenantOptions.asyncCommit).
 */
/**
 * A query that must return a row, run in copyRows' transaction before the rows go in (e.g. a lock
 * that proves the caller may still write them); `lost` is thrown when it returns none.
 */
export interface CopyHold {
  sql: string;
  values: unknown[];
  lost: () => Error;
}

export async function copyRows(
  db: Database,
  scope: Scope,
  table: string,
  columns: readonly string[],
  data: Buffer | readonly Buffer[],
  hold?: CopyHold,
): Promise<void> {
  for (const name of [table, ...columns])
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  const list = columns.join(', ');
  const parts = Buffer.isBuffer(data) ? [data] : data;
  if (db.kind === 'pglite') return copyRowsEmbedded(db, scope, table, list, parts, hold);
  const pool = db.pool;
  if (!pool) throw new Error('COPY needs a PostgreSQL server');
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(TENANT_SETTINGS_SQL, tenantSettings(scope));
    if (hold && (await client.query(hold.sql, hold.values)).rows.length === 0) throw hold.lost();
    await client.query(copyTableSql(table, list));
    await pipeline(Readable.from(parts), client.query(copyFrom(`copy vaern_copy (${list}) from stdin`)));
    await client.query(insertFromCopySql(table, list));
    await client.query("select set_config('synchronous_commit', 'off', true)");
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A query builder over one pooled client, so that a transaction can also COPY on the connection
 * its statements run on (Kysely has no COPY). Releasing it to Kysely does nothing; whoever took
 * the client from the pool gives it back.
 */
function kyselyOn(client: pg.PoolClient): Kysely<DB> {
  return new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: {
        options: {},
        // The client's own query (bound: pg keeps its state on the client); release does nothing.
        connect: async () =>
          ({ query: client.query.bind(client), release: () => {} }) as unknown as pg.PoolClient,
        end: async () => {},
      },
    }),
  });
}

/** Streams COPY text into the transaction's session (`copy <table> (…) from stdin`). */
export type CopyInto = (copySql: string, data: readonly Buffer[]) => Promise<void>;

/**
 * withTenant on a server, on a pooled client of its own, with `copy` for COPY on the same
 * connection inside the transaction (into a temporary table: COPY is refused under row-level
 * security). `copySql` must be built from validated identifiers only: COPY takes no parameters.
 */
export async function withTenantCopy<T>(
  db: Database,
  scope: Scope,
  fn: (tx: Tx, copy: CopyInto) => Promise<T>,
  options: TenantOptions = {},
): Promise<T> {
  const pool = db.pool;
  if (!pool) throw new Error('COPY needs a PostgreSQL server');
  const client = await pool.connect();
  try {
    const copy: CopyInto = async (copySql, data) => {
      await pipeline(Readable.from(data), client.query(copyFrom(copySql)));
    };
    return await withTenant(kyselyOn(client), scope, (tx) => fn(tx, copy), options);
  } finally {
    client.release();
  }
}

/** The temporary table copyRows fills: `table`'s columns, no rows, dropped at commit. */
const copyTableSql = (table: string, list: string) =>
  `create temporary table vaern_copy on commit drop as select ${list} from ${table} with no data`;

/** copyRows' one INSERT from the temporary table, under row-level security. */
const insertFromCopySql = (table: string, list: string) =>
  `insert into ${table} (${list}) select ${list} from vaern_copy`;

/**
 * copyRows on the embedded database. PGlite reads COPY data only from a blob given with the query
 * (`COPY … FROM '/dev/blob'`), and reading a "file" needs pg_read_server_files, which vaern_app must
 * not have: the temporary table is filled as the session's own user (the embedded database's
 * owner) before the transaction takes vaern_app's role and scope, and only vaern_app's INSERT,
 * under row-level security, moves the rows into `table`. The session is held through Kysely's
 * connection (the serialised driver: nobody else's query runs in between); the transaction is
 * PGlite's own, because the blob goes with one query.
 */
async function copyRowsEmbedded(
  db: Database,
  scope: Scope,
  table: string,
  list: string,
  parts: readonly Buffer[],
  hold: CopyHold | undefined,
): Promise<void> {
  const pglite = db.pglite;
  if (!pglite) throw new Error('the embedded database is not open');
  await db.kysely.connection().execute(() =>
    pglite.transaction(async (tx) => {
      await tx.query(copyTableSql(table, list));
      await tx.query(`copy vaern_copy (${list}) from '/dev/blob'`, [], { blob: new Blob([...parts]) });
      await tx.query('grant select on vaern_copy to vaern_app');
      await tx.query(TENANT_SETTINGS_SQL, tenantSettings(scope));
      if (hold && (await tx.query(hold.sql, hold.values)).rows.length === 0) throw hold.lost();
      await tx.query(insertFromCopySql(table, list));
      await tx.query("select set_config('synchronous_commit', 'off', true)");
    }),
  );
}

/** Bytes of a buffer of CopyText: UTF-8 takes at most three bytes per UTF-16 unit. */
const LINES_BUFFER_BYTES = 1024 * 1024;

/**
 * COPY text written straight into UTF-8 buffers of about 1 MiB as it arrives. A line written
 * here is no longer held as a JavaScript string: thousands of staged rows kept as strings until
 * their chunk is written would live through several young-generation collections and be copied
 * and promoted each time.
 */
export class CopyText {
  #out: Buffer[] = [];
  #buf = Buffer.allocUnsafe(0);
  #at = 0;

  /** Appends text that is already COPY text (copyField, copyJson). */
  write(text: string): void {
    if (this.#buf.length - this.#at < text.length * 3) {
      if (this.#at > 0) this.#out.push(this.#buf.subarray(0, this.#at));
      this.#buf = Buffer.allocUnsafe(Math.max(LINES_BUFFER_BYTES, text.length * 3));
      this.#at = 0;
    }
    this.#at += this.#buf.write(text, this.#at, 'utf8');
  }

  /** The buffers written so far, in order; the writer is empty again. */
  take(): Buffer[] {
    if (this.#at > 0) this.#out.push(this.#buf.subarray(0, this.#at));
    const out = this.#out;
    this.#out = [];
    this.#buf = Buffer.allocUnsafe(0);
    this.#at = 0;
    return out;
  }
}

/**
 * Lines of COPY text as UTF-8 in buffers of about 1 MiB: no joined string of all lines first (for
 * 5,000 staged rows of a register about a third of the time and a copy of every byte fewer than
 * `Buffer.from(lines.join(''))`).
 */
export function copyLines(lines: readonly string[]): Buffer[] {
  const text = new CopyText();
  for (const line of lines) text.write(line);
  return text.take();
}

/** A value in COPY's text format: `\N` for null; backslash, tab, line feed and carriage return escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/**
 * JSON text (JSON.stringify's) as a value in COPY's text format: JSON never holds a raw tab, line
 * feed or carriage return (every control character is escaped), so only its backslashes need
 * COPY's escape, without copyField's callback per match.
 */
export function copyJson(json: string | null): string {
  return json === null ? '\\N' : json.replaceAll('\\', '\\\\');
}

/** The signature that opens PostgreSQL's binary COPY format. */
const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The values of a one-column query in PostgreSQL's binary COPY format (`COPY (…) TO STDOUT
 * (FORMAT binary)`): each field's raw bytes, null as null. Throws on anything else.
 */
export function binaryCopyValues(data: Buffer): (Buffer | null)[] {
  if (data.length < 19 || !data.subarray(0, 11).equals(BINARY_SIGNATURE))
    throw new Error('not a binary COPY stream');
  let at = 15 + 4 + data.readUInt32BE(15);
  const values: (Buffer | null)[] = [];
  for (;;) {
    const fields = data.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    if (fields !== 1) throw new Error(`binary COPY: ${fields} fields, expected 1`);
    const length = data.readInt32BE(at);
    at += 4;
    if (length === -1) {
      values.push(null);
      continue;
    }
    if (at + length > data.length) throw new Error('binary COPY: a field runs past the end');
    values.push(data.subarray(at, at + length));
    at += length;
  }
  return values;
}

/**
 * The bytes of a one-column bytea query on a server, received as they are stored: COPY in its
 * binary format, in one transaction with exactly withTenant's context (so row-level security
 * applies to the query). A SELECT hands bytea to node-postgres as text (hex, or base64 through
 * encode()), which the process must then receive as a string and decode: for a 100 MiB file about
 * 0.8 s of CPU that this path does not spend. COPY takes no parameters: `query` must be built
 * from validated values only.
 */
export async function copyOutBytes(db: Database, scope: Scope, query: string): Promise<(Buffer | null)[]> {
  if (db.kind === 'pglite') return copyOutBytesEmbedded(db, scope, query);
  const pool = db.pool;
  if (!pool) throw new Error('COPY needs a PostgreSQL server');
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(TENANT_SETTINGS_SQL, tenantSettings(scope));
    const parts: Buffer[] = [];
    const out = client.query(copyTo(`copy (${query}) to stdout (format binary)`));
    for await (const part of out) parts.push(part as Buffer);
    await client.query('commit');
    return binaryCopyValues(Buffer.concat(parts));
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * copyOutBytes on the embedded database. PGlite writes COPY data only to a blob (`COPY … TO
 * '/dev/blob'`), and writing a "file" needs pg_write_server_files, which vaern_app must not have:
 * the query runs as vaern_app under the scope (row-level security applies) into a temporary
 * table, and only the copy of that table out to the blob runs as the session's own user. Session
 * and transaction as in copyRowsEmbedded.
 */
async function copyOutBytesEmbedded(db: Database, scope: Scope, query: string): Promise<(Buffer | null)[]> {
  const pglite = db.pglite;
  if (!pglite) throw new Error('the embedded database is not open');
  return db.kysely.connection().execute(() =>
    pglite.transaction(async (tx) => {
      await tx.query(TENANT_SETTINGS_SQL, tenantSettings(scope));
      await tx.query(`create temporary table vaern_copy_out on commit drop as ${query}`);
      await tx.query('set local role none');
      const out = await tx.query("copy vaern_copy_out to '/dev/blob' (format binary)");
      if (!out.blob) throw new Error('COPY to a blob gave no blob');
      return binaryCopyValues(Buffer.from(await out.blob.arrayBuffer()));
    }),
  );
}
