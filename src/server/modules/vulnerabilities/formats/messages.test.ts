import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translate } from '../../../lib/messages.js';
import './messages.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('scan format messages', () => {
  // Every `scans.*` code written in the readers' sources (not the tests) is looked up.
  const codes = new Set(
    readdirSync(here)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'messages.ts')
      .flatMap((f) =>
        [...readFileSync(path.join(here, f), 'utf8').matchAll(/'(scans\.[a-z0-9_]+)'/g)].map(
          (m) => m[1] as string,
        ),
      ),
  );

  it('finds the codes', () => {
    expect(codes.size).toBeGreaterThan(25);
    expect(codes).toContain('scans.doctype');
  });

  it.each([...codes])('%s is translated in Danish and English, with the line filled in', (code) => {
    for (const locale of ['da', 'en'] as const) {
      const text = translate(code, locale, {
        line: 7,
        detail: 'd',
        limit: 1,
        version: 'v',
        encoding: 'e',
        root: 'r',
        column: 'c',
        columns: 'c',
        cells: 2,
        value: 'x',
      });
      expect(text).not.toBe(code);
      expect(text).not.toMatch(/\{\w+\}/);
    }
  });
});
