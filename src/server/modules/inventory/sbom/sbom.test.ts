import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { translate } from '../../../lib/messages.js';
import {
  type ReadCycloneDxOptions,
  readCycloneDx,
  readCycloneDxAll,
  type SbomComponent,
  type SbomDependency,
  SbomError,
  type SbomEvent,
  type SbomHeader,
  toInventoryComponent,
} from './index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const sbomCorpus = (name: string) => corpus('sbom', name);
const fixture = (name: string) => join(repo, 'test/fixtures/sbom', name);

interface Read {
  events: SbomEvent[];
  bom: SbomHeader;
  end: Extract<SbomEvent, { kind: 'end' }>;
  components: SbomComponent[];
  dependencies: SbomDependency[];
  byName: (name: string) => SbomComponent;
  byRef: (ref: string) => SbomComponent | undefined;
}

async function read(path: string, opts: ReadCycloneDxOptions = {}): Promise<Read> {
  const events = await readCycloneDxAll(createReadStream(path, { highWaterMark: 4096 }), opts);
  const first = events[0];
  const last = events[events.length - 1];
  if (first?.kind !== 'bom' || last?.kind !== 'end') throw new Error('bom first and end last');
  const components = events.flatMap((e) => (e.kind === 'component' ? [e.component] : []));
  return {
    events,
    bom: first.bom,
    end: last,
    components,
    dependencies: events.flatMap((e) => (e.kind === 'dependency' ? [e.dependency] : [])),
    byName: (name) => {
      const found = components.filter((c) => c.name === name);
      if (found.length !== 1) throw new Error(`${found.length} components named ${name}`);
      return found[0] as SbomComponent;
    },
    byRef: (ref) => components.find((c) => c.bomRef === ref),
  };
}

/** The SbomError reading `path` throws (fails the test when it reads without one). */
async function refusal(input: string | AsyncIterable<Uint8Array | string>, opts?: ReadCycloneDxOptions) {
  const source = typeof input === 'string' ? createReadStream(input) : input;
  try {
    await readCycloneDxAll(source, opts);
  } catch (error) {
    if (error instanceof SbomError) return error;
    throw error;
  }
  throw new Error('the file was read without an error');
}

describe('CycloneDX corpus (../shared/corpora/sbom)', () => {
  it('reads dropwizard (JSON 1.2): 167 components, 167 dependency entries', async () => {
    // Counted in the file: `jq '.components | length'` = 167, and
    // `jq '[paths(objects) | select(.[-2]=="components")] | length'` = 167 (no nested components);
    // `jq '[.. | objects | select(has("bom-ref") and has("name") and has("type"))] | length'` = 168,
    // the one more being metadata.component, the subject. `jq '.dependencies | length'` = 167.
    const r = await read(sbomCorpus('dropwizard-1.3.15.cdx.json'));
    expect(r.components).toHaveLength(167);
    expect(r.dependencies).toHaveLength(167);
    expect(r.end).toMatchObject({ components: 167, dependencies: 167, issues: 0 });
    expect(r.bom).toMatchObject({
      format: 'json',
      specVersion: '1.2',
      serialNumber: 'urn:uuid:b4f2954f-a96d-4578-9509-1ae2d6476209',
      bomVersion: 1,
      timestamp: '2020-08-02T21:27:04Z',
    });
    expect(r.bom.subject).toMatchObject({
      name: 'dropwizard-parent',
      version: '1.3.15',
      group: 'io.dropwizard',
    });

    const jetty = r.byName('jetty-server');
    expect(jetty).toMatchObject({
      bomRef: 'pkg:maven/org.eclipse.jetty/jetty-server@9.4.18.v20190429?type=jar',
      type: 'library',
      group: 'org.eclipse.jetty',
      version: '9.4.18.v20190429',
      vendor: 'Webtide',
      vendorSource: 'publisher',
      purl: 'pkg:maven/org.eclipse.jetty/jetty-server@9.4.18.v20190429?type=jar',
      cpe: null,
      licenses: [{ id: 'Apache-2.0' }, { id: 'EPL-1.0' }],
      parentRef: null,
      depth: 0,
      location: { path: 'components[38]', line: null, column: null },
      issues: [],
    });
    expect(jetty.hashes).toHaveLength(8);
    expect(jetty.hashes).toContainEqual({
      alg: 'SHA-256',
      content: '2737c60b231e804082cdb68f1118a1aa179c8f92d50345c7444d96391ac005ce',
    });
    // A license given by name only keeps its name.
    expect(r.byName('logback-classic').licenses).toEqual([
      { id: 'EPL-1.0' },
      { name: 'GNU Lesser General Public License' },
    ]);
    // No supplier, publisher or author: the group names the vendor (the last rule of the precedence).
    expect(r.byName('dropwizard-core')).toMatchObject({ vendor: 'io.dropwizard', vendorSource: 'group' });
    expect(r.dependencies[0]).toEqual({
      ref: 'pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.9.10?type=jar',
      dependsOn: [],
      provides: [],
      location: { path: 'dependencies[0]', line: null, column: null },
    });
  });

  it('reads laravel (JSON 1.4): 62 components, 63 dependency entries', async () => {
    // `jq '.components | length'` = 62 (none nested: the paths(objects) count above is also 62;
    // the bom-ref/name/type count is 63 with the subject). `jq '.dependencies | length'` = 63.
    const r = await read(sbomCorpus('laravel-7.12.0.cdx.json'));
    expect(r.components).toHaveLength(62);
    expect(r.dependencies).toHaveLength(63);
    expect(r.bom).toMatchObject({ format: 'json', specVersion: '1.4', serialNumber: null });
    expect(r.bom.subject).toMatchObject({
      bomRef: 'cyclonedx/cyclonedx-php-composer-demo-dev-master',
      name: 'cyclonedx-php-composer-demo',
      version: 'dev-master',
    });
    expect(r.byName('framework')).toMatchObject({
      bomRef: 'laravel/framework-7.30.6.0',
      group: 'laravel',
      version: 'v7.30.6',
      vendor: 'Taylor Otwell',
      vendorSource: 'author',
      author: 'Taylor Otwell',
      purl: 'pkg:composer/laravel/framework@v7.30.6',
      licenses: [{ id: 'MIT' }],
    });
    // `jq '.dependencies[] | select(.ref=="laravel/framework-7.30.6.0") | .dependsOn | length'` = 25
    const framework = r.dependencies.find((d) => d.ref === 'laravel/framework-7.30.6.0');
    expect(framework?.dependsOn).toHaveLength(25);
    expect(
      r.dependencies.find((d) => d.ref === 'cyclonedx/cyclonedx-php-composer-demo-dev-master'),
    ).toMatchObject({ dependsOn: ['laravel/laravel-7.12.0.0'] });
    expect(r.end.issues).toBe(0);
  });

  it('reads cern-lhc-vdm-editor (XML 1.2): 43 components, no dependencies', async () => {
    // `grep -c '<component ' cern-lhc-vdm-editor.cdx.xml` = 44, one of them metadata's subject
    // (`sed -n '/<components>/,/<\/components>/p' … | grep -c '<component '` = 43);
    // `grep -c '<dependency'` = 0.
    const r = await read(sbomCorpus('cern-lhc-vdm-editor.cdx.xml'));
    expect(r.components).toHaveLength(43);
    expect(r.dependencies).toHaveLength(0);
    expect(r.bom).toMatchObject({
      format: 'xml',
      specVersion: '1.2',
      serialNumber: 'urn:uuid:591eb851-2646-4d52-aa40-ac8b35a2b2d7',
      bomVersion: 1,
      timestamp: '2020-08-03T01:28:47.678Z',
    });
    expect(r.bom.subject).toMatchObject({
      name: 'lhc-vdm-editor',
      version: '0.0.1',
      licenses: [{ id: 'Apache-2.0' }],
    });
    // Line 65 of the file: <component type="library" bom-ref="pkg:npm/debug@4.1.1"> (three
    // versions of debug are listed).
    expect(r.components.filter((c) => c.name === 'debug').map((c) => c.version)).toHaveLength(3);
    expect(r.byRef('pkg:npm/debug@4.1.1')).toMatchObject({
      bomRef: 'pkg:npm/debug@4.1.1',
      type: 'library',
      version: '4.1.1',
      vendor: null,
      vendorSource: null,
      purl: 'pkg:npm/debug@4.1.1',
      hashes: [
        {
          alg: 'SHA-512',
          content:
            'a58008cde468f09e8a3c4689d1558e8793f391bc3f45eb6ecde84633b411457e617b87cf1f1dab74a301db9e9e8490a45fe5d1426d7a7992ea2cd4bc45265767',
        },
      ],
      licenses: [{ id: 'MIT' }],
      location: { path: 'components[1]', line: 65, column: 9 },
    });
  });
});

describe('CycloneDX 1.5 and 1.6 fixtures (test/fixtures/sbom)', () => {
  /** The 1.5 workstation, the same in JSON and XML. */
  function expect15(r: Read, format: 'json' | 'xml') {
    // 8 components: os-debian, dcmtk, openssl, radview-viewer with pydicom and numpy (numpy with
    // openblas), libjpeg-turbo. Not components of the BOM: the subject, the tool in
    // metadata.tools and openssl's pedigree ancestor. JSON: `jq '[paths(objects) |
    // select(.[-2]=="components") | select(index("tools")|not)] | length'` = 8 (the bom-ref/name/type
    // count is 10: + subject + ancestor). XML: 9 `<component ` lines within the top-level
    // <components>, one of them inside <pedigree>.
    expect(r.components.map((c) => c.bomRef)).toEqual([
      'os-debian',
      'dcmtk',
      'openssl',
      'radview-viewer',
      'pkg:pypi/pydicom@2.4.4',
      'pkg:pypi/numpy@1.26.4',
      'openblas',
      'libjpeg-turbo',
    ]);
    expect(r.bom).toMatchObject({
      format,
      specVersion: '1.5',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      bomVersion: 3,
      timestamp: '2026-10-01T08:30:00Z',
    });
    expect(r.bom.subject).toMatchObject({
      bomRef: 'radview-ws',
      type: 'device',
      name: 'RadView Workstation',
      version: '4.2',
      vendor: 'Nordlys Medical A/S',
      vendorSource: 'supplier',
    });
    expect(r.byName('debian')).toMatchObject({
      type: 'operating-system',
      vendor: 'Debian',
      cpe: 'cpe:2.3:o:debian:debian_linux:12.5:*:*:*:*:*:*:*',
      purl: null,
    });
    expect(r.byName('dcmtk')).toMatchObject({
      vendor: 'OFFIS e.V.',
      vendorSource: 'publisher',
      cpe: 'cpe:2.3:a:offis:dcmtk:3.6.8:*:*:*:*:*:*:*',
      purl: 'pkg:generic/dcmtk@3.6.8?download_url=https://dicom.offis.de/download/dcmtk/dcmtk368/dcmtk-3.6.8.tar.gz',
      hashes: [
        { alg: 'SHA-256', content: '232076655503138a4b4e7d7e6f19a35a6d9b0e7a6c5c2b1f7b7e2a4f2c1d0e9f' },
      ],
      licenses: [{ id: 'BSD-3-Clause' }],
    });
    // The supplier (a distributor here) comes before the author in the precedence.
    expect(r.byName('openssl')).toMatchObject({
      version: '3.0.13-1~deb12u1',
      vendor: 'Debian',
      vendorSource: 'supplier',
      author: 'OpenSSL Software Foundation',
      purl: 'pkg:deb/debian/openssl@3.0.13-1~deb12u1?arch=amd64&distro=debian-12',
    });
    expect(r.byName('radview-viewer')).toMatchObject({
      group: 'dk.nordlys',
      licenses: [{ name: 'Nordlys Medical proprietary licence' }],
      parentRef: null,
      depth: 0,
    });
    expect(r.byName('pydicom')).toMatchObject({
      parentRef: 'radview-viewer',
      depth: 1,
      vendorSource: 'author',
    });
    expect(r.byName('numpy')).toMatchObject({ parentRef: 'radview-viewer', depth: 1, vendor: null });
    expect(r.byName('openblas')).toMatchObject({ parentRef: 'pkg:pypi/numpy@1.26.4', depth: 2 });
    expect(r.byName('libjpeg62-turbo').licenses).toEqual([{ expression: 'IJG AND BSD-3-Clause AND Zlib' }]);
    expect(r.dependencies.map((d) => [d.ref, d.dependsOn])).toEqual([
      ['radview-ws', ['os-debian', 'radview-viewer']],
      [
        'radview-viewer',
        ['dcmtk', 'openssl', 'pkg:pypi/pydicom@2.4.4', 'pkg:pypi/numpy@1.26.4', 'libjpeg-turbo'],
      ],
      ['dcmtk', ['openssl', 'libjpeg-turbo']],
      ['pkg:pypi/numpy@1.26.4', ['openblas']],
      ['os-debian', []],
    ]);
    expect(r.end).toMatchObject({ components: 8, dependencies: 5, issues: 0 });
  }

  it('reads the 1.5 workstation as JSON', async () => {
    const r = await read(fixture('workstation-1.5.cdx.json'));
    expect15(r, 'json');
    expect(r.byName('openblas').location).toEqual({
      path: 'components[3].components[1].components[0]',
      line: null,
      column: null,
    });
  });

  it('reads the 1.5 workstation as XML, with lines', async () => {
    const r = await read(fixture('workstation-1.5.cdx.xml'));
    expect15(r, 'xml');
    // <component type="library" bom-ref="openblas"> is line 122, indented 12 spaces.
    expect(r.byName('openblas').location).toEqual({
      path: 'components[3].components[1].components[0]',
      line: 122,
      column: 13,
    });
  });

  /** The 1.6 workstation, the same in JSON and XML. */
  function expect16(r: Read, format: 'json' | 'xml') {
    // 8 components: the GPU firmware nested in the subject, then os-debian, dcmtk, openssl, the
    // TLS 1.3 cryptographic asset, radview-viewer with pydicom and @cornerstonejs/core.
    // JSON: `jq '[paths(objects) | select(.[-2]=="components") | select(index("tools")|not)] |
    // length'` = 8. XML: 7 `<component ` lines within the top-level <components> and 1 within
    // metadata's component (`grep -c '<component '` = 10 with the subject and the tool).
    expect(r.components.map((c) => c.bomRef)).toEqual([
      'gpu-firmware',
      'os-debian',
      'dcmtk',
      'openssl',
      'crypto-tls13',
      'radview-viewer',
      'pkg:pypi/pydicom@2.4.4',
      'pkg:npm/%40cornerstonejs/core@1.86.0',
    ]);
    expect(r.bom).toMatchObject({
      format,
      specVersion: '1.6',
      bomVersion: 1,
      timestamp: '2026-11-02T14:05:00Z',
    });
    expect(r.bom.subject).toMatchObject({
      bomRef: 'radview-ws',
      name: 'RadView Workstation',
      version: '4.3',
      vendor: 'Nordlys Medical A/S',
      vendorSource: 'manufacturer',
    });
    expect(r.byName('RTX A2000 VBIOS')).toMatchObject({
      type: 'firmware',
      parentRef: 'radview-ws',
      depth: 0,
      vendor: 'NVIDIA Corporation',
    });
    // manufacturer (1.6) wins over supplier; authors (1.6) are read, the first by name.
    expect(r.byName('dcmtk')).toMatchObject({
      vendor: 'OFFIS e.V.',
      vendorSource: 'manufacturer',
      manufacturer: 'OFFIS e.V.',
      supplier: 'Nordlys Medical A/S',
      author: 'Marco Eichelberg',
      licenses: [{ id: 'BSD-3-Clause' }],
    });
    expect(r.byName('dcmtk').hashes.map((h) => h.alg)).toEqual(['SHA-256', 'SHA-512']);
    expect(r.byName('TLSv1.3')).toMatchObject({ type: 'cryptographic-asset', purl: null, issues: [] });
    expect(r.byName('pydicom')).toMatchObject({ vendor: 'Darcy Mason', vendorSource: 'authors' });
    expect(r.byName('core')).toMatchObject({
      group: '@cornerstonejs',
      vendor: '@cornerstonejs',
      vendorSource: 'group',
      parentRef: 'radview-viewer',
      purl: 'pkg:npm/%40cornerstonejs/core@1.86.0',
    });
    expect(r.dependencies.map((d) => [d.ref, d.dependsOn, d.provides])).toEqual([
      ['radview-ws', ['os-debian', 'radview-viewer', 'gpu-firmware'], []],
      [
        'radview-viewer',
        ['dcmtk', 'openssl', 'pkg:pypi/pydicom@2.4.4', 'pkg:npm/%40cornerstonejs/core@1.86.0'],
        [],
      ],
      ['dcmtk', ['openssl'], []],
      ['openssl', [], ['crypto-tls13']],
    ]);
    expect(r.end).toMatchObject({ components: 8, dependencies: 4, issues: 0 });
  }

  it('reads the 1.6 workstation as JSON', async () => {
    expect16(await read(fixture('workstation-1.6.cdx.json')), 'json');
  });

  it('reads the 1.6 workstation as XML', async () => {
    expect16(await read(fixture('workstation-1.6.cdx.xml')), 'xml');
  });

  it('maps components onto inventory columns', async () => {
    const r = await read(fixture('workstation-1.6.cdx.json'));
    expect(toInventoryComponent(r.byName('core'))).toEqual({
      ref: 'pkg:npm/%40cornerstonejs/core@1.86.0',
      vendor: '@cornerstonejs',
      product: 'core',
      version: '1.86.0',
      model_number: null,
      cpe: null,
      purl: 'pkg:npm/%40cornerstonejs/core@1.86.0',
    });
    expect(toInventoryComponent(r.byName('openssl'))).toEqual({
      ref: 'openssl',
      vendor: 'Debian',
      product: 'openssl',
      version: '3.0.14-1~deb12u2',
      model_number: null,
      cpe: 'cpe:2.3:a:openssl:openssl:3.0.14:*:*:*:*:*:*:*',
      purl: 'pkg:deb/debian/openssl@3.0.14-1~deb12u2?arch=amd64&distro=debian-12',
    });
  });

  it('ends the input when the consumer stops early or the file is refused', async () => {
    const early = createReadStream(sbomCorpus('dropwizard-1.3.15.cdx.json'), { highWaterMark: 1024 });
    for await (const event of readCycloneDx(early)) if (event.kind === 'component') break;
    expect(early.destroyed).toBe(true);
    const refused = createReadStream(fixture('hostile/xxe.cdx.xml'));
    await refusal(refused);
    expect(refused.destroyed).toBe(true);
  });

  it('reads the same events whatever the chunk size, down to one byte at a time', async () => {
    for (const name of ['workstation-1.6.cdx.xml', 'workstation-1.6.cdx.json']) {
      const whole = await readCycloneDxAll(Readable.from([await readFile(fixture(name))]));
      const bytewise = await readCycloneDxAll(createReadStream(fixture(name), { highWaterMark: 1 }));
      expect(bytewise).toEqual(whole);
      expect(whole.filter((e) => e.kind === 'component')).toHaveLength(8);
    }
  });
});

describe('refused files', () => {
  it('refuses an XXE DOCTYPE at its line, without reading the entity', async () => {
    const error = await refusal(fixture('hostile/xxe.cdx.xml'));
    expect(error.code).toBe('sbom.xml_doctype');
    expect(error.location).toEqual({ path: '', line: 2, column: 1 });
    expect(error.message).toContain('document type declaration (DOCTYPE) at 2:1');
    expect(error.message).not.toContain('root:');
  });

  it('refuses a billion-laughs DOCTYPE quickly', async () => {
    const started = Date.now();
    const error = await refusal(fixture('hostile/billion-laughs.cdx.xml'));
    expect(error.code).toBe('sbom.xml_doctype');
    expect(error.location.line).toBe(3);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses an entity reference that no DOCTYPE declares', async () => {
    const error = await refusal(fixture('hostile/undeclared-entity.cdx.xml'));
    expect(error.code).toBe('sbom.xml_syntax');
    expect(error.params.detail).toMatch(/undefined entity/i);
    expect(error.location.line).toBe(5);
  });

  it('refuses a root element outside the CycloneDX namespace', async () => {
    const error = await refusal(fixture('hostile/wrong-namespace.cdx.xml'));
    expect(error.code).toBe('sbom.not_cyclonedx');
    expect(error.params.detail).toContain('"http://cyclonedx.org/schema/bom"');
    expect(error.location).toEqual({ path: '', line: 2, column: 1 });
  });

  it('refuses CycloneDX 1.7, naming the version (XML and JSON)', async () => {
    const xml = await refusal(fixture('hostile/spec-1.7.cdx.xml'));
    expect(xml.code).toBe('sbom.spec_version_unsupported');
    expect(xml.params.version).toBe('1.7');
    expect(xml.location.line).toBe(2);
    const json = await refusal(fixture('hostile/spec-1.7.cdx.json'));
    expect(json.code).toBe('sbom.spec_version_unsupported');
    expect(json.location.path).toBe('specVersion');
    expect(json.message).toBe(
      'CycloneDX version 1.7 is not supported; versions 1.2 to 1.6 are read (specVersion).',
    );
    expect(translate(json.code, 'da', json.params)).toBe(
      'CycloneDX version 1.7 understøttes ikke; version 1.2 til 1.6 kan læses (specVersion).',
    );
  });

  it('accepts every version from 1.2 to 1.6 in both formats, and refuses 1.1', async () => {
    const json = (v: string) =>
      `{"bomFormat":"CycloneDX","specVersion":"${v}","components":[{"type":"library","name":"x"}]}`;
    const xml = (v: string) =>
      `<bom xmlns="http://cyclonedx.org/schema/bom/${v}"><components><component type="library"><name>x</name></component></components></bom>`;
    for (const v of ['1.2', '1.3', '1.4', '1.5', '1.6']) {
      for (const text of [json(v), xml(v)]) {
        const events = await readCycloneDxAll(Readable.from([text]));
        expect(events[0]).toMatchObject({ kind: 'bom', bom: { specVersion: v } });
        expect(events.filter((e) => e.kind === 'component')).toHaveLength(1);
      }
    }
    for (const text of [json('1.1'), xml('1.1')]) {
      const error = await refusal(Readable.from([text]));
      expect(error.code).toBe('sbom.spec_version_unsupported');
      expect(error.params.version).toBe('1.1');
    }
  });

  it('refuses JSON that is not CycloneDX (an SPDX document)', async () => {
    const error = await refusal(fixture('hostile/spdx.json'));
    expect(error.code).toBe('sbom.not_cyclonedx');
    expect(error.params.detail).toBe('bomFormat is missing');
  });

  it('refuses truncated JSON, naming the path where it stops', async () => {
    const error = await refusal(fixture('hostile/truncated.cdx.json'));
    expect(error.code).toBe('sbom.json_syntax');
    expect(error.location.path).toBe('components[1].hashes[0].alg');
  });

  it('reports every invalid purl with its location (JSON paths)', async () => {
    const r = await read(fixture('hostile/invalid-purl.cdx.json'));
    expect(r.end.issues).toBe(2);
    const issues = r.components.flatMap((c) => c.issues);
    expect(issues.map((i) => [i.code, i.location.path, i.params.purl])).toEqual([
      ['sbom.purl_invalid', 'components[1].purl', 'pkg:maven/commons-io@2.11.0'],
      ['sbom.purl_invalid', 'components[2].components[0].purl', 'pypi/pydicom@2.4.4'],
    ]);
    expect(issues[0]?.params.detail).toMatch(/namespace/);
    expect(r.byName('commons-io').purl).toBeNull();
    expect(r.byName('dcmtk').issues).toEqual([]);
    expect(translate('sbom.purl_invalid', 'en', issues[0]?.params ?? {})).toContain(
      'The package URL "pkg:maven/commons-io@2.11.0" at components[1].purl is not valid',
    );
  });

  it('reports an invalid purl in XML with its line and column', async () => {
    const r = await read(fixture('hostile/invalid-purl.cdx.xml'));
    const [problem, ...rest] = r.components.flatMap((c) => c.issues);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({
      code: 'sbom.purl_invalid',
      location: { path: 'components[1].purl', line: 12, column: 7 },
      params: { purl: 'pkg:maven/commons-io@2.11.0', where: '12:7 components[1].purl' },
    });
  });

  it('refuses UTF-16 with a byte-order mark (JSON) and without one (XML)', async () => {
    expect((await refusal(fixture('hostile/utf16le-bom.cdx.json'))).code).toBe('sbom.encoding_utf16');
    expect((await refusal(fixture('hostile/utf16be.cdx.xml'))).code).toBe('sbom.encoding_utf16');
  });

  it('refuses Latin-1 bytes, naming the line, and a declared encoding other than UTF-8', async () => {
    const bytes = await refusal(fixture('hostile/latin1.cdx.xml'));
    expect(bytes.code).toBe('sbom.encoding_invalid');
    expect(bytes.location.line).toBe(5);
    const declared = await refusal(fixture('hostile/declared-latin1.cdx.xml'));
    expect(declared.code).toBe('sbom.encoding_declared');
    expect(declared.params.encoding).toBe('ISO-8859-1');
  });

  it('refuses a file that is neither JSON nor XML, and an empty one', async () => {
    expect((await refusal(Readable.from(['\n\nbomFormat: CycloneDX\n']))).location.line).toBe(3);
    expect((await refusal(Readable.from(['  \n ']))).code).toBe('sbom.empty');
  });

  it('enforces the limits given in the options', async () => {
    const many = await refusal(createReadStream(sbomCorpus('laravel-7.12.0.cdx.json')), {
      maxComponents: 10,
    });
    expect(many.code).toBe('sbom.too_many_components');
    expect(many.location.path).toBe('components[10]');
    const big = await refusal(createReadStream(sbomCorpus('laravel-7.12.0.cdx.json')), { maxBytes: 100_000 });
    expect(big.code).toBe('sbom.too_large');
    const slow = await refusal(createReadStream(sbomCorpus('dropwizard-1.3.15.cdx.json')), {
      maxMillis: 0.001,
    });
    expect(slow.code).toBe('sbom.too_slow');
    const deep = `{"bomFormat":"CycloneDX","specVersion":"1.5","x":${'['.repeat(200)}${']'.repeat(200)}}`;
    const tooDeep = await refusal(Readable.from([deep]));
    expect(tooDeep.code).toBe('sbom.too_deep');
    const long = `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"${'x'.repeat(100)}"}]}`;
    const r = await readCycloneDxAll(Readable.from([long]), { maxStringLength: 50 });
    const component = r.find((e) => e.kind === 'component');
    expect(component?.kind === 'component' && component.component.issues[0]).toMatchObject({
      code: 'sbom.value_too_long',
      location: { path: 'components[0].name' },
    });
  });

  it('holds components until bomFormat and specVersion are known, and refuses a file without them', async () => {
    const late = '{"components":[{"type":"library","name":"a"}],"specVersion":"1.4","bomFormat":"CycloneDX"}';
    const events = await readCycloneDxAll(Readable.from([late]));
    expect(events.map((e) => e.kind)).toEqual(['bom', 'component', 'end']);
    const missing = await refusal(Readable.from(['{"bomFormat":"CycloneDX","components":[]}']));
    expect(missing.code).toBe('sbom.spec_version_missing');
  });
});

describe('memory', () => {
  it('streams a generated 50 MB JSON SBOM with bounded heap', { timeout: 60_000 }, async () => {
    const { mkdtemp, rm, stat } = await import('node:fs/promises');
    const { createWriteStream } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'vaern-sbom-'));
    const path = join(dir, 'large.cdx.json');
    try {
      // ~430 bytes per component: 125,000 components make a file of about 53 MB.
      const count = 125_000;
      const out = createWriteStream(path);
      const write = (s: string) =>
        out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
      await write('{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[');
      for (let i = 0; i < count; i++) {
        const hex = i.toString(16).padStart(64, '0');
        await write(
          `${i === 0 ? '' : ','}{"bom-ref":"c${i}","type":"library","group":"org.example.generated","name":"lib-${i}","version":"1.${i}.0","publisher":"Example Corp","purl":"pkg:maven/org.example.generated/lib-${i}@1.${i}.0","hashes":[{"alg":"SHA-256","content":"${hex}"}],"licenses":[{"license":{"id":"Apache-2.0"}}],"description":"A generated library to test that the reader streams its input"}`,
        );
      }
      await write('],"dependencies":[');
      for (let i = 1; i < 1000; i++)
        await write(`${i === 1 ? '' : ','}{"ref":"c${i}","dependsOn":["c${i - 1}"]}`);
      await write(']}');
      await new Promise<void>((r) => out.end(() => r()));
      expect((await stat(path)).size).toBeGreaterThan(50 * 1024 * 1024);

      global.gc?.();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      let components = 0;
      let dependencies = 0;
      const started = Date.now();
      for await (const event of readCycloneDx(createReadStream(path), { maxComponents: count })) {
        if (event.kind === 'component') {
          components++;
          if (components % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
        } else if (event.kind === 'dependency') dependencies++;
      }
      const seconds = (Date.now() - started) / 1000;
      expect(components).toBe(count);
      expect(dependencies).toBe(999);
      expect(peak - before).toBeLessThan(64 * 1024 * 1024);
      // Memory is the property under test; the time is reported, not asserted (speed targets live
      // in benchmarks, and a loaded CI machine is slow).
      console.info(`CycloneDX reader: ${count} components from a 50 MB file in ${seconds.toFixed(1)} s`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** `bytes` split into chunks of the given sizes (cycled), as a reader receives them. */
function chunked(bytes: Buffer, sizes: number[]): AsyncIterable<Uint8Array> {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return Readable.from(chunks);
}

describe('properties (fast-check)', () => {
  /** Text that survives both formats unchanged: no surrounding spaces, no control characters. */
  const value = fc
    .string({
      unit: fc.constantFrom(
        'a',
        'Z',
        '0',
        'æ',
        'ø',
        'Å',
        '😀',
        '&',
        '<',
        '>',
        '"',
        "'",
        ' ',
        '-',
        '.',
        '/',
        '\\',
      ),
      minLength: 1,
      maxLength: 12,
    })
    .filter((s) => s.trim() === s && s !== '');
  const components = fc.array(fc.record({ name: value, version: value }), { maxLength: 15 });
  const sizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 });
  const xmlText = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

  it('reads back any names and versions, in JSON and XML, however the bytes are split', async () => {
    await fc.assert(
      fc.asyncProperty(components, sizes, async (list, split) => {
        const json = JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion: '1.6',
          components: list.map((c, i) => ({ 'bom-ref': `c${i}`, type: 'library', ...c })),
        });
        const xml = `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>${list
          .map(
            (c, i) =>
              `<component type="library" bom-ref="c${i}"><name>${xmlText(c.name)}</name><version>${xmlText(c.version)}</version></component>`,
          )
          .join('')}</components></bom>`;
        for (const text of [json, xml]) {
          const events = await readCycloneDxAll(chunked(Buffer.from(text), split));
          const read = events.flatMap((e) =>
            e.kind === 'component' ? [{ name: e.component.name, version: e.component.version }] : [],
          );
          expect(read).toEqual(list);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('either reads or refuses with an SbomError, never anything else, whatever the bytes', async () => {
    const bom15 = '<bom xmlns="http://cyclonedx.org/schema/bom/1.5">';
    const head = '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[';
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.string({ maxLength: 300 }).map((s) => Buffer.from(`{${s}`)),
      fc.string({ maxLength: 300 }).map((s) => Buffer.from(`${head}${s}`)),
      fc.string({ maxLength: 300 }).map((s) => Buffer.from(`${bom15}${s}`)),
      fc.json().map((j) => Buffer.from(`${head}${j}]}`)),
    );
    await fc.assert(
      fc.asyncProperty(input, sizes, async (bytes, split) => {
        try {
          const events = await readCycloneDxAll(chunked(bytes, split));
          expect(events[events.length - 1]?.kind).toBe('end');
        } catch (error) {
          if (!(error instanceof SbomError)) throw error;
          expect(error.message).not.toMatch(/^sbom\./); // a translated message, not a bare key
        }
      }),
      { numRuns: 400 },
    );
  });
});
