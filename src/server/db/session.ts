import type { Database } from './client.js';

/**
 * One raw database session for maintenance work that Kysely cannot express: multi-statement
 * scripts (migrations), session-level advisory locks, COPY. Never used for request work.
 */
export interface RawSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters). */
  exec(script: string): Promise<void>;
}

export async function withRawSession<T>(db: Database, fn: (s: RawSession) => Promise<T>): Promise<T> {
  if (db.pool) {
    const client = await db.pool.connect();
    try {
      return await fn({
        async query(text, params) {
          const r = await client.query(text, params as unknown[]);
          return r.rows;
        },
        async exec(script) {
          await client.query(script);
        },
      });
    } finally {
      client.release();
    }
  }
  const pglite = db.pglite;
  if (!pglite) throw new Error('database is closed');
  // Hold the Kysely session so no request query interleaves with this work.
  return db.kysely.connection().execute(async () =>
    fn({
      async query(text, params) {
        const r = await pglite.query(text, params as unknown[]);
        return r.rows as never[];
      },
      async exec(script) {
        await pglite.exec(script);
      },
    }),
  );
}
