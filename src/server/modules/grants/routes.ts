import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import { presentGrant } from './present.js';
import { createdGrant, createGrantBody, grantItem, grantParams } from './schemas.js';
import * as service from './service.js';

const tags = ['auditor grants'];

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The (created_at, id) key of the last grant of the previous page. */
function grantCursor(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const [time, id] = key;
  if (key.length !== 2 || typeof time !== 'string' || typeof id !== 'string') throw badRequest();
  if (!CURSOR_TIME.test(time) || !UUID.test(id)) throw badRequest();
  return [time, id];
}

export function grantsRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/orgs/:org/auditor-grants',
    {
      schema: {
        tags,
        summary: "The organisation's auditor grants, newest first (admins and security officers)",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(grantItem) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await service.listGrants({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        after: grantCursor(cursor),
      });
      return page(rows, limit, (r) => [r.created_key, r.id], presentGrant);
    },
  );

  app.post(
    '/api/v1/orgs/:org/auditor-grants',
    {
      schema: {
        tags,
        summary: 'Grant a named auditor read-only access for an access window',
        description:
          'The auditor gets the role auditor in this organisation from starts_at (default now) until ' +
          'ends_at, at most the platform setting auditor_grant_max_days; with data_from/data_to only ' +
          'records of that period are visible. Without an account for the e-mail, one is created ' +
          '(name required) and a set-up link is e-mailed, or returned as setup_link when no mail can be sent.',
        params: orgParams,
        body: createGrantBody,
        response: { 201: createdGrant },
      },
    },
    async (request, reply) => {
      const created = await service.createGrant({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        input: request.body,
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/orgs/:org/auditor-grants/:id',
    {
      schema: {
        tags,
        summary: "Revoke an auditor grant: the auditor's next request no longer has access",
        params: grantParams,
        response: { 200: grantItem },
      },
    },
    async (request) =>
      service.revokeGrant({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );
}
