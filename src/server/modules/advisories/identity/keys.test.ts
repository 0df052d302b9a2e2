import { describe, expect, it } from 'vitest';
import { identityKeys } from './keys.js';
import { genericKey, semverKey } from './versions.js';

describe('identityKeys', () => {
  it('keys a medical device by vendor, product, model and version', () => {
    expect(
      identityKeys({
        vendor: 'Phillips',
        product: 'Philips IntelliVue MX40',
        modelNumber: 'mx-40 ',
        version: 'B.05',
      }),
    ).toEqual({
      // The spelling variant folds to the canonical vendor; the product loses the vendor's name.
      vendorKey: 'philips',
      productKey: 'intellivue mx40',
      modelKey: 'MX40',
      purlKey: null,
      cpeVendor: null,
      cpeProduct: null,
      versionGeneric: genericKey('B.05'),
      versionSemver: null,
    });
  });

  it("takes a package URL's identity and version", () => {
    const k = identityKeys({ purl: 'pkg:npm/lodash@4.17.20' });
    expect(k).toMatchObject({ purlKey: 'pkg:npm/lodash', vendorKey: null, productKey: null });
    expect(k.versionSemver).toBe(semverKey('4.17.20'));
    expect(k.versionGeneric).toBe(genericKey('4.17.20'));
  });

  it("takes a CPE's vendor, product and version; the item's own version wins", () => {
    const cpe = 'cpe:2.3:a:examplemed:gateway:2.1.0:*:*:*:*:*:*:*';
    expect(identityKeys({ cpe })).toMatchObject({
      cpeVendor: 'examplemed',
      cpeProduct: 'gateway',
      versionGeneric: genericKey('2.1.0'),
    });
    expect(identityKeys({ cpe, version: '3.0' }).versionGeneric).toBe(genericKey('3.0'));
    // ANY and wildcards name nothing.
    expect(identityKeys({ cpe: 'cpe:2.3:a:*:gate*:*:*:*:*:*:*:*:*' })).toMatchObject({
      cpeVendor: null,
      cpeProduct: null,
      versionGeneric: null,
    });
  });

  it('keys nothing from blanks and refuses nothing', () => {
    expect(identityKeys({ vendor: '  ', product: '', cpe: 'not a cpe', purl: 'not a purl' })).toEqual({
      vendorKey: null,
      productKey: null,
      modelKey: null,
      purlKey: null,
      cpeVendor: null,
      cpeProduct: null,
      versionGeneric: null,
      versionSemver: null,
    });
  });
});
