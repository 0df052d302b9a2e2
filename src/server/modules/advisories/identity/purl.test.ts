import { describe, expect, it } from 'vitest';
import { matchPurl, purlIdentity } from './purl.js';

describe('purlIdentity', () => {
  // Keys written from the purl specification's normalisation rules: type lowercase; npm
  // namespace and name lowercase; pypi name lowercase with "_" as "-"; "@" of an npm
  // scope percent-encoded; version, qualifiers and subpath not part of the identity.
  const table: Array<[string, string, string | null]> = [
    ['pkg:npm/%40Angular/Core@1.0.0?x=1#sub', 'pkg:npm/%40angular/core', '1.0.0'],
    ['pkg:NPM/lodash', 'pkg:npm/lodash', null],
    ['pkg:pypi/Django_Rest@3.1', 'pkg:pypi/django-rest', '3.1'],
    [
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar',
      'pkg:maven/org.apache.logging.log4j/log4j-core',
      '2.14.1',
    ],
    ['pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie', 'pkg:deb/debian/curl', '7.50.3-1'],
    ['pkg:generic/openssl@1.1.1w', 'pkg:generic/openssl', '1.1.1w'],
  ];
  it.each(table)('%s', (purl, key, version) => {
    expect(purlIdentity(purl)).toMatchObject({ key, version });
  });

  it('refuses what is not a package URL', () => {
    for (const text of [
      '',
      'npm/lodash',
      'pkg:npm',
      'pkg:maven/log4j-core@2',
      'cpe:2.3:a:x:y:*:*:*:*:*:*:*:*',
    ]) {
      expect(purlIdentity(text), text).toBeNull();
    }
  });
});

describe('matchPurl', () => {
  // [component, advisory purl, vers, expected]; expected worked out by hand from the rules.
  const table: Array<[string, string, string | null, string | null]> = [
    ['pkg:npm/lodash@4.17.20', 'pkg:npm/lodash', 'vers:npm/<4.17.21', 'in_range'],
    ['pkg:npm/lodash@4.17.21', 'pkg:npm/lodash', 'vers:npm/<4.17.21', 'out_of_range'],
    ['pkg:npm/lodash@4.17.21-rc.1', 'pkg:npm/lodash', 'vers:npm/<4.17.21', 'in_range'],
    ['pkg:npm/Lodash@4.17.20', 'pkg:npm/lodash@4.17.20', null, 'in_range'],
    ['pkg:npm/lodash@4.17.19', 'pkg:npm/lodash@4.17.20', null, 'out_of_range'],
    ['pkg:npm/lodash', 'pkg:npm/lodash', 'vers:npm/<4.17.21', 'unknown'],
    ['pkg:npm/lodash@4.17', 'pkg:npm/lodash', 'vers:npm/<4.17.21', 'unknown'],
    ['pkg:npm/lodash@4.17.20', 'pkg:npm/lodash', 'vers:npm/<4.17', 'unknown'],
    ['pkg:npm/lodash@4.17.20', 'pkg:npm/lodash', null, 'unknown'],
    ['pkg:pypi/django_rest@3.1', 'pkg:pypi/Django-Rest', 'vers:pypi/>=3.0|<3.2', 'in_range'],
    [
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar',
      'pkg:maven/org.apache.logging.log4j/log4j-core',
      'vers:maven/>=2.0-beta9|<2.15.0',
      'in_range',
    ],
    [
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1',
      'pkg:maven/org.apache.logging.log4j/log4j-core',
      'vers:maven/>=2.0-beta9|<2.15.0',
      'out_of_range',
    ],
    ['pkg:generic/openssl@1.0.2', 'pkg:generic/openssl@1.0.2.0', null, 'in_range'],
    ['pkg:npm/lodash@4.17.20', 'pkg:npm/lodash-es', 'vers:npm/<4.17.21', null],
    ['pkg:npm/lodash@4.17.20', 'pkg:pypi/lodash', 'vers:pypi/<4.17.21', null],
    ['pkg:npm/%40babel/core@7.0.0', 'pkg:npm/core', 'vers:npm/*', null],
    ['not a purl', 'pkg:npm/lodash', null, null],
  ];
  it.each(table)('%s vs %s %s', (component, purl, vers, expected) => {
    const match = matchPurl(component, { purl, vers });
    expect(match === null ? null : match.versionStatus).toBe(expected);
  });
});
