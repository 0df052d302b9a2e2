import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import { presentFinding, presentHost, presentSummary } from './findings-present.js';
import {
  finding,
  findingHistory,
  findingParams,
  findingsQuery,
  findingsSummary,
  slaPolicy,
  slaResponse,
  stateBody,
  unmappedHost,
} from './findings-schemas.js';
import * as service from './findings-service.js';

const tags = ['vulnerabilities'];
const base = '/api/v1/orgs/:org/findings';

function findingCursor(cursor: string | undefined): [number, string] | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  const [rank, id] = key;
  if (key.length !== 2 || typeof rank !== 'number' || typeof id !== 'string') throw badRequest();
  return [rank, id];
}

const flag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

export function findingsRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    base,
    {
      schema: {
        tags,
        summary:
          "The organisation's findings, worst first: filters by state, severity, system, host, CVE, new since a scan",
        params: orgParams,
        querystring: findingsQuery,
        response: { 200: pageOf(finding) },
      },
    },
    async (request) => {
      const query = request.query;
      const rows = await service.listFindings({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        filters: {
          states: query.state,
          severities: query.severity,
          system: query.system,
          host: query.host,
          cve: query.cve,
          unmapped: flag(query.unmapped),
          overdue: flag(query.overdue),
          kev: flag(query.kev),
          q: query.q,
          firstImport: query.first_import,
        },
        after: findingCursor(query.cursor),
        limit: query.limit,
      });
      return page(rows, query.limit, (r) => [r.severity_rank, r.id], presentFinding);
    },
  );

  app.get(
    `${base}/unmapped-hosts`,
    {
      schema: {
        tags,
        summary: 'Hosts with findings that map to no system: complete the inventory with them',
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(unmappedHost) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 1 || typeof key[0] !== 'string')) throw badRequest();
      const rows = await service.listUnmappedHosts({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        after: key?.[0] as string | undefined,
        limit,
      });
      return page(rows, limit, (r) => [r.host], presentHost);
    },
  );

  app.get(
    `${base}/summary`,
    {
      schema: {
        tags,
        summary:
          'The dashboard: open findings by severity, overdue, in KEV, the 13-week trend, the last scan, top systems',
        params: orgParams,
        response: { 200: findingsSummary },
      },
    },
    async (request) =>
      presentSummary(await service.findingsSummary({ ctx, actor: actorOf(request), org: orgOf(request) })),
  );

  app.get(
    `${base}/sla`,
    {
      schema: {
        tags,
        summary:
          "The organisation's SLA: days to fix by severity and system criticality, tightened for exploited CVEs",
        params: orgParams,
        response: { 200: slaResponse },
      },
    },
    async (request) => service.getSla({ ctx, actor: actorOf(request), org: orgOf(request) }),
  );

  app.put(
    `${base}/sla`,
    {
      schema: {
        tags,
        summary: "Set the organisation's SLA; the due dates of its unfinished findings follow at once",
        params: orgParams,
        body: slaPolicy,
        response: { 200: slaResponse },
      },
    },
    async (request) =>
      service.setSla({ ctx, actor: actorOf(request), org: orgOf(request), policy: request.body }),
  );

  app.get(
    `${base}/:id`,
    {
      schema: { tags, summary: 'One finding', params: findingParams, response: { 200: finding } },
    },
    async (request) =>
      service.getFinding({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );

  app.get(
    `${base}/:id/history`,
    {
      schema: {
        tags,
        summary: "A finding's changes (who moved it, when, why), newest first, from the audit trail",
        params: findingParams,
        response: { 200: findingHistory },
      },
    },
    async (request) =>
      service.getFindingHistory({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );

  app.post(
    `${base}/:id/state`,
    {
      schema: {
        tags,
        summary:
          'Move a finding along: in progress, false positive (reason), risk accepted (management: reason and expiry), open',
        params: findingParams,
        body: stateBody,
        response: { 200: finding },
      },
    },
    async (request) =>
      service.changeFindingState({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
        state: request.body.state,
        reason: request.body.reason,
        acceptedUntil: request.body.accepted_until,
      }),
  );
}
