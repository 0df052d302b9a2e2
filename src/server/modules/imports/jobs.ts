import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { runImport } from './runner.js';

const runImportPayload = z.strictObject({ org_id: z.uuid(), import_id: z.uuid() });

/**
 * One queue for every import. A handler that fails marks its import failed itself; a worker that
 * dies mid-run leaves the job to expire and be retried, and the import starts over.
 */
export const runImportJob = (ctx: AppContext): JobDefinition<typeof runImportPayload> => ({
  name: 'imports.run',
  payload: runImportPayload,
  retryLimit: 2,
  expireInSeconds: 4 * 3600,
  handle: (payload) => runImport(ctx, payload),
});

export const importJobs = (ctx: AppContext): JobDefinition[] => [runImportJob(ctx)];
