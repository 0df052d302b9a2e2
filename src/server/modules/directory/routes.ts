import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { presentOrganisation, presentToken, presentUser } from './present.js';
import {
  addMemberBody,
  apiToken,
  createdToken,
  createOrganisationBody,
  createTokenBody,
  createUserBody,
  member,
  organisation,
  organisationQuery,
  orgParams,
  slugSchema,
  updateOrganisationBody,
  user,
} from './schemas.js';
import * as service from './service.js';

const tags = ['directory'];

export function directoryRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/orgs',
    {
      schema: {
        tags,
        summary: 'List organisations (the sector directory), optionally searched by slug or name',
        querystring: organisationQuery,
        response: { 200: pageOf(organisation) },
      },
    },
    async (request) => {
      const { limit, cursor, q, kind } = request.query;
      const after = decodeCursor(cursor)?.[0];
      const rows = await service.listOrganisations({
        ctx,
        actor: actorOf(request),
        limit,
        after: after as string | undefined,
        filter: { q, kind },
      });
      return page(rows, limit, (r) => [r.slug], presentOrganisation);
    },
  );

  app.post(
    '/api/v1/orgs',
    {
      schema: {
        tags,
        summary: 'Create an organisation',
        body: createOrganisationBody,
        response: { 201: organisation },
      },
    },
    async (request, reply) => {
      const org = await service.createOrganisation({ ctx, actor: actorOf(request), input: request.body });
      return reply.code(201).send(org);
    },
  );

  app.patch(
    '/api/v1/platform/organisations/:slug',
    {
      schema: {
        tags,
        summary: "Change an organisation's name, kind, parent or region (platform administrators)",
        params: z.strictObject({ slug: slugSchema }),
        body: updateOrganisationBody,
        response: { 200: organisation },
      },
    },
    async (request) =>
      service.updateOrganisation({
        ctx,
        actor: actorOf(request),
        slug: request.params.slug,
        input: request.body,
      }),
  );

  app.get(
    '/api/v1/orgs/:org',
    { schema: { tags, summary: 'One organisation', params: orgParams, response: { 200: organisation } } },
    async (request) => service.getOrganisation({ ctx, actor: actorOf(request), org: orgOf(request) }),
  );

  app.get(
    '/api/v1/orgs/:org/members',
    {
      schema: {
        tags,
        summary: "An organisation's members",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(member) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const after = decodeCursor(cursor)?.[0] as string | undefined;
      const rows = await service.listMembers({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        after,
      });
      return page(
        rows,
        limit,
        (r) => [r.email],
        (r) => ({ ...r, roles: r.roles as z.infer<typeof member>['roles'] }),
      );
    },
  );

  app.post(
    '/api/v1/orgs/:org/members',
    {
      schema: {
        tags,
        summary: 'Give an existing user a role in the organisation',
        params: orgParams,
        body: addMemberBody,
        response: {
          200: z.object({ user_id: z.uuid(), email: z.string(), role: z.string(), added: z.boolean() }),
        },
      },
    },
    async (request) =>
      service.addMember({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        email: request.body.email,
        role: request.body.role,
      }),
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'List users (platform administrators)',
        querystring: pageQuery,
        response: { 200: pageOf(user) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const after = decodeCursor(cursor)?.[0] as string | undefined;
      const rows = await service.listUsers({ ctx, actor: actorOf(request), limit, after });
      return page(rows, limit, (r) => [r.email], presentUser);
    },
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Create a user (platform administrators)',
        body: createUserBody,
        response: { 201: user },
      },
    },
    async (request, reply) => {
      const created = await service.createUser({ ctx, actor: actorOf(request), input: request.body });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/orgs/:org/tokens',
    {
      schema: {
        tags,
        summary: "The organisation's API tokens",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(apiToken) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      const after = key ? ([String(key[0]), String(key[1])] as [string, string]) : undefined;
      const rows = await service.listTokens({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        after,
      });
      return page(rows, limit, (r) => [r.name, r.id], presentToken);
    },
  );

  app.post(
    '/api/v1/orgs/:org/tokens',
    {
      schema: {
        tags,
        summary: 'Issue an API token; the token is returned once',
        params: orgParams,
        body: createTokenBody,
        response: { 201: createdToken },
      },
    },
    async (request, reply) => {
      const { name, role, expires_at } = request.body;
      const created = await service.createToken({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        name,
        role,
        expiresAt: expires_at,
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/orgs/:org/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API token',
        params: z.strictObject({ org: z.string().min(1).max(63), id: z.uuid() }),
        response: { 200: apiToken },
      },
    },
    async (request) =>
      service.revokeToken({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );
}
