import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { snapshotAllOrganisations } from './service.js';

const snapshotPayload = z.strictObject({});

/**
 * The daily snapshot of every organisation's scorecard (the trend), sent by pg-boss's scheduler
 * (Jobs.start registers the schedule). Idempotent: a second run on
 * the same day replaces that day's rows, so a retry or a duplicate is harmless.
 */
export const snapshotJob = (ctx: AppContext): JobDefinition<typeof snapshotPayload> => ({
  name: 'scorecard.snapshot',
  payload: snapshotPayload,
  retryLimit: 3,
  expireInSeconds: 3600,
  // Five past midnight UTC, every day.
  schedule: '5 0 * * *',
  handle: async () => {
    const { day, organisations } = await snapshotAllOrganisations(ctx);
    ctx.log.info({ day, organisations }, 'scorecard snapshots written');
  },
});

export const scorecardJobs = (ctx: AppContext): JobDefinition[] => [snapshotJob(ctx)];
