import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { serialisedPGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

/** Whole numbers from count(*) and bigint columns arrive as numbers on both engines. */
pg.types.setTypeParser(20, (v) => Number(v));

export interface Database {
  kind: 'pglite' | 'postgres';
  /** The one query builder of this process; every query goes through it. */
  kysely: Kysely<DB>;
  /** Embedded only: the PGlite instance, for COPY from blobs and pg-boss's adapter. */
  pglite: PGlite | undefined;
  /** Server only: the pool, for COPY streams and pg-boss. */
  pool: pg.Pool | undefined;
  /** The server's major version, as reported by `server_version_num`. */
  serverVersion: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** In-memory PGlite for tests that need no directory. */
  memory?: boolean;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      options: '-c TimeZone=UTC -c statement_timeout=0',
    });
    pool.on('error', () => {
      /* a broken idle connection is dropped by the pool; the next query reconnects */
    });
    // A connection lost while checked out fails its query; without a listener the client's
    // 'error' event would crash the process.
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const version = await pool.query<{ server_version: string }>('show server_version');
    const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: 'postgres',
      kysely,
      pglite: undefined,
      pool,
      serverVersion: version.rows[0]?.server_version ?? 'unknown',
      async close() {
        await kysely.destroy();
      },
    };
  }
  let dataPath: string | undefined;
  if (!options.memory) {
    dataPath = path.join(options.dataDir, 'pgdata');
    mkdirSync(dataPath, { recursive: true, mode: 0o700 });
  }
  const pglite = await PGlite.create(dataPath, {
    parsers: { 20: (v: string) => Number(v) },
    // The inventory's search indexes (migration 0020).
    extensions: { pg_trgm },
  });
  await pglite.exec("set timezone = 'UTC'");
  const version = await pglite.query<{ server_version: string }>('show server_version');
  const kysely = new Kysely<DB>({ dialect: serialisedPGliteDialect(pglite) });
  return {
    kind: 'pglite',
    kysely,
    pglite,
    pool: undefined,
    serverVersion: version.rows[0]?.server_version ?? 'unknown',
    async close() {
      await kysely.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
