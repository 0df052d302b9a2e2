import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from './config.js';
import { withTenant } from './db/tenant.js';
import { buildHttpApp, type VaernApp } from './http/app.js';
import { openRuntime, type Runtime } from './runtime.js';

/**
 * The first `serve` of an embedded data directory that holds no organisation yet (a CLI command
 * may have created the database before; the demo is still offered then). Never on PostgreSQL.
 */
async function isFirstEmbeddedStart(runtime: Runtime): Promise<boolean> {
  const { config, db } = runtime.ctx;
  if (!runtime.lock || existsSync(path.join(config.dataDir, 'started'))) return false;
  const org = await withTenant(db.kysely, { orgIds: [] }, (tx) =>
    tx.q.selectFrom('organisations').select('id').limit(1).executeTakeFirst(),
  );
  return org === undefined;
}

export interface ServeOptions {
  port: number;
  /** Run background jobs in this process too (default true). */
  worker: boolean;
  logger: boolean;
  /** Called once the database is open and migrated, before the HTTP port opens (demo seed). */
  onFirstStart?: (runtime: Runtime) => Promise<void>;
}

export interface Server {
  runtime: Runtime;
  app: VaernApp;
  url: string;
  socket: string | undefined;
  close(): Promise<void>;
}

/**
 * The composition root of `vaern serve`: runtime → public HTTP app on the port → operator app on
 * a private Unix socket (embedded mode), so the CLI can reach this process's database.
 */
export async function serve(config: Config, options: ServeOptions): Promise<Server> {
  const runtime = await openRuntime(config, { role: 'server', logger: options.logger });
  let app: VaernApp | undefined;
  let operatorApp: VaernApp | undefined;
  let socketDir: string | undefined;
  const close = async () => {
    await app?.close();
    await operatorApp?.close();
    if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    await runtime.close();
  };
  try {
    if (options.onFirstStart && (await isFirstEmbeddedStart(runtime))) await options.onFirstStart(runtime);
    if (runtime.lock)
      writeFileSync(path.join(config.dataDir, 'started'), new Date().toISOString(), { mode: 0o600 });
    if (options.worker) await runtime.ctx.jobs.work();
    app = await buildHttpApp(runtime.ctx, { logger: options.logger });
    const address = await app.listen({ port: options.port, host: '0.0.0.0' });
    let socket: string | undefined;
    if (runtime.lock) {
      // A short path (sun_path holds 107 bytes) in a private directory; the socket itself is 0600.
      socketDir = mkdtempSync(path.join(os.tmpdir(), 'vaern-'));
      socket = path.join(socketDir, 'cli.sock');
      operatorApp = await buildHttpApp(runtime.ctx, { operator: true, logger: false });
      await operatorApp.listen({ path: socket });
      chmodSync(socket, 0o600);
      runtime.lock.setSocket(socket);
    }
    const port = Number(new URL(address.replace('0.0.0.0', 'localhost')).port);
    return { runtime, app, url: `http://localhost:${port}`, socket, close };
  } catch (error) {
    await close();
    throw error;
  }
}
