import { describe, expect, it } from 'vitest';
import { translate } from '../../../lib/messages.js';
import { DEFAULT_MAX_BYTES, decodeJson, MAX_DEPTH } from './decode.js';
import { CsafRefused } from './refusal.js';

/** The refusal `decodeJson` throws for `input` (fails the test when it does not throw one). */
function refusal(input: Buffer | string, maxBytes?: number): CsafRefused {
  try {
    decodeJson(typeof input === 'string' ? Buffer.from(input) : input, maxBytes);
  } catch (error) {
    if (error instanceof CsafRefused) return error;
    throw error;
  }
  throw new Error('not refused');
}

const outcome = (input: Buffer | string, maxBytes?: number) => {
  const r = refusal(input, maxBytes);
  return { code: r.code, params: r.params };
};

describe('decodeJson', () => {
  it('parses an object', () => {
    expect(decodeJson(Buffer.from(' {"a": [1, "ü"]}\n'))).toEqual({ a: [1, 'ü'] });
  });

  it('ignores a UTF-8 byte-order mark', () => {
    expect(decodeJson(Buffer.from('\ufeff{"a":1}'))).toEqual({ a: 1 });
  });

  it('accepts duplicate keys; the last counts', () => {
    expect(decodeJson(Buffer.from('{"a":1,"a":2}'))).toEqual({ a: 2 });
  });

  it('keeps a "__proto__" key as plain data', () => {
    const value = decodeJson(Buffer.from('{"__proto__":{"polluted":1}}'));
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses an empty or blank file', () => {
    for (const input of ['', '  \n\t ', '\ufeff', '\ufeff\n'])
      expect(outcome(input).code).toBe('advisories.csaf_empty');
  });

  it('refuses a file over the limit before reading it, with status 413', () => {
    const r = refusal('{"a":1234567}', 10);
    expect([r.code, r.params, r.status]).toEqual([
      'advisories.csaf_too_large',
      { size: 13, limit: '10 bytes' },
      413,
    ]);
    expect(translate(r.code, 'en', r.params)).toBe(
      'The file is 13 bytes; a CSAF advisory may be at most 10 bytes.',
    );
    expect(DEFAULT_MAX_BYTES).toBe(20 * 1024 * 1024);
    expect(refusal(Buffer.alloc(DEFAULT_MAX_BYTES + 1, 0x20)).params).toEqual({
      size: DEFAULT_MAX_BYTES + 1,
      limit: '20 MiB',
    });
  });

  it('refuses UTF-16 and UTF-32, with or without a byte-order mark', () => {
    for (const input of [
      Buffer.from('\ufeff{"a":1}', 'utf16le'),
      Buffer.from('{"a":1}', 'utf16le'),
      Buffer.from('\ufeff{"a":1}', 'utf16le').swap16(),
      Buffer.from([0, 0, 0, 0x7b, 0, 0, 0, 0x7d]),
    ])
      expect(outcome(input).code).toBe('advisories.csaf_encoding_utf16');
  });

  it('refuses bytes that are not UTF-8, naming the line', () => {
    const bad = Buffer.concat([Buffer.from('{\n"a":\n"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(outcome(bad)).toEqual({ code: 'advisories.csaf_encoding_invalid', params: { line: 3 } });
    const nul = Buffer.from('{"a":\n\n\n"b\u0000"}');
    expect(outcome(nul)).toEqual({ code: 'advisories.csaf_encoding_invalid', params: { line: 4 } });
  });

  it('refuses binary garbage with a message a person understands', () => {
    // Fixed pseudo-random bytes (not UTF-8 from the second byte on).
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 151 + 0x41) % 256));
    const r = refusal(garbage);
    expect([r.code, r.params]).toEqual(['advisories.csaf_encoding_invalid', { line: 1 }]);
    expect(translate(r.code, 'en', r.params)).toBe(
      'The file is not UTF-8 text: line 1 has bytes that are not UTF-8 (or NUL characters). A CSAF advisory is a JSON text file; this may be a binary file.',
    );
    expect(translate(r.code, 'da', r.params)).toBe(
      'Filen er ikke UTF-8-tekst: linje 1 har byte, der ikke er UTF-8 (eller NUL-tegn). En CSAF-advisory er en JSON-tekstfil; dette kan være en binær fil.',
    );
  });

  it('names compressed and PDF files', () => {
    expect(outcome(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]))).toEqual({
      code: 'advisories.csaf_binary',
      params: { kind: 'gzip' },
    });
    expect(outcome(Buffer.from('PK\u0003\u0004rest')).params).toEqual({ kind: 'zip' });
    expect(outcome('%PDF-1.7\n%âãÏÓ').params).toEqual({ kind: 'pdf' });
  });

  it('refuses XML and HTML (a DOCTYPE, a CVRF document), quoting how they begin', () => {
    const doctype =
      '\ufeff  <!DOCTYPE cvrfdoc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<cvrfdoc>&xxe;</cvrfdoc>';
    const r = refusal(doctype);
    expect([r.code, r.params]).toEqual([
      'advisories.csaf_markup',
      { start: '<!DOCTYPE cvrfdoc [<!ENTITY xxe SYSTEM "' },
    ]);
    expect(translate(r.code, 'en', r.params)).toBe(
      'The file is XML or HTML (it begins "<!DOCTYPE cvrfdoc [<!ENTITY xxe SYSTEM ""), not JSON. Only CSAF 2.0 advisories in JSON are read; the older XML format (CVRF) and web pages are not.',
    );
    expect(outcome('<?xml version="1.0"?>\n<cvrfdoc/>').params).toEqual({ start: '<?xml version="1.0"?>' });
    expect(outcome('\n<html><body>Not found</body></html>').code).toBe('advisories.csaf_markup');
  });

  it('places JSON syntax errors by line and column', () => {
    expect(outcome('{\n  "a": 1,\n}')).toEqual({
      code: 'advisories.csaf_json_syntax',
      params: { line: 3, column: 1, detail: 'Expected double-quoted property name in JSON at position 12' },
    });
    expect(outcome('{"a": [1,')).toEqual({
      code: 'advisories.csaf_json_syntax',
      params: { line: 1, column: 10, detail: 'Unexpected end of JSON input' },
    });
    const unplaced = outcome('{"a": tru}');
    expect(unplaced.code).toBe('advisories.csaf_json_syntax_unplaced');
    expect(unplaced.params.detail).toMatch(/^Unexpected token/);
  });

  it('refuses nesting deeper than the limit, but not brackets inside strings', () => {
    const deep = `${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`;
    expect(outcome(deep)).toEqual({
      code: 'advisories.csaf_too_deep',
      params: { limit: MAX_DEPTH, line: 1, column: MAX_DEPTH + 1 },
    });
    const flat = `{"a": "${'['.repeat(500)}\\"${'{'.repeat(500)}"}`;
    expect(Object.keys(decodeJson(Buffer.from(flat)))).toEqual(['a']);
    const exact = `${'['.repeat(MAX_DEPTH - 1)}{}${']'.repeat(MAX_DEPTH - 1)}`;
    expect(outcome(exact).code).toBe('advisories.csaf_not_object');
  });

  it('refuses JSON that is not an object', () => {
    expect(['[1]', '"csaf"', '2.0', 'null', 'true'].map((s) => outcome(s).params.kind)).toEqual([
      'array',
      'string',
      'number',
      'null',
      'boolean',
    ]);
  });
});
