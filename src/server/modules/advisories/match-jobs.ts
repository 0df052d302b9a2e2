import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { runMatch } from './match-service.js';

const payload = z.strictObject({
  advisory_id: z.uuid().optional(),
  org_id: z.uuid().optional(),
  kev_only: z.boolean().optional(),
});

/**
 * Matching as a job: one advisory against every inventory (after an import), one organisation's
 * inventory against every advisory and KEV (after it changed), KEV alone (after a KEV import), or
 * everything (daily, so that nothing stays stale). Idempotent: each run replaces its scope.
 */
export const matchJob = (ctx: AppContext): JobDefinition<typeof payload> => ({
  name: 'advisories.match',
  payload,
  retryLimit: 3,
  expireInSeconds: 3600,
  handle: async (p) => {
    const matches = await runMatch(ctx, { advisoryId: p.advisory_id, orgId: p.org_id, kevOnly: p.kev_only });
    ctx.log.info({ ...p, matches }, 'advisory matches computed');
  },
});

export const dailyMatchJob = (ctx: AppContext): JobDefinition<z.ZodObject> => ({
  name: 'advisories.match_all',
  payload: z.strictObject({}),
  retryLimit: 3,
  expireInSeconds: 3600,
  // Twenty to one UTC, after the KEV/EPSS refresh and the due-date recompute.
  schedule: '40 0 * * *',
  handle: async () => {
    const matches = await runMatch(ctx, {});
    ctx.log.info({ matches }, 'advisory matches computed for the sector');
  },
});

const queue = (ctx: AppContext, p: z.infer<typeof payload>) =>
  ctx.jobs
    .send(matchJob(ctx), p)
    .then(() => undefined)
    .catch((error: unknown) => ctx.log.warn({ err: error }, 'advisory matching not queued'));

/** Queues matching one organisation's changed inventory against every advisory. */
export const requestOrgRematch = (ctx: AppContext, orgId: string): Promise<void> =>
  queue(ctx, { org_id: orgId });

/** Queues matching the KEV catalogue against every inventory, after it changed. */
export const requestKevMatch = (ctx: AppContext): Promise<void> => queue(ctx, { kev_only: true });

export const matchJobs = (ctx: AppContext): JobDefinition[] => [matchJob(ctx), dailyMatchJob(ctx)];
