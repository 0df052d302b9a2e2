import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { SIGN_IN_RATE_LIMIT } from '../auth/constants.js';
import { orgParams } from '../directory/schemas.js';
import { presentInboxItem } from './alert-present.js';
import {
  alertAnswer,
  alertDetail,
  alertParams,
  answerBody,
  audienceCounts,
  composeBody,
  composedAlert,
  dutyAddress,
  dutyAddressBody,
  inboxItem,
  linkParams,
  linkView,
  previewBody,
} from './alert-schemas.js';
import * as service from './alert-service.js';

const tags = ['alerts'];

/** Alerts (varsler): composing for the sector, each organisation's inbox and answers, answer links. */
export function alertRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/sector/alerts/preview',
    {
      schema: {
        tags,
        summary:
          'Whom an audience reaches under a label and severity: organisations, named people, subscribers, e-mails, notifications (stores nothing)',
        body: previewBody,
        response: { 200: audienceCounts },
      },
    },
    async (request) =>
      service.previewAudience({
        ctx,
        actor: actorOf(request),
        tlp: request.body.tlp,
        severity: request.body.severity,
        advisoryId: request.body.advisory_id,
        audience: request.body.audience,
      }),
  );

  app.post(
    '/api/v1/sector/alerts',
    {
      schema: {
        tags,
        summary: 'Write and publish an alert (sector coordinator); its audience is resolved at once',
        body: composeBody,
        response: { 201: composedAlert },
      },
    },
    async (request, reply) => {
      const created = await service.composeAlert({ ctx, actor: actorOf(request), input: request.body });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/orgs/:org/alerts',
    {
      schema: {
        tags,
        summary: "The organisation's received alerts, newest first, with its latest answer",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(inboxItem) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 2 || typeof key[0] !== 'string' || typeof key[1] !== 'string'))
        throw badRequest();
      const rows = await service.listInbox({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        after: key as [string, string] | undefined,
        limit,
      });
      return page(rows, limit, (r) => [new Date(r.created_at).toISOString(), r.id], presentInboxItem);
    },
  );

  app.get(
    '/api/v1/orgs/:org/alerts/:id',
    {
      schema: {
        tags,
        summary: 'One received alert with its text and every answer of the organisation',
        params: alertParams,
        response: { 200: alertDetail },
      },
    },
    async (request) =>
      service.getAlert({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );

  app.post(
    '/api/v1/orgs/:org/alerts/:id/answer',
    {
      schema: {
        tags,
        summary: "The organisation's answer (security officer, admin, management); every answer is kept",
        params: alertParams,
        body: answerBody,
        response: { 200: alertDetail },
      },
    },
    async (request) =>
      service.answerAlert({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
        status: request.body.status,
        note: request.body.note,
      }),
  );

  app.get(
    '/api/v1/orgs/:org/alert-settings',
    {
      schema: {
        tags,
        summary: "The organisation's duty address for alerts",
        params: orgParams,
        response: { 200: dutyAddress },
      },
    },
    async (request) => service.getDutyAddress({ ctx, actor: actorOf(request), org: orgOf(request) }),
  );

  app.put(
    '/api/v1/orgs/:org/alert-settings',
    {
      schema: {
        tags,
        summary:
          'Set the duty address that receives every alert to the organisation except TLP:RED (admin, security officer)',
        params: orgParams,
        body: dutyAddressBody,
        response: { 200: dutyAddress },
      },
    },
    async (request) =>
      service.setDutyAddress({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        address: request.body.duty_address,
      }),
  );

  app.get(
    '/api/v1/alert-links/:token',
    {
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: 'What an answer link from an alert e-mail would answer; changes nothing',
        params: linkParams,
        response: { 200: linkView },
      },
    },
    async (request) => service.viewLink({ ctx, token: request.params.token }),
  );

  app.post(
    '/api/v1/alert-links/:token',
    {
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: "Record the recipient organisation's answer from an alert e-mail's link",
        params: linkParams,
        body: answerBody,
        response: { 200: alertAnswer },
      },
    },
    async (request) =>
      service.answerByLink({
        ctx,
        token: request.params.token,
        status: request.body.status,
        note: request.body.note,
      }),
  );
}
