import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Database } from './client.js';
import { type Scope, TENANT_SETTINGS_SQL, tenantSettings } from './tenant.js';

/**
 * Bulk rows in PostgreSQL's COPY text format, on a server. PostgreSQL refuses COPY FROM into a
 * table under row-level security, so the rows go into a temporary table of the same columns
 * (private to the session, dropped at commit) and from there into `table` with one INSERT, in one
 * transaction with exactly withTenant's context (the scope's settings, `SET LOCAL ROLE
 * vaern_app`): row-level security checks every row as for any INSERT. `data` holds whole lines,
 * the values in `columns`' order (copyField each), in one buffer or several (copyLines). Kysely has no COPY, hence a raw session. The
 * embedded database reads COPY only from a file ('/dev/blob'), which needs pg_read_server_files,
 * a right the application role must not have: there callers insert instead.
 */
export async function copyRows(
  db: Database,
  scope: Scope,
  table: string,
  columns: readonly string[],
  data: Buffer | readonly Buffer[],
): Promise<void> {
  const pool = db.pool;
  if (!pool) throw new Error('COPY needs a PostgreSQL server');
  for (const name of [table, ...columns])
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  const list = columns.join(', ');
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(TENANT_SETTINGS_SQL, tenantSettings(scope));
    await client.query(
      `create temporary table vaern_copy on commit drop as select ${list} from ${table} with no data`,
    );
    await pipeline(
      Readable.from(Buffer.isBuffer(data) ? [data] : data),
      client.query(copyFrom(`copy vaern_copy (${list}) from stdin`)),
    );
    await client.query(`insert into ${table} (${list}) select ${list} from vaern_copy`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Bytes of a buffer of copyLines: UTF-8 takes at most three bytes per UTF-16 unit. */
const LINES_BUFFER_BYTES = 1024 * 1024;

/**
 * Lines of COPY text as UTF-8, written straight into buffers of about 1 MiB: no joined string
 * of all lines first (for 5,000 staged rows of a register about a third of the time and a copy of
 * every byte fewer than `Buffer.from(lines.join(''))`).
 */
export function copyLines(lines: readonly string[]): Buffer[] {
  const out: Buffer[] = [];
  let buf = Buffer.allocUnsafe(0);
  let at = 0;
  for (const line of lines) {
    if (buf.length - at < line.length * 3) {
      if (at > 0) out.push(buf.subarray(0, at));
      buf = Buffer.allocUnsafe(Math.max(LINES_BUFFER_BYTES, line.length * 3));
      at = 0;
    }
    at += buf.write(line, at, 'utf8');
  }
  if (at > 0) out.push(buf.subarray(0, at));
  return out;
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
