import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translate } from '../../lib/messages.js';
import './messages.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const csaf = path.join(here, 'csaf');

describe('advisories messages', () => {
  // Every `advisories.*` code written in the CSAF reader's sources (not the tests) is looked up.
  const codes = new Set(
    readdirSync(csaf)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) =>
        [...readFileSync(path.join(csaf, f), 'utf8').matchAll(/'(advisories\.[a-z0-9_]+)'/g)].map(
          (m) => m[1] as string,
        ),
      ),
  );

  it('finds the codes', () => {
    expect(codes.size).toBe(21);
    expect(codes).toContain('advisories.csaf_markup');
  });

  it.each([...codes])('%s is translated in Danish and English, every parameter filled in', (code) => {
    const params = {
      line: 7,
      column: 3,
      detail: 'd',
      limit: '20 MiB',
      size: 1,
      kind: 'k',
      start: 's',
      version: 'v',
      count: 2,
      path: '/p',
      schema_path: '#/s',
      id: 'i',
      first: '/f',
      reason: 'missing',
      field: 'f',
    };
    const texts = (['da', 'en'] as const).map((locale) => translate(code, locale, params));
    for (const text of texts) {
      expect(text).not.toBe(code);
      expect(text).not.toMatch(/\{\w+\}/);
    }
    expect(texts[0]).not.toBe(texts[1]);
  });
});
