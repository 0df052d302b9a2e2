import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import { type Actor, actorRef } from '../../lib/actor.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { deleteStoredFile, storeFile, tooLarge } from '../files/service.js';
import { runImportJob } from './jobs.js';
import './messages.js';
import { importsPolicy } from './policy.js';
import * as q from './queries.js';
import { findImportDefinition } from './registers/index.js';
import { runImport } from './runner.js';

const noOptions = z.strictObject({});

/**
 * Starts an import: checks the kind, the actor, the media type and the options, streams the body
 * into a stored file, records the import (queued) and queues its job. The file is read, validated
 * and applied by the job (runner.ts); the caller follows it with getImport.
 */
export async function startImport(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  kind: string;
  contentType: string | undefined;
  contentLength: number | undefined;
  fileName: string | undefined;
  options: Record<string, string>;
  body: AsyncIterable<Uint8Array | string>;
}): Promise<{ import_id: string }> {
  const { ctx, actor, org } = opts;
  const def = findImportDefinition(opts.kind);
  if (!def) throw notFound('imports.kind_unknown', { kind: opts.kind });
  if (!importsPolicy.start(def, actor, org)) throw forbidden();
  const mediaType = (opts.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!def.accepts.includes(mediaType)) {
    throw new AppError(415, 'imports.type_not_accepted', {
      kind: def.kind,
      type: mediaType || '(none)',
      accepted: def.accepts.join(', '),
    });
  }
  const parsed = (def.options ?? noOptions).safeParse(opts.options);
  if (!parsed.success) {
    throw new AppError(
      400,
      'error.validation',
      {},
      parsed.error.issues.map((i) => ({ path: ['querystring', ...i.path].join('.'), message: i.message })),
    );
  }
  if (opts.contentLength !== undefined && opts.contentLength > ctx.config.maxUploadBytes) {
    throw tooLarge(ctx.config.maxUploadBytes);
  }
  const file = await storeFile({
    ctx,
    actor,
    orgId: org.id,
    name: opts.fileName ?? `${def.kind}-import`,
    contentType: mediaType,
    body: opts.body,
  });
  const importId = await withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.insertImport(tx, {
      orgId: org.id,
      kind: def.kind,
      fileId: file.id,
      fileName: file.name,
      options: parsed.data,
      createdBy: actorRef(actor),
      bytesTotal: file.size,
    }),
  );
  try {
    await ctx.jobs.send(runImportJob(ctx), { org_id: org.id, import_id: importId });
  } catch (error) {
    // Without its job the import would wait for ever: take it back, upload included.
    await withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
      await q.deleteImport(tx, org.id, importId);
      await deleteStoredFile(tx, org.id, file.id);
    });
    throw error;
  }
  return { import_id: importId };
}

/**
 * Runs an import of a document Værn built itself (an advisory written by hand), in the caller's
 * request instead of the queue, so that the caller learns the outcome at once: the same stored
 * file, reader, checks, switch and audit entry as an upload. `options` are the caller's own,
 * not parsed from a query string (they may hold keys an upload cannot set). Returns the finished
 * import: succeeded, refused with its error list, or failed.
 */
export async function runImportNow(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  kind: string;
  fileName: string;
  contentType: string;
  options: Record<string, unknown>;
  body: Buffer;
}): Promise<q.ImportRow> {
  const { ctx, actor, org } = opts;
  const def = findImportDefinition(opts.kind);
  if (!def) throw notFound('imports.kind_unknown', { kind: opts.kind });
  if (!importsPolicy.start(def, actor, org)) throw forbidden();
  const file = await storeFile({
    ctx,
    actor,
    orgId: org.id,
    name: opts.fileName,
    contentType: opts.contentType,
    body: (async function* () {
      yield opts.body;
    })(),
  });
  const importId = await withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.insertImport(tx, {
      orgId: org.id,
      kind: def.kind,
      fileId: file.id,
      fileName: file.name,
      options: opts.options,
      createdBy: actorRef(actor),
      bytesTotal: file.size,
    }),
  );
  await runImport(ctx, { org_id: org.id, import_id: importId });
  const row = await withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.findImport(tx, org.id, importId),
  );
  if (!row) throw new Error('the import vanished');
  return row;
}

export async function getImport(opts: { ctx: AppContext; actor: Actor; org: OrgRef; id: string }) {
  const { ctx, actor, org } = opts;
  if (!importsPolicy.read(actor, org.id)) throw forbidden();
  const row = await withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.findImport(tx, org.id, opts.id),
  );
  if (!row) throw notFound('imports.not_found');
  return row;
}

export async function listImports(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  after?: [string, string];
}) {
  const { ctx, actor, org } = opts;
  if (!importsPolicy.read(actor, org.id)) throw forbidden();
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.listImports(tx, org.id, opts.limit + 1, opts.after),
  );
}
