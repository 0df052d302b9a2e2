import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { requestLocale } from '../../http/problem.js';
import { actorOf, orgOf } from '../../http/request.js';
import { presentImport, presentImportItem } from './present.js';
import {
  importIdParams,
  importListItem,
  importParams,
  importStatus,
  startedImport,
  uploadQuery,
} from './schemas.js';
import * as service from './service.js';

const tags = ['imports'];

async function* nothing(): AsyncGenerator<Buffer> {}

/**
 * The upload route reads its body as a stream, whatever the media type, and leaves the limit to
 * the service (the instance's upload limit, not the 1 MiB JSON limit). Its parsers live in a scope
 * of their own so that no other route receives a raw stream.
 */
async function uploadRoute(fastify: FastifyInstance, ctx: AppContext) {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/orgs/:org/imports/:kind',
    {
      schema: {
        tags,
        summary: 'Start an import: the body is the file (CSV, XLSX, JSON or XML as the kind reads)',
        description:
          'The file is stored, then read, validated and applied by a background job. Follow it with GET /api/v1/orgs/{org}/imports/{id}. `?name=` names the file; `?wait=true` runs the import in the request instead (a file of at most 4 MiB: one advisory, a small register) and answers 200 with the finished import, as GET would show it; other query keys are options of the import kind.',
        params: importParams,
        querystring: uploadQuery,
        response: { 200: importStatus, 202: startedImport },
      },
    },
    async (request, reply) => {
      const body = request.body as Readable | undefined;
      const { name, wait, ...options } = request.query;
      const length = Number(request.headers['content-length']);
      try {
        const started = await service.startImport({
          ctx,
          actor: actorOf(request),
          org: orgOf(request),
          kind: request.params.kind,
          contentType: request.headers['content-type'],
          contentLength: Number.isFinite(length) ? length : undefined,
          fileName: name,
          options: options as Record<string, string>,
          body: body ?? nothing(),
          wait: wait === 'true',
        });
        if (started.finished)
          return reply.code(200).send(presentImport(started.finished, requestLocale(request)));
        return reply.code(202).send({ import_id: started.import_id });
      } catch (error) {
        // Refused before the whole body was read (too large, not allowed): do not read the rest.
        if (body && !body.readableEnded) reply.header('connection', 'close');
        throw error;
      }
    },
  );
}

export async function importRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/orgs/:org/imports',
    {
      schema: {
        tags,
        summary: "The organisation's imports, newest first",
        params: importParams.pick({ org: true }),
        querystring: pageQuery,
        response: { 200: pageOf(importListItem) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      const after = key ? ([String(key[0]), String(key[1])] as [string, string]) : undefined;
      const rows = await service.listImports({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        limit,
        after,
      });
      return page(rows, limit, (r) => [r.created_key, r.id], presentImportItem);
    },
  );

  app.get(
    '/api/v1/orgs/:org/imports/:id',
    {
      schema: {
        tags,
        summary: 'An import: its progress while it runs, its summary when it ends',
        params: importIdParams,
        response: { 200: importStatus },
      },
    },
    async (request) => {
      const row = await service.getImport({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
      });
      return presentImport(row, requestLocale(request));
    },
  );

  await app.register(async (scope) => uploadRoute(scope, ctx));
}
