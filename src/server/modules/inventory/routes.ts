import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor, pageOf } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import { exportParams, exportRegister, registerTemplateXlsx, xlsxTemplateParams } from './export.js';
import { presentDependency } from './present.js';
import { type ListFilters, type RegisterName, type RegisterRow, sortColumns } from './queries.js';
import {
  component,
  componentsQuery,
  createComponentBody,
  createDependencyBody,
  createProcessBody,
  createSupplierBody,
  createSystemBody,
  dependenciesQuery,
  dependency,
  dependencyParams,
  process,
  recordParams,
  registerQuery,
  supplier,
  system,
  systemDetail,
  systemsQuery,
  templateParams,
  updateComponentBody,
  updateProcessBody,
  updateSupplierBody,
  updateSystemBody,
} from './schemas.js';
import * as service from './service.js';

const tags = ['inventory'];
const base = '/api/v1/orgs/:org/inventory';

/** The cursor of a sort: one value per sort column, of the right type. */
function cursorOf(cursor: string | undefined, sort: string) {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  const cols = sortColumns(sort);
  if (key.length !== cols.length) throw badRequest();
  cols.forEach((c, i) => {
    if (typeof key[i] !== (c === 'criticality_rank' ? 'number' : 'string')) throw badRequest();
  });
  return key;
}

function pageOfRows<T>(rows: Array<{ row: RegisterRow; item: T }>, limit: number, sort: string) {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1)?.row;
  return {
    items: kept.map((r) => r.item),
    next_cursor: more && last ? encodeCursor(sortColumns(sort).map((c) => last[c] as string | number)) : null,
  };
}

const flag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

interface RegisterRoutes {
  name: RegisterName;
  path: string;
  noun: string;
  item: z.ZodType;
  detail?: z.ZodType;
  createBody: z.ZodType;
  updateBody: z.ZodType;
}

export function inventoryRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  // Lists: systems with their filters and sorts; the other registers by key, with a search.
  app.get(
    `${base}/systems`,
    {
      schema: {
        tags,
        summary: "The organisation's systems: search, filters, sorting and keyset paging",
        params: orgParams,
        querystring: systemsQuery,
        response: { 200: pageOf(system) },
      },
    },
    async (request) => {
      const query = request.query;
      const filters: ListFilters = {
        q: query.q,
        criticality: query.criticality?.split(','),
        healthData: flag(query.health_data),
        legacy: flag(query.legacy),
        medicalDevice: flag(query.medical_device),
        gap: query.gap,
      };
      const rows = await service.listRecords({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        name: 'systems',
        filters,
        sort: query.sort,
        after: cursorOf(query.cursor, query.sort),
        limit: query.limit,
      });
      return pageOfRows(rows, query.limit, query.sort) as z.infer<ReturnType<typeof pageOf<typeof system>>>;
    },
  );

  for (const [name, path, item] of [
    ['processes', 'processes', process],
    ['suppliers', 'suppliers', supplier],
  ] as const) {
    app.get(
      `${base}/${path}`,
      {
        schema: {
          tags,
          summary: `The organisation's ${path}, by key`,
          params: orgParams,
          querystring: registerQuery,
          response: { 200: pageOf(item) },
        },
      },
      async (request) => {
        const { limit, cursor, q } = request.query;
        const rows = await service.listRecords({
          ctx,
          actor: actorOf(request),
          org: orgOf(request),
          name,
          filters: { q },
          sort: 'key',
          after: cursorOf(cursor, 'key'),
          limit,
        });
        return pageOfRows(rows, limit, 'key') as never;
      },
    );
  }

  app.get(
    `${base}/components`,
    {
      schema: {
        tags,
        summary: "The organisation's components, by key (optionally of one system)",
        params: orgParams,
        querystring: componentsQuery,
        response: { 200: pageOf(component) },
      },
    },
    async (request) => {
      const { limit, cursor, q, system: systemKey } = request.query;
      const rows = await service.listRecords({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        name: 'components',
        filters: { q, system: systemKey },
        sort: 'key',
        after: cursorOf(cursor, 'key'),
        limit,
      });
      return pageOfRows(rows, limit, 'key') as never;
    },
  );

  // One record, create, change, delete: the same for every register.
  const registers: RegisterRoutes[] = [
    {
      name: 'systems',
      path: 'systems',
      noun: 'system',
      item: system,
      detail: systemDetail,
      createBody: createSystemBody,
      updateBody: updateSystemBody,
    },
    {
      name: 'processes',
      path: 'processes',
      noun: 'process',
      item: process,
      createBody: createProcessBody,
      updateBody: updateProcessBody,
    },
    {
      name: 'suppliers',
      path: 'suppliers',
      noun: 'supplier',
      item: supplier,
      createBody: createSupplierBody,
      updateBody: updateSupplierBody,
    },
    {
      name: 'components',
      path: 'components',
      noun: 'component',
      item: component,
      createBody: createComponentBody,
      updateBody: updateComponentBody,
    },
  ];

  for (const reg of registers) {
    app.get(
      `${base}/${reg.path}/:key`,
      {
        schema: {
          tags,
          summary:
            reg.name === 'systems'
              ? 'A system with its components and dependencies'
              : `A ${reg.noun} by its key`,
          params: recordParams,
          response: { 200: reg.detail ?? reg.item },
        },
      },
      async (request) => {
        const opts = { ctx, actor: actorOf(request), org: orgOf(request), key: request.params.key };
        return reg.name === 'systems'
          ? service.getSystem(opts)
          : service.getRecord({ ...opts, name: reg.name });
      },
    );

    app.post(
      `${base}/${reg.path}`,
      {
        schema: {
          tags,
          summary: `Add a ${reg.noun}`,
          params: orgParams,
          body: reg.createBody,
          response: { 201: reg.item },
        },
      },
      async (request, reply) => {
        const created = await service.createRecord({
          ctx,
          actor: actorOf(request),
          org: orgOf(request),
          name: reg.name,
          input: request.body as Record<string, unknown>,
        });
        return reply.code(201).send(created);
      },
    );

    app.patch(
      `${base}/${reg.path}/:key`,
      {
        schema: {
          tags,
          summary: `Change a ${reg.noun} (only the fields given; null clears)`,
          params: recordParams,
          body: reg.updateBody,
          response: { 200: reg.item },
        },
      },
      async (request) =>
        service.updateRecord({
          ctx,
          actor: actorOf(request),
          org: orgOf(request),
          name: reg.name,
          key: request.params.key,
          input: request.body as Record<string, unknown>,
        }),
    );

    app.delete(
      `${base}/${reg.path}/:key`,
      {
        schema: {
          tags,
          summary:
            reg.name === 'systems'
              ? 'Delete a system with its components and dependencies'
              : `Delete a ${reg.noun}`,
          params: recordParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await service.deleteRecord({
          ctx,
          actor: actorOf(request),
          org: orgOf(request),
          name: reg.name,
          key: request.params.key,
        });
        return reply.code(204).send(null);
      },
    );
  }

  // Dependencies ----------------------------------------------------------------------------------

  app.get(
    `${base}/dependencies`,
    {
      schema: {
        tags,
        summary: "The organisation's dependencies",
        params: orgParams,
        querystring: dependenciesQuery,
        response: { 200: pageOf(dependency) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      if (
        key !== undefined &&
        (key.length !== 1 || typeof key[0] !== 'string' || !z.uuid().safeParse(key[0]).success)
      )
        throw badRequest();
      const rows = await service.listDependencies({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        filters: {
          ...(request.query.system ? { system: request.query.system } : {}),
          ...(request.query.from_type ? { fromType: request.query.from_type } : {}),
          ...(request.query.from_key ? { fromKey: request.query.from_key } : {}),
          ...(request.query.to_type ? { toType: request.query.to_type } : {}),
          ...(request.query.to_key ? { toKey: request.query.to_key } : {}),
        },
        afterId: key?.[0] as string | undefined,
        limit,
      });
      const more = rows.length > limit;
      const kept = more ? rows.slice(0, limit) : rows;
      const last = kept.at(-1);
      return {
        items: kept.map(presentDependency),
        next_cursor: more && last ? encodeCursor([last.id]) : null,
      };
    },
  );

  app.post(
    `${base}/dependencies`,
    {
      schema: {
        tags,
        summary: 'Add a dependency (process → system, system → system, system → supplier)',
        params: orgParams,
        body: createDependencyBody,
        response: { 201: dependency },
      },
    },
    async (request, reply) => {
      const created = await service.createDependency({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        input: request.body,
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    `${base}/dependencies/:id`,
    {
      schema: { tags, summary: 'Delete a dependency', params: dependencyParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await service.deleteDependency({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
      });
      return reply.code(204).send(null);
    },
  );

  // Templates -------------------------------------------------------------------------------------

  app.get(
    `${base}/templates/:register.csv`,
    {
      schema: {
        tags,
        summary: "A register's CSV template: the header and one example row (docs/inventory.md)",
        description: 'register: systems, components, processes, suppliers or dependencies',
        params: templateParams,
        response: { 200: z.string() },
      },
    },
    async (request, reply) => {
      const csv = service.registerTemplate({
        actor: actorOf(request),
        org: orgOf(request),
        register: request.params.register,
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${request.params.register}.csv"`)
        .send(csv);
    },
  );

  app.get(
    `${base}/templates/:register.xlsx`,
    {
      schema: {
        tags,
        summary: "A register's XLSX template: the header and one example row (docs/inventory.md)",
        description: 'register: systems, components, processes, suppliers or dependencies',
        params: xlsxTemplateParams,
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      },
    },
    async (request, reply) => {
      const file = registerTemplateXlsx({
        actor: actorOf(request),
        org: orgOf(request),
        register: request.params.register,
      });
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.stream);
    },
  );

  // Export ----------------------------------------------------------------------------------------

  app.get(
    `${base}/export/:register.:format`,
    {
      schema: {
        tags,
        summary: "A register as CSV or XLSX, in its template's columns, as the importer reads it back",
        description:
          'register: systems, components, processes, suppliers or dependencies; format: csv or xlsx. ' +
          'Every row of the register, streamed; importing the file again changes nothing (docs/inventory.md, ' +
          '"Export"). The export is recorded in the audit trail (inventory.export).',
        params: exportParams,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      },
    },
    async (request, reply) => {
      const file = await exportRegister({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        register: request.params.register,
        format: request.params.format,
      });
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'no-store')
        .send(file.stream);
    },
  );
}
