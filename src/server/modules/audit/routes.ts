import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { presentEntry } from './present.js';
import {
  type AuditLogQuery,
  auditEntry,
  auditExportQuery,
  auditLogQuery,
  verifyBody,
  verifyResult,
} from './schemas.js';
import * as service from './service.js';

const tags = ['audit'];
const orgParams = z.strictObject({ org: z.string().min(1).max(63) });

/** The cursor of a log page is the last item's sequence number. */
function beforeSeqOf(cursor: string | undefined): number | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  const seq = key[0];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw badRequest();
  return seq;
}

function filtersOf(query: AuditLogQuery) {
  const { limit: _limit, cursor: _cursor, ...filters } = query;
  return filters;
}

/**
 * The audit trail over HTTP: reading (organisation and platform chains) and verifying. There is
 * deliberately no route that changes or deletes an entry.
 */
export function auditRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/orgs/:org/audit',
    {
      schema: {
        tags,
        summary: "The organisation's audit log, newest first",
        params: orgParams,
        querystring: auditLogQuery,
        response: { 200: pageOf(auditEntry) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await service.listOrgAudit({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        beforeSeq: beforeSeqOf(cursor),
        filters: filtersOf(request.query),
      });
      return page(rows, limit, (r) => [Number(r.seq)], presentEntry);
    },
  );

  app.get(
    '/api/v1/orgs/:org/audit/export.csv',
    {
      schema: {
        tags,
        summary: "The organisation's audit log as CSV, newest first; the export is itself recorded",
        description:
          'Columns: seq, at, actor_type, actor, action, target_type, target_id, before, after, hash ' +
          '(before and after as compact JSON). Values that start with =, +, - or @ get a leading apostrophe.',
        params: orgParams,
        querystring: auditExportQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const stream = await service.exportOrgAudit({
        ctx,
        actor: actorOf(request),
        org,
        filters: request.query,
      });
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${org.slug}-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  app.get(
    '/api/v1/audit/platform',
    {
      schema: {
        tags,
        summary: 'The platform audit log (organisations, users, sign-ins), newest first',
        querystring: auditLogQuery,
        response: { 200: pageOf(auditEntry) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await service.listPlatformAudit({
        ctx,
        actor: actorOf(request),
        limit,
        beforeSeq: beforeSeqOf(cursor),
        filters: filtersOf(request.query),
      });
      return page(rows, limit, (r) => [Number(r.seq)], presentEntry);
    },
  );

  app.post(
    '/api/v1/operator/audit/verify',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Verify every hash chain against its head and the anchor file (instance operator)',
        body: verifyBody,
        response: { 200: verifyResult },
      },
    },
    async (request) =>
      service.verifyTrail({ ctx, actor: actorOf(request), anchorsFile: request.body.anchors }),
  );
}
