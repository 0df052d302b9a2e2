import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/databases.js';
import { createOrg, type OrgFixture } from '../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../test/server.js';
import { CopyText, copyField, copyJson, copyRows } from './copy.js';
import { withTenant } from './tenant.js';

const COLUMNS = ['org_id', 'import_id', 'row_no', 'key', 'data'];

/** Staged rows as COPY text, the way the import runner writes them. */
function lines(orgId: string, importId: string, rows: Array<[number, string | null, unknown]>): Buffer[] {
  const text = new CopyText();
  for (const [row, key, data] of rows)
    text.write(`${orgId}\t${importId}\t${row}\t${copyField(key)}\t${copyJson(JSON.stringify(data))}\n`);
  return text.take();
}

describe.each(engines())('COPY into a table under row-level security on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  beforeAll(async () => {
    t = await startTestApp(engine);
    a = await createOrg(t);
    b = await createOrg(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const staged = (org: OrgFixture, importId: string) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, async (tx) => {
      const r = await sql<{ row_no: number; key: string | null; data: unknown }>`
        select row_no, key, data from import_rows where import_id = ${importId} order by row_no`.execute(
        tx.q,
      );
      return r.rows;
    });

  it('writes every row exactly, tabs, backslashes, line breaks and wide characters included', async () => {
    const importId = randomUUID();
    const tricky = { name: 'Tab\there\\back\nline ☃ 😀 "quoted"', list: ['a;b', null, 3] };
    const rows: Array<[number, string | null, unknown]> = [
      [1, 'K-1', tricky],
      [2, null, ['x']],
      ...Array.from({ length: 2000 }, (_, i): [number, string | null, unknown] => [
        i + 3,
        `K${i}`,
        [i, 'Ærø'],
      ]),
    ];
    await copyRows(t.runtime.ctx.db, { orgIds: [a.id] }, 'import_rows', COLUMNS, lines(a.id, importId, rows));
    const back = await staged(a, importId);
    expect(back).toHaveLength(2002);
    expect(back[0]).toEqual({ row_no: 1, key: 'K-1', data: tricky });
    expect(back[1]).toEqual({ row_no: 2, key: null, data: ['x'] });
    expect(back[2001]).toEqual({ row_no: 2002, key: 'K1999', data: [1999, 'Ærø'] });
    // Nobody else's scope sees them.
    expect(await staged(b, importId)).toEqual([]);
  });

  it("refuses a row of another organisation than the scope's and writes none of the rows", async () => {
    const importId = randomUUID();
    const data = [...lines(a.id, importId, [[1, 'mine', {}]]), ...lines(b.id, importId, [[2, 'theirs', {}]])];
    await expect(
      copyRows(t.runtime.ctx.db, { orgIds: [a.id] }, 'import_rows', COLUMNS, data),
    ).rejects.toThrow(/row-level security/);
    expect(await staged(a, importId)).toEqual([]);
    expect(await staged(b, importId)).toEqual([]);
    // The database serves the next transaction normally.
    await copyRows(
      t.runtime.ctx.db,
      { orgIds: [a.id] },
      'import_rows',
      COLUMNS,
      lines(a.id, importId, [[1, 'k', 1]]),
    );
    expect(await staged(a, importId)).toEqual([{ row_no: 1, key: 'k', data: 1 }]);
  });
});
