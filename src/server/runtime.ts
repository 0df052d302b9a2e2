import { pino } from 'pino';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { type Database, openDatabase } from './db/client.js';
import { acquireLock, type DataDirLock } from './db/lock.js';
import { migrate } from './db/migrate.js';
import { Jobs } from './jobs/queue.js';
import { createMailer } from './lib/mail.js';
import { AnchorFile } from './modules/audit/anchors.js';
import { modules } from './modules/index.js';

export interface Runtime {
  ctx: AppContext;
  lock: DataDirLock | undefined;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** What holds the lock: 'server', 'worker', 'cli'. */
  role: string;
  /** In-memory PGlite, for tests. */
  memory?: boolean;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Start pg-boss so jobs can be sent (default true). */
  jobs?: boolean;
  logger?: boolean;
}

/**
 * Opens the database (taking the embedded data directory's lock first), applies migrations and
 * builds the AppContext that every service receives.
 */
export async function openRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const lock =
    config.mode === 'embedded' && !options.memory ? acquireLock(config.dataDir, options.role) : undefined;
  let db: Database | undefined;
  try {
    db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      memory: options.memory,
    });
    if (options.migrate ?? true) await migrate(db);
    const log = pino({ level: options.logger ? config.logLevel : 'silent' });
    const jobs = new Jobs(db, config.databaseUrl, { superviseSeconds: config.jobsSuperviseSeconds });
    const ctx: AppContext = {
      config,
      db,
      anchors: new AnchorFile(config.auditAnchorsPath, config.secret),
      jobs,
      log,
      mailer: createMailer(config),
    };
    for (const mod of modules) for (const def of mod.jobs?.(ctx) ?? []) jobs.define(def);
    if (options.jobs ?? true) await jobs.start();
    const opened = db;
    return {
      ctx,
      lock,
      async close() {
        await jobs.stop();
        ctx.mailer.close();
        await opened.close();
        lock?.release();
      },
    };
  } catch (error) {
    await db?.close().catch(() => {});
    lock?.release();
    throw error;
  }
}
