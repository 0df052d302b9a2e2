import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import { audienceCounts, composedAlert } from './alert-schemas.js';
import { alertBoard, sectorAlert } from './board-schemas.js';
import { issuedAlertParams, orgComposeBody, orgPreviewBody } from './org-alert-schemas.js';
import * as service from './org-alert-service.js';

const tags = ['alerts'];

/** An organisation's alerts to its own subscribers (and, when chosen, its child organisations). */
export function orgAlertRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/orgs/:org/issued-alerts/preview',
    {
      schema: {
        tags,
        summary:
          "Whom the organisation's own alert would reach: organisations, named people, subscribers, e-mails, notifications (admin, security officer; stores nothing)",
        params: orgParams,
        body: orgPreviewBody,
        response: { 200: audienceCounts },
      },
    },
    async (request) =>
      service.previewOrgAlert({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        tlp: request.body.tlp,
        severity: request.body.severity,
        audience: request.body.audience,
      }),
  );

  app.post(
    '/api/v1/orgs/:org/issued-alerts',
    {
      schema: {
        tags,
        summary:
          'Write and publish an alert to the organisation itself (its subscribers and duty address), its child organisations when chosen, or named members (admin, security officer)',
        params: orgParams,
        body: orgComposeBody,
        response: { 201: composedAlert },
      },
    },
    async (request, reply) => {
      const created = await service.composeOrgAlert({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        input: request.body,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/orgs/:org/issued-alerts',
    {
      schema: {
        tags,
        summary:
          "The organisation's own alerts, newest first: recipients, answered, median time to acknowledge (admin, security officer)",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(sectorAlert) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 2 || typeof key[0] !== 'string' || typeof key[1] !== 'string'))
        throw badRequest();
      const items = await service.listIssuedAlerts({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        after: key as [string, string] | undefined,
        limit,
      });
      return page(
        items,
        limit,
        (a) => [a.issued_at, a.id],
        (a) => a,
      );
    },
  );

  app.get(
    '/api/v1/orgs/:org/issued-alerts/:id/board',
    {
      schema: {
        tags,
        summary:
          "Who received the organisation's own alert, who answered what and when, escalations (admin, security officer)",
        params: issuedAlertParams,
        response: { 200: alertBoard },
      },
    },
    async (request) =>
      service.getIssuedBoard({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );
}
