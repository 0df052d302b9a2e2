import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { readCsaf } from './read.js';
import { PRODUCT_STATUS_CATEGORIES } from './types.js';

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

const bytesOf = (...parts: string[]) => readFileSync(corpus('advisories', ...parts));
/* biome-ignore lint/suspicious/noExplicitAny: raw JSON walked by the tests */
const raw = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));

/**
 * The independent count the tests compare with: a plain recursive walk over the raw JSON that
 * counts every object with a string `product_id` member. In CSAF 2.0 only a full product name (a
 * product definition, in branches, full_product_names or relationships) has that member; references
 * use `product_ids`, `products` and `product_reference`.
 */
function countProductDefinitions(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, x) => n + countProductDefinitions(x), 0);
  if (typeof node !== 'object' || node === null) return 0;
  const self = typeof (node as { product_id?: unknown }).product_id === 'string' ? 1 : 0;
  return Object.values(node).reduce((n: number, x) => n + countProductDefinitions(x), self);
}

describe('readCsaf over the corpus', () => {
  const files = corpusFiles();

  it('has the 99 files', () => {
    expect(files).toHaveLength(99);
  });

  it.each(files.map((f) => [path.relative(corpus('advisories'), f), f]))(
    '%s reads, with one product per definition and every vulnerability',
    (_, file) => {
      const doc = raw(file);
      const advisory = readCsaf(readFileSync(file));
      expect(advisory.trackingId).toBe(doc.document.tracking.id);
      expect(advisory.products).toHaveLength(countProductDefinitions(doc.product_tree));
      expect(new Set(advisory.products.map((p) => p.id)).size).toBe(advisory.products.length);
      expect(advisory.vulnerabilities).toHaveLength(doc.vulnerabilities?.length ?? 0);
      expect(advisory.vulnerabilities.map((v) => v.cve)).toEqual(
        (doc.vulnerabilities ?? []).map((v: { cve?: string }) => v.cve ?? null),
      );
      const ids = new Set(advisory.products.map((p) => p.id));
      for (const v of advisory.vulnerabilities)
        for (const c of PRODUCT_STATUS_CATEGORIES)
          for (const id of v.productStatus[c]) expect(ids).toContain(id);
    },
  );

  it('maps TLP 1.0 WHITE to CLEAR (94 files) and gives the other 5 the default', () => {
    const read = files.map((f) => ({ file: path.basename(f), a: readCsaf(readFileSync(f)) }));
    // 94 files label WHITE; the Cisco example and the 4 VEX examples have no distribution (counted
    // over the raw corpus with a Python script reading `document.distribution.tlp.label`).
    expect(read.filter((r) => r.a.tlp.documentLabel === 'WHITE' && r.a.tlp.label === 'CLEAR')).toHaveLength(
      94,
    );
    const unlabelled = read.filter((r) => r.a.tlp.documentLabel === null);
    expect(unlabelled.map((r) => r.file).sort()).toEqual([
      '2022-evd-uc-01-a-001.json',
      '2022-evd-uc-01-f-001.json',
      '2022-evd-uc-01-na-001.json',
      '2022-evd-uc-02-na-001.json',
      'cisco-sa-20180328-smi2.json',
    ]);
    expect(unlabelled.every((r) => r.a.tlp.label === 'GREEN')).toBe(true);
    const cisco = readCsaf(bytesOf('csaf-examples', 'cisco-sa-20180328-smi2.json'), { defaultTlp: 'AMBER' });
    expect(cisco.tlp).toEqual({ label: 'AMBER', documentLabel: null, url: null });
    const labelled = readCsaf(bytesOf('csaf-examples', 'bsi-2022-0001.json'), { defaultTlp: 'RED' });
    expect(labelled.tlp).toEqual({
      label: 'CLEAR',
      documentLabel: 'WHITE',
      url: 'https://www.first.org/tlp/',
    });
  });
});

describe('a medical advisory: ICSMA-18-037-02 (GE Healthcare)', () => {
  const file = corpus('advisories', 'csaf-medical', 'icsma-18-037-02.json');
  const a = readCsaf(readFileSync(file));

  it('has 32 products and 23 vulnerabilities', () => {
    // 32: countProductDefinitions over the raw file (and, before, a Python walk of its branches,
    // full_product_names and relationships); 23: the length of its `vulnerabilities` array.
    expect(countProductDefinitions(raw(file).product_tree)).toBe(32);
    expect(a.products).toHaveLength(32);
    expect(a.vulnerabilities).toHaveLength(23);
  });

  it('keeps the document metadata', () => {
    expect({
      trackingId: a.trackingId,
      version: a.version,
      status: a.status,
      initialReleaseDate: a.initialReleaseDate,
      currentReleaseDate: a.currentReleaseDate,
      revisions: a.revisionHistory.length,
      title: a.title,
      category: a.category,
      lang: a.lang,
      publisher: a.publisher,
      notes: a.notes.length,
      references: a.references.length,
    }).toEqual({
      trackingId: 'ICSMA-18-037-02',
      version: '2',
      status: 'final',
      initialReleaseDate: '2018-02-06T00:00:00.000000Z',
      currentReleaseDate: '2018-03-13T00:00:00.000000Z',
      revisions: 2,
      title: 'GE Medical Devices Vulnerability',
      category: 'csaf_security_advisory',
      lang: 'en-US',
      publisher: {
        name: 'CISA',
        category: 'coordinator',
        namespace: 'https://www.cisa.gov/',
        contactDetails: 'central@cisa.dhs.gov',
        issuingAuthority: null,
      },
      notes: 20,
      references: 10,
    });
    expect(a.summary).toBe(
      'Successful exploitation of this vulnerability may allow a remote attacker to bypass authentication and gain access to the affected devices.',
    );
  });

  it('flattens the product tree with the branch path', () => {
    expect(a.products[0]).toEqual({
      id: 'CSAFPID-0001',
      name: 'Optima 520: *',
      origin: 'branch',
      path: [
        { category: 'vendor', name: 'GE Healthcare' },
        { category: 'product_name', name: 'Optima 520' },
        { category: 'product_version_range', name: 'vers:all/*' },
      ],
      branch: { vendor: 'GE Healthcare', product_name: 'Optima 520', product_version_range: 'vers:all/*' },
      identification: {
        cpe: null,
        purl: null,
        modelNumbers: [],
        skus: [],
        serialNumbers: [],
        sbomUrls: [],
        hashes: [],
        genericUris: [],
      },
      relationship: null,
    });
    expect(a.products[4]?.branch.product_version_range).toBe('< 1.003');
  });

  it('reads the first vulnerability whole', () => {
    const v = a.vulnerabilities[0];
    const four = ['CSAFPID-0001', 'CSAFPID-0002', 'CSAFPID-0003', 'CSAFPID-0004'];
    expect(v?.cve).toBe('CVE-2010-5306');
    expect(v?.cwe).toEqual({ id: 'CWE-287', name: 'Improper Authentication' });
    expect(v?.scores).toEqual([
      {
        productIds: four,
        cvssV2: null,
        cvssV3: {
          version: '3.0',
          vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
          baseScore: 9.8,
          baseSeverity: 'CRITICAL',
        },
      },
    ]);
    expect(v?.productStatus.known_affected).toEqual(four);
    expect(v?.productStatus.fixed).toEqual([]);
    expect(v?.remediations.map((r) => [r.category, r.productIds, r.url])).toEqual([
      ['vendor_fix', ['CSAFPID-0004'], null],
      ['mitigation', four, 'http://www3.gehealthcare.com/en/support/security'],
    ]);
    expect(v?.notes).toEqual([
      {
        category: 'summary',
        text: 'GE Healthcare Optima CT680, CT540, CT640, and CT520 has a default password of #bigguy for the root user, which has unspecified impact and attack vectors.',
        title: 'Vulnerability Summary',
        audience: null,
      },
    ]);
  });

  it('totals: 35 known-affected entries, 46 remediations, 23 scores', () => {
    // Summed over the raw file's vulnerabilities with a Python script (the lengths of each
    // vulnerability's product_status.known_affected, remediations and scores).
    const sum = (f: (v: (typeof a.vulnerabilities)[number]) => number) =>
      a.vulnerabilities.reduce((n, v) => n + f(v), 0);
    expect(sum((v) => v.productStatus.known_affected.length)).toBe(35);
    expect(sum((v) => v.remediations.length)).toBe(46);
    expect(sum((v) => v.scores.length)).toBe(23);
  });
});

describe('a Red Hat advisory: RHSA-2022:0011 (telnet)', () => {
  const file = corpus('advisories', 'csaf-examples', 'rhsa-2022_0011.json');
  const a = readCsaf(readFileSync(file));

  it('has 25 products (10 in branches, 15 made by relationships) and 1 vulnerability', () => {
    // 25 by countProductDefinitions over the raw file; 15 = the length of `product_tree.relationships`.
    expect(countProductDefinitions(raw(file).product_tree)).toBe(25);
    expect(a.products.filter((p) => p.origin === 'branch')).toHaveLength(10);
    expect(a.products.filter((p) => p.origin === 'relationship')).toHaveLength(15);
    expect(a.vulnerabilities).toHaveLength(1);
  });

  it('resolves relationships and keeps CPEs', () => {
    const byId = new Map(a.products.map((p) => [p.id, p]));
    expect(byId.get('7Server-7.6.AUS:telnet-1:0.17-65.el7_6.src')?.relationship).toEqual({
      category: 'default_component_of',
      productId: 'telnet-1:0.17-65.el7_6.src',
      relatesToProductId: '7Server-7.6.AUS',
    });
    expect(byId.get('7Server-7.6.AUS')?.identification.cpe).toBe('cpe:/o:redhat:rhel_aus:7.6::server');
    expect(byId.get('telnet-1:0.17-65.el7_6.src')?.path).toEqual([
      { category: 'vendor', name: 'Red Hat' },
      { category: 'architecture', name: 'src' },
      { category: 'product_version', name: 'telnet-1:0.17-65.el7_6.src' },
    ]);
  });

  it('reads the vulnerability, its vendor id and the advisory severity', () => {
    const v = a.vulnerabilities[0];
    expect(v?.cve).toBe('CVE-2020-10188');
    expect(v?.ids).toEqual([
      { systemName: 'Red Hat Bugzilla', text: 'https://bugzilla.redhat.com/show_bug.cgi?id=1811673' },
    ]);
    expect(v?.productStatus.fixed).toHaveLength(15);
    expect(v?.productStatus.fixed.every((id) => id.startsWith('7Server-7.6.'))).toBe(true);
    expect(v?.threats).toEqual([
      {
        category: 'impact',
        details: 'Important',
        date: '2020-03-06T00:00:00Z',
        productIds: [],
        groupIds: [],
      },
    ]);
    expect(v?.discoveryDate).toBe('2020-03-06T00:00:00Z');
    expect(a.aggregateSeverity).toEqual({
      text: 'Important',
      namespace: 'https://access.redhat.com/security/updates/classification/',
    });
    expect(a.distributionText).toBe('Copyright © 2022 Red Hat, Inc. All rights reserved.');
    expect(a.publisher.name).toBe('Red Hat Product Security');
  });
});

describe('other corpus files', () => {
  it('Cisco: 259 products, a semantic version, no TLP', () => {
    const file = corpus('advisories', 'csaf-examples', 'cisco-sa-20180328-smi2.json');
    const a = readCsaf(readFileSync(file));
    expect(countProductDefinitions(raw(file).product_tree)).toBe(259);
    expect(a.products).toHaveLength(259);
    expect(a.version).toBe('3.0.0');
    expect(a.category).toBe('Cisco Security Advisory');
    expect(a.vulnerabilities[0]?.ids.map((i) => i.systemName)).toEqual(['Cisco Bug ID']);
  });

  it('VEX: a not-affected statement', () => {
    const a = readCsaf(bytesOf('csaf-examples', 'vex', '2022-evd-uc-01-na-001.json'));
    expect(a.category).toBe('csaf_vex');
    expect(a.products.map((p) => [p.id, p.name, p.branch])).toEqual([
      [
        'CSAFPID-0001',
        'Example Company ABC 4.2',
        { vendor: 'Example Company', product_name: 'ABC', product_version: '4.2' },
      ],
    ]);
    expect(a.vulnerabilities[0]?.productStatus.known_not_affected).toEqual(['CSAFPID-0001']);
    expect(a.vulnerabilities[0]?.threats[0]?.productIds).toEqual(['CSAFPID-0001']);
  });
});
