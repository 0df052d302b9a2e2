import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { csvField } from '../audit/csv.js';
import { loadExcel } from './excel.js';
import { numberText, XLSX_TYPE } from './xlsx.js';

/** The formats a register is exported (and its template offered) in. */
export type TableFormat = 'csv' | 'xlsx';

/** One cell of an export: text, a number, true/false, or empty (null). */
export type TableValue = string | number | boolean | null;

/** The media type of each format, for `Content-Type`. */
export const TABLE_MEDIA_TYPES: Readonly<Record<TableFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: XLSX_TYPE,
};

/** `<base>.csv` or `<base>.xlsx`. */
export const tableFileName = (base: string, format: TableFormat): string => `${base}.${format}`;

export interface WriteTableOptions {
  /** The worksheet's name (XLSX); default `data`. At most 31 characters, none of \ / ? * [ ] : */
  sheetName?: string;
}

/** A cell's text in CSV, as the importer reads the same XLSX cell back. */
function csvCell(value: TableValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // A number written as text ("-3", "+45") is no formula: it stays as it is, so it reads back the same.
  if (PLAIN_NUMBER.test(value)) return value;
  return csvField(value);
}

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

const BOM = '\ufeff';
/** Lines are gathered into writes of about this many characters. */
const CSV_BATCH = 64 * 1024;
/** The XLSX writer lets the zip and `out` catch up after this many rows. */
const XLSX_BATCH = 200;

async function writeCsv(
  columns: readonly string[],
  rows: AsyncIterable<readonly TableValue[]> | Iterable<readonly TableValue[]>,
  out: Writable,
): Promise<void> {
  let text = `${BOM}${columns.map(csvField).join(',')}\r\n`;
  for await (const row of rows) {
    text += `${row.map(csvCell).join(',')}\r\n`;
    if (text.length >= CSV_BATCH) {
      await write(out, text);
      text = '';
    }
  }
  if (text) await write(out, text);
  out.end();
  if (!out.writableFinished) await once(out, 'finish');
}

async function writeXlsx(
  columns: readonly string[],
  rows: AsyncIterable<readonly TableValue[]> | Iterable<readonly TableValue[]>,
  out: Writable,
  options: WriteTableOptions,
): Promise<void> {
  // No shared strings: those would be held in memory until the end. Texts are written in the cells.
  const workbook = new (await loadExcel()).stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(options.sheetName ?? 'data', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((name) => ({ key: name, width: Math.min(60, Math.max(12, name.length + 2)) }));
  const header = sheet.addRow([...columns]);
  header.font = { bold: true };
  header.commit();
  let n = 0;
  for await (const row of rows) {
    // A text is always a text cell: "=1+1" stays text, so nothing someone typed becomes a formula.
    sheet.addRow(row.map((v) => (v === null ? null : v))).commit();
    if (++n % XLSX_BATCH === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (out.writableNeedDrain) await once(out, 'drain');
    }
  }
  sheet.commit();
  await workbook.commit();
}

/**
 * Writes a table — a header of `columns`, then `rows` — to `out` as CSV or XLSX, streaming, and
 * ends `out`. Both are what the importer reads back cell for cell (docs/imports.md), so that an
 * export can be imported again unchanged:
 * - CSV: UTF-8 with a byte-order mark, comma-separated, CRLF, quoted where needed; numbers as
 *   Excel shows them (15 significant digits), `true`/`false`, null as an empty cell. A text that
 *   a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return, and
 *   is not a plain number such as "-3") gets a leading apostrophe (audit/csv.ts's `csvField`), and
 *   is read back with it: the one case where a CSV export does not read back unchanged.
 * - XLSX: one worksheet, the header bold and frozen; texts as text cells (never formulas),
 *   numbers as numbers, booleans as booleans, null as an empty cell. Dates are the caller's ISO
 *   texts and stay texts.
 * Joining the values of a list cell with `;` is the caller's business.
 */
export async function writeTable(
  format: TableFormat,
  columns: readonly string[],
  rows: AsyncIterable<readonly TableValue[]> | Iterable<readonly TableValue[]>,
  out: Writable,
  options: WriteTableOptions = {},
): Promise<void> {
  if (format === 'csv') return writeCsv(columns, rows, out);
  return writeXlsx(columns, rows, out, options);
}

/** One column of a register's template: its header and the value of the example row. */
export interface TemplateColumn {
  name: string;
  example: TableValue;
}

/** A register's template: the header and one example row, as CSV or XLSX, to `out` (ended). */
export function writeTemplate(
  format: TableFormat,
  columns: readonly TemplateColumn[],
  out: Writable,
  options: WriteTableOptions = {},
): Promise<void> {
  return writeTable(
    format,
    columns.map((c) => c.name),
    [columns.map((c) => c.example)],
    out,
    options,
  );
}
