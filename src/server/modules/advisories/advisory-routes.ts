import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor, pageOf } from '../../http/paging.js';
import { actorOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { advisoriesQuery, advisory, advisoryListItem, advisoryParams } from './advisory-schemas.js';
import * as service from './advisory-service.js';

const tags = ['advisories'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The sector's advisories: every signed-in actor reads those its TLP and audience allow. */
export function advisoryRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/advisories',
    {
      schema: {
        tags,
        summary:
          'Advisories newest first (by current release): search by title, tracking id or CVE; filter by TLP',
        querystring: advisoriesQuery,
        response: { 200: pageOf(advisoryListItem) },
      },
    },
    async (request) => {
      const { limit, cursor, q, tlp } = request.query;
      const key = decodeCursor(cursor);
      if (
        key !== undefined &&
        (key.length !== 2 ||
          typeof key[0] !== 'string' ||
          Number.isNaN(Date.parse(key[0])) ||
          typeof key[1] !== 'string' ||
          !UUID.test(key[1]))
      ) {
        throw badRequest();
      }
      const rows = await service.listAdvisories({
        ctx,
        actor: actorOf(request),
        filter: { q, tlp },
        limit,
        after: key ? { release: key[0] as string, id: key[1] as string } : undefined,
      });
      const more = rows.length > limit;
      const kept = more ? rows.slice(0, limit) : rows;
      const last = kept.at(-1)?.row;
      return {
        items: kept.map((r) => r.item),
        next_cursor: more && last ? encodeCursor([last.release_key, last.id]) : null,
      };
    },
  );

  app.get(
    '/api/v1/advisories/:id',
    {
      schema: {
        tags,
        summary:
          'One advisory: metadata, vulnerabilities with KEV, EPSS and remediations, products with their status',
        params: advisoryParams,
        response: { 200: advisory },
      },
    },
    async (request) => service.getAdvisory({ ctx, actor: actorOf(request), id: request.params.id }),
  );
}
