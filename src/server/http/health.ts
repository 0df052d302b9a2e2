import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import client from 'prom-client';
import type { AppContext } from '../context.js';
import { latestMigration } from '../db/migrate.js';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'vaern_' });
const httpDuration = new client.Histogram({
  name: 'vaern_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** /healthz (the process answers), /readyz (the database answers and is migrated), /metrics. */
export function registerHealth(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      const r = await sql<{ name: string }>`select max(name) as name from vaern_migrations`.execute(
        ctx.db.kysely,
      );
      const current = r.rows[0]?.name;
      if (current !== latestMigration()) {
        return reply.code(503).send({ status: 'migrations pending', database: current ?? null });
      }
      return { status: 'ready', database: ctx.db.kind };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });
  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
