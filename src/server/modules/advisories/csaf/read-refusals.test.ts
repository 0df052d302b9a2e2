import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { translate } from '../../../lib/messages.js';
import { readCsaf } from './read.js';
import { CsafRefused, MAX_ISSUES } from './refusal.js';

/* biome-ignore lint/suspicious/noExplicitAny: mutating parsed JSON in tests */
type Doc = any;

/** ICSMA-17-009-01A: 3 products (CSAFPID-0001…0003), 1 vulnerability that names all three. */
const medical = (): Doc =>
  JSON.parse(readFileSync(corpus('advisories', 'csaf-medical', 'icsma-17-009-01a.json'), 'utf8'));
const redHat = (): Doc =>
  JSON.parse(readFileSync(corpus('advisories', 'csaf-examples', 'rhsa-2022_0011.json'), 'utf8'));

const bytes = (doc: Doc) => Buffer.from(JSON.stringify(doc));

/** The issues as the English wording a library caller reads (the message keys are checked apart). */
const english = (issues: CsafRefused['issues']) =>
  issues.map(({ instancePath, schemaPath, message }) => ({ instancePath, schemaPath, message }));

function refusal(doc: Doc): CsafRefused {
  try {
    readCsaf(bytes(doc));
  } catch (error) {
    if (error instanceof CsafRefused) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('readCsaf refuses documents that break the schema', () => {
  it('a missing tracking id, with its schema path, in either language', () => {
    const doc = medical();
    delete doc.document.tracking.id;
    const r = refusal(doc);
    expect(r.code).toBe('advisories.csaf_schema');
    const rule = '#/properties/document/properties/tracking/required';
    expect(english(r.issues)).toEqual([
      { instancePath: '/document/tracking', schemaPath: rule, message: "must have required property 'id'" },
    ]);
    expect(translate(r.code, 'en', r.params)).toBe(
      `The advisory does not follow the CSAF 2.0 schema (1 errors). The first: /document/tracking: The field "id" is missing. (schema rule ${rule})`,
    );
    expect(translate(r.code, 'da', r.params)).toBe(
      `Advisoryen følger ikke CSAF 2.0-skemaet (1 fejl). Den første: /document/tracking: Feltet "id" mangler. (skemaregel ${rule})`,
    );
    expect(r.status).toBe(400);
    const [field] = r.fieldErrors;
    expect([field?.path, field?.message, field?.code]).toEqual([
      '/document/tracking',
      `must have required property 'id' [${rule}]`,
      'advisories.csaf_rule',
    ]);
    expect(translate(field?.code ?? '', 'da', field?.params ?? {})).toBe(
      `Feltet "id" mangler. (skemaregel ${rule})`,
    );
  });

  it("words a value outside the schema's list in the reader's language", () => {
    const doc = medical();
    doc.document.distribution.tlp.label = 'AMBER+STRICT';
    const [issue] = refusal(doc).issues;
    expect(translate(issue?.code ?? '', 'da', issue?.params ?? {})).toBe(
      'Skal være en af: AMBER, GREEN, RED, WHITE. (skemaregel #/properties/document/properties/distribution/properties/tlp/properties/label/enum)',
    );
  });

  it('a TLP label CSAF 2.0 does not know (a TLP 2.0 name)', () => {
    const doc = medical();
    doc.document.distribution.tlp.label = 'AMBER+STRICT';
    expect(english(refusal(doc).issues)).toEqual([
      {
        instancePath: '/document/distribution/tlp/label',
        schemaPath: '#/properties/document/properties/distribution/properties/tlp/properties/label/enum',
        message: 'must be equal to one of the allowed values: "AMBER", "GREEN", "RED", "WHITE"',
      },
    ]);
  });

  it("names the repeated items and the empty object in the reader's language", () => {
    const doc = medical();
    doc.vulnerabilities[0].product_status.known_affected.push('CSAFPID-0001');
    doc.document.distribution = {};
    const worded = refusal(doc).issues.map((i) => [i.instancePath, translate(i.code, 'en', i.params)]);
    expect(worded).toEqual([
      [
        '/document/distribution',
        'At least 1 fields. (schema rule #/properties/document/properties/distribution/minProperties)',
      ],
      [
        '/vulnerabilities/0/product_status/known_affected',
        'Items 0 and 3 are the same; each may appear once. (schema rule #/uniqueItems)',
      ],
    ]);
  });

  it('a CVE id that breaks the pattern', () => {
    const doc = medical();
    doc.vulnerabilities[0].cve = 'cve-2017-5689';
    expect(english(refusal(doc).issues)).toEqual([
      {
        instancePath: '/vulnerabilities/0/cve',
        schemaPath: '#/properties/vulnerabilities/items/properties/cve/pattern',
        message: 'must match pattern "^CVE-[0-9]{4}-[0-9]{4,}$"',
      },
    ]);
  });

  it('a document without its document member', () => {
    const r = refusal({});
    expect(english(r.issues)).toEqual([
      { instancePath: '', schemaPath: '#/required', message: "must have required property 'document'" },
    ]);
    expect(r.params.path).toBe('/');
  });

  it('keeps at most MAX_ISSUES issues and counts them all', () => {
    const doc = medical();
    doc.vulnerabilities = Array.from({ length: 150 }, () => ({ cve: 'CVE-1' }));
    const r = refusal(doc);
    expect(r.total).toBe(150);
    expect(r.params.count).toBe(150);
    expect(r.issues).toHaveLength(MAX_ISSUES);
    expect(r.issues[99]?.instancePath).toBe('/vulnerabilities/99/cve');
  });

  it('another CSAF version, before the schema speaks', () => {
    const doc = medical();
    doc.document.csaf_version = '2.1';
    const r = refusal(doc);
    expect([r.code, r.params]).toEqual(['advisories.csaf_version_unsupported', { version: '2.1' }]);
    expect(translate(r.code, 'da', r.params)).toBe(
      'Advisoryen er CSAF version "2.1"; kun CSAF 2.0 kan læses.',
    );
  });
});

describe('readCsaf refuses references the product tree cannot resolve', () => {
  // The corpus has none: every product_status, score, remediation and threat id of the 99 files
  // is defined (read.test.ts checks product_status for each file).

  it('an unknown product id in product_status', () => {
    const doc = medical();
    doc.vulnerabilities[0].product_status.known_affected.push('CSAFPID-9999');
    const r = refusal(doc);
    expect([r.code, r.params]).toEqual([
      'advisories.csaf_product_unknown',
      { id: 'CSAFPID-9999', path: '/vulnerabilities/0/product_status/known_affected/3', count: 1 },
    ]);
    expect(english(r.issues)).toEqual([
      {
        instancePath: '/vulnerabilities/0/product_status/known_affected/3',
        schemaPath: null,
        message: "product id 'CSAFPID-9999' is not defined in the product tree",
      },
    ]);
    expect(translate(r.code, 'en', r.params)).toBe(
      'The advisory refers to product ids that its product tree does not define (1 references). The first: "CSAFPID-9999" at /vulnerabilities/0/product_status/known_affected/3.',
    );
    expect(r.issues.map((i) => translate(i.code, 'da', i.params))).toEqual([
      'Produkt-id\'et "CSAFPID-9999" er ikke defineret i produkttræet.',
    ]);
  });

  it('unknown ids in scores, remediations and relationships, each listed', () => {
    const doc = redHat();
    doc.product_tree.relationships[2].relates_to_product_reference = 'no-such-os';
    doc.vulnerabilities[0].remediations[0].product_ids[0] = 'gone';
    doc.vulnerabilities[0].scores = [
      { products: ['gone/too'], cvss_v3: medical().vulnerabilities[0].scores[0].cvss_v3 },
    ];
    expect(refusal(doc).issues.map((i) => i.instancePath)).toEqual([
      '/product_tree/relationships/2/relates_to_product_reference',
      '/vulnerabilities/0/scores/0/products/0',
      '/vulnerabilities/0/remediations/0/product_ids/0',
    ]);
  });

  it('an unknown product group', () => {
    const doc = medical();
    doc.vulnerabilities[0].remediations[0].group_ids = ['CSAFGID-1'];
    const r = refusal(doc);
    expect([r.code, r.params]).toEqual([
      'advisories.csaf_group_unknown',
      { id: 'CSAFGID-1', path: '/vulnerabilities/0/remediations/0/group_ids/0', count: 1 },
    ]);
  });

  it('a product id defined twice', () => {
    const doc = medical();
    doc.product_tree.full_product_names = [{ name: 'Again', product_id: 'CSAFPID-0002' }];
    const r = refusal(doc);
    expect([r.code, r.params]).toEqual([
      'advisories.csaf_product_duplicate',
      { id: 'CSAFPID-0002', count: 1 },
    ]);
    expect(english(r.issues)).toEqual([
      {
        instancePath: '/product_tree/full_product_names/0/product_id',
        schemaPath: null,
        message:
          "product id 'CSAFPID-0002' is already defined at /product_tree/branches/0/branches/1/branches/0/product",
      },
    ]);
    expect(r.issues.map((i) => translate(i.code, 'en', i.params))).toEqual([
      'The product id "CSAFPID-0002" is already defined at /product_tree/branches/0/branches/1/branches/0/product.',
    ]);
  });
});

describe('readCsaf resolves product groups', () => {
  it('expands group ids of remediations, threats and flags to their products', () => {
    const doc = medical();
    doc.product_tree.product_groups = [
      { group_id: 'CSAFGID-1', product_ids: ['CSAFPID-0002', 'CSAFPID-0003'], summary: 'the new ones' },
    ];
    const v = doc.vulnerabilities[0];
    v.remediations = [
      {
        category: 'workaround',
        details: 'Segment.',
        product_ids: ['CSAFPID-0001'],
        group_ids: ['CSAFGID-1'],
      },
    ];
    v.threats = [{ category: 'exploit_status', details: 'None known.', group_ids: ['CSAFGID-1'] }];
    v.flags = [
      { label: 'vulnerable_code_not_present', group_ids: ['CSAFGID-1'], product_ids: ['CSAFPID-0003'] },
    ];
    const a = readCsaf(bytes(doc));
    expect(a.productGroups).toEqual([
      { id: 'CSAFGID-1', summary: 'the new ones', productIds: ['CSAFPID-0002', 'CSAFPID-0003'] },
    ]);
    const read = a.vulnerabilities[0];
    expect(read?.remediations[0]?.productIds).toEqual(['CSAFPID-0001', 'CSAFPID-0002', 'CSAFPID-0003']);
    expect(read?.threats).toEqual([
      {
        category: 'exploit_status',
        details: 'None known.',
        date: null,
        productIds: ['CSAFPID-0002', 'CSAFPID-0003'],
        groupIds: ['CSAFGID-1'],
      },
    ]);
    expect(read?.flags).toEqual([
      {
        label: 'vulnerable_code_not_present',
        date: null,
        productIds: ['CSAFPID-0003', 'CSAFPID-0002'],
        groupIds: ['CSAFGID-1'],
      },
    ]);
  });
});

describe('readCsaf decodes before it validates', () => {
  it('reads a real file with a UTF-8 byte-order mark as without', () => {
    const plain = readFileSync(corpus('advisories', 'csaf-medical', 'icsma-17-009-01a.json'));
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]);
    expect(readCsaf(withBom)).toEqual(readCsaf(plain));
  });

  it('passes the size limit on', () => {
    const plain = readFileSync(corpus('advisories', 'csaf-medical', 'icsma-17-009-01a.json'));
    expect(() => readCsaf(plain, { maxBytes: 1024 })).toThrow(CsafRefused);
    expect(readCsaf(plain, { maxBytes: plain.length }).trackingId).toBe('ICSMA-17-009-01A');
  });
});
