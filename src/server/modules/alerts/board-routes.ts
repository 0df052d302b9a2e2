import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor, pageOf } from '../../http/paging.js';
import { actorOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { alertBoard, boardParams, sectorAlert, sectorAlertsQuery } from './board-schemas.js';
import * as service from './board-service.js';

const tags = ['alerts'];

/** The sector coordinator's alerts and each alert's live board. */
export function boardRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/sector/alerts',
    {
      schema: {
        tags,
        summary: "The sector unit's alerts, newest first: recipients, answered, median time to acknowledge",
        querystring: sectorAlertsQuery,
        response: { 200: pageOf(sectorAlert) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 2 || typeof key[0] !== 'string' || typeof key[1] !== 'string'))
        throw badRequest();
      const rows = await service.listSectorAlerts({
        ctx,
        actor: actorOf(request),
        after: key as [string, string] | undefined,
        limit,
      });
      const more = rows.length > limit;
      const kept = more ? rows.slice(0, limit) : rows;
      const last = kept.at(-1);
      return {
        items: kept.map((r) => r.item),
        next_cursor: more && last ? encodeCursor([last.item.issued_at, last.item.id]) : null,
      };
    },
  );

  app.get(
    '/api/v1/sector/alerts/:id/board',
    {
      schema: {
        tags,
        summary: 'Who received the alert, who answered what and when, escalations (sector coordinator)',
        params: boardParams,
        response: { 200: alertBoard },
      },
    },
    async (request) => service.getBoard({ ctx, actor: actorOf(request), id: request.params.id }),
  );
}
