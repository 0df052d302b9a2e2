import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createUser } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { XLSX_TYPE } from './xlsx.js';

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const STATUS_KEYS = ['kind', 'phase', 'processed', 'progress', 'file_name', 'created_at', 'finished_at'];

/** The summary alone, without the import's id: what `vaern import --json` prints. */
const summaryOf = (status: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(status).filter(([k]) => !STATUS_KEYS.includes(k) && k !== 'import_id'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Uploads a file as the operator and follows the import to its end. */
async function importFile(t: TestApp, org: string, body: Buffer | string, type: string, name: string) {
  const r = await t.operator.inject({
    method: 'POST',
    url: `/api/v1/orgs/${org}/imports/users?name=${name}`,
    headers: { 'content-type': type },
    payload: body,
  });
  expect(r.statusCode, r.body).toBe(202);
  for (;;) {
    const s = await t.operator.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org}/imports/${r.json().import_id}`,
      headers: { 'accept-language': 'en' },
    });
    const state = s.json();
    if (FINAL.has(state.status)) return state as Record<string, unknown>;
    await sleep(50);
  }
}

async function count(t: TestApp, table: string): Promise<number> {
  return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tx.q);
    return r.rows[0]?.n ?? 0;
  });
}

type Cell = ExcelJS.CellValue;

/** A workbook as Excel saves one: shared strings, the sheet called "Personer", a second sheet. */
async function xlsxOf(rows: Cell[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Personer');
  for (const row of rows) ws.addRow(row);
  wb.addWorksheet('Noter').getCell('A1').value = 'not read';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csvOf = (rows: Cell[][]) =>
  `${rows.map((r) => r.map((c) => (typeof c === 'object' && c && 'result' in c ? c.result : (c ?? ''))).join(';')).join('\n')}\n`;

describe.each(engines())('XLSX imports through the framework on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** An organisation with one member, a person of another organisation, and the file for it. */
  async function scene(p: string) {
    const org = await createOrg(t, { slug: `${p}-hospital`, kind: 'hospital' });
    const other = await createOrg(t, { slug: `${p}-other`, kind: 'municipality' });
    await createUser(t, { email: `${p}.outsider@example.dk`, name: 'Outside Person', org: other.slug });
    await createUser(t, { email: `${p}.member@example.dk`, org: org.slug, role: 'member' });
    const rows: Cell[][] = [
      ['Email', 'Name', 'Role', 'Locale'],
      [`${p}.ny@example.dk`, 'Ny Person', 'member', 'en'],
      [
        `${p.toUpperCase()}.ANDEN@Example.DK`,
        { formula: 'CONCAT("Anden"," Person")', result: 'Anden Person' },
        'security_officer',
        null,
      ],
      [],
      [`${p}.outsider@example.dk`.toUpperCase(), 'Someone Else', 'system_owner', null],
      [`${p}.member@example.dk`, 'Member Again', 'member', null],
    ];
    return { org, rows };
  }

  it('applies an XLSX with the same summary as the equivalent CSV', async () => {
    const viaCsv = await scene('csvorg');
    const viaXlsx = await scene('xlsxorg');
    const csvEnd = await importFile(t, viaCsv.org.slug, csvOf(viaCsv.rows), 'text/csv', 'people.csv');
    const xlsxEnd = await importFile(
      t,
      viaXlsx.org.slug,
      await xlsxOf(viaXlsx.rows),
      XLSX_TYPE,
      'people.xlsx',
    );
    const expected = {
      status: 'succeeded',
      rows: 4,
      created: 2,
      updated: 1,
      unchanged: 1,
      errors: 0,
      error_list: [],
    };
    expect(summaryOf(csvEnd)).toEqual(expected);
    expect(summaryOf(xlsxEnd)).toEqual(expected);
    expect(xlsxEnd).toMatchObject({
      kind: 'users',
      phase: 'finished',
      processed: 4,
      progress: 1,
      file_name: 'people.xlsx',
    });
    const members = (await t.asOperator('GET', `/api/v1/orgs/${viaXlsx.org.slug}/members?limit=100`)).json();
    const roles = Object.fromEntries(
      members.items.map((m: { email: string; name: string; roles: string[] }) => [
        m.email,
        [m.name, ...m.roles],
      ]),
    );
    expect(roles).toEqual({
      'xlsxorg.ny@example.dk': ['Ny Person', 'member'],
      'xlsxorg.anden@example.dk': ['Anden Person', 'security_officer'],
      'xlsxorg.outsider@example.dk': ['Outside Person', 'system_owner'],
      'xlsxorg.member@example.dk': [expect.any(String), 'member'],
    });
    // The same workbook sent as application/octet-stream is recognised by its first bytes.
    const again = await importFile(
      t,
      viaXlsx.org.slug,
      await xlsxOf(viaXlsx.rows),
      'application/octet-stream',
      'p.xlsx',
    );
    expect(summaryOf(again)).toEqual({ ...expected, created: 0, updated: 0, unchanged: 4 });
  });

  it('refuses an XLSX with errors whole, listing row and column of each, writing nothing', async () => {
    const org = await createOrg(t, { slug: 'xlsx-refused', kind: 'hospital' });
    const before = {
      users: await count(t, 'users'),
      memberships: await count(t, 'memberships'),
      files: await count(t, 'files'),
    };
    const file = await xlsxOf([
      ['email', 'name', 'role', 'locale'],
      ['good@example.dk', 'Good Person', 'member', 'da'],
      ['not-an-address', 'Bad Mail', 'member', null],
      ['noname@example.dk', null, 'boss', 'fr'],
      ['GOOD@example.dk', 'Good Again', 'auditor', null],
      ['calc@example.dk', { formula: 'UPPER(A2)' } as Cell, 'member', null],
      ['flag@example.dk', 'Flag', true, 7],
    ]);
    const end = await importFile(t, org.slug, file, XLSX_TYPE, 'people.xlsx');
    expect(summaryOf(end)).toEqual({
      status: 'refused',
      rows: 6,
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: 8,
      error_list: [
        { row: 3, column: 'email', message: '"not-an-address" is not an e-mail address.' },
        { row: 4, column: 'locale', message: '"fr" is not one of: da, en.' },
        { row: 4, column: 'name', message: 'A value is required.' },
        {
          row: 4,
          column: 'role',
          message:
            '"boss" is not one of: admin, security_officer, system_owner, management, auditor, member, sector_coordinator.',
        },
        { row: 5, column: 'email', message: '"good@example.dk" also appears in row 2.' },
        {
          row: 6,
          column: 'name',
          message:
            'Cell B6 holds a formula without a saved result. Open the file in Excel, let it calculate, save it and import it again.',
        },
        { row: 7, column: 'locale', message: '"7" is not one of: da, en.' },
        {
          row: 7,
          column: 'role',
          message:
            '"true" is not one of: admin, security_officer, system_owner, management, auditor, member, sector_coordinator.',
        },
      ],
    });
    expect(await count(t, 'users')).toBe(before.users);
    expect(await count(t, 'memberships')).toBe(before.memberships);
    expect(await count(t, 'files')).toBe(before.files);
    expect(await count(t, 'import_rows')).toBe(0);
  });

  it('refuses a hostile workbook with a message for people', async () => {
    const org = await createOrg(t, { slug: 'xlsx-hostile', kind: 'hospital' });
    const end = await importFile(
      t,
      org.slug,
      'email,name,role\na@example.dk,A,member\n',
      XLSX_TYPE,
      'renamed.xlsx',
    );
    expect(summaryOf(end)).toEqual({
      status: 'refused',
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: 1,
      error_list: [
        {
          row: 1,
          column: null,
          message:
            'The file is not an Excel workbook (.xlsx). Save it as "Excel Workbook (.xlsx)" or "CSV UTF-8" and import it again.',
        },
      ],
    });
  });
});
