import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AppContext } from '../../context.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import { type Actor, actorRef } from '../../lib/actor.js';
import { AppError, notFound } from '../../lib/errors.js';
import './messages.js';
import * as q from './queries.js';

/** Bytes per stored chunk: each chunk is one row and one short transaction. */
export const CHUNK_BYTES = 1024 * 1024;

export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** "512 MiB": the upload limit as people read it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

export const tooLarge = (limit: number) =>
  new AppError(413, 'files.too_large', { limit: formatBytes(limit) });

const asBuffer = (part: Uint8Array | string): Buffer =>
  typeof part === 'string'
    ? Buffer.from(part, 'utf8')
    : Buffer.from(part.buffer, part.byteOffset, part.byteLength);

/**
 * Streams an upload into `files` and `file_chunks`: 1 MiB per row, each row in its own short
 * transaction (on the embedded database other requests run in between), never the whole file in
 * memory. The SHA-256 and size are recorded and the file marked complete at the end. When the body
 * fails, is aborted or passes `maxBytes` (413), the file and every chunk written so far are deleted.
 */
export async function storeFile(opts: {
  ctx: AppContext;
  actor: Actor;
  orgId: string;
  name: string;
  contentType: string;
  body: AsyncIterable<Uint8Array | string>;
  maxBytes?: number;
}): Promise<StoredFile> {
  const { ctx, actor, orgId } = opts;
  const scope = scopeOf(actor, orgId);
  const limit = opts.maxBytes ?? ctx.config.maxUploadBytes;
  const { id } = await withTenant(ctx.db.kysely, scope, (tx) =>
    q.insertFile(tx, {
      org_id: orgId,
      name: opts.name,
      content_type: opts.contentType,
      created_by: JSON.stringify(actorRef(actor)),
    }),
  );
  // One chunk is stored while the next is received and hashed: never more than one write in
  // flight (at most two chunks in memory). A failed write fails the next `write` or the end.
  let writing: Promise<void> = Promise.resolve();
  try {
    const hash = createHash('sha256');
    let size = 0;
    let n = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const store = async (chunkNo: number, data: Buffer) => {
      if (ctx.db.kind === 'pglite') return q.insertChunkCopy(ctx.db, scope, orgId, id, chunkNo, data);
      await withTenant(ctx.db.kysely, scope, (tx) =>
        q.insertChunk(tx, { org_id: orgId, file_id: id, n: chunkNo, data }),
      );
    };
    const write = async (data: Buffer) => {
      await writing;
      writing = store(n++, data);
      writing.catch(() => {});
    };
    // Iterated by hand: leaving a for-await loop early would destroy the request and, with it,
    // the connection that is to carry the 413 back.
    const body = opts.body[Symbol.asyncIterator]();
    for (let next = await body.next(); !next.done; next = await body.next()) {
      const buf = asBuffer(next.value);
      size += buf.length;
      if (size > limit) throw tooLarge(limit);
      hash.update(buf);
      pending.push(buf);
      pendingBytes += buf.length;
      while (pendingBytes >= CHUNK_BYTES) {
        const all = pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending, pendingBytes);
        await write(all.subarray(0, CHUNK_BYTES));
        const rest = all.subarray(CHUNK_BYTES);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
    }
    if (pendingBytes > 0) await write(Buffer.concat(pending, pendingBytes));
    await writing;
    const sha256 = hash.digest('hex');
    await withTenant(ctx.db.kysely, scope, (tx) => q.completeFile(tx, orgId, id, size, sha256));
    return { id, name: opts.name, contentType: opts.contentType, size, sha256 };
  } catch (error) {
    // A chunk still being written ends first: deleting the file cascades to every stored chunk.
    await writing.catch(() => {});
    await withTenant(ctx.db.kysely, scope, (tx) => q.deleteFile(tx, orgId, id)).catch((cleanup) =>
      ctx.log.error({ err: cleanup, fileId: id }, 'could not delete a failed upload'),
    );
    throw error;
  }
}

export interface OpenedFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  /** The content, chunk by chunk in order, each read in its own short transaction. */
  stream: Readable;
}

/**
 * Opens a complete stored file for reading. The stream checks the size and SHA-256 recorded at
 * upload as it ends, and fails when a chunk is missing or the content was altered.
 */
export async function openFile(opts: {
  ctx: AppContext;
  actor: Actor;
  orgId: string;
  fileId: string;
}): Promise<OpenedFile> {
  const { ctx, actor, orgId, fileId } = opts;
  const scope = scopeOf(actor, orgId);
  const meta = await withTenant(ctx.db.kysely, scope, (tx) => q.findCompleteFile(tx, orgId, fileId));
  if (!meta?.sha256) throw notFound('files.not_found');
  const expected = { size: Number(meta.size), sha256: meta.sha256 };
  // The bytes come as stored, through COPY's binary format (readChunkCopy), on either engine,
  // after a turn of the event loop: on the embedded database queries run synchronously.
  const fetchChunk = async (n: number): Promise<Buffer | undefined> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return q.readChunkCopy(ctx.db, scope, orgId, fileId, n);
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    let size = 0;
    // The next chunk is read while the reader works on this one (at most one read ahead).
    let ahead: Promise<Buffer | undefined> | null = null;
    try {
      for (let n = 0; size < expected.size; n++) {
        const buf = await (ahead ?? fetchChunk(n));
        ahead = null;
        if (!buf) throw new Error(`stored file ${fileId} lacks chunk ${n}`);
        size += buf.length;
        hash.update(buf);
        if (size < expected.size) {
          ahead = fetchChunk(n + 1);
          ahead.catch(() => {});
        }
        yield buf;
      }
    } finally {
      // A reader that stops early (a refused file) destroys the stream without waiting for it:
      // the read ahead still ends here, its result or failure ignored.
      await ahead?.catch(() => {});
    }
    if (size !== expected.size || hash.digest('hex') !== expected.sha256) {
      throw new Error(`stored file ${fileId} does not match its recorded size and SHA-256`);
    }
  }
  return {
    id: meta.id,
    name: meta.name,
    contentType: meta.content_type,
    size: expected.size,
    sha256: expected.sha256,
    stream: Readable.from(chunks(), { objectMode: false }),
  };
}

/**
 * Deletes a stored file and its chunks inside the caller's transaction (an import that refuses its
 * file drops the upload in the same step). Whatever refers to the file must let go of it first.
 */
export const deleteStoredFile = (tx: Tx, orgId: string, fileId: string) => q.deleteFile(tx, orgId, fileId);
