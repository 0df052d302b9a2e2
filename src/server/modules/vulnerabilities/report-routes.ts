import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import {
  draftParams,
  draftQuery,
  reportParams,
  reportsQuery,
  signBody,
  signedReport,
} from './report-schemas.js';
import * as service from './report-service.js';

const tags = ['findings'];

export function reportRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/orgs/:org/findings/reports';

  app.get(
    `${base}/:quarter.pdf`,
    {
      schema: {
        tags,
        summary: "A quarter's management report as an unsigned draft PDF",
        params: draftParams,
        querystring: draftQuery,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const draft = await service.draftReport({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        quarter: request.params.quarter,
        lang: request.query.lang,
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${draft.fileName}"`)
        .send(draft.pdf);
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: "Management signs a quarter's report (with a current TOTP code)",
        params: orgParams,
        body: signBody,
        response: { 201: signedReport },
      },
    },
    async (request, reply) => {
      const signed = await service.signReport({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        quarter: request.body.quarter,
        lang: request.body.lang,
        code: request.body.code,
      });
      return reply.code(201).send(signed);
    },
  );

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Signed management reports, newest first',
        params: orgParams,
        querystring: reportsQuery,
        response: { 200: pageOf(signedReport) },
      },
    },
    async (request) => {
      const { limit, cursor, quarter } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 2 || !key.every((k) => typeof k === 'string')))
        throw badRequest();
      const rows = await service.listReports({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        after: key as [string, string] | undefined,
        quarter,
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
    `${base}/:id/pdf`,
    {
      schema: {
        tags,
        summary: 'The exact PDF bytes that management signed',
        params: reportParams,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const signed = await service.signedReportPdf({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${signed.fileName}"`)
        .header('x-content-sha256', signed.sha256)
        .send(signed.pdf);
    },
  );
}
