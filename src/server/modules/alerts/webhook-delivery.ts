import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { AppError } from '../../lib/errors.js';
import { translate } from '../../lib/messages.js';
import { openSecret } from '../../lib/secretbox.js';
import { readSetting } from '../settings/registry.js';
import { answerLink } from './alert-links.js';
import { LEASE_SECONDS, type PumpRun, pump } from './delivery-pump.js';
import * as dq from './delivery-queries.js';
import {
  type Allowlist,
  assertDeliverable,
  guardedLookup,
  parseAllowlist,
  type Resolver,
} from './webhook-guard.js';
import { WEBHOOK_SECRET_PURPOSE } from './webhook-service.js';

/** A delivery is tried this many times; after the last failure it goes to the dead-letter list. */
export const MAX_ATTEMPTS = 8;
/** The wait after the n-th failure (n from 1): 30 s × 2^(n−1), at most six hours. */
export const backoffMs = (failures: number): number => Math.min(30_000 * 2 ** (failures - 1), 6 * 3_600_000);
/** How long one request may take, connection and response together. */
export const TIMEOUT_MS = 10_000;
/**
 * Kept-alive connections per endpoint, so that a burst of deliveries to one receiver does not
 * open a connection each. `lookup` is still given per request: a new connection is checked.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 16, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 16, scheduling: 'lifo' }),
};

/**
 * The JSON body of one delivery (Standard Webhooks: type, timestamp, data). TLP:CLEAR and GREEN
 * carry the text and recommended action; AMBER and above never (DESIGN.md: TLP is access control).
 */
export function webhookPayload(ctx: AppContext, d: dq.WebhookDelivery, sentAt: Date): string {
  const open = d.tlp === 'CLEAR' || d.tlp === 'GREEN';
  return JSON.stringify({
    type: 'alert.published',
    timestamp: sentAt.toISOString(),
    data: {
      alert_id: d.alert_id,
      title: d.title,
      severity: d.severity,
      tlp: d.tlp,
      issued_at: new Date(d.created_at).toISOString(),
      answer_url: answerLink(ctx.config.publicUrl, ctx.config.secret, d.id),
      ...(open ? { body: d.body, recommended_action: d.recommended_action } : {}),
    },
  });
}

/** Posts once: never follows redirects (a 3xx is a failure); resolves with the status code. */
function post(url: URL, body: string, headers: Record<string, string>, allow: Allowlist): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Vaern-Webhooks/1',
      },
      agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      lookup: guardedLookup(allow) as never,
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)),
      TIMEOUT_MS,
    );
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => {
        clearTimeout(timer);
        resolve(response.statusCode ?? 0);
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

/** One attempt; undefined when the receiver accepted it (2xx), else why not. */
async function attempt(
  ctx: AppContext,
  d: dq.WebhookDelivery,
  allow: Allowlist,
  secrets: Map<string, string>,
  resolve?: Resolver,
) {
  if (!d.url || !d.secret_sealed) return 'endpoint removed';
  try {
    const url = await assertDeliverable(d.url, allow, resolve);
    let secret = secrets.get(d.secret_sealed);
    if (secret === undefined) {
      secret = openSecret(ctx.config.secret, WEBHOOK_SECRET_PURPOSE, d.secret_sealed);
      secrets.set(d.secret_sealed, secret);
    }
    // The signature's timestamp is the real clock: the receiver checks it against its own.
    const sentAt = new Date();
    const body = webhookPayload(ctx, d, sentAt);
    const status = await post(
      url,
      body,
      {
        'webhook-id': d.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(d.id, sentAt, body),
      },
      allow,
    );
    return status >= 200 && status < 300 ? undefined : `HTTP ${status}`;
  } catch (error) {
    if (error instanceof AppError) return translate(error.code, 'en', error.params);
    return error instanceof Error ? error.message : String(error);
  }
}

export type WebhookRun = PumpRun;

/** Requests at once (at most 16 connections to one host and port: the agents above). */
export const WEBHOOK_CONCURRENCY = 32;
/** Webhook deliveries per claim; one run holds at most maxHeld(WEBHOOK_BATCH) (delivery-pump.ts). */
export const WEBHOOK_BATCH = 64;

/**
 * Posts every webhook delivery due at `now` (operator scope), WEBHOOK_CONCURRENCY at a time,
 * claimed in leased batches (delivery-pump.ts) so that several workers share them and a killed
 * worker's claims come back when their lease runs out. A 2xx marks it sent; otherwise the attempt
 * and error are recorded and it is due again after backoffMs, or after MAX_ATTEMPTS failures it is
 * dead (the dead-letter list). The SSRF guard runs again before each attempt and at connect time.
 * `now` (default: the clock, read afresh) decides what is due and when it is due again, so tests
 * control the clock.
 */
export async function deliverDueWebhooks(
  ctx: AppContext,
  now?: Date,
  resolve?: Resolver,
): Promise<WebhookRun> {
  const clock = () => now ?? new Date();
  let allow: Allowlist = parseAllowlist('');
  // Each endpoint's secret, opened once per run (an endpoint receives many deliveries).
  const secrets = new Map<string, string>();
  return pump<dq.WebhookDelivery>({
    ctx,
    concurrency: WEBHOOK_CONCURRENCY,
    batch: WEBHOOK_BATCH,
    claim: (limit, skip) =>
      withTenant(ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
        // The allow-list as it is now: an administrator's change applies from the next claim.
        allow = parseAllowlist(await readSetting(tx, 'webhook_allowlist'));
        return dq.claimWebhooks(tx, { now: clock(), leaseSeconds: LEASE_SECONDS, limit, skip });
      }),
    send: (d) => attempt(ctx, d, allow, secrets, resolve),
    fail: async (d, error) => {
      const at = clock();
      const failures = d.attempts + 1;
      const retryAt =
        failures >= MAX_ATTEMPTS || error === 'endpoint removed'
          ? null
          : new Date(at.getTime() + backoffMs(failures));
      await withTenant(ctx.db.kysely, OPERATOR_SCOPE, (tx) => dq.markFailed(tx, d, error, at, retryAt));
      return retryAt !== null;
    },
    sentAt: clock,
  });
}

/**
 * Every minute, and at once when an alert is published: the webhook deliveries that are due.
 * Retries are the deliveries' own schedule (next_attempt_at), not pg-boss's.
 */
export const webhookJob = (ctx: AppContext): JobDefinition<z.ZodObject> => ({
  name: 'alerts.deliver_webhook',
  payload: z.strictObject({}),
  retryLimit: 0,
  expireInSeconds: 900,
  schedule: '* * * * *',
  handle: async () => {
    const run = await deliverDueWebhooks(ctx);
    if (run.sent + run.retried + run.dead > 0) ctx.log.info(run, 'alert webhooks attempted');
  },
});

/** Queues the webhook job after an alert was published; a failure to queue is logged (the schedule catches up). */
export const requestWebhookDelivery = (ctx: AppContext, alertId: string): Promise<void> =>
  ctx.jobs
    .send(webhookJob(ctx), {})
    .then(() => undefined)
    .catch((error: unknown) => ctx.log.warn({ err: error, alert_id: alertId }, 'alert webhooks not queued'));
