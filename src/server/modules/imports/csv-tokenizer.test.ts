import { type CsvError, parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords, MAX_RECORD_CHARS } from './csv.js';
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.js';
import { FileRefused } from './framework.js';

/** What csv-parse made of a text with the options the import framework used before: the oracle. */
function oracle(text: string, delimiter: string, max: number): string[][] | { error: string; line: number } {
  try {
    return parse(Buffer.from(text, 'utf8'), {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: max,
    }) as string[][];
  } catch (error) {
    const e = error as CsvError & { lines: number };
    return { error: e.message, line: e.lines };
  }
}

/** The tokenizer on the text cut at the given points. */
function tokenize(text: string, delimiter: string, max: number, at: number[] = []) {
  const tokenizer = new CsvTokenizer(delimiter, max);
  const points = [...new Set(at.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const records: string[][] = [];
  let start = 0;
  try {
    for (const p of points) {
      if (p > start) records.push(...tokenizer.push(text.slice(start, p), false));
      start = Math.max(start, p);
    }
    records.push(...tokenizer.push(text.slice(start), true));
    return records;
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { error: error.message, line: error.line };
  }
}

/** Text made mostly of what matters to CSV: quotes, delimiters, every line ending, multi-byte letters. */
const csvText = fc
  .array(fc.constantFrom('"', '"', ',', ';', '\t', '\r', '\n', '\r\n', 'a', 'b', ' ', 'æ', '€', '😀', '""'), {
    maxLength: 60,
  })
  .map((parts) => parts.join(''));
const delimiters = fc.constantFrom(',', ';', '\t');
const cuts = fc.array(fc.nat(), { maxLength: 6 });

describe('the CSV tokenizer', () => {
  it('reads any text exactly as csv-parse does, however it is cut', () => {
    fc.assert(
      fc.property(csvText, delimiters, cuts, (text, delimiter, at) => {
        expect(tokenize(text, delimiter, 1024 * 1024, at)).toEqual(oracle(text, delimiter, 1024 * 1024));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a record over the maximum size where csv-parse does, with its message and line', () => {
    fc.assert(
      fc.property(csvText, delimiters, fc.integer({ min: 1, max: 40 }), cuts, (text, delimiter, max, at) => {
        expect(tokenize(text, delimiter, max, at)).toEqual(oracle(text, delimiter, max));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads tables of quoted and unquoted cells as csv-parse does', () => {
    const cell = fc.string({ unit: 'grapheme', maxLength: 10 });
    const quotedCell = cell.map((s) => `"${s.replaceAll('"', '""')}"`);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(cell, quotedCell), { minLength: 1, maxLength: 5 }), { maxLength: 6 }),
        delimiters,
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        cuts,
        (rows, delimiter, eol, trailing, at) => {
          const text = rows.map((r) => r.join(delimiter)).join(eol) + (trailing ? eol : '');
          expect(tokenize(text, delimiter, 1024 * 1024, at)).toEqual(oracle(text, delimiter, 1024 * 1024));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps what csv-parse keeps of stray quotes, blank lines and odd line endings', () => {
    const cases: Array<[string, string[][]]> = [
      ['a,b\n', [['a', 'b']]],
      ['a,b', [['a', 'b']]],
      ['\n', [['']]],
      ['a\n\nb\n', [['a'], [''], ['b']]],
      ['"a,b",c\n', [['a,b', 'c']]],
      ['"a""b"\n', [['a"b']]],
      ['"a\r\nb",c\r\n', [['a\r\nb', 'c']]],
      ['"a"b,c\n', [['"a"b', 'c']]],
      ['ab"c,d\n', [['ab"c', 'd']]],
      ['a\r\nb\nc\r\n', [['a'], ['b\nc']]],
      ['a\nb\r\nc\n', [['a'], ['b\r'], ['c']]],
      ['a\rb\r', [['a'], ['b']]],
      ['"",x\n', [['', 'x']]],
      ['""', [['']]],
    ];
    for (const [text, expected] of cases) {
      expect(tokenize(text, ',', 1024 * 1024)).toEqual(expected);
      expect(oracle(text, ',', 1024 * 1024)).toEqual(expected);
    }
  });

  it('names the line of an unclosed quote and of an oversized record as csv-parse does', () => {
    for (const [text, max] of [
      ['a\n"b\nc\n', 100],
      ['a\r\n"b\r\nc', 100],
      ['a,b\nccccccccccccccc\n', 10],
      ['a\n"ææææææ"\n', 8],
    ] as const) {
      const result = tokenize(text, ',', max);
      expect(result).toHaveProperty('error');
      expect(result).toEqual(oracle(text, ',', max));
    }
    // Where the unclosed quote opened, which csv-parse does not say, also across pieces.
    for (const pieces of [['a\n"b\nc\n'], ['a\n', '"b', '\nc\n'], ['a\r\nx,"', 'b\r\n\r\nc']]) {
      const tokenizer = new CsvTokenizer(',', 100);
      const error = (() => {
        try {
          for (const [i, p] of pieces.entries()) tokenizer.push(p, i === pieces.length - 1);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toMatchObject({ reason: 'quote_not_closed', opened: 2 });
    }
  });
});

describe('the CSV reader on the tokenizer', () => {
  /** The file in chunks of 64 KiB, the error it is refused with. */
  async function refusal(text: string) {
    const bytes = Buffer.from(text, 'utf8');
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
    }
    try {
      for await (const _ of csvRecords(chunks())) {
        // read on
      }
    } catch (error) {
      if (error instanceof FileRefused) return error.issues;
      throw error;
    }
    return [];
  }

  it('refuses an unclosed quote on the line where it opens, and an oversized record on its line', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `SYS-${i};System ${i};"a;b"`);
    // The header is line 1, the rows lines 2 to 5001: the quote opens on line 5002.
    const unclosed = `key;name;tags\r\n${rows.join('\r\n')}\r\nSYS-X;"open;x\r\nSYS-Y;y;z\r\n`;
    const oversized = `key;name;tags\n${rows.join('\n')}\nSYS-X;"${'æ'.repeat(MAX_RECORD_CHARS / 2)}\n"\n`;
    const ends = oracle(unclosed, ';', MAX_RECORD_CHARS);
    const cut = oracle(oversized, ';', MAX_RECORD_CHARS);
    if (Array.isArray(ends) || Array.isArray(cut)) throw new Error('the oracle should refuse these files');
    expect(await refusal(unclosed)).toEqual([
      {
        row: 5002,
        column: null,
        code: 'imports.csv_quote_not_closed',
        params: { line: 5002, end: ends.line },
      },
    ]);
    expect(await refusal(oversized)).toEqual([
      {
        row: cut.line,
        column: null,
        code: 'imports.csv_record_too_large',
        params: { line: cut.line, limit: MAX_RECORD_CHARS },
      },
    ]);
  });
});
