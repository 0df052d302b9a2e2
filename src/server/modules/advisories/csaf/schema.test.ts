import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { validateCsaf } from './schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Every CSAF file of the corpus: csaf-examples (with vex/) and csaf-medical. */
function corpusFiles(): string[] {
  const dirs = [
    corpus('advisories', 'csaf-examples'),
    corpus('advisories', 'csaf-examples', 'vex'),
    corpus('advisories', 'csaf-medical'),
  ];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(d, f)),
  );
}

const json = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8'));
const medical = () => json(corpus('advisories', 'csaf-medical', 'icsma-17-009-01a.json'));

/* biome-ignore lint/suspicious/noExplicitAny: mutating parsed JSON in tests */
type Doc = any;

describe('the copied schemas', () => {
  it.each(['csaf_json_schema.json', 'cvss-v2.0.json', 'cvss-v3.0.json', 'cvss-v3.1.json'])(
    '%s has the same content as the corpus file',
    (name) => {
      expect(json(path.join(here, 'schema', name))).toEqual(json(corpus('advisories', 'csaf-schema', name)));
    },
  );
});

describe('validateCsaf', () => {
  const files = corpusFiles();

  it('finds the 99 CSAF files of the corpus (9 examples, 90 medical)', () => {
    expect(files).toHaveLength(99);
  });

  it.each(files.map((f) => [path.relative(corpus('advisories'), f), f]))('%s is valid', (_, file) => {
    expect(validateCsaf(json(file))).toEqual([]);
  });

  it('names the schema path of a missing tracking id', () => {
    const doc: Doc = medical();
    delete doc.document.tracking.id;
    expect(validateCsaf(doc)).toEqual([
      {
        instancePath: '/document/tracking',
        schemaPath: '#/properties/document/properties/tracking/required',
        keyword: 'required',
        message: "must have required property 'id'",
        reason: { reason: 'missing', field: 'id' },
      },
    ]);
  });

  it('names the allowed values of a wrong TLP label', () => {
    const doc: Doc = medical();
    doc.document.distribution.tlp.label = 'CLEAR';
    expect(validateCsaf(doc)).toEqual([
      {
        instancePath: '/document/distribution/tlp/label',
        schemaPath: '#/properties/document/properties/distribution/properties/tlp/properties/label/enum',
        keyword: 'enum',
        message: 'must be equal to one of the allowed values: "AMBER", "GREEN", "RED", "WHITE"',
        reason: { reason: 'invalid_value', values: 'AMBER, GREEN, RED, WHITE' },
      },
    ]);
  });

  it('reports every error at once (a bad language tag and a bad CVE)', () => {
    const doc: Doc = medical();
    doc.vulnerabilities[0].cve = 'CVE-17-1';
    doc.document.lang = 'english!';
    expect(validateCsaf(doc)).toEqual([
      {
        instancePath: '/document/lang',
        schemaPath: '#/$defs/lang_t/pattern',
        keyword: 'pattern',
        message: expect.stringMatching(/^must match pattern "\^\(\(\[A-Za-z\]\{2,3\}/),
        reason: { reason: 'pattern', pattern: expect.stringMatching(/^\^\(\(\[A-Za-z\]\{2,3\}/) },
      },
      {
        instancePath: '/vulnerabilities/0/cve',
        schemaPath: '#/properties/vulnerabilities/items/properties/cve/pattern',
        keyword: 'pattern',
        message: 'must match pattern "^CVE-[0-9]{4}-[0-9]{4,}$"',
        reason: { reason: 'pattern', pattern: '^CVE-[0-9]{4}-[0-9]{4,}$' },
      },
    ]);
  });

  it('checks CVSS 3.x scores against both FIRST schemas (3.0, 3.1) under their CSAF URLs', () => {
    const doc: Doc = medical();
    doc.vulnerabilities[0].scores[0].cvss_v3.vectorString = 'CVSS:3.0/AV:Q';
    const cvss = '/vulnerabilities/0/scores/0/cvss_v3';
    expect(validateCsaf(doc).map((e) => [e.instancePath, e.schemaPath])).toEqual([
      [`${cvss}/vectorString`, 'https://www.first.org/cvss/cvss-v3.0.json#/properties/vectorString/pattern'],
      [`${cvss}/version`, 'https://www.first.org/cvss/cvss-v3.1.json#/properties/version/enum'],
      [`${cvss}/vectorString`, 'https://www.first.org/cvss/cvss-v3.1.json#/properties/vectorString/pattern'],
      [cvss, '#/properties/vulnerabilities/items/properties/scores/items/properties/cvss_v3/oneOf'],
    ]);
  });

  it('checks CVSS 2.0 scores (a draft-04 schema) the same way', () => {
    const doc: Doc = medical();
    const good = { version: '2.0', vectorString: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', baseScore: 7.5 };
    doc.vulnerabilities[0].scores[0].cvss_v2 = good;
    expect(validateCsaf(doc)).toEqual([]);
    doc.vulnerabilities[0].scores[0].cvss_v2 = { ...good, baseScore: 11 };
    expect(validateCsaf(doc)).toEqual([
      {
        instancePath: '/vulnerabilities/0/scores/0/cvss_v2/baseScore',
        schemaPath: 'https://www.first.org/cvss/cvss-v2.0.json#/definitions/scoreType/maximum',
        keyword: 'maximum',
        message: 'must be <= 10',
        reason: { reason: 'too_big.number', limit: '10' },
      },
    ]);
  });

  it('checks formats (date-time) with ajv-formats', () => {
    const doc: Doc = medical();
    doc.document.tracking.current_release_date = '2017-13-45T00:00:00Z';
    expect(validateCsaf(doc)).toEqual([
      {
        instancePath: '/document/tracking/current_release_date',
        schemaPath: '#/properties/document/properties/tracking/properties/current_release_date/format',
        keyword: 'format',
        message: 'must match format "date-time"',
        reason: { reason: 'invalid_format', format: 'datetime' },
      },
    ]);
  });

  it('refuses something that is not an object', () => {
    expect(validateCsaf([1, 2])).toEqual([
      {
        instancePath: '',
        schemaPath: '#/type',
        keyword: 'type',
        message: 'must be object',
        reason: { reason: 'invalid_type', expected: 'object' },
      },
    ]);
  });
});
