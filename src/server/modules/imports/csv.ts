import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.js';
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

/**
 * Streams the records of a CSV file (UTF-8; comma, semicolon or tab separated; any line ending),
 * blank lines included, numbered from 1. The file is refused (FileRefused) when it is not UTF-8
 * text or stops being valid CSV, naming the line.
 *
 * The text is decoded a chunk (whole lines) at a time and tokenized by CsvTokenizer, which reads as
 * csv-parse did (csv-tokenizer.ts) at several times its speed. The records of a chunk are handed on
 * once the whole chunk is read.
 */
export async function* csvRecords(bytes: AsyncIterable<Buffer>): AsyncGenerator<TableRecord> {
  const chunks = utf8Chunks(bytes)[Symbol.asyncIterator]();
  let tokenizer: CsvTokenizer | undefined;
  let row = 0;
  const feed = (chunk: Buffer | undefined, end: boolean): string[][] => {
    const text = chunk ? chunk.toString('utf8') : '';
    if (!tokenizer) {
      const head = chunk ? chunk.subarray(0, 64 * 1024).toString('utf8') : '';
      tokenizer = new CsvTokenizer(sniffDelimiter(head), MAX_RECORD_CHARS);
    }
    try {
      return tokenizer.push(text, end);
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      throw new FileRefused([
        error.reason === 'quote_not_closed'
          ? {
              row: error.opened,
              column: null,
              code: 'imports.csv_quote_not_closed',
              params: { line: error.opened ?? error.line, end: error.line },
            }
          : {
              row: error.line,
              column: null,
              code: 'imports.csv_record_too_large',
              params: { line: error.line, limit: MAX_RECORD_CHARS },
            },
      ]);
    }
  };
  for (let next = await chunks.next(); ; next = await chunks.next()) {
    const ready = next.done ? feed(undefined, true) : feed(next.value, false);
    for (const cells of ready) {
      row++;
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i] as string;
        if (cell.charCodeAt(0) === 39) cells[i] = unguardCell(cell);
      }
      yield { row, cells };
    }
    if (next.done) return;
  }
}
