import { describe, expect, it } from 'vitest';
import { type AdvisoryProduct, type InventoryItem, matchProduct } from './match.js';
import { intervalRange } from './ranges.js';

const lodash: AdvisoryProduct = {
  vendor: 'lodash',
  product: 'lodash',
  purl: 'pkg:npm/lodash',
  vers: 'vers:npm/<4.17.21',
};
const openssl: AdvisoryProduct = {
  vendor: 'OpenSSL',
  product: 'OpenSSL',
  cpe: {
    criteria: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:x64:*',
    versionStartIncluding: '1.0.2',
    versionEndExcluding: '1.0.2u',
  },
};
// Shaped after icsma-19-178-01 (Medtronic MiniMed pumps) and icsma-18-025-01 (Phillips
// IntelliSpace Cardiovascular "<= 2.3.0") of the medical-device corpus.
const minimed: AdvisoryProduct = {
  vendor: 'Medtronic',
  product: 'MiniMed Paradigm pumps',
  modelNumbers: ['MMT-5*'],
};
const iscv: AdvisoryProduct = {
  vendor: 'Phillips',
  product: 'IntelliSpace Cardiovascular',
  versionText: '<= 2.3.0',
};

// [name, advisory, item, expected]: each expected row worked out by hand from the rules
// written at the top of match.ts.
const table: Array<[string, AdvisoryProduct, InventoryItem, object | null]> = [
  [
    'purl, version in range',
    lodash,
    { purl: 'pkg:npm/lodash@4.17.20' },
    { basis: 'purl', confidence: 'certain', versionStatus: 'in_range' },
  ],
  [
    'purl, version out of range',
    lodash,
    { purl: 'pkg:npm/lodash@4.17.21' },
    { basis: 'purl', confidence: 'certain', versionStatus: 'out_of_range' },
  ],
  [
    'purl, no version',
    lodash,
    { purl: 'pkg:npm/lodash' },
    { basis: 'purl', confidence: 'likely', versionStatus: 'unknown' },
  ],
  [
    'purl of another package is final',
    lodash,
    { purl: 'pkg:npm/underscore@1.0.0', vendor: 'lodash', product: 'lodash' },
    null,
  ],
  [
    'unparsable purl falls through to names',
    lodash,
    { purl: 'pkg:maven/lodash@1', vendor: 'lodash', product: 'lodash', version: '4.17.20' },
    { basis: 'name', confidence: 'possible', versionStatus: 'unknown' },
  ],
  [
    'cpe, exact, in range',
    openssl,
    { cpe: 'cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:x64:*' },
    { basis: 'cpe', confidence: 'certain', versionStatus: 'in_range' },
  ],
  [
    'cpe, exact, out of range',
    openssl,
    { cpe: 'cpe:2.3:a:openssl:openssl:1.1.1:*:*:*:*:*:x64:*' },
    { basis: 'cpe', confidence: 'certain', versionStatus: 'out_of_range' },
  ],
  [
    'cpe, exact, version ANY',
    openssl,
    { cpe: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:x64:*' },
    { basis: 'cpe', confidence: 'likely', versionStatus: 'unknown' },
  ],
  [
    'cpe, partial, in range',
    openssl,
    { cpe: 'cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*' },
    { basis: 'cpe', confidence: 'likely', versionStatus: 'in_range' },
  ],
  [
    'cpe, partial, version ANY',
    openssl,
    { cpe: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*' },
    { basis: 'cpe', confidence: 'possible', versionStatus: 'unknown' },
  ],
  [
    'cpe of another product is final',
    openssl,
    { cpe: 'cpe:2.3:a:openssl:libressl:1.0.2k:*:*:*:*:*:x64:*', vendor: 'OpenSSL', product: 'OpenSSL' },
    null,
  ],
  [
    'model covered, all versions',
    { ...minimed, versionText: 'vers:all/*' },
    { vendor: 'Medtronic Inc.', modelNumber: 'MMT-522' },
    { basis: 'model', confidence: 'likely', versionStatus: 'in_range' },
  ],
  [
    'model covered, no version information',
    minimed,
    { vendor: 'Medtronic', modelNumber: 'MMT 523K', version: '2.4A' },
    { basis: 'model', confidence: 'possible', versionStatus: 'unknown' },
  ],
  [
    'model covered, range decides',
    { ...minimed, versionText: '<= 2.4A' },
    { vendor: 'Medtronic', modelNumber: 'MMT-523K', version: '2.6A' },
    { basis: 'model', confidence: 'likely', versionStatus: 'out_of_range' },
  ],
  [
    'model not listed',
    minimed,
    { vendor: 'Medtronic', product: 'MiniMed Paradigm pumps', modelNumber: 'MMT-712' },
    null,
  ],
  [
    'model with a fuzzy vendor',
    { ...minimed, vendor: 'Smiths Medical', versionText: 'vers:all/*' },
    { vendor: 'Smith Medical', modelNumber: 'MMT-522' },
    { basis: 'model', confidence: 'possible', versionStatus: 'in_range' },
  ],
  [
    'item without model falls to names',
    { ...minimed, versionText: 'vers:all/*' },
    { vendor: 'Medtronic', product: 'MiniMed Paradigm Pumps' },
    { basis: 'name', confidence: 'likely', versionStatus: 'in_range' },
  ],
  [
    'name by alias, version in range',
    iscv,
    { vendor: 'Philips', product: 'IntelliSpace Cardiovascular', version: '2.3.0' },
    { basis: 'name', confidence: 'likely', versionStatus: 'in_range' },
  ],
  [
    'name by alias, version out of range',
    iscv,
    { vendor: 'Philips', product: 'Philips IntelliSpace Cardiovascular', version: '3.0' },
    { basis: 'name', confidence: 'likely', versionStatus: 'out_of_range' },
  ],
  [
    'name, item without version',
    iscv,
    { vendor: 'Philips', product: 'IntelliSpace Cardiovascular' },
    { basis: 'name', confidence: 'possible', versionStatus: 'unknown' },
  ],
  [
    'name, unparsed range, fuzzy vendor (Dice 2/3)',
    { vendor: 'Abbott', product: 'Fortify Assura', versionText: 'distributed  < april 1, 2018' },
    { vendor: 'Abbott Laboratories', product: 'Fortify Assura', version: '1.0' },
    { basis: 'name', confidence: 'possible', versionStatus: 'unknown' },
  ],
  [
    'name, unparsed range, same vendor key',
    { vendor: 'Abbott Laboratories', product: 'Fortify Assura', versionText: 'distributed  < april 1, 2018' },
    { vendor: 'Abbott Laboratories Inc.', product: 'Fortify Assura', version: '1.0' },
    { basis: 'name', confidence: 'possible', versionStatus: 'unknown' },
  ],
  [
    'name, fuzzy product',
    { vendor: 'BD', product: 'Alaris PC Unit', versionText: 'vers:all/*' },
    { vendor: 'Becton, Dickinson and Company (BD)', product: 'Alaris PC Unit Model 8015' },
    { basis: 'name', confidence: 'possible', versionStatus: 'in_range' },
  ],
  [
    'explicit range wins over the text',
    {
      ...iscv,
      range: { range: intervalRange(null, { version: '1.0', inclusive: true }), scheme: 'generic' },
    },
    { vendor: 'Philips', product: 'IntelliSpace Cardiovascular', version: '2.3.0' },
    { basis: 'name', confidence: 'likely', versionStatus: 'out_of_range' },
  ],
  [
    'unparsable item version',
    iscv,
    { vendor: 'Philips', product: 'IntelliSpace Cardiovascular', version: 'build 7' },
    { basis: 'name', confidence: 'possible', versionStatus: 'unknown' },
  ],
  [
    'other vendor',
    iscv,
    { vendor: 'GE Healthcare', product: 'IntelliSpace Cardiovascular', version: '2.3.0' },
    null,
  ],
  ['other product', iscv, { vendor: 'Philips', product: 'IntelliVue MX40', version: '2.3.0' }, null],
  ['nothing to go on', {}, { vendor: 'Philips' }, null],
];

describe('matchProduct', () => {
  it.each(table)('%s', (_name, advisory, item, expected) => {
    expect(matchProduct(advisory, item)).toEqual(expected);
  });
});
