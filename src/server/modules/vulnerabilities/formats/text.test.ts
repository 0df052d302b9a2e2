import { describe, expect, it } from 'vitest';
import { utf8Text } from './text.js';
import { ScanFormatError } from './types.js';

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decode(bytes: Buffer, size: number): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of utf8Text(chunks(bytes, size))) out.push(piece);
  return out;
}

describe('utf8Text', () => {
  // Danish letters (2 bytes), a euro sign (3) and an emoji (4 bytes, a surrogate pair), over
  // several pieces, so that piece ends fall inside sequences of every length.
  const text = `<r>${'Sårbarhed i æbleskiver-serveren € 🔒 '.repeat(4000)}</r>\n`.repeat(3);
  const bytes = Buffer.from(text, 'utf8');

  it.each([1, 7, 4096, 1 << 20])(
    'gives the same text in pieces of at most 32 KiB, never inside a sequence (input chunks of %i bytes)',
    async (size) => {
      const pieces = await decode(bytes, size);
      expect(pieces.join('')).toBe(text);
      expect(pieces.length).toBeGreaterThan(1);
      for (const piece of pieces) {
        expect(Buffer.byteLength(piece, 'utf8')).toBeLessThanOrEqual(32 * 1024);
        const first = piece.charCodeAt(0);
        expect(first >= 0xdc00 && first <= 0xdfff).toBe(false);
        expect(piece.includes('\ufffd')).toBe(false);
      }
    },
  );

  it('drops a byte-order mark and refuses invalid UTF-8 with its line', async () => {
    const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a/>')]);
    expect((await decode(marked, 2)).join('')).toBe('<a/>');
    const bad = Buffer.concat([
      Buffer.from('<a>\n<b>\n'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('</b></a>'),
    ]);
    const refused = await decode(bad, 3).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ScanFormatError);
    expect(refused).toMatchObject({ code: 'scans.encoding_invalid', line: 3 });
  });
});
