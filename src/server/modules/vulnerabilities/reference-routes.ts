import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor, pageOf } from '../../http/paging.js';
import { actorOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import {
  vulnerabilitiesQuery,
  vulnerability,
  vulnerabilityListItem,
  vulnerabilityParams,
} from './reference-schemas.js';
import * as service from './reference-service.js';

const tags = ['vulnerabilities'];

/** The sector's vulnerability reference data: read by every signed-in actor. */
export function referenceRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/vulnerabilities',
    {
      schema: {
        tags,
        summary: 'Vulnerabilities by canonical id: search by alias or title, filter by KEV and EPSS',
        querystring: vulnerabilitiesQuery,
        response: { 200: pageOf(vulnerabilityListItem) },
      },
    },
    async (request) => {
      const { limit, cursor, q, kev, min_epss } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 1 || typeof key[0] !== 'string')) throw badRequest();
      const rows = await service.listVulnerabilities({
        ctx,
        actor: actorOf(request),
        filter: { q, kev: kev === undefined ? undefined : kev === 'true', minEpss: min_epss },
        limit,
        after: key?.[0] as string | undefined,
      });
      const more = rows.length > limit;
      const kept = more ? rows.slice(0, limit) : rows;
      const last = kept.at(-1)?.row;
      return {
        items: kept.map((r) => r.item),
        next_cursor: more && last ? encodeCursor([last.canonical_id]) : null,
      };
    },
  );

  app.get(
    '/api/v1/vulnerabilities/:id',
    {
      schema: {
        tags,
        summary: 'One vulnerability by any alias, with its aliases, KEV entry and EPSS score',
        params: vulnerabilityParams,
        response: { 200: vulnerability },
      },
    },
    async (request) => service.getVulnerability({ ctx, actor: actorOf(request), id: request.params.id }),
  );
}
