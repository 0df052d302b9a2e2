import { describe, expect, it } from 'vitest';
import { checkReferences, productReferences } from './references.js';
import { CsafRefused } from './refusal.js';

const doc = {
  product_tree: {
    product_groups: [{ group_id: 'g', product_ids: ['a', 'b'] }],
    relationships: [{ product_reference: 'a', relates_to_product_reference: 'c' }],
  },
  vulnerabilities: [
    {
      product_status: { fixed: ['a'], known_affected: ['b', 'c'] },
      scores: [{ products: ['c'] }],
      remediations: [{ product_ids: ['a'], group_ids: ['g'] }],
      threats: [{ group_ids: ['h'] }],
      flags: [{ product_ids: ['d'] }],
    },
  ],
};

describe('productReferences', () => {
  it('lists every product and group reference with its JSON pointer', () => {
    const { products, groups } = productReferences(doc);
    expect(products.map((r) => `${r.at}=${r.id}`)).toEqual([
      '/product_tree/product_groups/0/product_ids/0=a',
      '/product_tree/product_groups/0/product_ids/1=b',
      '/product_tree/relationships/0/product_reference=a',
      '/product_tree/relationships/0/relates_to_product_reference=c',
      '/vulnerabilities/0/product_status/fixed/0=a',
      '/vulnerabilities/0/product_status/known_affected/0=b',
      '/vulnerabilities/0/product_status/known_affected/1=c',
      '/vulnerabilities/0/scores/0/products/0=c',
      '/vulnerabilities/0/remediations/0/product_ids/0=a',
      '/vulnerabilities/0/flags/0/product_ids/0=d',
    ]);
    expect(groups.map((r) => `${r.at}=${r.id}`)).toEqual([
      '/vulnerabilities/0/remediations/0/group_ids/0=g',
      '/vulnerabilities/0/threats/0/group_ids/0=h',
    ]);
  });
});

describe('checkReferences', () => {
  it('passes when everything is defined', () => {
    expect(() => checkReferences(doc, new Set(['a', 'b', 'c', 'd']), new Set(['g', 'h']))).not.toThrow();
  });

  it('refuses unknown products first, listing each reference', () => {
    try {
      checkReferences(doc, new Set(['a', 'b']), new Set());
      expect.unreachable();
    } catch (error) {
      const r = error as CsafRefused;
      expect(r).toBeInstanceOf(CsafRefused);
      expect(r.code).toBe('advisories.csaf_product_unknown');
      expect(r.params).toEqual({
        id: 'c',
        path: '/product_tree/relationships/0/relates_to_product_reference',
        count: 4,
      });
      expect(r.issues.map((i) => i.instancePath)).toEqual([
        '/product_tree/relationships/0/relates_to_product_reference',
        '/vulnerabilities/0/product_status/known_affected/1',
        '/vulnerabilities/0/scores/0/products/0',
        '/vulnerabilities/0/flags/0/product_ids/0',
      ]);
    }
  });

  it('then unknown groups', () => {
    expect(() => checkReferences(doc, new Set(['a', 'b', 'c', 'd']), new Set(['g']))).toThrow(
      expect.objectContaining({
        code: 'advisories.csaf_group_unknown',
        params: expect.objectContaining({ id: 'h' }),
      }),
    );
  });
});
