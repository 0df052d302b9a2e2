import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './client.js';
import { type Scope, TENANT_SETTINGS_SQL, tenantSettings } from './tenant.js';

/**
 * Bulk rows in PostgreSQL's COPY text format, on a server. PostgreSQL refuses COPY FROM into a
 * table under row-level security, so the rows go into a temporary table of the same columns
 * (private to the session, dropped at commit) and from there into `table` with one INSERT, in one
 * transaction with exactly withTenant's context (the scope's settings, `SET LOCAL ROLE
 * vaern_app`): row-level security checks every row as for any INSERT. `data` holds whole lines,
 * the values in `columns`' order (copyField each). Kysely has no COPY, hence a raw session. The
 * embedded database reads COPY only from a file ('/dev/blob'), which needs pg_read_server_files,
 * a right the application role must not have: there callers insert instead.
 */
export async function copyRows(
  db: Database,
  scope: Scope,
  table: string,
  columns: readonly string[],
  data: Buffer,
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
    await pipeline(Readable.from([data]), client.query(copyFrom(`copy vaern_copy (${list}) from stdin`)));
    await client.query(`insert into ${table} (${list}) select ${list} from vaern_copy`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** A value in COPY's text format: `\N` for null; backslash, tab, line feed and carriage return escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}
