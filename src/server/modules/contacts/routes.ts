import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import { presentContact } from './present.js';
import {
  contact,
  contactParams,
  createContactBody,
  sectorContact,
  sectorQuery,
  updateContactBody,
} from './schemas.js';
import * as service from './service.js';

const tags = ['contacts'];

function cursorOf<N extends number>(cursor: string | undefined, n: N) {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  if (key.length !== n) throw badRequest();
  return key.map(String);
}

export function contactsRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/orgs/:org/contacts',
    {
      schema: {
        tags,
        summary: "The organisation's contacts directory",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(contact) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await service.listContacts({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        after: cursorOf(cursor, 3) as [string, string, string] | undefined,
      });
      return page(rows, limit, (r) => [r.role, r.name, r.id], presentContact);
    },
  );

  app.post(
    '/api/v1/orgs/:org/contacts',
    {
      schema: {
        tags,
        summary: 'Add a contact',
        params: orgParams,
        body: createContactBody,
        response: { 201: contact },
      },
    },
    async (request, reply) => {
      const created = await service.createContact({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        input: request.body,
      });
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/api/v1/orgs/:org/contacts/:id',
    {
      schema: {
        tags,
        summary: 'Change a contact',
        params: contactParams,
        body: updateContactBody,
        response: { 200: contact },
      },
    },
    async (request) =>
      service.updateContact({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
        input: request.body,
      }),
  );

  app.post(
    '/api/v1/orgs/:org/contacts/:id/verify',
    {
      schema: {
        tags,
        summary: 'Mark a contact verified today',
        params: contactParams,
        response: { 200: contact },
      },
    },
    async (request) =>
      service.verifyContact({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );

  app.delete(
    '/api/v1/orgs/:org/contacts/:id',
    {
      schema: { tags, summary: 'Delete a contact', params: contactParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await service.deleteContact({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/sector/contacts',
    {
      schema: {
        tags,
        summary: "Every organisation's contacts (sector coordinators)",
        querystring: sectorQuery,
        response: { 200: pageOf(sectorContact) },
      },
    },
    async (request) => {
      const { limit, cursor, overdue } = request.query;
      const rows = await service.listSectorContacts({
        ctx,
        actor: actorOf(request),
        overdueOnly: overdue === 'true',
        limit,
        after: cursorOf(cursor, 4) as [string, string, string, string] | undefined,
      });
      return page(
        rows,
        limit,
        (r) => [r.row.org_slug, r.row.role, r.row.name, r.row.id],
        (r) => r.item,
      );
    },
  );
}
