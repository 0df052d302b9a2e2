import type { FastifyRequest } from 'fastify';
import type { Actor } from '../lib/actor.js';
import { unauthenticated } from '../lib/errors.js';
import type { OrgRef } from './types.js';

/** The request's actor; routes behind authentication always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated();
  return request.actor;
}

/** The `{org}` of an organisation route, resolved and access-checked by the authentication hook. */
export function orgOf(request: FastifyRequest): OrgRef {
  if (!request.org) throw unauthenticated();
  return request.org;
}
