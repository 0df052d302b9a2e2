import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { type Config, loadConfig } from '../src/server/config.js';
import { buildHttpApp, type VaernApp } from '../src/server/http/app.js';
import { openRuntime, type Runtime } from '../src/server/runtime.js';
import { freshPostgresUrl } from './databases.js';

export interface TestApp {
  engine: 'pglite' | 'postgres';
  runtime: Runtime;
  config: Config;
  app: VaernApp;
  operator: VaernApp;
  dir: string;
  /** A request on the public app. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A request as the instance operator (what the CLI does). */
  asOperator(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A whole Værn (runtime, public and operator apps) on a fresh database of the given engine. */
export async function startTestApp(
  engine: 'pglite' | 'postgres' = 'pglite',
  env: Record<string, string> = {},
): Promise<TestApp> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vaern-test-'));
  const pgdb = engine === 'postgres' ? await freshPostgresUrl() : undefined;
  const config = loadConfig({
    VAERN_DATA_DIR: dir,
    VAERN_SECRET: 'test-secret-test-secret-test-secret-0123',
    VAERN_LOG_LEVEL: 'silent',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...env,
  });
  const runtime = await openRuntime(config, { role: 'test', memory: engine === 'pglite' });
  const app = await buildHttpApp(runtime.ctx);
  const operator = await buildHttpApp(runtime.ctx, { operator: true });
  return {
    engine,
    runtime,
    config,
    app,
    operator,
    dir,
    inject: (options) => app.inject(options),
    asOperator: (method, url, body) =>
      operator.inject({
        method: method as 'GET',
        url,
        ...(body === undefined ? {} : { payload: body as object }),
      }),
    async close() {
      await app.close();
      await operator.close();
      await runtime.close();
      await pgdb?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
