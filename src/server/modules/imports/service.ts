import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import { type Actor, actorRef } from '../../lib/actor.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { issueFieldErrors } from '../../lib/field-messages.js';
import { deleteStoredFile, storeFile, tooLarge } from '../files/service.js';
import { INLINE_LEASE_SECONDS, INLINE_RENEW_MS, runImportJob } from './jobs.js';
import './messages.js';
import { importsPolicy } from './policy.js';
import * as q from './queries.js';
import { findImportDefinition } from './registers/index.js';
import { runImport } from './runner.js';

const noOptions = z.strictObject({});

/**
 * The largest file an upload may ask to have imported in its request (`?wait=true`): one
 * advisory, a small register. Larger files go through the queue and are followed by their id.
 */
export const INLINE_MAX_BYTES = 4 * 1024 * 1024;

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
  /** Run the import in the request (a file of at most INLINE_MAX_BYTES) and return it finished. */
  wait?: boolean;
}): Promise<{ import_id: string; finished?: q.ImportRow }> {
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
    throw new AppError(400, 'error.validation', {}, issueFieldErrors('querystring', parsed.error.issues));
  }
  const limit = opts.wait ? Math.min(INLINE_MAX_BYTES, ctx.config.maxUploadBytes) : ctx.config.maxUploadBytes;
  if (opts.contentLength !== undefined && opts.contentLength > limit) throw tooLarge(limit);
  const file = await storeFile({
    ctx,
    actor,
    orgId: org.id,
    name: opts.fileName ?? `${def.kind}-import`,
    contentType: mediaType,
    body: opts.body,
    maxBytes: limit,
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
      ...(opts.wait ? { inlineLeaseSeconds: INLINE_LEASE_SECONDS } : {}),
    }),
  );
  if (opts.wait) return { import_id: importId, finished: await runInline(ctx, actor, org, importId) };
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
 * import: succeeded, refused with its error list, or failed. The import holds a lease while the
 * request runs it (imports.inline_lease_until); if the process dies, the recovery job marks it
 * failed once the lease has passed (recoverInlineImports, jobs.ts).
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
      inlineLeaseSeconds: INLINE_LEASE_SECONDS,
    }),
  );
  return runInline(ctx, actor, org, importId);
}

/**
 * Runs a recorded import (inserted with an inline lease) in the caller's request and returns it
 * finished. While it runs the request renews the lease; should the process die, the lease runs
 * out and the job imports.recover_inline marks the import failed (jobs.ts).
 */
async function runInline(ctx: AppContext, actor: Actor, org: OrgRef, importId: string): Promise<q.ImportRow> {
  const renewal = setInterval(() => {
    withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
      q.renewInlineLease(tx, org.id, importId, INLINE_LEASE_SECONDS),
    ).catch((error) => ctx.log.warn({ err: error, importId }, 'import lease not renewed'));
  }, INLINE_RENEW_MS);
  try {
    await runImport(ctx, { org_id: org.id, import_id: importId });
  } finally {
    clearInterval(renewal);
  }
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
