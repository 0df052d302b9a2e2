import type { Database } from '../../db/client.js';
import { copyOutBytes, copyRows } from '../../db/copy.js';
import type { Scope, Tx } from '../../db/tenant.js';

/** All SQL of stored files. Every function runs inside withTenant, but readChunkCopy. */

export const insertFile = (
  tx: Tx,
  v: { org_id: string; name: string; content_type: string; created_by: string },
) => tx.q.insertInto('files').values(v).returning(['id']).executeTakeFirstOrThrow();

export const insertChunk = (tx: Tx, v: { org_id: string; file_id: string; n: number; data: Uint8Array }) =>
  tx.q.insertInto('file_chunks').values(v).execute();

export const completeFile = (tx: Tx, orgId: string, id: string, size: number, sha256: string) =>
  tx.q
    .updateTable('files')
    .set({ size, sha256, complete: true })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();

/** Deleting the file deletes its chunks (on delete cascade). */
export const deleteFile = (tx: Tx, orgId: string, id: string) =>
  tx.q.deleteFrom('files').where('org_id', '=', orgId).where('id', '=', id).execute();

export const findCompleteFile = (tx: Tx, orgId: string, id: string) =>
  tx.q
    .selectFrom('files')
    .select(['id', 'name', 'content_type', 'size', 'sha256', 'created_at'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('complete', '=', true)
    .executeTakeFirst();

/**
 * A chunk written on the embedded database, with COPY from a blob (copyRows) under the scope's
 * row-level security: PGlite passes a bytea parameter through JavaScript (about 1 s per MiB),
 * COPY hands PostgreSQL the bytes as hex text (about 50 ms).
 */
export async function insertChunkCopy(
  db: Database,
  scope: Scope,
  orgId: string,
  fileId: string,
  n: number,
  data: Buffer,
): Promise<void> {
  if (!UUID.test(orgId) || !UUID.test(fileId) || !Number.isSafeInteger(n))
    throw new Error('bad chunk address');
  const line = `${orgId}\t${fileId}\t${n}\t\\\\x${data.toString('hex')}\n`;
  await copyRows(db, scope, 'file_chunks', ['org_id', 'file_id', 'n', 'data'], Buffer.from(line, 'latin1'));
}

/** A UUID as the database writes it: the only form put into a COPY statement's text. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A chunk's bytes as stored: COPY's binary format under the scope's row-level security
 * (copyOutBytes; a SELECT would hand them over as text to decode: on the embedded database about
 * 0.2 s per MiB, through COPY to a blob about 3 ms). Undefined when the chunk is missing or not the
 * scope's.
 */
export async function readChunkCopy(
  db: Database,
  scope: Scope,
  orgId: string,
  fileId: string,
  n: number,
): Promise<Buffer | undefined> {
  const [org, file] = [orgId.toLowerCase(), fileId.toLowerCase()];
  if (!UUID.test(org) || !UUID.test(file) || !Number.isSafeInteger(n)) return undefined;
  const [data] = await copyOutBytes(
    db,
    scope,
    `select data from file_chunks where org_id = '${org}' and file_id = '${file}' and n = ${n}`,
  );
  return data ?? undefined;
}
