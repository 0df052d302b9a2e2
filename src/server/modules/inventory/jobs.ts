import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { analyzeInventory } from './queries.js';

const analyzePayload = z.strictObject({});

/**
 * Fresh planner statistics after an import. A register import adds up to tens of thousands of
 * rows at once; without statistics PostgreSQL takes the tables for nearly empty and reads a page
 * of the systems list by sorting the whole table (150–350 ms at 100,000 systems instead of a few
 * milliseconds along an index). The embedded database has no autovacuum to notice, and a
 * server's may take a while. ANALYZE needs the tables' owner, the login, so this maintenance
 * statement runs outside withTenant, as the import framework's analyzeStaging does; it reads
 * no rows for anyone.
 */
export const analyzeInventoryJob = (ctx: AppContext): JobDefinition<typeof analyzePayload> => ({
  name: 'inventory.analyze',
  payload: analyzePayload,
  retryLimit: 1,
  expireInSeconds: 600,
  handle: () => analyzeInventory(ctx.db.kysely),
});

export const inventoryJobs = (ctx: AppContext): JobDefinition[] => [analyzeInventoryJob(ctx)];

/** Queues the statistics refresh; a failure to queue it only costs speed, so it is logged, not thrown. */
export function requestAnalyze(ctx: AppContext): Promise<void> {
  return ctx.jobs
    .send(analyzeInventoryJob(ctx), {})
    .then(() => undefined)
    .catch((error: unknown) => ctx.log.warn({ err: error }, 'inventory statistics refresh not queued'));
}
