import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.js';

/**
 * PostgreSQL text never holds U+0000: a request that carries one anywhere (a path parameter, the
 * query, a JSON body) is refused before any route sees it, naming where, instead of failing in
 * the database with an internal error. Upload bodies are streams and are not looked into here:
 * their importers refuse what they cannot store.
 */
export function nulPath(value: unknown, at: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? at || 'value' : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  // Parsed JSON and query strings only (the query parser's objects descend from a bare prototype):
  // an upload's body is a stream, not looked into.
  const proto = Object.getPrototypeOf(value);
  const plain = proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
  if (!Array.isArray(value) && !plain) return null;
  for (const [key, inner] of Object.entries(value)) {
    const here = at ? `${at}.${key}` : key;
    if (key.includes('\u0000')) return here;
    const found = nulPath(inner, here, depth + 1);
    if (found) return found;
  }
  return null;
}

export async function refuseNul(request: FastifyRequest, reply: FastifyReply) {
  const field =
    nulPath(request.params, 'params') ?? nulPath(request.query, 'query') ?? nulPath(request.body, 'body');
  if (field) return sendProblem(request, reply, 400, 'error.nul_character', { field });
}
