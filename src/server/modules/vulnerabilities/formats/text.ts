import { isUtf8 } from 'node:buffer';
import { ScanFormatError } from './types.js';

/**
 * Text is decoded and handed to the parsers in pieces of at most this many bytes. Small enough
 * that each piece is an ordinary young string (V8 puts a string above about 128 KiB straight into
 * the old generation: a file decoded a megabyte at a time left some 55 MB of dead text there
 * between two full collections, which the process's peak memory showed).
 */
const PIECE = 32 * 1024;
const NEWLINE = 0x0a;

/** The line (from 1) of the first NUL or invalid UTF-8 sequence in `buf`, whose first line is `line`. */
function badLine(buf: Buffer, line: number): number {
  let start = 0;
  for (let n = line; ; n++) {
    const end = buf.indexOf(NEWLINE, start);
    const part = buf.subarray(start, end === -1 ? buf.length : end);
    if (part.includes(0) || !isUtf8(part)) return n;
    if (end === -1) return n;
    start = end + 1;
  }
}

/** Bytes at the end of `buf` that begin a UTF-8 sequence not yet complete (0–3). */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const byte = buf[buf.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Refuses UTF-16/UTF-32 (by byte-order mark or by NUL bytes among the first two) and drops a UTF-8 mark. */
function start(buf: Buffer): Buffer {
  const [b0, b1] = [buf[0], buf[1]];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || b0 === 0 || b1 === 0) {
    throw new ScanFormatError('scans.encoding_utf16', 1);
  }
  return b0 === 0xef && b1 === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
}

/**
 * Decodes a file's bytes as UTF-8 text, in pieces of at most PIECE bytes (never inside a UTF-8
 * sequence, so never inside a surrogate pair), refusing UTF-16/UTF-32 (`scans.encoding_utf16`), NUL bytes and invalid UTF-8
 * (`scans.encoding_invalid`, naming the line). A UTF-8 byte-order mark is dropped. Memory: one
 * input chunk at a time.
 */
export async function* utf8Text(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  let started = false;
  const checked = (buf: Buffer): Buffer => {
    if (buf.includes(0) || !isUtf8(buf))
      throw new ScanFormatError('scans.encoding_invalid', badLine(buf, line));
    for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) line++;
    return buf;
  };
  function* pieces(buf: Buffer): Generator<string> {
    for (let i = 0; i < buf.length; ) {
      let end = Math.min(i + PIECE, buf.length);
      // Back to the first byte of the sequence that `end` falls in (continuation bytes: 10xxxxxx).
      while (end < buf.length && end > i + 1 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
      yield buf.toString('utf8', i, end);
      i = end;
    }
  }
  for await (const chunk of bytes) {
    let buf: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (!started) {
      if (buf.length < 4) {
        carry = buf;
        continue;
      }
      started = true;
      buf = start(buf);
    }
    const keep = incompleteTail(buf);
    const whole = keep > 0 ? buf.subarray(0, buf.length - keep) : buf;
    carry = keep > 0 ? Buffer.from(buf.subarray(buf.length - keep)) : Buffer.alloc(0);
    if (whole.length > 0) yield* pieces(checked(whole));
  }
  if (!started && carry.length > 0) carry = start(carry);
  if (carry.length > 0) yield* pieces(checked(carry)); // an incomplete sequence at the end is refused
}

/** `text` cut to at most `max` characters (never inside a surrogate pair), trimmed; null when empty. */
export function cut(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined) return null;
  let value = text.trim();
  if (value.length > max) {
    let end = max;
    const last = value.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    value = value.slice(0, end).trimEnd();
  }
  return value === '' ? null : value;
}

const CVE = /CVE-\d{4}-\d{4,}/gi;

/** The CVE ids in `texts`, upper-case, unique, sorted. */
export function cveIds(...texts: (string | null | undefined)[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const match of text.matchAll(CVE)) found.add(match[0].toUpperCase());
  }
  return [...found].sort();
}
