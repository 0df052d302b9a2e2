import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/request.js';
import { orgParams } from '../directory/schemas.js';
import { ALERT_KINDS, SEVERITIES } from './alert-schemas.js';
import * as service from './webhook-service.js';

const tags = ['alerts'];

const endpoint = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  min_severity: z.enum(SEVERITIES),
  kinds: z.array(z.enum(ALERT_KINDS)),
  only_affected: z.boolean(),
  created_at: z.string(),
});
const createBody = z.strictObject({
  url: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .describe('https:// (http:// only when allow-listed); at most 300 characters'),
  description: z.string().max(500).optional(),
  min_severity: z.enum(SEVERITIES).default('low'),
  kinds: z
    .array(z.enum(ALERT_KINDS))
    .max(ALERT_KINDS.length)
    .default([...ALERT_KINDS])
    .describe('advisory: alerts issued from an advisory; general: alerts without one'),
  only_affected: z
    .boolean()
    .default(false)
    .describe('Advisory alerts only when matching found the organisation affected'),
});
const created = endpoint.extend({
  secret: z.string().describe('The Standard Webhooks signing secret (whsec_…): shown this once only'),
});
const idParams = orgParams.extend({ id: z.uuid() });
const deadLetter = z.object({
  id: z.uuid().describe('The delivery id: the webhook-id of every attempt'),
  alert_id: z.uuid(),
  title: z.string(),
  endpoint_id: z.string(),
  address: z.string(),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  dead_at: z.string(),
});

/** Alert webhooks: an organisation's endpoints and the deliveries that failed for good. */
export function webhookRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/orgs/:org/alert-webhooks',
    {
      schema: {
        tags,
        summary:
          'Register a webhook endpoint for alerts (admin, security officer); the signing secret is in this answer only',
        params: orgParams,
        body: createBody,
        response: { 201: created },
      },
    },
    async (request, reply) => {
      const row = await service.registerWebhook({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        url: request.body.url,
        description: request.body.description,
        minSeverity: request.body.min_severity,
        kinds: [...new Set(request.body.kinds)],
        onlyAffected: request.body.only_affected,
      });
      return reply.code(201).send(row as z.infer<typeof created>);
    },
  );

  app.get(
    '/api/v1/orgs/:org/alert-webhooks',
    {
      schema: {
        tags,
        summary: "The organisation's webhook endpoints for alerts (without secrets)",
        params: orgParams,
        response: { 200: z.object({ items: z.array(endpoint) }) },
      },
    },
    async (request) => ({
      items: (await service.listWebhooks({ ctx, actor: actorOf(request), org: orgOf(request) })) as Array<
        z.infer<typeof endpoint>
      >,
    }),
  );

  app.delete(
    '/api/v1/orgs/:org/alert-webhooks/:id',
    {
      schema: { tags, summary: 'Remove a webhook endpoint', params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await service.deleteWebhook({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/orgs/:org/alert-webhooks/dead-letters',
    {
      schema: {
        tags,
        summary: "The organisation's webhook deliveries that failed every attempt",
        params: orgParams,
        response: { 200: z.object({ items: z.array(deadLetter) }) },
      },
    },
    async (request) => ({
      items: await service.listDeadLetters({ ctx, actor: actorOf(request), org: orgOf(request) }),
    }),
  );

  app.post(
    '/api/v1/orgs/:org/alert-webhooks/dead-letters/:id/retry',
    {
      schema: {
        tags,
        summary: 'Requeue a dead webhook delivery (same webhook-id, attempts from zero)',
        params: idParams,
        response: { 202: z.object({ id: z.uuid(), requeued: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      await service.retryDeadLetter({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
      });
      return reply.code(202).send({ id: request.params.id, requeued: true });
    },
  );
}
