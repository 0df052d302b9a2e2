import { isUtf8 } from 'node:buffer';
import { type Limits, SbomError } from './types.js';

/** Text is handed to the parsers in pieces of at most this many characters. */
const PIECE = 64 * 1024;
const NEWLINE = 0x0a;

function at(line: number, column: number | null = null) {
  return { path: '', line, column };
}

/** The line (from 1) of the first invalid byte sequence in `buf`, whose first line is `line`. */
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

export interface Decoded {
  /** 'json' or 'xml', from the first non-whitespace character. */
  format: 'json' | 'xml';
  text: AsyncGenerator<string>;
  /** Ends the input (a Readable is destroyed): when reading stops early or fails. */
  close(): Promise<void>;
}

/**
 * Decodes the input as UTF-8 (a byte-order mark is dropped), refusing UTF-16/UTF-32, NUL bytes,
 * invalid UTF-8 (naming the line) and more than `limits.maxBytes`, and tells JSON from XML by the
 * first non-whitespace character. Memory: one input chunk at a time.
 */
export async function decode(input: AsyncIterable<Uint8Array | string>, limits: Limits): Promise<Decoded> {
  const iterator = input[Symbol.asyncIterator]();
  const close = async () => {
    await iterator.return?.();
  };
  try {
    return await sniff(iterator, limits, close);
  } catch (error) {
    await close();
    throw error;
  }
}

async function sniff(
  iterator: AsyncIterator<Uint8Array | string>,
  limits: Limits,
  close: () => Promise<void>,
): Promise<Decoded> {
  let bytes = 0;
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  let started = false;
  let done = false;

  /** The next chunk of text, or null at the end. */
  const next = async (): Promise<string | null> => {
    while (!done) {
      const step = await iterator.next();
      if (step.done) {
        done = true;
        break;
      }
      let buf: Buffer =
        typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : Buffer.from(step.value);
      bytes += buf.length;
      if (bytes > limits.maxBytes)
        throw new SbomError('sbom.too_large', { limit: limits.maxBytes }, at(line));
      if (carry.length > 0) buf = Buffer.concat([carry, buf]);
      if (!started) {
        if (buf.length < 4) {
          carry = buf;
          continue;
        }
        buf = start(buf);
      }
      const keep = incompleteTail(buf);
      const whole = keep > 0 ? buf.subarray(0, buf.length - keep) : buf;
      carry = keep > 0 ? Buffer.from(buf.subarray(buf.length - keep)) : Buffer.alloc(0);
      if (whole.length === 0) continue;
      return text(whole);
    }
    if (!started) {
      if (carry.length === 0) return null;
      const rest = start(carry);
      carry = Buffer.alloc(0);
      return rest.length > 0 ? text(rest) : null;
    }
    if (carry.length > 0) {
      const rest = carry;
      carry = Buffer.alloc(0);
      return text(rest); // an incomplete sequence at the very end: refused by text()
    }
    return null;
  };

  const start = (buf: Buffer): Buffer => {
    started = true;
    const [b0, b1] = [buf[0], buf[1]];
    if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || (b0 === 0 && b1 === 0)) {
      throw new SbomError('sbom.encoding_utf16', {}, at(1));
    }
    // UTF-16 without a byte-order mark: every other byte of ASCII text is 0.
    if (buf.length >= 2 && (b0 === 0 || b1 === 0)) throw new SbomError('sbom.encoding_utf16', {}, at(1));
    return b0 === 0xef && b1 === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  };

  const text = (buf: Buffer): string => {
    if (buf.includes(0) || !isUtf8(buf)) {
      throw new SbomError('sbom.encoding_invalid', {}, at(badLine(buf, line)));
    }
    for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) line++;
    return buf.toString('utf8');
  };

  // Find the first non-whitespace character.
  let first: string | null = null;
  const head: string[] = [];
  for (;;) {
    const chunk = await next();
    if (chunk === null) break;
    head.push(chunk);
    const m = /\S/.exec(chunk);
    if (m) {
      first = m[0];
      break;
    }
  }
  if (first === null) throw new SbomError('sbom.empty', {}, at(1));
  if (first !== '{' && first !== '<') {
    const before = head.join('');
    const lineNo = before.slice(0, before.search(/\S/)).split('\n').length;
    throw new SbomError('sbom.format_unknown', {}, at(lineNo));
  }

  async function* pieces(): AsyncGenerator<string> {
    const emit = function* (chunk: string) {
      for (let i = 0; i < chunk.length; ) {
        let end = Math.min(i + PIECE, chunk.length);
        const last = chunk.charCodeAt(end - 1);
        if (end < chunk.length && last >= 0xd800 && last <= 0xdbff) end--; // keep a surrogate pair whole
        yield chunk.slice(i, end);
        i = end;
      }
    };
    for (const chunk of head) yield* emit(chunk);
    for (;;) {
      const chunk = await next();
      if (chunk === null) return;
      yield* emit(chunk);
    }
  }
  return { format: first === '{' ? 'json' : 'xml', text: pieces(), close };
}
