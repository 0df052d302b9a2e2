import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/request.js';
import { createBackup } from './service.js';

const tags = ['operator'];

export function backupRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/operator/backup',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Stream an encrypted backup of the whole instance (operator only: `vaern backup FILE`)',
        description:
          'A consistent, gzip-compressed, AES-256-GCM-encrypted logical snapshot of every table except sessions and the job queue (docs/backup.md). Served to the instance operator only, over the CLI socket or in-process.',
        querystring: z.strictObject({}),
      },
    },
    async (request, reply) => {
      const backup = await createBackup({ ctx, actor: actorOf(request) });
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${backup.filename}"`)
        .header('cache-control', 'no-store')
        .send(backup.stream);
    },
  );
}
