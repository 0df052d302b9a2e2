import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvRecords, type TableRecord } from './csv.js';
import {
  TABLE_MEDIA_TYPES,
  type TableFormat,
  type TableValue,
  tableFileName,
  writeTable,
  writeTemplate,
} from './export.js';
import { xlsxRecords } from './xlsx.js';

/** Writes into memory; resolves with the bytes once `out` has ended. */
async function written(write: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (d: Buffer) => parts.push(d));
  await write(out);
  return Buffer.concat(parts);
}

async function readBack(format: TableFormat, bytes: Buffer): Promise<TableRecord[]> {
  async function* source() {
    for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
  }
  const out: TableRecord[] = [];
  for await (const r of (format === 'csv' ? csvRecords : xlsxRecords)(source())) out.push(r);
  return out;
}

const COLUMNS = ['key', 'name', 'rto_hours', 'legacy', 'hostnames', 'assessed_on', 'note'];
const ROWS: TableValue[][] = [
  ['EPJ-01', 'Elektronisk patientjournal', 4, false, 'epj-app01;epj-app02', '2026-03-01', null],
  ['PACS-01', 'Billeddiagnostik, "PACS"', 0.25, true, '', '2026-03-01T14:30:00.000Z', 'Linje 1\nlinje 2'],
  ['LAB-01', 'Æble & <pære> ø å', -3, null, null, null, 'a;b, c\tx'],
  ['RIS-01', 'Radiologi', 0.1 + 0.2, true, 'ris01', '2025-12-31', '12345678901234'],
];
/** What the importer reads back: numbers as Excel shows them, booleans true/false, null empty. */
const TEXTS = [
  COLUMNS,
  ['EPJ-01', 'Elektronisk patientjournal', '4', 'false', 'epj-app01;epj-app02', '2026-03-01', ''],
  ['PACS-01', 'Billeddiagnostik, "PACS"', '0.25', 'true', '', '2026-03-01T14:30:00.000Z', 'Linje 1\nlinje 2'],
  ['LAB-01', 'Æble & <pære> ø å', '-3', '', '', '', 'a;b, c\tx'],
  ['RIS-01', 'Radiologi', '0.3', 'true', 'ris01', '2025-12-31', '12345678901234'],
];

async function* slowly(rows: TableValue[][]): AsyncGenerator<TableValue[]> {
  for (const row of rows) {
    await new Promise((resolve) => setImmediate(resolve));
    yield row;
  }
}

describe.each(['csv', 'xlsx'] as const)('export as %s', (format) => {
  it('is read back by the importer cell for cell (round trip)', async () => {
    const bytes = await written((out) => writeTable(format, COLUMNS, slowly(ROWS), out));
    const records = await readBack(format, bytes);
    expect(records).toEqual(TEXTS.map((cells, i) => ({ row: i + 1, cells })));
    // …and the file read back, written again, is the same table once more.
    const again = await written((out) =>
      writeTable(
        format,
        records[0]?.cells ?? [],
        records.slice(1).map((r) => r.cells),
        out,
      ),
    );
    expect(await readBack(format, again)).toEqual(records);
  });

  it('writes a template: the header and one example row', async () => {
    const bytes = await written((out) =>
      writeTemplate(
        format,
        [
          { name: 'email', example: 'anne.holm@example.dk' },
          { name: 'name', example: 'Anne Holm' },
          { name: 'role', example: 'security_officer' },
          { name: 'locale', example: null },
        ],
        out,
      ),
    );
    expect(await readBack(format, bytes)).toEqual([
      { row: 1, cells: ['email', 'name', 'role', 'locale'] },
      { row: 2, cells: ['anne.holm@example.dk', 'Anne Holm', 'security_officer', ''] },
    ]);
    expect(tableFileName('users-template', format)).toBe(`users-template.${format}`);
    expect(TABLE_MEDIA_TYPES[format]).toMatch(format === 'csv' ? /^text\/csv/ : /spreadsheetml\.sheet$/);
  });
});

describe('a text that a spreadsheet would run as a formula', () => {
  const dangerous: TableValue[][] = [
    ['=HYPERLINK("http://x.example","y")', '+1+cmd', '-2+3', '@SUM(A1)'],
    [-2, '-2', '+45', 7],
  ];

  it('gets an apostrophe in CSV (a number, or a number as text, never does)', async () => {
    const bytes = await written((out) => writeTable('csv', ['a', 'b', 'c', 'd'], dangerous, out));
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.toString('utf8').slice(1)).toBe(
      `a,b,c,d\r\n"'=HYPERLINK(""http://x.example"",""y"")",'+1+cmd,'-2+3,'@SUM(A1)\r\n-2,-2,+45,7\r\n`,
    );
  });

  it('stays a text cell in XLSX, read back exactly as it was', async () => {
    const bytes = await written((out) => writeTable('xlsx', ['a', 'b', 'c', 'd'], dangerous, out));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const cell = book.worksheets[0]?.getCell('A2');
    expect(cell?.type).toBe(ExcelJS.ValueType.String);
    expect(cell?.formula).toBeUndefined();
    expect((await readBack('xlsx', bytes)).map((r) => r.cells)).toEqual([
      ['a', 'b', 'c', 'd'],
      ['=HYPERLINK("http://x.example","y")', '+1+cmd', '-2+3', '@SUM(A1)'],
      ['-2', '-2', '+45', '7'],
    ]);
  });
});
