import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareGeneric,
  compareSemver,
  genericKey,
  parseGeneric,
  parseSemver,
  semverKey,
  versionKey,
} from './versions.js';

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

describe('generic versions', () => {
  it('accepts the shapes seen in advisories and refuses the rest', () => {
    for (const text of ['R1.23.0', '4.2', '10.0.1a', '2.3-rc1', 'B.06.18', 'K', 'N', 'BT02', 'v2.0']) {
      expect(parseGeneric(text), text).not.toBeNull();
    }
    for (const text of ['', 'IGS', 'HD 16', '-1', '.1', '1.0 Build 3', 'ä1', 'a.b', 'x'.repeat(257)]) {
      expect(parseGeneric(text), text).toBeNull();
    }
  });

  it('normalises case, a leading v before a digit, leading zeros and trailing zeros', () => {
    expect(compareGeneric('V2.0', '2')).toBe(0);
    expect(compareGeneric('2.003', '2.3')).toBe(0);
    expect(compareGeneric('1.0.0', '1')).toBe(0);
    expect(compareGeneric('1.0-RC1', '1-rc1')).toBe(0);
    expect(compareGeneric('r1.23.0', 'R1.23')).toBe(0);
    expect(compareGeneric('1-0-0', '1.0.0')).toBe(0);
    // a leading letter other than v before a digit is part of the version
    expect(compareGeneric('R1.23.0', '1.23.0')).not.toBe(0);
    // the v of "vm" is not a prefix
    expect(compareGeneric('VM5.0', 'M5.0')).not.toBe(0);
  });

  // Each row: a < b under the rules written in versions.ts.
  const ascending: Array<[string, string]> = [
    ['1.9', '1.10'],
    ['R1.9', 'R1.23.0'],
    ['2.3-rc1', '2.3'],
    ['2.3-alpha', '2.3-beta'],
    ['2.3-beta', '2.3-rc1'],
    ['2.3-rc1', '2.3-rc2'],
    ['2.3', '2.3a'],
    ['2.3a', '2.3b'],
    ['2.3a', '2.3.1'],
    ['10.0.1', '10.0.1a'],
    ['4.2', '4.2.0.1'],
    ['2.4A', '2.6A'],
    ['B.06.18', 'B.12'],
    ['A.01', 'B.02'],
    ['K', 'N'],
    ['BT02', 'BT06'],
    ['9.33', '9.33.1'],
    ['4107600010.23', '4107600011'],
    ['1', '99999999999999999999999'],
  ];
  it.each(ascending)('%s < %s', (a, b) => {
    expect(compareGeneric(a, b)).toBe(-1);
    expect(compareGeneric(b, a)).toBe(1);
    expect(byteOrder(genericKey(a) as string, genericKey(b) as string)).toBe(-1);
  });

  it('gives null for a text that is not a version', () => {
    expect(compareGeneric('IGS', '1.0')).toBeNull();
    expect(genericKey('all versions')).toBeNull();
  });

  it('writes keys as documented', () => {
    expect(genericKey('2.3-rc1')).toBe('30012300130rc!300111');
    expect(genericKey('R1.23.0')).toBe('2r!300113002231');
    expect(genericKey('1.0.0')).toBe('300111');
  });

  const segment = fc.oneof(
    fc.integer({ min: 0, max: 30 }).map(String),
    fc.constantFrom('0', '00', '007', '12345678901234567890'),
    fc.constantFrom('a', 'b', 'z', 'rc', 'beta', 'alpha', 'dev', 'r', 'bt', 'sp'),
  );
  const separator = fc.constantFrom('.', '-', '_', '+', '~', '');
  const version = fc
    .tuple(
      fc.option(fc.constantFrom('v', 'V', 'R'), { nil: '' }),
      segment,
      fc.array(fc.tuple(separator, segment), { maxLength: 5 }),
    )
    .map(([prefix, first, rest]) => `${prefix}${first}${rest.map(([s, v]) => s + v).join('')}`)
    .filter((text) => parseGeneric(text) !== null);

  it('orders keys byte-wise exactly as compareGeneric orders versions (property)', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        const order = compareGeneric(a, b) as number;
        expect(byteOrder(genericKey(a) as string, genericKey(b) as string)).toBe(order);
      }),
      { numRuns: 3000 },
    );
  });

  it('is a total order: antisymmetric and transitive (property)', () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(compareGeneric(a, b)).toBe(-(compareGeneric(b, a) as number) || 0);
        const sorted = [a, b, c].sort((x, y) => compareGeneric(x, y) as number);
        expect(compareGeneric(sorted[0] as string, sorted[2] as string)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('semantic versions (semver 2.0.0)', () => {
  it('parses strict versions only', () => {
    expect(parseSemver('1.2.3-rc.1+build.5')).toEqual({
      major: '1',
      minor: '2',
      patch: '3',
      prerelease: ['rc', '1'],
      build: ['build', '5'],
    });
    for (const text of ['1.2', '01.2.3', '1.2.3-01', 'v1.2.3', '1.2.3-', '1.2.3+', '1.2.3-a..b']) {
      expect(parseSemver(text), text).toBeNull();
    }
  });

  // The precedence example of semver 2.0.0 §11, in order.
  const chain = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '2.0.0',
    '2.1.0',
    '2.1.1',
  ];
  it('follows the precedence chain of §11 and its keys sort the same', () => {
    for (let i = 0; i + 1 < chain.length; i++) {
      const a = chain[i] as string;
      const b = chain[i + 1] as string;
      expect(compareSemver(a, b), `${a} < ${b}`).toBe(-1);
      expect(byteOrder(semverKey(a) as string, semverKey(b) as string), `${a} < ${b}`).toBe(-1);
    }
  });

  it('ignores build metadata (§10)', () => {
    expect(compareSemver('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(semverKey('1.0.0+a')).toBe(semverKey('1.0.0'));
  });

  const id = fc.oneof(
    fc.nat({ max: 20 }).map(String),
    fc.constantFrom('alpha', 'beta', 'rc', 'Z', 'a-b', '0a'),
  );
  const semver = fc
    .tuple(fc.nat({ max: 12 }), fc.nat({ max: 12 }), fc.nat({ max: 12 }), fc.array(id, { maxLength: 3 }))
    .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre.length > 0 ? `-${pre.join('.')}` : ''}`);

  it('orders keys byte-wise exactly as compareSemver orders versions (property)', () => {
    fc.assert(
      fc.property(semver, semver, (a, b) => {
        expect(byteOrder(semverKey(a) as string, semverKey(b) as string)).toBe(compareSemver(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('chooses the key by scheme', () => {
    expect(versionKey('1.2.3', 'semver')).toBe(semverKey('1.2.3'));
    expect(versionKey('1.2', 'semver')).toBeNull();
    expect(versionKey('1.2', 'generic')).toBe(genericKey('1.2'));
  });
});
