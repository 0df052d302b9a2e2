import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import {
  canonicalVendorKey,
  compareProducts,
  compareVendors,
  foldName,
  productKey,
  tokenSimilarity,
  vendorKey,
  vendorKeys,
} from './names.js';

describe('foldName', () => {
  const table: Array<[string, string]> = [
    ['Dräger', 'drager'],
    ['  Siemens   Healthineers ', 'siemens healthineers'],
    ['Johnson & Johnson', 'johnson and johnson'],
    ['i-SENS Inc', 'i sens inc'],
    ['Søren Æbelø Straße', 'soren aebelo strasse'],
    ['Ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
    ['Crème Brûlée, S.A.', 'creme brulee s a'],
  ];
  it.each(table)('%s → %s', (name, key) => expect(foldName(name)).toBe(key));
});

describe('vendorKey', () => {
  // Keys written from the rules at the top of names.ts.
  const table: Array<[string, string]> = [
    ['Natus Medical, Inc. (Natus)', 'natus medical'],
    ['Becton, Dickinson and Company (BD)', 'becton dickinson'],
    ['General Electric (GE)', 'general electric'],
    ['i-SENS Inc', 'i sens'],
    ['Acme Corp.', 'acme'],
    ['Acme Corporation', 'acme'],
    ['Acme Co., Ltd.', 'acme'],
    ['Acme Holding GmbH & Co. KG', 'acme holding'],
    ['Novo Nordisk A/S', 'novo nordisk'],
    ['Radiometer Medical ApS', 'radiometer medical'],
    ['Koninklijke Philips N.V.', 'koninklijke philips'],
    ['Getinge AB', 'getinge'],
    ['Siemens Healthineers AG', 'siemens healthineers'],
    ['Smith & Nephew plc', 'smith and nephew'],
    ['LLC', 'llc'],
    ['The Acme Company', 'acme'],
    ['B. Braun', 'b braun'],
  ];
  it.each(table)('%s → %s', (name, key) => expect(vendorKey(name)).toBe(key));

  it('keeps a short name in parentheses as a second key', () => {
    expect(vendorKeys('Becton, Dickinson and Company (BD)')).toEqual(['becton dickinson', 'bd']);
    expect(vendorKeys('Medtronic')).toEqual(['medtronic']);
  });

  it('maps aliases to one canonical key', () => {
    expect(canonicalVendorKey(vendorKey('Phillips'))).toBe('philips');
    expect(canonicalVendorKey(vendorKey('Draeger'))).toBe('drager');
    expect(canonicalVendorKey(vendorKey('General Electric'))).toBe('ge healthcare');
    expect(canonicalVendorKey('medtronic')).toBe('medtronic');
  });

  it('is idempotent on its own keys (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const key = vendorKey(name);
        expect(vendorKey(key)).toBe(key);
        expect(key).toBe(key.trim());
        expect(key).not.toMatch(/ {2}/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('productKey', () => {
  it('drops the vendor name or an alias at the start', () => {
    expect(productKey('BD Pyxis MedStation ES', 'Becton, Dickinson and Company (BD)')).toBe(
      'pyxis medstation es',
    );
    expect(productKey('Philips IntelliVue Information Center iX', 'Phillips')).toBe(
      'intellivue information center ix',
    );
    expect(productKey('GE Aespire', 'General Electric (GE)')).toBe('aespire');
    expect(productKey('Alaris PC Unit', 'BD')).toBe('alaris pc unit');
    expect(productKey('BD', 'BD')).toBe('bd');
  });
});

describe('compareVendors', () => {
  // [a, b, basis, confidence]: decided from the rules in names.ts.
  const table: Array<[string, string, string | null, string | null]> = [
    ['Medtronic', 'MEDTRONIC, Inc.', 'exact', 'certain'],
    ['i-SENS Inc', 'iSENS', 'exact', 'certain'],
    ['Philips', 'Phillips', 'alias', 'certain'],
    ['Koninklijke Philips N.V.', 'Philips', 'fuzzy', 'possible'],
    ['BD', 'Becton, Dickinson and Company (BD)', 'alias', 'certain'],
    ['Becton Dickinson', 'Becton, Dickinson and Company (BD)', 'exact', 'certain'],
    ['GE Healthcare', 'General Electric (GE)', 'alias', 'certain'],
    ['B. Braun Medical', 'B. Braun', 'alias', 'certain'],
    ['Natus Medical Incorporated', 'Natus', 'alias', 'certain'],
    ['Dräger', 'Draeger', 'alias', 'certain'],
    ['Smiths Medical', 'Smith Medical', 'fuzzy', 'likely'],
    ['Siemens', 'Siemens Healthineers', 'fuzzy', 'possible'],
    ['GE Healthcare', 'Philips Healthcare', null, null],
    ['Baxter', 'Medtronic', null, null],
    ['', 'Medtronic', null, null],
  ];
  it.each(table)('%s vs %s', (a, b, basis, confidence) => {
    const match = compareVendors(a, b);
    expect(match === null ? [null, null] : [match.basis, match.confidence]).toEqual([basis, confidence]);
    expect(match?.review ?? null).toBe(basis === null ? null : basis === 'fuzzy');
  });
});

describe('compareProducts', () => {
  it('compares after dropping vendor names', () => {
    expect(
      compareProducts(
        { product: 'BD Pyxis SupplyRoller', vendor: 'BD' },
        { product: 'Pyxis Supply Roller', vendor: 'BD' },
      ),
    ).toMatchObject({ basis: 'exact' });
    expect(
      compareProducts({ product: 'Alaris PC Unit' }, { product: 'Alaris PC Unit Model 8015' }),
    ).toMatchObject({
      basis: 'fuzzy',
      confidence: 'possible',
      score: 0.75,
    });
    expect(compareProducts({ product: 'Infinia' }, { product: 'Infinia with Hawkeye 4 / 1' })).toBeNull();
  });
});

describe('tokenSimilarity', () => {
  it('is the Dice coefficient over word sets', () => {
    expect(tokenSimilarity('a b c', 'a b c')).toBe(1);
    expect(tokenSimilarity('alaris pc unit', 'alaris pc unit model 8015')).toBe(0.75);
    expect(tokenSimilarity('philips', 'phillips')).toBe(1);
    expect(tokenSimilarity('abc', 'abd')).toBe(0);
    expect(tokenSimilarity('', 'x')).toBe(0);
  });

  it('is symmetric and within [0, 1] (property)', () => {
    const words = fc.array(
      fc.constantFrom('ge', 'healthcare', 'philips', 'phillips', 'alaris', 'pc', 'unit', 'medical'),
      {
        maxLength: 5,
      },
    );
    fc.assert(
      fc.property(words, words, (a, b) => {
        const score = tokenSimilarity(a.join(' '), b.join(' '));
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(tokenSimilarity(b.join(' '), a.join(' '))).toBe(score);
      }),
    );
  });
});

describe('the vendor names of the 90 medical-device advisories', () => {
  it('fall into the expected canonical vendors', () => {
    const dir = corpus('advisories', 'csaf-medical');
    const vendors = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const document = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
      for (const branch of document.product_tree?.branches ?? []) vendors.add(branch.name);
    }
    // The survey found 34 distinct vendor branch names in the 90 files.
    expect(vendors.size).toBe(34);
    const canonical = new Set([...vendors].map((v) => canonicalVendorKey(vendorKeys(v)[0] as string)));
    // Philips/Phillips, GE Healthcare/General Electric (GE) and B. Braun/B. Braun Medical
    // each fold into one: 34 - 3 = 31.
    expect(canonical.size).toBe(31);
  });
});
