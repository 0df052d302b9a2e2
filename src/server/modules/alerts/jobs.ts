import type { AppContext } from '../../context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { deliveryJob } from './delivery.js';
import { escalationJob } from './escalation.js';
import { webhookJob } from './webhook-delivery.js';

/** The alerts module's background jobs: e-mail and webhook delivery, escalation. */
export const alertJobs = (ctx: AppContext): JobDefinition[] => [
  deliveryJob(ctx),
  escalationJob(ctx),
  webhookJob(ctx),
];
