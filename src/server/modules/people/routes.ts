import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { SIGN_IN_RATE_LIMIT } from '../auth/constants.js';
import { presentInvitation } from './present.js';
import {
  acceptBody,
  acceptResult,
  createdInvitation,
  createInvitationBody,
  deactivateResult,
  invitation,
  invitationLookup,
  invitationParams,
  issuedLink,
  listInvitationsQuery,
  memberParams,
  memberResult,
  mfaResetResult,
  resetCompleteBody,
  resetCompleteResult,
  resetRequestBody,
  setRolesBody,
  tokenBody,
} from './schemas.js';
import * as service from './service.js';

const tags = ['people'];
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The (created_at, id) key of the last invitation of the previous page. */
function invitationCursor(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const [time, id] = key;
  if (typeof time !== 'string' || typeof id !== 'string' || !CURSOR_TIME.test(time) || !UUID.test(id)) {
    throw badRequest();
  }
  return [time, id];
}

export function peopleRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.put(
    '/api/v1/orgs/:org/members/:user_id',
    {
      schema: {
        tags,
        summary: "Replace a member's roles in the organisation (admins)",
        description: 'The organisation keeps at least one admin (409 people.last_admin).',
        params: memberParams,
        body: setRolesBody,
        response: { 200: memberResult },
      },
    },
    async (request) =>
      service.setMemberRoles({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        userId: request.params.user_id,
        roles: request.body.roles,
      }),
  );

  app.delete(
    '/api/v1/orgs/:org/members/:user_id',
    {
      schema: {
        tags,
        summary: 'Deactivate a leaver (admins)',
        description:
          'Removes every role of the person here, revokes the API tokens they created here, ends all ' +
          'their sessions at once, and deactivates the account when they belong nowhere else.',
        params: memberParams,
        response: { 200: deactivateResult },
      },
    },
    async (request) =>
      service.deactivateMember({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        userId: request.params.user_id,
      }),
  );

  app.post(
    '/api/v1/orgs/:org/members/:user_id/mfa-reset',
    {
      schema: {
        tags,
        summary: "Reset a member's second factor (admins)",
        description: 'Clears the TOTP seed, enrolment and recovery codes, and ends their sessions.',
        params: memberParams,
        response: { 200: mfaResetResult },
      },
    },
    async (request) =>
      service.resetMemberMfa({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        userId: request.params.user_id,
      }),
  );

  app.post(
    '/api/v1/orgs/:org/members/:user_id/password-reset',
    {
      schema: {
        tags,
        summary: "Reset a member's password (admins)",
        description:
          'The current password stops working and every session ends; a single-use link is mailed ' +
          'to the person, or returned when no SMTP is configured.',
        params: memberParams,
        response: { 200: issuedLink },
      },
    },
    async (request) =>
      service.resetMemberPassword({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        userId: request.params.user_id,
      }),
  );

  app.post(
    '/api/v1/orgs/:org/invitations',
    {
      schema: {
        tags,
        summary: 'Invite a person by e-mail (admins)',
        params: z.strictObject({ org: z.string().min(1).max(63) }),
        body: createInvitationBody,
        response: { 201: createdInvitation },
      },
    },
    async (request, reply) => {
      const created = await service.createInvitation({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        input: request.body,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/orgs/:org/invitations',
    {
      schema: {
        tags,
        summary: "The organisation's invitations, newest first (admins)",
        params: z.strictObject({ org: z.string().min(1).max(63) }),
        querystring: listInvitationsQuery,
        response: { 200: pageOf(invitation) },
      },
    },
    async (request) => {
      const { limit, cursor, status } = request.query;
      const rows = await service.listInvitations({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        after: invitationCursor(cursor),
        status,
      });
      return page(rows, limit, (r) => [r.created_key, r.id], presentInvitation);
    },
  );

  app.delete(
    '/api/v1/orgs/:org/invitations/:id',
    {
      schema: {
        tags,
        summary: 'Withdraw a pending invitation (admins)',
        params: invitationParams,
        response: { 200: invitation },
      },
    },
    async (request) =>
      service.revokeInvitation({ ctx, actor: actorOf(request), org: orgOf(request), id: request.params.id }),
  );

  app.post(
    '/api/v1/invitations/lookup',
    {
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: 'What an invitation link invites to',
        description: 'An expired, used or withdrawn link answers 410 people.invitation_invalid.',
        body: tokenBody,
        response: { 200: invitationLookup },
      },
    },
    async (request) => service.lookupInvitation({ ctx, token: request.body.token }),
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: 'Accept an invitation',
        description:
          'Without an account for the invited address: name and password create it. With one: the ' +
          'request must come from that person’s signed-in session (else 409 people.sign_in_to_accept).',
        body: acceptBody,
        response: { 200: acceptResult },
      },
    },
    async (request) =>
      service.acceptInvitation({
        ctx,
        actor: request.actor,
        token: request.body.token,
        name: request.body.name,
        password: request.body.password,
      }),
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: 'Ask for a password reset link by e-mail',
        description: 'Always 202, whether or not the address has an account.',
        body: resetRequestBody,
        response: { 202: z.object({}) },
      },
    },
    async (request, reply) => {
      await service.requestPasswordReset({ ctx, email: request.body.email });
      return reply.code(202).send({});
    },
  );

  app.post(
    '/api/v1/auth/password-reset/complete',
    {
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: 'Choose a new password with a reset or set-up link',
        description:
          'Ends every session of the person. A used or expired link answers 410 people.reset_invalid.',
        body: resetCompleteBody,
        response: { 200: resetCompleteResult },
      },
    },
    async (request) =>
      service.completePasswordReset({ ctx, token: request.body.token, password: request.body.password }),
  );
}
