import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_VERSIONS,
  contains,
  exactVersions,
  intervalRange,
  rangeKeys,
  unionRanges,
  type VersionRange,
} from './ranges.js';
import { compareGeneric, genericKey } from './versions.js';

const incl = (version: string) => ({ version, inclusive: true });
const excl = (version: string) => ({ version, inclusive: false });

describe('contains', () => {
  // [range, version, scheme, expected]: each row decided by hand from the interval bounds.
  const table: Array<[string, VersionRange, string, 'generic' | 'semver', 'in' | 'out' | 'unknown']> = [
    ['all', ALL_VERSIONS, 'anything at all', 'generic', 'in'],
    ['exact hit', exactVersions('1.1', '1.2'), '1.2', 'generic', 'in'],
    ['exact by scheme equality', exactVersions('4.2'), '4.2.0', 'generic', 'in'],
    ['exact miss', exactVersions('1.1', '1.2'), '1.3', 'generic', 'out'],
    ['exact same text, unparsable', exactVersions('HD 16'), 'HD 16', 'generic', 'in'],
    ['< upper, below', intervalRange(null, excl('4.2')), '4.1.9', 'generic', 'in'],
    ['< upper, equal', intervalRange(null, excl('4.2')), '4.2', 'generic', 'out'],
    ['< upper, equal after normalising', intervalRange(null, excl('4.2')), '4.2.0', 'generic', 'out'],
    ['<= upper, equal', intervalRange(null, incl('R1.23.0')), 'r1.23', 'generic', 'in'],
    ['<= upper, above', intervalRange(null, incl('R1.23.0')), 'R1.23.1', 'generic', 'out'],
    ['>= lower, equal', intervalRange(incl('1.0.0'), incl('1.1.1')), '1.0.0', 'generic', 'in'],
    ['> lower, equal', intervalRange(excl('1.0.0'), incl('1.1.1')), '1.0.0', 'generic', 'out'],
    ['closed, inside', intervalRange(incl('1.0.0'), incl('1.1.1')), '1.0.5', 'generic', 'in'],
    ['closed, below', intervalRange(incl('1.0.0'), incl('1.1.1')), '0.9', 'generic', 'out'],
    ['closed, above', intervalRange(incl('1.0.0'), incl('1.1.1')), '1.1.2', 'generic', 'out'],
    ['unparsable tested version', intervalRange(null, excl('4.2')), 'IGS', 'generic', 'unknown'],
    ['semver prerelease below release', intervalRange(null, excl('2.0.0')), '2.0.0-rc.1', 'semver', 'in'],
    ['semver refuses a two-part version', intervalRange(null, excl('2.0.0')), '1.9', 'semver', 'unknown'],
  ];
  it.each(table)('%s', (_name, range, version, scheme, expected) => {
    expect(contains(range, version, scheme)).toBe(expected);
  });

  it('excluded versions are out even inside an interval', () => {
    const range: VersionRange = {
      all: false,
      exact: [],
      excluded: ['1.5'],
      intervals: [{ lower: incl('1.0'), upper: excl('2.0') }],
    };
    expect(contains(range, '1.5', 'generic')).toBe('out');
    expect(contains(range, '1.6', 'generic')).toBe('in');
  });

  it('a hit in another interval wins over an interval that cannot be compared', () => {
    const range = unionRanges([intervalRange(null, incl('S4 A.07')), intervalRange(incl('2.0'), null)]);
    expect(contains(range, '2.5', 'generic')).toBe('in');
    expect(contains(range, '1.0', 'generic')).toBe('unknown');
  });

  it('union with all is all', () => {
    expect(unionRanges([exactVersions('1'), ALL_VERSIONS])).toEqual(ALL_VERSIONS);
  });
});

describe('rangeKeys', () => {
  it('gives sortable keys of exact versions and intervals', () => {
    const range = unionRanges([exactVersions('1.1'), intervalRange(incl('2.0'), excl('3.0'))]);
    expect(rangeKeys(range, 'generic')).toEqual([
      {
        lowerKey: genericKey('1.1'),
        lowerInclusive: true,
        upperKey: genericKey('1.1'),
        upperInclusive: true,
      },
      { lowerKey: genericKey('2'), lowerInclusive: true, upperKey: genericKey('3'), upperInclusive: false },
    ]);
    expect(rangeKeys(intervalRange(null, incl('S4 A.07')), 'generic')).toBeNull();
  });

  it('key comparisons decide containment as contains does (property)', () => {
    const version = fc
      .tuple(fc.nat({ max: 5 }), fc.nat({ max: 5 }), fc.option(fc.constantFrom('a', '-rc1'), { nil: '' }))
      .map(([a, b, s]) => `${a}.${b}${s}`);
    const bound = fc.option(fc.record({ version, inclusive: fc.boolean() }), { nil: null });
    fc.assert(
      fc.property(bound, bound, version, (lower, upper, tested) => {
        const range = intervalRange(lower, upper);
        const [row] = rangeKeys(range, 'generic') ?? [];
        if (row === undefined) throw new Error('no keys');
        const key = genericKey(tested) as string;
        const aboveLower =
          row.lowerKey === null || key > row.lowerKey || (row.lowerInclusive && key === row.lowerKey);
        const belowUpper =
          row.upperKey === null || key < row.upperKey || (row.upperInclusive && key === row.upperKey);
        expect(aboveLower && belowUpper ? 'in' : 'out').toBe(contains(range, tested, 'generic'));
        expect(compareGeneric(tested, tested)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });
});
