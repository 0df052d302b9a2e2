import { describe, expect, it } from 'vitest';
import { identificationOf, readProductTree } from './products.js';
import { CsafRefused } from './refusal.js';

const leaf = (category: string, name: string, id: string, helper?: object) => ({
  category,
  name,
  product: {
    name: `P ${name}`,
    product_id: id,
    ...(helper ? { product_identification_helper: helper } : {}),
  },
});

describe('readProductTree', () => {
  it('gives every leaf its path from the root, innermost name per category, in document order', () => {
    const tree = {
      branches: [
        {
          category: 'vendor',
          name: 'Philips',
          branches: [
            {
              category: 'product_family',
              name: 'IntelliVue',
              branches: [
                {
                  category: 'product_family',
                  name: 'MX',
                  branches: [
                    {
                      category: 'product_name',
                      name: 'MX800',
                      branches: [
                        leaf('product_version_range', 'vers:generic/<B.06', 'P1'),
                        leaf('product_version', 'B.06', 'P2'),
                      ],
                    },
                  ],
                },
              ],
            },
            { category: 'product_name', name: 'Xper', branches: [leaf('architecture', 'x86', 'P3')] },
          ],
        },
      ],
    };
    const { products } = readProductTree(tree);
    expect(products.map((p) => p.id)).toEqual(['P1', 'P2', 'P3']);
    expect(products[0]?.path.map((s) => `${s.category}=${s.name}`)).toEqual([
      'vendor=Philips',
      'product_family=IntelliVue',
      'product_family=MX',
      'product_name=MX800',
      'product_version_range=vers:generic/<B.06',
    ]);
    expect(products[0]?.branch).toEqual({
      vendor: 'Philips',
      product_family: 'MX',
      product_name: 'MX800',
      product_version_range: 'vers:generic/<B.06',
    });
    expect(products[2]?.branch).toEqual({ vendor: 'Philips', product_name: 'Xper', architecture: 'x86' });
    expect(products[1]?.name).toBe('P B.06');
  });

  it('adds full_product_names and relationship products after the branches', () => {
    const { products } = readProductTree({
      branches: [leaf('product_name', 'OS', 'os')],
      full_product_names: [{ name: 'Library 1.2', product_id: 'lib' }],
      relationships: [
        {
          category: 'installed_on',
          product_reference: 'lib',
          relates_to_product_reference: 'os',
          full_product_name: { name: 'Library 1.2 on OS', product_id: 'lib-on-os' },
        },
      ],
    });
    expect(products.map((p) => [p.id, p.origin, p.path.length])).toEqual([
      ['os', 'branch', 1],
      ['lib', 'full_product_name', 0],
      ['lib-on-os', 'relationship', 0],
    ]);
    expect(products[2]?.relationship).toEqual({
      category: 'installed_on',
      productId: 'lib',
      relatesToProductId: 'os',
    });
  });

  it('reads every member of the identification helper', () => {
    const helper = {
      cpe: 'cpe:2.3:h:philips:mx800:-:*:*:*:*:*:*:*',
      purl: 'pkg:generic/philips/intellivue@B.06',
      model_numbers: ['866060', '866062'],
      skus: ['SKU-1'],
      serial_numbers: ['DE1234*'],
      sbom_urls: ['https://example.org/sbom.json'],
      hashes: [{ filename: 'fw.bin', file_hashes: [{ algorithm: 'sha256', value: 'ab'.repeat(32) }] }],
      x_generic_uris: [{ namespace: 'https://example.org/ns', uri: 'https://example.org/p/1' }],
    };
    expect(identificationOf(helper)).toEqual({
      cpe: helper.cpe,
      purl: helper.purl,
      modelNumbers: ['866060', '866062'],
      skus: ['SKU-1'],
      serialNumbers: ['DE1234*'],
      sbomUrls: ['https://example.org/sbom.json'],
      hashes: [{ filename: 'fw.bin', fileHashes: [{ algorithm: 'sha256', value: 'ab'.repeat(32) }] }],
      genericUris: [{ namespace: 'https://example.org/ns', uri: 'https://example.org/p/1' }],
    });
    expect(
      readProductTree({ branches: [leaf('product_name', 'X', 'x', helper)] }).products[0]?.identification
        .skus,
    ).toEqual(['SKU-1']);
  });

  it('reads product groups, each member once', () => {
    const { groups } = readProductTree({
      full_product_names: [
        { name: 'a', product_id: 'a' },
        { name: 'b', product_id: 'b' },
      ],
      product_groups: [{ group_id: 'g', product_ids: ['a', 'b', 'a'] }],
    });
    expect(groups).toEqual([{ id: 'g', summary: null, productIds: ['a', 'b'] }]);
  });

  it('refuses a group id defined twice', () => {
    const tree = {
      full_product_names: [
        { name: 'a', product_id: 'a' },
        { name: 'b', product_id: 'b' },
      ],
      product_groups: [
        { group_id: 'g', product_ids: ['a', 'b'] },
        { group_id: 'g', product_ids: ['b', 'a'] },
      ],
    };
    try {
      readProductTree(tree);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CsafRefused);
      const r = error as CsafRefused;
      expect([r.code, r.params, r.issues]).toEqual([
        'advisories.csaf_group_duplicate',
        { id: 'g', count: 1 },
        [
          {
            instancePath: '/product_tree/product_groups/1/group_id',
            schemaPath: null,
            message: "product group 'g' is already defined at /product_tree/product_groups/0",
            code: 'advisories.csaf_group_defined_before',
            params: { id: 'g', first: '/product_tree/product_groups/0' },
          },
        ],
      ]);
    }
  });

  it('uses product ids such as "__proto__" as plain keys', () => {
    const { products } = readProductTree({
      full_product_names: [
        { name: 'a', product_id: '__proto__' },
        { name: 'b', product_id: 'constructor' },
      ],
    });
    expect(products.map((p) => p.id)).toEqual(['__proto__', 'constructor']);
  });

  it('reads an empty or absent tree as no products', () => {
    expect(readProductTree(undefined)).toEqual({ products: [], groups: [] });
  });
});
