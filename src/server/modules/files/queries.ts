import type { Tx } from '../../db/tenant.js';

/** All SQL of stored files. Every function runs inside withTenant. */

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

export const readChunk = (tx: Tx, orgId: string, fileId: string, n: number) =>
  tx.q
    .selectFrom('file_chunks')
    .select('data')
    .where('org_id', '=', orgId)
    .where('file_id', '=', fileId)
    .where('n', '=', n)
    .executeTakeFirst();
