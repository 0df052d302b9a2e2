import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import { presentKevMatch, presentMatch } from './match-present.js';
import {
  advisoryMatch,
  affectedOrganisation,
  affectedParams,
  kevMatch,
  matchesQuery,
  matchParams,
  reviewBody,
} from './match-schemas.js';
import * as service from './match-service.js';

const tags = ['advisories'];

function matchCursor(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  const [at, id] = key;
  if (key.length !== 2 || typeof at !== 'string' || typeof id !== 'string') throw badRequest();
  return [at, id];
}

/** Which of an organisation's systems advisories concern, its review queue, the sector's view. */
export function matchRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/orgs/:org/advisory-matches',
    {
      schema: {
        tags,
        summary:
          "Advisories' matches in the organisation's inventory: which system or component, on what basis, how sure; review=pending is the review queue",
        params: orgParams,
        querystring: matchesQuery,
        response: { 200: pageOf(advisoryMatch) },
      },
    },
    async (request) => {
      const { limit, cursor, review, advisory } = request.query;
      const rows = await service.listMatches({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        review,
        advisoryId: advisory,
        after: matchCursor(cursor),
        limit,
      });
      return page(rows, limit, (r) => [new Date(r.matched_at).toISOString(), r.id], presentMatch);
    },
  );

  app.post(
    '/api/v1/orgs/:org/advisory-matches/:id/review',
    {
      schema: {
        tags,
        summary: 'Confirm or reject an uncertain match (security officer); the decision is remembered',
        params: matchParams,
        body: reviewBody,
        response: { 200: advisoryMatch },
      },
    },
    async (request) =>
      service.reviewMatch({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
        decision: request.body.decision,
        note: request.body.note,
      }),
  );

  app.get(
    '/api/v1/orgs/:org/kev-matches',
    {
      schema: {
        tags,
        summary:
          "Known exploited vulnerabilities (CISA KEV) in the organisation: systems whose findings carry the CVE (certain), items that run the catalogue's product (possible)",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(kevMatch) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      if (
        key !== undefined &&
        (key.length !== 3 ||
          typeof key[0] !== 'number' ||
          typeof key[1] !== 'string' ||
          typeof key[2] !== 'string')
      )
        throw badRequest();
      const rows = await service.listKevMatches({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        after: key as [number, string, string] | undefined,
        limit,
      });
      return page(rows, limit, (r) => [r.rank, r.cve, r.item_id], presentKevMatch);
    },
  );

  app.get(
    '/api/v1/sector/advisories/:id/affected',
    {
      schema: {
        tags,
        summary: 'The organisations an advisory concerns, with counts (sector coordinator)',
        params: affectedParams,
        response: { 200: pageOf(affectedOrganisation) },
      },
    },
    async (request) => ({
      items: await service.listAffected({ ctx, actor: actorOf(request), advisoryId: request.params.id }),
      next_cursor: null,
    }),
  );
}
