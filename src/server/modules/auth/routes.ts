import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf } from '../../http/request.js';
import { badRequest, unauthenticated } from '../../lib/errors.js';
import { SESSION_COOKIE, SIGN_IN_RATE_LIMIT } from './constants.js';
import { presentSession } from './present.js';
import type { SessionInfo } from './resolve.js';
import {
  confirmBody,
  confirmResult,
  currentSession,
  enrolBody,
  enrolResult,
  loginBody,
  loginResult,
  passwordBody,
  passwordResult,
  sessionItem,
  sessionParams,
  sessionUser,
  updateMeBody,
  verifyBody,
  verifyResult,
} from './schemas.js';
import * as service from './service.js';

const tags = ['auth'];
const noContent = { 204: z.null().describe('done') };

/** The browser session of a `session` route, at whatever stage; bearer tokens have none. */
function sessionOf(request: FastifyRequest): SessionInfo {
  if (!request.session) throw unauthenticated();
  return request.session;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The (created_at, id) key of the last session of the previous page. */
function sessionCursor(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const [time, id] = key;
  if (typeof time !== 'string' || typeof id !== 'string' || !CURSOR_TIME.test(time) || !UUID.test(id)) {
    throw badRequest();
  }
  return [time, id];
}

const clientOf = (request: FastifyRequest): service.ClientInfo => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
});

export function authRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const secure = ctx.config.publicUrl.startsWith('https://');
  const cookieOptions = { httpOnly: true, sameSite: 'lax', path: '/', secure } as const;
  /** A browser-session cookie (no Max-Age): the server ends it at the latest at its absolute expiry. */
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, cookieOptions);
  const clearSessionCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, cookieOptions);

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: 'Sign in with e-mail and password; starts a new session (cookie vaern_session)',
        body: loginBody,
        response: { 200: loginResult },
      },
    },
    async (request, reply) => {
      const result = await service.login({
        ctx,
        email: request.body.email,
        password: request.body.password,
        client: clientOf(request),
        previous: request.session,
      });
      setSessionCookie(reply, result.token);
      return { next: result.next, csrf_token: result.csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/mfa/verify',
    {
      config: { access: 'session', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: 'Answer the second-factor challenge with a TOTP code or a recovery code',
        body: verifyBody,
        response: { 200: verifyResult },
      },
    },
    async (request, reply) => {
      const result = await service.verifySecondFactor({
        ctx,
        session: sessionOf(request),
        answer: request.body,
        client: clientOf(request),
      });
      setSessionCookie(reply, result.session.token);
      return {
        next: 'done' as const,
        csrf_token: result.session.csrfToken,
        recovery_codes_left: result.recoveryCodesLeft,
      };
    },
  );

  app.post(
    '/api/v1/auth/mfa/enrol',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Start setting up TOTP: returns a new seed to confirm with a code',
        description: 'From a full session (voluntary enrolment) the password is required again.',
        body: enrolBody.nullish(),
        response: { 200: enrolResult },
      },
    },
    async (request) =>
      service.startMfaEnrolment({ ctx, session: sessionOf(request), password: request.body?.password }),
  );

  app.post(
    '/api/v1/auth/mfa/enrol/confirm',
    {
      config: { access: 'session', rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: 'Confirm TOTP with a code; returns ten recovery codes once and a new session',
        body: confirmBody,
        response: { 200: confirmResult },
      },
    },
    async (request, reply) => {
      const result = await service.confirmMfaEnrolment({
        ctx,
        session: sessionOf(request),
        code: request.body.code,
        client: clientOf(request),
      });
      setSessionCookie(reply, result.token);
      return { next: 'done' as const, csrf_token: result.csrfToken, recovery_codes: result.recoveryCodes };
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'The current session: stage, CSRF token, the person and their memberships',
        response: { 200: currentSession },
      },
    },
    async (request) => service.getCurrentSession({ ctx, session: sessionOf(request) }),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'session' },
      schema: { tags, summary: 'End the current session and clear its cookie', response: noContent },
    },
    async (request, reply) => {
      if (request.session) await service.logout({ ctx, session: request.session });
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/sessions',
    {
      schema: {
        tags,
        summary: "The signed-in person's sessions that still work, newest first",
        querystring: pageQuery,
        response: { 200: pageOf(sessionItem) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const after = sessionCursor(cursor);
      const actor = actorOf(request);
      const rows = await service.listSessions({ ctx, actor, limit, after });
      const currentId = actor.kind === 'user' ? actor.sessionId : undefined;
      return page(
        rows,
        limit,
        (r) => [r.created_key, r.id],
        (r) => presentSession(r, currentId),
      );
    },
  );

  app.delete(
    '/api/v1/auth/sessions/:id',
    {
      schema: {
        tags,
        summary: "End one of the signed-in person's own sessions",
        params: sessionParams,
        response: noContent,
      },
    },
    async (request, reply) => {
      const { current } = await service.revokeOwnSession({
        ctx,
        actor: actorOf(request),
        id: request.params.id,
      });
      if (current) clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/v1/auth/me',
    {
      schema: {
        tags,
        summary: "Change the signed-in person's own name or language (people only)",
        body: updateMeBody,
        response: { 200: sessionUser },
      },
    },
    async (request) =>
      service.updateOwnProfile({
        ctx,
        actor: actorOf(request),
        changes: { name: request.body.name, locale: request.body.locale },
      }),
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags,
        summary: "Change the signed-in person's own password (people only)",
        description:
          'A wrong current password counts towards the lockout like a sign-in. On success every ' +
          'other session of the person ends and this one is replaced (new cookie and CSRF token).',
        body: passwordBody,
        response: { 200: passwordResult },
      },
    },
    async (request, reply) => {
      const result = await service.changePassword({
        ctx,
        actor: actorOf(request),
        session: request.session,
        currentPassword: request.body.current_password,
        newPassword: request.body.new_password,
        client: clientOf(request),
      });
      setSessionCookie(reply, result.token);
      return { csrf_token: result.csrfToken, revoked_sessions: result.revokedSessions };
    },
  );
}
