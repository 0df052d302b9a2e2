import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contains } from './ranges.js';
import { parseVers, schemeFor, type VersConstraint } from './vers.js';
import { compareGeneric } from './versions.js';

function range(text: string) {
  const parsed = parseVers(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error}`);
  return parsed;
}

describe('parseVers: the examples of VERSION-RANGE-SPEC.rst', () => {
  it('vers:npm/1.2.3|>=2.0.0|<5.0.0', () => {
    const parsed = range('vers:npm/1.2.3|>=2.0.0|<5.0.0');
    expect(parsed.scheme).toBe('semver');
    expect(parsed.range).toEqual({
      all: false,
      exact: ['1.2.3'],
      excluded: [],
      intervals: [
        { lower: { version: '2.0.0', inclusive: true }, upper: { version: '5.0.0', inclusive: false } },
      ],
    });
    const expected: Array<[string, string]> = [
      ['1.2.3', 'in'],
      ['1.2.4', 'out'],
      ['1.9.9', 'out'],
      ['2.0.0', 'in'],
      ['4.99.0', 'in'],
      ['5.0.0-rc.1', 'in'],
      ['5.0.0', 'out'],
    ];
    for (const [version, status] of expected)
      expect(contains(parsed.range, version, 'semver'), version).toBe(status);
  });

  it('an enumerated pypi list', () => {
    const parsed = range('vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1');
    expect(parsed.scheme).toBe('generic');
    if (parsed.range.all) throw new Error('not all');
    expect(parsed.range.exact).toEqual(['0.0.0', '0.0.1', '0.0.2', '0.0.3', '1.0', '2.0pre1']);
    expect(contains(parsed.range, '2.0pre1', 'generic')).toBe('in');
    expect(contains(parsed.range, '2.0', 'generic')).toBe('out');
  });

  it('the TomEE maven branches', () => {
    const parsed = range(
      'vers:maven/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7|>=7.1.0|<=7.1.2|>=8.0.0-M1|<=8.0.1',
    );
    if (parsed.range.all) throw new Error('not all');
    expect(parsed.range.intervals).toHaveLength(4);
    const expected: Array<[string, string]> = [
      ['1.7.5', 'in'],
      ['1.7.6', 'out'],
      ['7.0.5', 'in'],
      ['7.0.8', 'out'],
      ['7.1.1', 'in'],
      ['8.0.1', 'in'],
      ['8.0.2', 'out'],
    ];
    for (const [version, status] of expected)
      expect(contains(parsed.range, version, 'generic'), version).toBe(status);
  });

  it('the gem example, with spaces and an exclusion', () => {
    const parsed = range('vers:gem/>=2.2.0|!= 2.2.1|<2.3.0');
    expect(parsed.constraints).toEqual([
      { comparator: '>=', version: '2.2.0' },
      { comparator: '!=', version: '2.2.1' },
      { comparator: '<', version: '2.3.0' },
    ]);
    expect(contains(parsed.range, '2.2.1', 'generic')).toBe('out');
    expect(contains(parsed.range, '2.2.2', 'generic')).toBe('in');
  });

  it('all and none', () => {
    expect(range('vers:all/*').range).toEqual({ all: true });
    expect(range('vers:none/*').range).toEqual({ all: false, exact: [], excluded: [], intervals: [] });
    expect(range('vers:deb/*').range).toEqual({ all: true });
  });

  it('sorts constraints and ignores extra pipes', () => {
    const parsed = range('vers:generic/|<=1.1.1||>=1.0.0|');
    expect(parsed.constraints).toEqual([
      { comparator: '>=', version: '1.0.0' },
      { comparator: '<=', version: '1.1.1' },
    ]);
  });

  it('unquotes percent-encoded versions', () => {
    expect(range('vers:generic/1%2E0').constraints).toEqual([{ comparator: '=', version: '1.0' }]);
  });
});

describe('parseVers: refusals', () => {
  const table: Array<[string, string]> = [
    ['pkg:npm/foo', 'not_vers'],
    ['VERS:npm/1.0.0', 'not_vers'],
    ['vers:NPM/1.0.0', 'scheme_invalid'],
    ['vers:npm', 'scheme_invalid'],
    ['vers:npm/', 'empty'],
    ['vers:npm/|', 'empty'],
    ['vers:npm/*|1.0.0', 'star_not_alone'],
    ['vers:npm/>=', 'version_empty'],
    ['vers:generic/1%ZZ', 'version_quoting'],
    ['vers:npm/1.2', 'version_invalid'],
    ['vers:npm/1.0.0|1.0.0', 'version_duplicate'],
    ['vers:npm/>=1.0.0|<=1.0.0', 'version_duplicate'],
    ['vers:generic/1.0|1.0.0', 'version_duplicate'],
    ['vers:npm/<1.0.0|<2.0.0', 'constraints_invalid'],
    ['vers:npm/>1.0.0|>=2.0.0', 'constraints_invalid'],
    ['vers:npm/=1.0.0|<2.0.0', 'constraints_invalid'],
    ['vers:generic/<=U61|<=L81', 'constraints_invalid'],
  ];
  it.each(table)('%s → %s', (text, error) => {
    const parsed = parseVers(text);
    expect(parsed.ok ? 'ok' : parsed.error).toBe(error);
  });

  it('maps schemes', () => {
    expect(['npm', 'semver', 'cargo', 'maven', 'pypi', 'generic'].map(schemeFor)).toEqual([
      'semver',
      'semver',
      'semver',
      'generic',
      'generic',
      'generic',
    ]);
  });
});

/**
 * The containment check of VERSION-RANGE-SPEC.rst, written out step by step as the
 * specification words it, as an independent reference. One addition: the specification
 * iterates over pairs only, which would leave a lone bound (">=1.0") containing nothing;
 * a lone bound is checked on its own here.
 */
function specContains(sorted: VersConstraint[], tested: string): boolean {
  const cmp = (a: string, b: string) => compareGeneric(a, b) as number;
  for (const c of sorted) {
    if (['=', '<=', '>='].includes(c.comparator) && cmp(tested, c.version) === 0) return true;
  }
  for (const c of sorted) if (c.comparator === '!=' && cmp(tested, c.version) === 0) return false;
  const second = sorted.filter((c) => c.comparator !== '=' && c.comparator !== '!=');
  if (second.length === 1) {
    const only = second[0] as VersConstraint;
    return only.comparator.startsWith('<') ? cmp(tested, only.version) < 0 : cmp(tested, only.version) > 0;
  }
  for (let i = 0; i + 1 < second.length; i++) {
    const current = second[i] as VersConstraint;
    const next = second[i + 1] as VersConstraint;
    if (i === 0 && current.comparator.startsWith('<') && cmp(tested, current.version) < 0) return true;
    if (i + 2 === second.length && next.comparator.startsWith('>') && cmp(tested, next.version) > 0)
      return true;
    if (
      current.comparator.startsWith('>') &&
      next.comparator.startsWith('<') &&
      cmp(tested, current.version) > 0 &&
      cmp(tested, next.version) < 0
    ) {
      return true;
    }
  }
  return false;
}

describe('parseVers: ranges agree with the specification algorithm (property)', () => {
  // Valid vers strings: distinct sorted versions, comparators alternating lesser/greater,
  // with "!=" sprinkled in (and "=" where the rules allow it: after a lesser bound).
  const versions = fc
    .uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 })
    .map((xs) => [...xs].sort((a, b) => a - b).map((x) => `${Math.floor(x / 10)}.${x % 10}`));
  const spec = fc
    .tuple(versions, fc.boolean(), fc.array(fc.nat({ max: 9 }), { maxLength: 8 }))
    .map(([vs, startLesser, noise]) => {
      let lesser = startLesser;
      const parts: string[] = [];
      vs.forEach((v, i) => {
        const n = noise[i] ?? 0;
        if (n === 0) parts.push(`!=${v}`);
        else if (n === 1 && !lesser) parts.push(v);
        else {
          parts.push(`${lesser ? '<' : '>'}${n % 2 === 0 ? '=' : ''}${v}`);
          lesser = !lesser;
        }
      });
      return `vers:generic/${parts.reverse().join('|')}`;
    });
  const tested = fc.integer({ min: 0, max: 45 }).map((x) => `${Math.floor(x / 10)}.${x % 10}`);

  it('contains(parseVers(v).range) = the spec check', () => {
    fc.assert(
      fc.property(spec, tested, (text, version) => {
        const parsed = parseVers(text);
        if (!parsed.ok) throw new Error(`${text}: ${parsed.error} ${parsed.detail}`);
        if (parsed.constraints === '*') throw new Error('star');
        const expected = specContains(parsed.constraints, version) ? 'in' : 'out';
        expect(contains(parsed.range, version, 'generic')).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
