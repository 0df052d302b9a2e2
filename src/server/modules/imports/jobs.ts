import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';
import type { JobDefinition } from '../../jobs/queue.js';
import './messages.js';
import * as q from './queries.js';
import { failAbandonedImport, failInterruptedImport, runImport } from './runner.js';

const runImportPayload = z.strictObject({ org_id: z.uuid(), import_id: z.uuid() });

/**
 * One queue for every import. A handler that fails marks its import failed itself; a worker that
 * dies mid-run stops sending heartbeats, the job is retried and the import starts over. A job
 * whose last try was cut off too goes to imports.run.dead, which ends its import failed.
 */
export const runImportJob = (ctx: AppContext): JobDefinition<typeof runImportPayload> => ({
  name: 'imports.run',
  payload: runImportPayload,
  retryLimit: 2,
  expireInSeconds: 4 * 3600,
  // Seconds without a heartbeat from the worker running the job after which pg-boss takes the run
  // for cut off (its process died) and retries the job: the import starts over within minutes
  // instead of waiting for the job's time limit. VAERN_IMPORT_HEARTBEAT_SECONDS, 120 by default:
  // generous, because on the embedded database a long statement holds up the process, heartbeats
  // included. A run cut off while still alive stops at its next step (RunTakenOver, migration 0056).
  heartbeatSeconds: ctx.config.importHeartbeatSeconds,
  deadLetter: 'imports.run.dead',
  handle: (payload) => runImport(ctx, payload),
});

/**
 * The import jobs pg-boss gave up on (imports.run's dead letter queue): each import is marked
 * failed with `imports.abandoned` (failAbandonedImport), instead of saying running for ever.
 */
export const abandonedImportJob = (ctx: AppContext): JobDefinition<typeof runImportPayload> => ({
  name: 'imports.run.dead',
  payload: runImportPayload,
  retryLimit: 3,
  expireInSeconds: 900,
  handle: async (payload) => {
    if (await failAbandonedImport(ctx, payload))
      ctx.log.warn({ import_id: payload.import_id, org_id: payload.org_id }, 'import given up marked failed');
  },
});

/**
 * The lease of an import run inside a request (runImportNow, service.ts), renewed every
 * INLINE_RENEW_MS while the request runs it.
 */
export const INLINE_LEASE_SECONDS = 300;
export const INLINE_RENEW_MS = 60_000;

/** Stale inline imports recovered per statement that finds them. */
const RECOVER_BATCH = 100;

/**
 * Imports run inside a request (runImportNow) have no job that pg-boss could expire and retry: a
 * process that dies while running one leaves it queued or running. Its lease (renewed while the
 * request lives) then runs out, and this marks it failed with `imports.inline_interrupted`, through
 * the runner's own failure path. Not retried: the request that asked for it has already ended
 * in an error, and whoever sent it decides whether to send it again. Returns how many it ended.
 */
export async function recoverInlineImports(ctx: AppContext): Promise<number> {
  let ended = 0;
  for (;;) {
    const stale = await withTenant(ctx.db.kysely, OPERATOR_SCOPE, (tx) =>
      q.staleInlineImports(tx, RECOVER_BATCH),
    );
    for (const s of stale) {
      const done = await failInterruptedImport(
        ctx,
        { org_id: s.org_id, import_id: s.id },
        { leaseSeconds: INLINE_LEASE_SECONDS, code: 'imports.inline_interrupted' },
      );
      if (done) {
        ended++;
        ctx.log.warn(
          { import_id: s.id, org_id: s.org_id },
          'import left unfinished by a request marked failed',
        );
      }
    }
    if (stale.length < RECOVER_BATCH) return ended;
  }
}

const recoverPayload = z.strictObject({});

/** The recovery of inline imports: when a worker starts, and every five minutes. */
export const recoverInlineJob = (ctx: AppContext): JobDefinition<typeof recoverPayload> => ({
  name: 'imports.recover_inline',
  payload: recoverPayload,
  retryLimit: 0,
  expireInSeconds: 900,
  schedule: '*/5 * * * *',
  atStart: true,
  handle: async () => {
    await recoverInlineImports(ctx);
  },
});

export const importJobs = (ctx: AppContext): JobDefinition[] => [
  runImportJob(ctx),
  abandonedImportJob(ctx),
  recoverInlineJob(ctx),
];
