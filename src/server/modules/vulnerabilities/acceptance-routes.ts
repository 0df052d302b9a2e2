import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import {
  acceptanceRequest,
  decisionBody,
  requestBody,
  requestParams,
  requestsQuery,
} from './acceptance-schemas.js';
import * as service from './acceptance-service.js';
import { findingParams } from './findings-schemas.js';

const tags = ['findings'];

/** Risk acceptance requests: put to management, approved or declined by it. */
export function acceptanceRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/orgs/:org/findings/:id/acceptance-requests',
    {
      schema: {
        tags,
        summary: "Ask management to accept a finding's risk (a person who follows findings up)",
        params: findingParams,
        body: requestBody,
        response: { 201: acceptanceRequest },
      },
    },
    async (request, reply) => {
      const created = await service.requestAcceptance({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        findingId: request.params.id,
        reason: request.body.reason,
        acceptedUntil: request.body.accepted_until,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/orgs/:org/findings/acceptance-requests',
    {
      schema: {
        tags,
        summary: "The organisation's risk acceptance requests: open ones oldest first, or decided ones",
        params: orgParams,
        querystring: requestsQuery,
        response: { 200: pageOf(acceptanceRequest) },
      },
    },
    async (request) => {
      const { limit, cursor, status, finding } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 2 || !key.every((k) => typeof k === 'string')))
        throw badRequest();
      const rows = await service.listRequests({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        open: status === 'open',
        findingId: finding,
        limit,
        after: key as [string, string] | undefined,
      });
      return page(
        rows,
        limit,
        (r) => r.cursor,
        (r) => r.item,
      );
    },
  );

  app.post(
    '/api/v1/orgs/:org/findings/acceptance-requests/:request/decision',
    {
      schema: {
        tags,
        summary: 'Approve (the finding becomes risk accepted) or decline (with a note): management only',
        params: requestParams,
        body: decisionBody,
        response: { 200: acceptanceRequest },
      },
    },
    async (request) =>
      service.decideRequest({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.request,
        decision: request.body.decision,
        note: request.body.note,
      }),
  );
}
