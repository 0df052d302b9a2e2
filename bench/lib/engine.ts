import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/server/config.js';
import { openRuntime, type Runtime } from '../../src/server/runtime.js';
import { BenchUsageError, progress } from './report.js';

export type Engine = 'postgres' | 'pglite';

export interface BenchRuntime {
  engine: Engine;
  runtime: Runtime;
  config: Config;
  /** Closes the runtime, drops the database and removes the data directory. */
  close(): Promise<void>;
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated Værn runtime: on PostgreSQL a new database created by DATABASE_URL's login
 * (which needs CREATEDB) and dropped at the end; on PGlite an in-memory database. Either way a
 * secret generated for this run and a temporary directory for the audit anchors. `env` adds to
 * the configuration's environment (e.g. SMTP_URL).
 */
export async function openBenchRuntime(
  engine: Engine,
  env: Record<string, string> = {},
): Promise<BenchRuntime> {
  const base = process.env.DATABASE_URL;
  if (engine === 'postgres' && !base) {
    throw new BenchUsageError(
      'DATABASE_URL is not set (a PostgreSQL URL whose login has CREATEDB), or use --engine pglite',
    );
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vaern-bench-'));
  let dropDatabase = async () => {};
  let databaseUrl: string | undefined;
  if (engine === 'postgres' && base) {
    const name = `vaern_bench_${randomBytes(6).toString('hex')}`;
    await withAdmin(base, (c) => c.query(`create database ${name}`));
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = () =>
      withAdmin(base, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {});
    progress(`created database ${name}`);
  }
  const cleanup = async () => {
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      VAERN_DATA_DIR: dir,
      VAERN_SECRET: randomBytes(32).toString('base64url'),
      VAERN_LOG_LEVEL: 'silent',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...env,
    });
    const runtime = await openRuntime(config, { role: 'bench', memory: engine === 'pglite' });
    return {
      engine,
      runtime,
      config,
      async close() {
        try {
          await runtime.close();
        } finally {
          await cleanup();
        }
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
