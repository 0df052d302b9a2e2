import { describe, expect, it } from 'vitest';
import { binaryCopyValues, CopyText, copyLines } from './copy.js';

/** A binary COPY stream of one column, written by hand from the format's documentation. */
function stream(values: (Buffer | null)[], opts: { extension?: number; fields?: number } = {}): Buffer {
  const extension = opts.extension ?? 0;
  const parts: Buffer[] = [
    Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
    Buffer.alloc(4),
    Buffer.alloc(4 + extension),
  ];
  parts[2]?.writeUInt32BE(extension, 0);
  for (const v of values) {
    const head = Buffer.alloc(6);
    head.writeInt16BE(opts.fields ?? 1, 0);
    head.writeInt32BE(v === null ? -1 : v.length, 2);
    parts.push(head, v ?? Buffer.alloc(0));
  }
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1, 0);
  parts.push(end);
  return Buffer.concat(parts);
}

describe('binary COPY values', () => {
  it('reads each value as bytes, null as null, past a header extension', () => {
    const a = Buffer.from([0, 1, 255, 10, 13, 92]);
    const values = binaryCopyValues(stream([a, null, Buffer.alloc(0)], { extension: 3 }));
    expect(values).toHaveLength(3);
    expect(values[0]?.equals(a)).toBe(true);
    expect(values[1]).toBeNull();
    expect(values[2]?.length).toBe(0);
  });

  it('refuses what is not one column in the binary format, or is cut short', () => {
    expect(() => binaryCopyValues(Buffer.from('data\n'))).toThrow(/not a binary COPY stream/);
    expect(() => binaryCopyValues(stream([Buffer.from('x')], { fields: 2 }))).toThrow(/2 fields/);
    const whole = stream([Buffer.from('abcdef')]);
    expect(() => binaryCopyValues(whole.subarray(0, whole.length - 5))).toThrow(/past the end/);
  });
});

describe('COPY lines as bytes', () => {
  it('writes exactly the UTF-8 of the joined lines, however long or wide they are', () => {
    const wide = 'Leverandør ☃ 😀 ';
    const lines = [
      'a\tb\n',
      `${wide.repeat(3)}\n`,
      `${'x'.repeat(400_000)}\n`,
      `${'ø'.repeat(700_000)}\n`,
      `${'😀'.repeat(300_000)}\n`,
      '\n',
      ...Array.from({ length: 5000 }, (_, i) => `${i}\t${wide}${i}\n`),
    ];
    const parts = copyLines(lines);
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.concat(parts).equals(Buffer.from(lines.join(''), 'utf8'))).toBe(true);
  });

  it('gives nothing for no lines', () => {
    expect(copyLines([])).toEqual([]);
  });

  it('hands over what was written so far in order, then starts empty (CopyText)', () => {
    const text = new CopyText();
    const first = Array.from({ length: 3000 }, (_, i) => `${i}\tLeverandør ☃ ${'y'.repeat(i % 700)}\n`);
    for (const line of first) text.write(line);
    const taken = text.take();
    expect(taken.length).toBeGreaterThan(1);
    expect(Buffer.concat(taken).equals(Buffer.from(first.join(''), 'utf8'))).toBe(true);
    expect(text.take()).toEqual([]);
    text.write('😀\n');
    expect(Buffer.concat(text.take()).toString('utf8')).toBe('😀\n');
    // What was taken before is not overwritten by later writes.
    expect(Buffer.concat(taken).equals(Buffer.from(first.join(''), 'utf8'))).toBe(true);
  });
});
