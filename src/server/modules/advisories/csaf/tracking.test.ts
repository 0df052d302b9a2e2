import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advisoryKey, compareTrackingVersions, isNewerRevision } from './tracking.js';

describe('compareTrackingVersions', () => {
  it('compares integer versions as numbers, however long', () => {
    expect(compareTrackingVersions('2', '10')).toBe(-1);
    expect(compareTrackingVersions('10', '9')).toBe(1);
    expect(compareTrackingVersions('7', '7')).toBe(0);
    expect(compareTrackingVersions('123456789012345678901', '123456789012345678902')).toBe(-1);
  });

  it('orders the SemVer 2.0.0 specification example (§11)', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '2.0.0',
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareTrackingVersions(ordered[i] as string, ordered[i + 1] as string)).toBe(-1);
      expect(compareTrackingVersions(ordered[i + 1] as string, ordered[i] as string)).toBe(1);
    }
  });

  it('ignores build metadata', () => {
    expect(compareTrackingVersions('1.0.0+build.1', '1.0.0+build.2')).toBe(0);
  });

  it('cannot compare across schemes or with something that is no CSAF version', () => {
    expect(compareTrackingVersions('1', '1.0.0')).toBeNull();
    expect(compareTrackingVersions('01', '1')).toBeNull();
    expect(compareTrackingVersions('1.0', '1.0')).toBeNull();
  });

  it('is antisymmetric over integers and semantic versions', () => {
    const semver = fc
      .tuple(
        fc.nat(20),
        fc.nat(20),
        fc.nat(20),
        fc.option(fc.constantFrom('alpha', 'alpha.1', 'beta.2', 'rc.1', '1')),
      )
      .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);
    const version = fc.oneof(fc.nat().map(String), semver);
    fc.assert(
      fc.property(version, version, (a, b) => {
        const ab = compareTrackingVersions(a, b);
        const ba = compareTrackingVersions(b, a);
        expect(ab === null ? null : -ab + 0).toBe(ba);
      }),
    );
  });
});

describe('isNewerRevision', () => {
  it('prefers the version, then the current release date', () => {
    const at = (version: string, currentReleaseDate: string) => ({ version, currentReleaseDate });
    expect(isNewerRevision(at('2', '2020-01-01T00:00:00Z'), at('3', '2019-01-01T00:00:00Z'))).toBe(true);
    expect(isNewerRevision(at('3', '2020-01-01T00:00:00Z'), at('2', '2021-01-01T00:00:00Z'))).toBe(false);
    expect(isNewerRevision(at('2', '2020-01-01T00:00:00Z'), at('2', '2020-01-01T00:00:00Z'))).toBe(false);
    expect(isNewerRevision(at('2', '2020-01-01T00:00:00Z'), at('2', '2020-02-01T00:00:00Z'))).toBe(true);
    expect(isNewerRevision(at('1', '2020-01-01T00:00:00Z'), at('1.0.0', '2020-02-01T00:00:00Z'))).toBe(true);
  });
});

describe('advisoryKey', () => {
  it('is the publisher namespace and the tracking id', () => {
    const key = (namespace: string, trackingId: string) =>
      advisoryKey({ publisher: { namespace }, trackingId });
    expect(key('https://www.cisa.gov/', 'ICSMA-18-037-02')).toBe(
      key('https://www.cisa.gov/', 'ICSMA-18-037-02'),
    );
    expect(key('https://a.example', 'b|c')).not.toBe(key('https://a.example|b', 'c'));
  });
});
