import { type CsvError, parse } from 'csv-parse';
import { FileRefused } from './framework.js';
import { utf8Chunks } from './text.js';

/** A cell longer than this refuses the file (an unclosed quote would otherwise swallow the rest). */
export const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * Undoes the formula guard of Værn's own CSV exports (audit/csv.ts csvField): a cell a spreadsheet
 * would run (=, +, -, @, tab, carriage return first) is written with a leading apostrophe, the
 * convention spreadsheets themselves use for "this is text". Reading drops that one apostrophe, so
 * an export imports back unchanged ("'+45 70 20 30 40" → "+45 70 20 30 40").
 */
export const unguardCell = (cell: string): string =>
  cell.charCodeAt(0) === 39 && /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;

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

/** csv-parse's incremental parser: what its stream and sync front ends both drive. */
interface ParserCore {
  parse(
    chunk: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): CsvError | undefined;
}

/**
 * Streams the records of a CSV file (UTF-8; comma, semicolon or tab separated; any line ending),
 * blank lines included, numbered from 1. The file is refused (FileRefused) when it is not UTF-8
 * text or stops being valid CSV, naming the line.
 *
 * csv-parse's parser is driven directly, chunk by chunk (its Node stream wrapper cost as much as
 * the parsing itself): the records of one chunk of the file are parsed at once and handed on.
 */
export async function* csvRecords(bytes: AsyncIterable<Buffer>): AsyncGenerator<TableRecord> {
  const chunks = utf8Chunks(bytes)[Symbol.asyncIterator]();
  let parser: ParserCore | undefined;
  let row = 0;
  let records: string[][] = [];
  const push = (cells: string[]) => {
    records.push(cells);
  };
  const close = () => {};
  const refuse = (error: CsvError): FileRefused => {
    const line = typeof error.lines === 'number' ? error.lines : row + 1;
    return new FileRefused([
      { row: line, column: null, code: 'imports.csv_invalid', params: { detail: error.message } },
    ]);
  };
  const feed = (chunk: Buffer | undefined, end: boolean) => {
    if (!parser) {
      const head = chunk ? chunk.subarray(0, 64 * 1024).toString('utf8') : '';
      const stream = parse({
        delimiter: sniffDelimiter(head),
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: false,
        max_record_size: MAX_RECORD_CHARS,
      });
      parser = (stream as unknown as { api: ParserCore }).api;
    }
    const error = parser.parse(chunk, end, push, close);
    if (error) throw refuse(error);
  };
  for (let next = await chunks.next(); ; next = await chunks.next()) {
    if (next.done) feed(undefined, true);
    else feed(next.value, false);
    const ready = records;
    records = [];
    for (const cells of ready) {
      row++;
      for (let i = 0; i < cells.length; i++) cells[i] = unguardCell(cells[i] as string);
      yield { row, cells };
    }
    if (next.done) return;
  }
}
