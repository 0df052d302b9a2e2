import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CpeCriterion,
  type CpeValue,
  compareAttribute,
  compareCpes,
  formatCpe,
  matchCpe,
  parseCpe,
} from './cpe.js';

function cpe(text: string) {
  const parsed = parseCpe(text);
  if (parsed === null) throw new Error(`not a CPE: ${text}`);
  return parsed;
}

const v = (text: string, leading = 0, trailing = 0): CpeValue => ({ kind: 'value', text, leading, trailing });
const ANY: CpeValue = { kind: 'any' };
const NA: CpeValue = { kind: 'na' };

describe('parseCpe (NISTIR 7695 formatted string binding)', () => {
  it('reads the examples of §6.2', () => {
    const ie = cpe('cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*');
    expect(ie.vendor).toEqual(v('microsoft'));
    expect(ie.version).toEqual(v('8.0.6001'));
    expect(ie.update).toEqual(v('beta'));
    expect(ie.edition).toEqual(ANY);

    const hp = cpe('cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*');
    expect(hp.update).toEqual(NA);
    expect([hp.sw_edition, hp.target_sw, hp.target_hw]).toEqual([v('online'), v('win2003'), v('x64')]);

    // quoted characters stand for themselves: "\\" is a backslash, "\$" a dollar, "\:" a colon
    const quoted = cpe('cpe:2.3:a:foo\\\\bar:big\\$money_2010:1\\:2:*:*:*:special:ipod_touch:80gb:*');
    expect(quoted.vendor).toEqual(v('foo\\bar'));
    expect(quoted.product).toEqual(v('big$money_2010'));
    expect(quoted.version).toEqual(v('1:2'));
  });

  it('reads unquoted wildcards at the ends and quoted ones as text', () => {
    const wild = cpe('cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*');
    expect(wild.version).toEqual(v('8.', 0, -1));
    expect(wild.update).toEqual(v('sp', 0, 1));
    expect(cpe('cpe:2.3:a:x:y:??1.0*:*:*:*:*:*:*:*').version).toEqual(v('1.0', 2, -1));
    expect(cpe('cpe:2.3:a:x:y:1\\*:\\?:*:*:*:*:*:*').version).toEqual(v('1*'));
    expect(cpe('cpe:2.3:a:x:y:???:*:*:*:*:*:*:*').version).toEqual(v('', 3, 0));
  });

  it('lowercases values and the prefix', () => {
    expect(cpe('CPE:2.3:A:Microsoft:IE:8:*:*:*:*:*:*:*').vendor).toEqual(v('microsoft'));
  });

  it('refuses malformed names', () => {
    for (const text of [
      'cpe:2.3:a:foo:bar',
      'cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:*:*',
      'cpe:/a:foo:bar:1',
      'cpe:2.2:a:foo:bar:1:*:*:*:*:*:*:*',
      'cpe:2.3:x:foo:bar:1:*:*:*:*:*:*:*',
      'cpe:2.3:-:foo:bar:1:*:*:*:*:*:*:*',
      'cpe:2.3:a:foo:bar:1*2:*:*:*:*:*:*:*',
      'cpe:2.3:a:foo:bar:1?2:*:*:*:*:*:*:*',
      'cpe:2.3:a:foo:bar:**:*:*:*:*:*:*:*',
      'cpe:2.3:a:foo:bar:*?:*:*:*:*:*:*:*',
      'cpe:2.3:a:foo:bar::*:*:*:*:*:*:*',
      'cpe:2.3:a:foo:b r:1:*:*:*:*:*:*:*',
      'cpe:2.3:a:foo:bär:1:*:*:*:*:*:*:*',
      'cpe:2.3:a:foo:bar:1\\',
    ]) {
      expect(parseCpe(text), text).toBeNull();
    }
  });

  it('formats back to the same name (property)', () => {
    const chars = fc.constantFrom('a', 'z', '0', '9', '.', '_', '-', '$', '\\', ':', '!', '*', '?');
    const value = fc.oneof(
      fc.constant<CpeValue>(ANY),
      fc.constant<CpeValue>(NA),
      fc
        .tuple(
          fc.constantFrom(0, 0, 1, 2, -1),
          fc.array(chars, { minLength: 1, maxLength: 6 }),
          fc.constantFrom(0, 0, 1, -1),
        )
        .map(
          ([leading, text, trailing]): CpeValue => ({
            kind: 'value',
            text: text.join(''),
            leading,
            trailing,
          }),
        ),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 10, maxLength: 10 }), (rest) => {
        const [vendor, product, version, update, edition, language, swEdition, targetSw, targetHw, other] =
          rest as CpeValue[];
        const name = {
          part: v('a'),
          vendor,
          product,
          version,
          update,
          edition,
          language,
          sw_edition: swEdition,
          target_sw: targetSw,
          target_hw: targetHw,
          other,
        } as Parameters<typeof formatCpe>[0];
        const text = formatCpe(name);
        expect(parseCpe(text)).toEqual(name);
        expect(formatCpe(cpe(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('compareAttribute (NISTIR 7696 Table 6-2)', () => {
  // [row, source, target, relation]: the rows of Table 6-2.
  const table: Array<[number, CpeValue, CpeValue, string]> = [
    [1, ANY, ANY, 'EQUAL'],
    [2, ANY, NA, 'SUPERSET'],
    [3, ANY, v('i'), 'SUPERSET'],
    [4, ANY, v('m', 0, -1), 'UNDEFINED'],
    [5, NA, ANY, 'SUBSET'],
    [6, NA, NA, 'EQUAL'],
    [7, NA, v('i'), 'DISJOINT'],
    [8, NA, v('m', 0, -1), 'UNDEFINED'],
    [9, v('i'), ANY, 'SUBSET'],
    [10, v('i'), NA, 'DISJOINT'],
    [11, v('i'), v('i'), 'EQUAL'],
    [12, v('i'), v('k'), 'DISJOINT'],
    [13, v('m'), v('m', 0, -1), 'UNDEFINED'],
    [14, v('m', 0, -1), ANY, 'SUBSET'],
    [15, v('m', 0, -1), NA, 'DISJOINT'],
    [16, v('m', 0, -1), v('mi'), 'SUPERSET'],
    [17, v('m', 0, -1), v('im'), 'DISJOINT'],
    [18, v('m', 0, -1), v('n', 1, 0), 'UNDEFINED'],
  ];
  it.each(table)('row %i', (_row, source, target, relation) => {
    expect(compareAttribute(source, target)).toBe(relation);
  });

  // Wildcards as 7696's compareStrings reads them: "*" any run; n "?" at most n characters.
  const patterns: Array<[string, CpeValue, string, string]> = [
    ['*ab ⊇ xxxab', v('ab', -1, 0), 'xxxab', 'SUPERSET'],
    ['*ab ⊉ abx', v('ab', -1, 0), 'abx', 'DISJOINT'],
    ['ab* ⊇ abxyz', v('ab', 0, -1), 'abxyz', 'SUPERSET'],
    ['*b* ⊇ abc', v('b', -1, -1), 'abc', 'SUPERSET'],
    ['?ab ⊇ xab', v('ab', 1, 0), 'xab', 'SUPERSET'],
    ['?ab ⊇ ab', v('ab', 1, 0), 'ab', 'SUPERSET'],
    ['?ab ⊉ xxab', v('ab', 1, 0), 'xxab', 'DISJOINT'],
    ['ab?? ⊇ abc', v('ab', 0, 2), 'abc', 'SUPERSET'],
    ['ab?? ⊉ abcde', v('ab', 0, 2), 'abcde', 'DISJOINT'],
    ['?a? ⊇ bab (second occurrence)', v('a', 1, 1), 'bab', 'SUPERSET'],
    ['??? ⊇ ab', v('', 3, 0), 'ab', 'SUPERSET'],
    ['??? ⊉ abcd', v('', 3, 0), 'abcd', 'DISJOINT'],
  ];
  it.each(patterns)('%s', (_name, source, target, relation) => {
    expect(compareAttribute(source, v(target))).toBe(relation);
  });
});

describe('compareCpes (NISTIR 7696 §6.2)', () => {
  const table: Array<[string, string, string | null]> = [
    ['cpe:2.3:a:microsoft:ie:8.0:*:*:*:*:*:*:*', 'cpe:2.3:a:microsoft:ie:8.0:*:*:*:*:*:*:*', 'EQUAL'],
    [
      'cpe:2.3:a:microsoft:ie:8.*:*:*:*:*:*:*:*',
      'cpe:2.3:a:microsoft:ie:8.0.6001:beta:*:*:*:*:*:*',
      'SUPERSET',
    ],
    ['cpe:2.3:a:microsoft:ie:8.0.6001:beta:*:*:*:*:*:*', 'cpe:2.3:a:microsoft:ie:*:*:*:*:*:*:*:*', 'SUBSET'],
    ['cpe:2.3:a:microsoft:ie:8.0:*:*:*:*:*:*:*', 'cpe:2.3:a:mozilla:firefox:8.0:*:*:*:*:*:*:*', 'DISJOINT'],
    ['cpe:2.3:a:microsoft:ie:*:sp1:*:*:*:*:*:*', 'cpe:2.3:a:microsoft:ie:8.0:*:*:*:*:*:*:*', null],
    ['cpe:2.3:a:microsoft:ie:8.0:*:*:*:*:*:*:*', 'cpe:2.3:a:microsoft:ie:8.*:*:*:*:*:*:*:*', null],
    // DISJOINT in one attribute decides even when another is UNDEFINED
    ['cpe:2.3:a:microsoft:ie:8.0:-:*:*:*:*:*:*', 'cpe:2.3:a:microsoft:ie:8.*:sp1:*:*:*:*:*:*', 'DISJOINT'],
  ];
  it.each(table)('%s vs %s', (source, target, relation) => {
    expect(compareCpes(cpe(source), cpe(target)).relation).toBe(relation);
  });
});

describe('matchCpe (advisory criterion with NVD version bounds)', () => {
  const openssl = 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*';
  const bounded: CpeCriterion = {
    criteria: openssl,
    versionStartIncluding: '1.0.2',
    versionEndExcluding: '1.0.2u',
  };
  // [name, component, criterion, expected]: expected worked out by hand from the rules in cpe.ts.
  const table: Array<[string, string, CpeCriterion, { identity: string; versionStatus: string } | null]> = [
    [
      'inside the bounds',
      'cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*',
      bounded,
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'on the start bound',
      'cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*',
      bounded,
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'on the excluded end',
      'cpe:2.3:a:openssl:openssl:1.0.2u:*:*:*:*:*:*:*',
      bounded,
      { identity: 'exact', versionStatus: 'out_of_range' },
    ],
    [
      'above',
      'cpe:2.3:a:openssl:openssl:1.1.1:*:*:*:*:*:*:*',
      bounded,
      { identity: 'exact', versionStatus: 'out_of_range' },
    ],
    [
      'below',
      'cpe:2.3:a:openssl:openssl:1.0.1t:*:*:*:*:*:*:*',
      bounded,
      { identity: 'exact', versionStatus: 'out_of_range' },
    ],
    [
      'component version ANY',
      'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*',
      bounded,
      { identity: 'exact', versionStatus: 'unknown' },
    ],
    [
      'component version not comparable',
      'cpe:2.3:a:openssl:openssl:build\\!7:*:*:*:*:*:*:*',
      bounded,
      { identity: 'exact', versionStatus: 'unknown' },
    ],
    [
      'no bounds, version ANY: all versions',
      'cpe:2.3:a:openssl:openssl:0.9:*:*:*:*:*:*:*',
      { criteria: openssl },
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'end including, equal',
      'cpe:2.3:a:openssl:openssl:3.0.7:*:*:*:*:*:*:*',
      { criteria: openssl, versionEndIncluding: '3.0.7' },
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'start excluding, equal',
      'cpe:2.3:a:openssl:openssl:3.0.7:*:*:*:*:*:*:*',
      { criteria: openssl, versionStartExcluding: '3.0.7' },
      { identity: 'exact', versionStatus: 'out_of_range' },
    ],
    [
      'exact version, other case',
      'cpe:2.3:a:openssl:openssl:1.0.2K:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'exact version, generic equality',
      'cpe:2.3:a:openssl:openssl:1.0.2k.0:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'exact version, other version',
      'cpe:2.3:a:openssl:openssl:1.0.2l:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'out_of_range' },
    ],
    [
      'wildcard version covers',
      'cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:a:openssl:openssl:1.0.*:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'wildcard version misses',
      'cpe:2.3:a:openssl:openssl:1.1:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:a:openssl:openssl:1.0.*:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'out_of_range' },
    ],
    [
      'NA version on both sides',
      'cpe:2.3:h:philips:intellivue_mx40:-:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:h:philips:intellivue_mx40:-:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'NA advisory version, component has one',
      'cpe:2.3:h:philips:intellivue_mx40:1.0:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:h:philips:intellivue_mx40:-:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'out_of_range' },
    ],
    [
      'advisory leaves target_hw ANY',
      'cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*',
      { criteria: 'cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    [
      'component leaves target_hw ANY',
      'cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*' },
      { identity: 'partial', versionStatus: 'in_range' },
    ],
    [
      'other target_hw',
      'cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x86:*',
      { criteria: 'cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*' },
      null,
    ],
    ['other vendor', 'cpe:2.3:a:libressl:openssl:1.0.2k:*:*:*:*:*:*:*', bounded, null],
    ['other part', 'cpe:2.3:o:openssl:openssl:1.0.2k:*:*:*:*:*:*:*', bounded, null],
    ['component vendor ANY', 'cpe:2.3:a:*:openssl:1.0.2k:*:*:*:*:*:*:*', bounded, null],
    ['component with wildcards', 'cpe:2.3:a:openssl:openssl:1.0.*:*:*:*:*:*:*:*', bounded, null],
    [
      'advisory vendor wildcard',
      'cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*',
      { criteria: 'cpe:2.3:a:open*:openssl:*:*:*:*:*:*:*:*' },
      { identity: 'exact', versionStatus: 'in_range' },
    ],
    ['malformed component', 'cpe:2.3:a:openssl', bounded, null],
  ];
  it.each(table)('%s', (_name, component, criterion, expected) => {
    expect(matchCpe(component, criterion)).toEqual(expected);
  });
});
