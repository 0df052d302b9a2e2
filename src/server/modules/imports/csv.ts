import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { FileRefused } from './framework.js';
import { utf8Lines } from './text.js';

/** A cell longer than this refuses the file (an unclosed quote would otherwise swallow the rest). */
export const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * Undoes the formula guard of Værn's own CSV exports (audit/csv.ts csvField): a cell a spreadsheet
 * would run (=, +, -, @, tab, carriage return first) is written with a leading apostrophe, the
 * convention spreadsheets themselves use for "this is text". Reading drops that one apostrophe, so
 * an export imports back unchanged ("'+45 70 20 30 40" → "+45 70 20 30 40").
 */
export const unguardCell = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** One record of a table: its row number (1 is the first line of the file) and its cells. */
export interface TableRecord {
  row: number;
  cells: string[];
}

/**
 * The field delimiter, from the header line: Danish spreadsheets save "CSV" with semicolons.
 * Counts `,` `;` and tab outside quotes; a tie or none is a comma.
 */
export function sniffDelimiter(head: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of head) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/**
 * Streams the records of a CSV file (UTF-8; comma, semicolon or tab separated; any line ending),
 * blank lines included, numbered from 1. The file is refused (FileRefused) when it is not UTF-8
 * text or stops being valid CSV, naming the line.
 */
export async function* csvRecords(bytes: AsyncIterable<Buffer>): AsyncGenerator<TableRecord> {
  const text = utf8Lines(bytes)[Symbol.asyncIterator]();
  let head = '';
  while (!head.includes('\n')) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
  }
  const parser = parse({
    delimiter: sniffDelimiter(head),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_CHARS,
  });
  async function* source() {
    if (head) yield head;
    for (let next = await text.next(); !next.done; next = await text.next()) yield next.value;
  }
  // One text chunk ahead at most, so that the bytes read measure progress.
  const feeding = pipeline(Readable.from(source(), { highWaterMark: 1 }), parser);
  // The pipeline's own failure reaches the loop below through the parser; this keeps it handled.
  feeding.catch(() => {});
  let row = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: cells.map(unguardCell) };
    }
    await feeding;
  } catch (error) {
    if (error instanceof FileRefused) throw error;
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : row + 1;
      throw new FileRefused([
        { row: line, column: null, code: 'imports.csv_invalid', params: { detail: error.message } },
      ]);
    }
    throw error;
  } finally {
    parser.destroy();
  }
}
