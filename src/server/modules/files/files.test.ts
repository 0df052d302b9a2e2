import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { copyOutBytes } from '../../db/copy.js';
import { withTenant } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { insertChunkCopy } from './queries.js';
import { CHUNK_BYTES, openFile, storeFile } from './service.js';

const operator: Actor = { kind: 'operator', label: 'test' };

async function* pieces(data: Buffer, size: number, failAt?: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) {
    if (failAt !== undefined && at >= failAt) throw new Error('connection reset');
    yield data.subarray(at, at + size);
  }
}

describe.each(engines())('stored files on %s', (engine) => {
  let t: TestApp;
  let orgId: string;
  beforeAll(async () => {
    t = await startTestApp(engine);
    orgId = (await createOrg(t)).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const chunkCount = (fileId?: string) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [orgId] }, async (tx) => {
      const r = await sql<{ n: number }>`select count(*)::int as n from file_chunks
        where org_id = ${orgId} ${fileId ? sql`and file_id = ${fileId}` : sql``}`.execute(tx.q);
      return r.rows[0]?.n ?? 0;
    });

  it('streams an upload into 1 MiB chunks and reads it back in order, checked', async () => {
    const data = randomBytes(2 * CHUNK_BYTES + 12345);
    // Pieces that do not line up with the chunk size, as a network delivers them.
    const stored = await storeFile({
      ctx: t.runtime.ctx,
      actor: operator,
      orgId,
      name: 'scan.xml',
      contentType: 'application/xml',
      body: pieces(data, 64 * 1024 + 7),
    });
    expect(stored).toEqual({
      id: expect.any(String),
      name: 'scan.xml',
      contentType: 'application/xml',
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
    expect(await chunkCount(stored.id)).toBe(3);
    const opened = await openFile({ ctx: t.runtime.ctx, actor: operator, orgId, fileId: stored.id });
    const back: Buffer[] = [];
    for await (const chunk of opened.stream) back.push(chunk as Buffer);
    expect(back.map((b) => b.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, 12345]);
    expect(Buffer.concat(back).equals(data)).toBe(true);
  });

  it('leaves no rows behind when the upload breaks off', async () => {
    const before = await chunkCount();
    const data = randomBytes(3 * CHUNK_BYTES);
    await expect(
      storeFile({
        ctx: t.runtime.ctx,
        actor: operator,
        orgId,
        name: 'broken.csv',
        contentType: 'text/csv',
        body: pieces(data, 256 * 1024, 2 * CHUNK_BYTES + 1),
      }),
    ).rejects.toThrow('connection reset');
    expect(await chunkCount()).toBe(before);
    const files = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [orgId] }, (tx) =>
      tx.q.selectFrom('files').select('name').where('org_id', '=', orgId).execute(),
    );
    expect(files.map((f) => f.name)).not.toContain('broken.csv');
  });

  it('refuses to read a file whose content was altered', async () => {
    const stored = await storeFile({
      ctx: t.runtime.ctx,
      actor: operator,
      orgId,
      name: 'evidence.pdf',
      contentType: 'application/pdf',
      body: pieces(Buffer.from('original content'), 4),
    });
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [orgId] }, (tx) =>
      tx.q
        .updateTable('file_chunks')
        .set({ data: Buffer.from('altered content!') })
        .where('org_id', '=', orgId)
        .where('file_id', '=', stored.id)
        .execute(),
    );
    const opened = await openFile({ ctx: t.runtime.ctx, actor: operator, orgId, fileId: stored.id });
    await expect(async () => {
      for await (const _ of opened.stream) {
        /* read to the end */
      }
    }).rejects.toThrow(/does not match/);
  });
});

describe.each(engines())('stored files written and read through COPY on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("reads a chunk's bytes for its organisation only (row-level security applies to the COPY)", async () => {
    const [own, other] = [(await createOrg(t)).id, (await createOrg(t)).id];
    const data = Buffer.from([0, 255, 10, 13, 92, 9, ...randomBytes(5000)]);
    const stored = await storeFile({
      ctx: t.runtime.ctx,
      actor: operator,
      orgId: own,
      name: 'scan.nessus',
      contentType: 'application/xml',
      body: pieces(data, 777),
    });
    const query = `select data from file_chunks where org_id = '${own}' and file_id = '${stored.id}' and n = 0`;
    const mine = await copyOutBytes(t.runtime.ctx.db, { orgIds: [own] }, query);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.equals(data)).toBe(true);
    expect(await copyOutBytes(t.runtime.ctx.db, { orgIds: [other] }, query)).toEqual([]);
  });

  it('writes every byte value of a chunk exactly, and refuses a chunk for another organisation', async () => {
    const [own, other] = [(await createOrg(t)).id, (await createOrg(t)).id];
    const data = Buffer.from(Array.from({ length: 256 * 8 }, (_, i) => i % 256));
    const stored = await storeFile({
      ctx: t.runtime.ctx,
      actor: operator,
      orgId: own,
      name: 'bytes.bin',
      contentType: 'application/octet-stream',
      body: pieces(data, 100),
    });
    const query = `select data from file_chunks where org_id = '${own}' and file_id = '${stored.id}' and n = 0`;
    expect((await copyOutBytes(t.runtime.ctx.db, { orgIds: [own] }, query))[0]?.equals(data)).toBe(true);
    // The embedded database writes chunks with COPY (insertChunkCopy): under another scope the
    // row-level security check refuses the row.
    await expect(
      insertChunkCopy(t.runtime.ctx.db, { orgIds: [other] }, own, stored.id, 1, Buffer.from('x')),
    ).rejects.toThrow(/row-level security/);
  });
});
