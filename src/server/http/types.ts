import type { Actor } from '../lib/actor.js';
import type { SessionInfo } from '../modules/auth/resolve.js';

export interface OrgRef {
  id: string;
  slug: string;
  kind: string;
  name: string;
}

/**
 * Who may call a route. `public`: anyone; `session`: a browser session at any stage (sign-in
 * steps); `actor` (default): a fully authenticated person, token or the operator; `operator`:
 * only the instance operator (the CLI, over the socket or in-process).
 */
export type RouteAccess = 'public' | 'session' | 'actor' | 'operator';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
    session: SessionInfo | undefined;
    /** Set on every /api/v1/orgs/{org}/… route once the actor's access is checked. */
    org: OrgRef | undefined;
    viaCookie: boolean;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}
