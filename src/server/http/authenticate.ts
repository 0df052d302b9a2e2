import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { withTenant } from '../db/tenant.js';
import { isMember } from '../lib/actor.js';
import { safeEqual } from '../lib/crypto.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../modules/auth/constants.js';
import { actorFromToken, sessionFromCookie } from '../modules/auth/resolve.js';
import { sendProblem } from './problem.js';
import type { RouteAccess } from './types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Builds the one Actor of a request (operator, bearer token or session cookie), enforces the
 * route's access level and CSRF on cookie writes, and resolves `{org}` with a membership check.
 */
export function registerAuthentication(app: FastifyInstance, ctx: AppContext, operator: boolean) {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('session', undefined);
  app.decorateRequest('org', undefined);
  app.decorateRequest('viaCookie', false);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // An unknown URL is answered 404 for everyone: it protects nothing.
    const access: RouteAccess = request.is404 ? 'public' : (request.routeOptions.config.access ?? 'actor');
    if (operator) {
      // Whoever may open the socket (mode 0600) or the data directory is the operator; the CLI
      // names its OS user so the audit trail says who ran the command.
      const who = request.headers['x-vaern-operator'];
      const name = typeof who === 'string' && /^[\w.-]{1,64}$/.test(who) ? who : 'unknown';
      request.actor = { kind: 'operator', label: `cli:${name}` };
    } else {
      const auth = request.headers.authorization;
      if (auth !== undefined) {
        const m = /^Bearer\s+(\S+)$/i.exec(auth);
        request.actor = m?.[1] ? await actorFromToken(ctx, m[1]) : undefined;
        if (!request.actor && access !== 'public')
          return sendProblem(request, reply, 401, 'auth.token_invalid');
      } else {
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) {
          const found = await sessionFromCookie(ctx, cookie);
          if (found) {
            request.session = found.session;
            request.actor = found.actor;
            request.viaCookie = true;
          }
        }
      }
    }
    if (access === 'operator' && request.actor?.kind !== 'operator') {
      return sendProblem(request, reply, 403, 'error.forbidden');
    }
    if (request.viaCookie && request.session && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, request.session.csrfToken)) {
        return sendProblem(request, reply, 403, 'error.csrf');
      }
    }
    if (access === 'actor' && !request.actor) {
      if (request.session?.stage === 'password') return sendProblem(request, reply, 401, 'auth.mfa_required');
      if (request.session?.stage === 'enrol')
        return sendProblem(request, reply, 401, 'auth.mfa_enrolment_required');
      return sendProblem(request, reply, 401, 'error.unauthenticated');
    }
    const slug = (request.params as { org?: unknown } | undefined)?.org;
    if (typeof slug === 'string' && request.routeOptions.url?.startsWith('/api/v1/orgs/:org')) {
      const actor = request.actor;
      if (!actor) return sendProblem(request, reply, 401, 'error.unauthenticated');
      const org = await withTenant(ctx.db.kysely, { orgIds: [] }, (tx) =>
        tx.q
          .selectFrom('organisations')
          .select(['id', 'slug', 'kind', 'name'])
          .where('slug', '=', slug.toLowerCase())
          .executeTakeFirst(),
      );
      if (!org) return sendProblem(request, reply, 404, 'error.org_not_found', { slug });
      if (!isMember(actor, org.id)) return sendProblem(request, reply, 403, 'error.org_forbidden', { slug });
      request.org = org;
    }
  });
}
