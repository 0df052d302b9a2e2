import { isUtf8 } from 'node:buffer';
import { CsafRefused } from './refusal.js';

/** The largest document read unless the caller says otherwise: 20 MiB. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/**
 * The deepest nesting of arrays and objects accepted. The corpus's deepest document nests 11
 * levels; each product-tree branch adds two. The bound keeps the schema validator and the readers
 * (which recurse over branches) far from the stack's limit.
 */
export const MAX_DEPTH = 100;

/** "20 MiB": a size limit as people read it. */
function formatBytes(bytes: number): string {
  if (bytes >= 1048576 && bytes % 1048576 === 0) return `${bytes / 1048576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

const BINARY_KINDS: readonly { kind: string; magic: readonly number[] }[] = [
  { kind: 'gzip', magic: [0x1f, 0x8b] },
  { kind: 'zip', magic: [0x50, 0x4b, 0x03, 0x04] },
  { kind: 'pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
];

const startsWith = (buf: Buffer, magic: readonly number[]): boolean =>
  buf.length >= magic.length && magic.every((b, i) => buf[i] === b);

/**
 * The line (from 1) of the first NUL byte or invalid UTF-8 sequence. Line by line: a newline byte
 * never occurs inside a UTF-8 sequence, so each line can be checked on its own.
 */
function firstBadLine(buf: Buffer): number {
  for (let line = 1, start = 0; ; line++) {
    const end = buf.indexOf(0x0a, start);
    const part = buf.subarray(start, end === -1 ? buf.length : end);
    if (end === -1 || part.includes(0) || !isUtf8(part)) return line;
    start = end + 1;
  }
}

/** Line and column (1-based, in characters) of position `at` of `text`. */
function place(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: at - start + 1 };
}

/** Where the text first nests deeper than `limit` (outside strings), or -1. */
function tooDeepAt(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/**
 * The JSON value of a CSAF file's bytes, or a CsafRefused that tells a person why not: empty, too
 * large, UTF-16/UTF-32, not UTF-8 (with the line), a compressed or PDF file, XML or HTML (a
 * DOCTYPE, a CVRF document), a JSON syntax error (with line and column when the parser gives a
 * position), nesting deeper than MAX_DEPTH, or a top level that is not an object.
 *
 * Encoding (RFC 8259 §8.1): JSON exchanged between systems is UTF-8. A UTF-8 byte-order mark is
 * ignored; a UTF-16 or UTF-32 one (or NUL bytes, which only those encodings put in JSON text) is
 * refused with its own message. Duplicate object keys are accepted; the last one counts, as in
 * JSON.parse.
 */
export function decodeJson(bytes: Buffer, maxBytes: number = DEFAULT_MAX_BYTES): Record<string, unknown> {
  if (bytes.length > maxBytes) {
    throw new CsafRefused('advisories.csaf_too_large', { size: bytes.length, limit: formatBytes(maxBytes) });
  }
  const [b0, b1] = [bytes[0], bytes[1]];
  if (
    bytes.length >= 2 &&
    ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || b0 === 0 || b1 === 0)
  ) {
    throw new CsafRefused('advisories.csaf_encoding_utf16');
  }
  const binary = BINARY_KINDS.find((k) => startsWith(bytes, k.magic));
  if (binary) throw new CsafRefused('advisories.csaf_binary', { kind: binary.kind });
  const body = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
  if (body.includes(0) || !isUtf8(body)) {
    throw new CsafRefused('advisories.csaf_encoding_invalid', { line: firstBadLine(body) });
  }
  const text = body.toString('utf8');
  const first = text.search(/\S/);
  if (first === -1) throw new CsafRefused('advisories.csaf_empty');
  if (text[first] === '<') {
    throw new CsafRefused('advisories.csaf_markup', {
      start: text.slice(first, first + 40).split('\n')[0] ?? '',
    });
  }
  const deep = tooDeepAt(text, MAX_DEPTH);
  if (deep !== -1)
    throw new CsafRefused('advisories.csaf_too_deep', { limit: MAX_DEPTH, ...place(text, deep) });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const detail = message.length > 200 ? `${message.slice(0, 200)}…` : message;
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : null;
    if (position === null) throw new CsafRefused('advisories.csaf_json_syntax_unplaced', { detail });
    throw new CsafRefused('advisories.csaf_json_syntax', { ...place(text, position), detail });
  }
  if (kindOf(value) !== 'object')
    throw new CsafRefused('advisories.csaf_not_object', { kind: kindOf(value) });
  return value as Record<string, unknown>;
}
