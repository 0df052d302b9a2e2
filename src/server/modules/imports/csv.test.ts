import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords, sniffDelimiter, unguardCell } from './csv.js';
import { FileRefused } from './framework.js';
import { utf8Lines } from './text.js';

/** The bytes as a network or the chunk store might deliver them: cut at arbitrary points. */
async function* cut(bytes: Buffer, at: number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const point of [...new Set(at.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b)) {
    if (point > start) yield bytes.subarray(start, point);
    start = Math.max(start, point);
  }
  if (start < bytes.length) yield bytes.subarray(start);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const cell = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\u0000'));
const quoted = (s: string) => `"${s.replaceAll('"', '""')}"`;
const cuts = fc.array(fc.nat(), { maxLength: 8 });

describe('the CSV reader', () => {
  it('gives back every cell of any table, whatever the separator, line ending and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((width) =>
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }),
          ),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        cuts,
        async (table, delimiter, eol, bom, at) => {
          const text = table.map((row) => row.map(quoted).join(delimiter)).join(eol) + eol;
          const bytes = Buffer.from(`${bom ? '\ufeff' : ''}${text}`, 'utf8');
          const records = await collect(csvRecords(cut(bytes, at)));
          expect(records).toEqual(table.map((cells, i) => ({ row: i + 1, cells: cells.map(unguardCell) })));
        },
      ),
    );
  });

  it('reads the separator from the header line, outside quotes', () => {
    expect(sniffDelimiter('email;name;role\na,b;c')).toBe(';');
    expect(sniffDelimiter('"a,b";"c,d";e\n')).toBe(';');
    expect(sniffDelimiter('"Hansen; Anne",role\n')).toBe(',');
    expect(sniffDelimiter('email\tname\n')).toBe('\t');
    expect(sniffDelimiter('email\n')).toBe(',');
  });
});

describe('the UTF-8 check', () => {
  it('passes any text through unchanged, however it is cut', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(text, cuts, async (s, at) => {
        const out = await collect(utf8Lines(cut(Buffer.from(s, 'utf8'), at)));
        expect(out.join('')).toBe(s.startsWith('\ufeff') ? s.slice(1) : s);
      }),
    );
  });

  it('refuses any bytes that are not UTF-8 text, naming the first bad line, and accepts the rest', async () => {
    const line = fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0a)));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), cuts, async (lines, at) => {
        const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
        const firstBad = lines.findIndex((l) => l.includes(0) || !isUtf8(l));
        try {
          const out = await collect(utf8Lines(cut(bytes, at)));
          expect(firstBad).toBe(-1);
          const expected = bytes.toString('utf8');
          expect(out.join('')).toBe(expected.startsWith('\ufeff') ? expected.slice(1) : expected);
        } catch (error) {
          if (!(error instanceof FileRefused)) throw error;
          expect(firstBad).toBeGreaterThanOrEqual(0);
          expect(error.issues).toEqual([
            expect.objectContaining({
              row: firstBad + 1,
              column: null,
              code: expect.stringMatching(/^imports\.encoding_/),
            }),
          ]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the formula guard of our own exports', () => {
  it('drops one apostrophe in front of =, +, -, @, tab and carriage return, nothing else', async () => {
    const file = Buffer.from(
      "a;b;c;d;e\r\n'=SUM(A1);'+45 70 20 30 40;'-note;'@x;'plain\r\n''=x;it's;'';';-3\r\n",
    );
    const records: string[][] = [];
    for await (const r of csvRecords(
      (async function* () {
        yield file;
      })(),
    ))
      records.push(r.cells);
    expect(records[1]).toEqual(['=SUM(A1)', '+45 70 20 30 40', '-note', '@x', "'plain"]);
    expect(records[2]).toEqual(["''=x", "it's", "''", "'", '-3']);
    expect(unguardCell("'\t1")).toBe('\t1');
  });
});
