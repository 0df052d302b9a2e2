import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import { findingParams } from './findings-schemas.js';
import { presentSharedFinding } from './test-findings-present.js';
import {
  sharedFinding,
  sharedFindingsQuery,
  shareParams,
  testFinding,
  testFindingBody,
} from './test-findings-schemas.js';
import * as service from './test-findings-service.js';

const tags = ['vulnerabilities'];

/** Penetration-test and red-team findings, and sharing them read-only with named organisations. */
export function testFindingsRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/orgs/:org/findings/tests',
    {
      schema: {
        tags,
        summary: 'Enter a penetration-test or red-team result as a finding',
        params: orgParams,
        body: testFindingBody,
        response: { 201: testFinding },
      },
    },
    async (request, reply) => {
      const created = await service.createTestFinding({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        body: request.body,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/orgs/:org/findings/:id/test',
    {
      schema: {
        tags,
        summary: 'A test finding with its engagement and the organisations it is shared with',
        params: findingParams,
        response: { 200: testFinding },
      },
    },
    async (request) =>
      service.getTestFinding({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );

  for (const [method, shared] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    app.route({
      method,
      url: '/api/v1/orgs/:org/findings/:id/shares/:with',
      schema: {
        tags,
        summary: shared
          ? 'Share a test finding with another organisation, read-only (security officer)'
          : 'Stop sharing a test finding with an organisation',
        params: shareParams,
        response: { 200: testFinding },
      },
      handler: async (request) =>
        service.setShare({
          ctx,
          actor: actorOf(request),
          org: orgOf(request),
          id: request.params.id,
          withSlug: request.params.with,
          shared,
        }),
    });
  }

  app.get(
    '/api/v1/orgs/:org/shared-findings',
    {
      schema: {
        tags,
        summary: 'Test findings other organisations shared with this one (read-only), worst first',
        params: orgParams,
        querystring: sharedFindingsQuery,
        response: { 200: pageOf(sharedFinding) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 2 || typeof key[0] !== 'number' || typeof key[1] !== 'string'))
        throw badRequest();
      const rows = await service.listSharedFindings({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        after: key as [number, string] | undefined,
        limit,
      });
      return page(rows, limit, (r) => [r.severity_rank, r.id], presentSharedFinding);
    },
  );
}
