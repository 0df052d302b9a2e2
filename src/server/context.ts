import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Jobs } from './jobs/queue.js';
import type { Mailer } from './lib/mail.js';
import type { AnchorFile } from './modules/audit/anchors.js';

/** What every service needs, built once by main.ts and handed down; nothing reads the environment. */
export interface AppContext {
  config: Config;
  db: Database;
  anchors: AnchorFile;
  jobs: Jobs;
  log: FastifyBaseLogger;
  mailer: Mailer;
}
