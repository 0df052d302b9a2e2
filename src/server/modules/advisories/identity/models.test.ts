import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelKey, modelMatches } from './models.js';

describe('modelKey', () => {
  it('ignores case, whitespace, hyphens and underscores', () => {
    expect(modelKey(' mmt-503 ')).toBe('MMT503');
    expect(modelKey('MMT 503')).toBe(modelKey('MMT_503'));
    expect(modelKey('ＭＸ４０')).toBe('MX40');
  });
});

describe('modelMatches (CSAF 2.0 model_numbers)', () => {
  // [pattern, model, expected]: the examples of CSAF 2.0 §3.1.3.3.3 and their neighbours.
  const table: Array<[string, string, boolean]> = [
    ['6RA8096-4MV62-0AA0', '6RA8096-4MV62-0AA0', true],
    ['6RA801?-??V62-0AA0', '6RA8013-4MV62-0AA0', true],
    ['6RA801?-??V62-0AA0', '6RA8023-4MV62-0AA0', false],
    ['IC25T060ATCS05-0', 'IC25T060ATCS05-0', true],
    ['IC25T060ATCS05', 'IC25T060ATCS05-0', true],
    ['IC25T060ATCS05-0', 'IC25T060ATCS05', false],
    ['MMT-5*', 'MMT-522K', true],
    ['MMT-5*K', 'MMT-522K', true],
    ['MMT-5*K', 'MMT-522', false],
    ['MMT-5??K', 'MMT-522', false],
    ['MMT-7*', 'MMT-522', false],
    ['mmt503', 'MMT-503', true],
    ['', 'MMT-503', false],
    ['MMT-503', '', false],
  ];
  it.each(table)('%s covers %s: %s', (pattern, model, expected) => {
    expect(modelMatches(pattern, model)).toBe(expected);
  });

  it('agrees with an anchored regular expression (property)', () => {
    const chars = fc.constantFrom('A', 'B', '1', '?', '*');
    fc.assert(
      fc.property(
        fc.array(chars, { minLength: 1, maxLength: 8 }),
        fc.array(fc.constantFrom('A', 'B', '1'), { minLength: 1, maxLength: 10 }),
        (p, m) => {
          const pattern = p.join('');
          const model = m.join('');
          const regex = new RegExp(`^${pattern.replace(/\?/g, '.').replace(/\*/g, '.*')}`);
          expect(modelMatches(pattern, model)).toBe(regex.test(model));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('stays fast on a pattern full of stars', () => {
    const started = Date.now();
    expect(modelMatches(`${'A*'.repeat(40)}B`, 'A'.repeat(2000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
