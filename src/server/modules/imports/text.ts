import { isUtf8 } from 'node:buffer';
import { FileRefused } from './framework.js';

/** A line longer than this (without a line break) refuses the file rather than filling memory. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const NEWLINE = 0x0a;

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** Finds the first line of `buf` (whose first line is `line`) with a NUL byte or invalid UTF-8. */
function refusal(buf: Buffer, line: number): FileRefused {
  let start = 0;
  for (let n = line; start <= buf.length; n++) {
    const end = buf.indexOf(NEWLINE, start);
    const part = buf.subarray(start, end === -1 ? buf.length : end);
    if (part.includes(0))
      return new FileRefused([{ row: n, column: null, code: 'imports.encoding_nul', params: { line: n } }]);
    if (!isUtf8(part))
      return new FileRefused([
        { row: n, column: null, code: 'imports.encoding_invalid', params: { line: n } },
      ]);
    if (end === -1) break;
    start = end + 1;
  }
  return new FileRefused([{ row: line, column: null, code: 'imports.encoding_invalid', params: { line } }]);
}

/**
 * Checks a file's bytes as UTF-8 text and passes them on in whole lines (each chunk ends with a
 * line break, but the last), refusing (FileRefused) a file that is UTF-16, contains NUL bytes or
 * is not valid UTF-8, and naming the line. A UTF-8 byte-order mark is dropped. Memory is bounded
 * by the chunk size and MAX_LINE_BYTES.
 */
export async function* utf8Chunks(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  let line = 1;
  let first = true;
  const check = (buf: Buffer) => {
    if (buf.includes(0) || !isUtf8(buf)) throw refusal(buf, line);
  };
  /** The first bytes: a UTF-16 mark refuses the file, a UTF-8 one is dropped. */
  const start = (buf: Buffer): Buffer => {
    first = false;
    if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
      throw new FileRefused([{ row: 1, column: null, code: 'imports.encoding_utf16' }]);
    }
    return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  };
  for await (const chunk of bytes) {
    let buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (first) {
      if (buf.length < 3) {
        carry = buf;
        continue;
      }
      buf = start(buf);
    }
    const last = buf.lastIndexOf(NEWLINE);
    if (last === -1) {
      carry = buf;
      if (carry.length > MAX_LINE_BYTES) {
        throw new FileRefused([
          { row: line, column: null, code: 'imports.line_too_long', params: { line, limit: MAX_LINE_BYTES } },
        ]);
      }
      continue;
    }
    const whole = buf.subarray(0, last + 1);
    carry = Buffer.from(buf.subarray(last + 1));
    check(whole);
    line += countNewlines(whole);
    yield whole;
  }
  if (first) carry = start(carry);
  if (carry.length > 0) {
    check(carry);
    yield carry;
  }
}

/** utf8Chunks, decoded: the file's text, whole lines at a time. */
export async function* utf8Lines(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  for await (const chunk of utf8Chunks(bytes)) yield chunk.toString('utf8');
}
