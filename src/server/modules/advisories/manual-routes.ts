import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requestLocale } from '../../http/problem.js';
import { actorOf } from '../../http/request.js';
import { manualAdvisory, manualAdvisoryBody, manualParams, savedAdvisory } from './manual-schemas.js';
import * as service from './manual-service.js';

const tags = ['advisories'];

/** Advisories written by hand: the sector coordinator writes and revises them. */
export function manualRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/sector/advisories',
    {
      schema: {
        tags,
        summary:
          'Write an advisory by hand (sector coordinator): stored as a CSAF 2.0 advisory of the sector unit and matched against every inventory',
        body: manualAdvisoryBody,
        response: { 201: savedAdvisory },
      },
    },
    async (request, reply) => {
      const saved = await service.createManualAdvisory({
        ctx,
        actor: actorOf(request),
        input: request.body,
        locale: requestLocale(request),
      });
      return reply.code(201).send(saved);
    },
  );

  app.get(
    '/api/v1/sector/advisories/:id/manual',
    {
      schema: {
        tags,
        summary: 'An advisory the sector unit wrote by hand, as its form (for the next revision)',
        params: manualParams,
        response: { 200: manualAdvisory },
      },
    },
    async (request) => service.getManualAdvisory({ ctx, actor: actorOf(request), id: request.params.id }),
  );

  app.put(
    '/api/v1/sector/advisories/:id/manual',
    {
      schema: {
        tags,
        summary:
          'Revise an advisory the sector unit wrote by hand: its next version replaces what it said and is matched again',
        params: manualParams,
        body: manualAdvisoryBody,
        response: { 200: savedAdvisory },
      },
    },
    async (request) =>
      service.reviseManualAdvisory({
        ctx,
        actor: actorOf(request),
        id: request.params.id,
        input: request.body,
        locale: requestLocale(request),
      }),
  );
}
