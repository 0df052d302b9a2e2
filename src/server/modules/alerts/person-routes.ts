import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/request.js';
import * as service from './person-service.js';

const tags = ['alerts'];

export const personLookupBody = z.strictObject({
  email: z.email().max(254).describe('The exact e-mail address of the person (no patterns)'),
});
export const foundPerson = z.object({
  user_id: z.uuid(),
  name: z.string(),
  email: z.string(),
  organisations: z.array(z.object({ id: z.uuid(), slug: z.string(), name: z.string(), kind: z.string() })),
});

/** The coordinator's lookup of one person to name in an alert (POST: the address stays out of URLs and logs). */
export function personLookupRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/sector/people/lookup',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary:
          'Find one person by exact e-mail address, to name them in an alert (sector coordinator; audited; never a list)',
        body: personLookupBody,
        response: { 200: foundPerson },
      },
    },
    async (request) => service.lookUpPerson({ ctx, actor: actorOf(request), email: request.body.email }),
  );
}
