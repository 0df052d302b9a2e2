import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build` puts the web app: dist/web at the package root (from src/ and from dist/ alike). */
export const WEB_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Answers a request that no route matched with the web app's page, when it is one of its paths. */
export type SpaFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

/**
 * A browser asking for a page of the web app: a navigation (Accept names text/html), not under
 * /api and not a file (a missing /assets/x.js stays a 404). Everyone else gets the API's 404.
 */
function isAppPath(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  const path = request.url.split('?')[0] ?? '/';
  if (path === '/api' || path.startsWith('/api/')) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/**
 * Serves the built web app (dist/web) under the app's strict CSP: the hashed files under
 * /assets for a year, index.html at / and, through the returned fallback, at every other path
 * of the app (its router takes it from there). Returns undefined when the web app is not built.
 */
export async function registerWeb(app: FastifyInstance, dir = WEB_DIR): Promise<SpaFallback | undefined> {
  const indexFile = `${dir}index.html`;
  if (!existsSync(indexFile)) return undefined;
  // Read once: a new build is deployed with a restart, like the server's own code.
  const indexHtml = readFileSync(indexFile, 'utf8');
  const sendIndex = (reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);

  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      // One route per built file: an unknown path falls through to the not-found handler.
      wildcard: false,
      index: false,
      decorateReply: false,
      dotfiles: 'deny',
      globIgnore: ['index.html'],
      setHeaders(reply, path) {
        if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
    scope.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  });

  return (request, reply) => {
    if (!isAppPath(request)) return false;
    void sendIndex(reply.code(200));
    return true;
  };
}
