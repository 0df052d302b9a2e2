import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { requestLocale } from '../../http/problem.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import {
  confirmation,
  confirmationParams,
  confirmationSummary,
  confirmBody,
  criticalShared,
  evidenceItem,
  evidenceParams,
  evidenceQuery,
  orgParams,
  scorecard,
  sectorQuery,
  sectorScorecards,
  snapshot,
  trend,
  trendQuery,
} from './schemas.js';
import * as service from './service.js';

const tags = ['scorecard'];

function stringCursor(cursor: string | undefined, n: number): string[] | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  if (key.length !== n || !key.every((k) => typeof k === 'string')) throw badRequest();
  return key as string[];
}

export function scorecardRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/orgs/:org/scorecard',
    {
      schema: {
        tags,
        summary: "The organisation's audit scorecard, computed live",
        params: orgParams,
        response: { 200: scorecard },
      },
    },
    async (request) =>
      service.getScorecard({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        locale: requestLocale(request),
      }),
  );

  app.get(
    '/api/v1/orgs/:org/scorecard/criteria/:n/evidence',
    {
      schema: {
        tags,
        summary: "The systems behind a criterion's figure",
        params: evidenceParams,
        querystring: evidenceQuery,
        response: { 200: pageOf(evidenceItem) },
      },
    },
    async (request) => {
      const { limit, cursor, outcome } = request.query;
      const rows = await service.listEvidence({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        n: request.params.n,
        outcome,
        limit,
        afterKey: stringCursor(cursor, 1)?.[0],
      });
      return page(
        rows,
        limit,
        (r) => [r.key],
        (r) => r.item,
      );
    },
  );

  app.post(
    '/api/v1/orgs/:org/scorecard/snapshots',
    {
      schema: {
        tags,
        summary: "Write today's snapshot of the scorecard now (replaces today's)",
        params: orgParams,
        response: { 200: snapshot },
      },
    },
    async (request) =>
      service.takeSnapshot({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        locale: requestLocale(request),
      }),
  );

  app.get(
    '/api/v1/orgs/:org/scorecard/trend',
    {
      schema: {
        tags,
        summary: 'Each criterion over the last days (daily snapshots)',
        params: orgParams,
        querystring: trendQuery,
        response: { 200: trend },
      },
    },
    async (request) =>
      service.getTrend({ ctx, actor: actorOf(request), org: orgOf(request), days: request.query.days }),
  );

  app.post(
    '/api/v1/orgs/:org/inventory/confirmations',
    {
      schema: {
        tags,
        summary: 'Management confirms the inventory (signed with a current TOTP code)',
        params: orgParams,
        body: confirmBody,
        response: { 201: confirmation },
      },
    },
    async (request, reply) => {
      const created = await service.confirmInventory({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        code: request.body.code,
        statement: request.body.statement,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/orgs/:org/inventory/confirmations',
    {
      schema: {
        tags,
        summary: "Management's confirmations of the inventory, newest first",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(confirmationSummary) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await service.listConfirmations({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        after: stringCursor(cursor, 2) as [string, string] | undefined,
      });
      return page(
        rows,
        limit,
        (r) => r.cursor,
        (r) => r.item,
      );
    },
  );

  app.get(
    '/api/v1/orgs/:org/inventory/confirmations/:id',
    {
      schema: {
        tags,
        summary: 'One confirmation with the exact snapshot that was signed',
        params: confirmationParams,
        response: { 200: confirmation },
      },
    },
    async (request) =>
      service.getConfirmation({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );

  app.get(
    '/api/v1/sector/scorecards',
    {
      schema: {
        tags,
        summary: "Every organisation's scorecard side by side (sector coordinators)",
        querystring: sectorQuery,
        response: { 200: sectorScorecards },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const { computedAt, rows } = await service.listSectorScorecards({
        ctx,
        actor: actorOf(request),
        locale: requestLocale(request),
        limit,
        afterSlug: stringCursor(cursor, 1)?.[0],
      });
      return {
        computed_at: computedAt,
        ...page(
          rows,
          limit,
          (r) => [r.slug],
          (r) => r.item,
        ),
      };
    },
  );

  app.get(
    '/api/v1/sector/critical-shared',
    {
      schema: {
        tags,
        summary: 'The "critical and shared" map: systems by criticality and dependent organisations',
        querystring: sectorQuery,
        response: { 200: criticalShared },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      let after: [number, number, string, string] | undefined;
      if (key !== undefined) {
        const [orgs, rank, slug, k] = key;
        if (key.length !== 4 || typeof orgs !== 'number' || typeof rank !== 'number') throw badRequest();
        if (typeof slug !== 'string' || typeof k !== 'string') throw badRequest();
        after = [orgs, rank, slug, k];
      }
      const { buckets, items } = await service.getCriticalShared({
        ctx,
        actor: actorOf(request),
        limit,
        after,
      });
      const more = items.length > limit;
      const kept = more ? items.slice(0, limit) : items;
      const last = kept.at(-1);
      return {
        buckets,
        items: kept.map((r) => r.item),
        next_cursor: more && last ? encodeCursor(last.cursor) : null,
      };
    },
  );
}
