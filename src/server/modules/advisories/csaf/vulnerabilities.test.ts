import { describe, expect, it } from 'vitest';
import { vulnerabilityOf } from './vulnerabilities.js';

describe('vulnerabilityOf', () => {
  it('gives every product status category, each id once', () => {
    const v = vulnerabilityOf({ product_status: { fixed: ['a', 'a', 'b'], recommended: ['c'] } }, new Map());
    expect(v.productStatus).toEqual({
      first_affected: [],
      first_fixed: [],
      fixed: ['a', 'b'],
      known_affected: [],
      known_not_affected: [],
      last_affected: [],
      recommended: ['c'],
      under_investigation: [],
    });
  });

  it('reads CVSS 2 and 3 of one score', () => {
    const v = vulnerabilityOf(
      {
        scores: [
          {
            products: ['a'],
            cvss_v2: { version: '2.0', vectorString: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', baseScore: 7.5 },
            cvss_v3: {
              version: '3.1',
              vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
              baseScore: 9.8,
              baseSeverity: 'CRITICAL',
            },
          },
        ],
      },
      new Map(),
    );
    expect(v.scores).toEqual([
      {
        productIds: ['a'],
        cvssV2: { version: '2.0', vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', baseScore: 7.5 },
        cvssV3: {
          version: '3.1',
          vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
          baseScore: 9.8,
          baseSeverity: 'CRITICAL',
        },
      },
    ]);
  });

  it('resolves group ids through the given members, after the own product ids', () => {
    const members = new Map([['g', ['b', 'c']]]);
    const v = vulnerabilityOf(
      {
        remediations: [
          {
            category: 'vendor_fix',
            details: 'Update.',
            product_ids: ['c', 'a'],
            group_ids: ['g'],
            restart_required: { category: 'machine' },
            entitlements: ['contract'],
            date: '2024-01-01T00:00:00Z',
          },
        ],
      },
      members,
    );
    expect(v.remediations).toEqual([
      {
        category: 'vendor_fix',
        details: 'Update.',
        url: null,
        date: '2024-01-01T00:00:00Z',
        entitlements: ['contract'],
        restartRequired: 'machine',
        productIds: ['c', 'a', 'b'],
        groupIds: ['g'],
      },
    ]);
  });

  it('reads absent members as null or empty', () => {
    expect(vulnerabilityOf({}, new Map())).toEqual({
      cve: null,
      ids: [],
      cwe: null,
      title: null,
      discoveryDate: null,
      releaseDate: null,
      notes: [],
      references: [],
      scores: [],
      productStatus: {
        first_affected: [],
        first_fixed: [],
        fixed: [],
        known_affected: [],
        known_not_affected: [],
        last_affected: [],
        recommended: [],
        under_investigation: [],
      },
      remediations: [],
      threats: [],
      flags: [],
    });
  });
});
