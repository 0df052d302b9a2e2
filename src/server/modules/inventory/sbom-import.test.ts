import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCliEmbedded, describeCliOnPostgres, type Env, runCli } from '../../../../test/cli/cli.js';
import { corpus } from '../../../../test/corpora.js';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { type FinishedImport, uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { componentIdentity, componentKey } from './sbom-import.js';

/** `sbom` imports (docs/sbom.md): CycloneDX SBOMs as the components of one system. */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const sbomCorpus = (name: string) => corpus('sbom', name);
const fixture = (name: string) => path.join(repo, 'test/fixtures/sbom', name);

interface Summary extends FinishedImport {
  import_id: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  removed?: number;
  errors: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const typeOf = (name: string) => (name.endsWith('.xml') ? 'application/xml' : 'application/json');

describe('component keys', () => {
  it('fit the key rules, keep a readable prefix and tell systems and identities apart', () => {
    const purl = 'pkg:maven/org.eclipse.jetty/jetty-server@9.4.18.v20190429?type=jar';
    const key = componentKey('DW', purl);
    expect(key).toMatch(
      /^DW:pkg:maven:org\.eclipse\.jetty:jetty-server@9\.4\.18\.v20190429\?type=jar~[0-9a-f]{16}$/,
    );
    expect(componentKey('DW', purl)).toBe(key);
    expect(componentKey('DW2', purl)).not.toBe(key);
    // "/" and ":" read alike in the prefix; the digest of the exact identity keeps them apart.
    expect(componentKey('S', 'a/b')).not.toBe(componentKey('S', 'a:b'));
    const long = componentKey('S'.repeat(100), `pkg:npm/${'x'.repeat(500)}@1\u0001`);
    expect([...long]).toHaveLength(100);
    expect(long).not.toMatch(/[/\p{Cc}]/u);
    const emoji = componentKey('S', '😀'.repeat(200));
    expect([...emoji]).toHaveLength(100);
    expect(emoji.startsWith(`S:${'😀'.repeat(81)}~`)).toBe(true);
  });

  it('identify a component by purl, else bom-ref, else group/name@version', () => {
    const c = { purl: 'pkg:npm/a@1', bomRef: 'ref', group: 'g', name: 'n', version: '1' };
    expect(componentIdentity(c)).toBe('pkg:npm/a@1');
    expect(componentIdentity({ ...c, purl: null })).toBe('ref');
    expect(componentIdentity({ ...c, purl: null, bomRef: null })).toBe('g/n@1');
    expect(componentIdentity({ purl: null, bomRef: null, group: null, name: 'n', version: null })).toBe('n');
  });
});

describe.each(engines())('sbom import on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let other: OrgFixture;
  let officer: string;

  async function start(body: Buffer | string, query: string, type: string, auth = officer) {
    return t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/imports/sbom?name=bom${query}`,
      headers: { authorization: auth, 'content-type': type },
      payload: body,
    });
  }

  const runSbom = (body: Buffer | string, system: string, type = 'application/json') =>
    uploadImport<Summary>(t, org, officer, {
      kind: 'sbom',
      query: `name=bom&system=${encodeURIComponent(system)}`,
      contentType: type,
      body,
    });

  const importFile = (name: string, system: string) => runSbom(readFileSync(name), system, typeOf(name));

  /**
   * The components of a system by source, pending ones included (as the operator), and staged rows.
   * The framework deletes an applied import's staged rows just after the switch, so this waits up
   * to two seconds for them to go.
   */
  async function stored(system: string, o: OrgFixture = org) {
    for (let i = 0; ; i++) {
      const found = await storedNow(system, o);
      if (found.staged === 0 || i >= 80) return found;
      await sleep(25);
    }
  }

  async function storedNow(system: string, o: OrgFixture) {
    return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const r = await sql<{ source: string; n: number }>`
        select c.source, count(*)::int as n from inventory_components c
        join inventory_systems s on s.org_id = c.org_id and s.id = c.system_id
        where c.org_id = ${o.id} and s.key = ${system} group by c.source`.execute(tx.q);
      const staged = await sql<{ n: number }>`
        select count(*)::int as n from import_rows where org_id = ${o.id}`.execute(tx.q);
      const by = Object.fromEntries(r.rows.map((x) => [x.source, x.n]));
      return { sbom: by.sbom ?? 0, register: by.register ?? 0, staged: staged.rows[0]?.n ?? 0 };
    });
  }

  async function createSystem(key: string, o = org, auth = officer) {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${o.slug}/inventory/systems`,
      headers: { authorization: auth },
      payload: { key, name: `System ${key}` },
    });
    expect(r.statusCode, r.body).toBe(201);
  }

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `sbom-${engine}`, kind: 'region' });
    other = await createOrg(t, { slug: `sbom-other-${engine}`, kind: 'hospital' });
    officer = await createToken(t, org.slug, 'security_officer');
    for (const key of ['DW', 'LV', 'CERN', 'WS15', 'WS16', 'WS', 'DUP', 'HOSTILE', 'LONG'])
      await createSystem(key);
    await createSystem('FOREIGN', other, await createToken(t, other.slug, 'security_officer'));
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['dropwizard-1.3.15.cdx.json', 'DW', 167],
    ['laravel-7.12.0.cdx.json', 'LV', 62],
    ['cern-lhc-vdm-editor.cdx.xml', 'CERN', 43],
  ])(
    'imports the corpus SBOM %s: every component once, all unchanged the second time',
    async (name, system, n) => {
      const first = await importFile(sbomCorpus(name), system);
      expect(first).toMatchObject({
        status: 'succeeded',
        rows: n,
        created: n,
        updated: 0,
        unchanged: 0,
        removed: 0,
        errors: 0,
        error_list: [],
      });
      expect(await stored(system)).toEqual({ sbom: n, register: 0, staged: 0 });
      const again = await importFile(sbomCorpus(name), system);
      expect(again).toMatchObject({
        status: 'succeeded',
        rows: n,
        created: 0,
        updated: 0,
        unchanged: n,
        removed: 0,
      });
      expect(await stored(system)).toEqual({ sbom: n, register: 0, staged: 0 });
    },
  );

  it('stores the mapped fields under the derived key, readable through the inventory API', async () => {
    const purl = 'pkg:maven/org.eclipse.jetty/jetty-server@9.4.18.v20190429?type=jar';
    const key = componentKey('DW', purl);
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/inventory/components/${encodeURIComponent(key)}`,
      headers: { authorization: officer },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      key,
      system: 'DW',
      vendor: 'Webtide',
      product: 'jetty-server',
      version: '9.4.18.v20190429',
      model_number: null,
      cpe: null,
      purl,
    });
    const system = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/inventory/systems/CERN`,
      headers: { authorization: officer },
    });
    expect(system.json().components).toHaveLength(43);
  });

  it('imports the 1.5 and 1.6 fixtures, JSON and XML alike (the other format finds them unchanged)', async () => {
    for (const [version, system] of [
      ['1.5', 'WS15'],
      ['1.6', 'WS16'],
    ] as const) {
      const json = await importFile(fixture(`workstation-${version}.cdx.json`), system);
      expect(json).toMatchObject({ status: 'succeeded', rows: 8, created: 8, removed: 0 });
      const xml = await importFile(fixture(`workstation-${version}.cdx.xml`), system);
      expect(xml).toMatchObject({
        status: 'succeeded',
        rows: 8,
        created: 0,
        updated: 0,
        unchanged: 8,
        removed: 0,
      });
      expect(await stored(system)).toEqual({ sbom: 8, register: 0, staged: 0 });
    }
  });

  it('removes only the components an earlier SBOM of the system brought and this one lacks', async () => {
    const full = JSON.parse(readFileSync(fixture('workstation-1.6.cdx.json'), 'utf8'));
    expect(await importFile(fixture('workstation-1.6.cdx.json'), 'WS')).toMatchObject({ created: 8 });
    // A component entered by hand and one from the components register, in the same system.
    const hand = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/inventory/components`,
      headers: { authorization: officer },
      payload: { key: 'WS-HAND', system: 'WS', product: 'Hand-made' },
    });
    expect(hand.statusCode, hand.body).toBe(201);
    const csv = await uploadImport(t, org, officer, {
      kind: 'components',
      query: 'name=c.csv',
      contentType: 'text/csv',
      body: 'key;system;product\nWS-CSV;WS;From a register\n',
    });
    expect(csv).toMatchObject({ status: 'succeeded', created: 1 });
    expect(await stored('WS')).toEqual({ sbom: 8, register: 2, staged: 0 });

    const reduced = structuredClone(full);
    reduced.components = reduced.components.filter(
      (c: { 'bom-ref': string }) => c['bom-ref'] !== 'os-debian' && c['bom-ref'] !== 'crypto-tls13',
    );
    const dcmtk = reduced.components.find((c: { 'bom-ref': string }) => c['bom-ref'] === 'dcmtk');
    dcmtk.version = '3.6.9';
    const summary = await runSbom(JSON.stringify(reduced), 'WS', 'application/vnd.cyclonedx+json');
    expect(summary).toMatchObject({
      status: 'succeeded',
      rows: 6,
      created: 0,
      updated: 1,
      unchanged: 5,
      removed: 2,
    });
    expect(await stored('WS')).toEqual({ sbom: 6, register: 2, staged: 0 });
    const list = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/inventory/components?system=WS&limit=50`,
      headers: { authorization: officer },
    });
    const items = list.json().items as Array<{ key: string; product: string; version: string | null }>;
    expect(items.map((c) => c.key)).toEqual(expect.arrayContaining(['WS-HAND', 'WS-CSV']));
    expect(items.some((c) => c.product === 'debian' || c.product === 'TLSv1.3')).toBe(false);
    expect(items.find((c) => c.product === 'dcmtk')?.version).toBe('3.6.9');
    // Another system's SBOM components are not touched.
    expect(await stored('WS16')).toMatchObject({ sbom: 8 });

    // The whole SBOM again brings the removed ones back.
    expect(await importFile(fixture('workstation-1.6.cdx.json'), 'WS')).toMatchObject({
      created: 2,
      updated: 1,
      unchanged: 5,
      removed: 0,
    });
    expect(await stored('WS')).toEqual({ sbom: 8, register: 2, staged: 0 });
  });

  it('stores a component listed twice (the same package URL) once', async () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      components: [
        {
          type: 'library',
          'bom-ref': 'a',
          name: 'left-pad',
          version: '1.3.0',
          purl: 'pkg:npm/left-pad@1.3.0',
        },
        {
          type: 'library',
          'bom-ref': 'b',
          name: 'left-pad',
          version: '1.3.0',
          purl: 'pkg:npm/left-pad@1.3.0',
        },
        { type: 'library', 'bom-ref': 'c', name: 'is-odd', version: '3.0.1' },
      ],
    };
    expect(await runSbom(JSON.stringify(bom), 'DUP')).toMatchObject({
      status: 'succeeded',
      rows: 3,
      created: 2,
      updated: 0,
      unchanged: 1,
    });
    expect(await stored('DUP')).toEqual({ sbom: 2, register: 0, staged: 0 });
  });

  it.each([
    ['xxe.cdx.xml', 'DOCTYPE'],
    ['billion-laughs.cdx.xml', 'DOCTYPE'],
    ['undeclared-entity.cdx.xml', 'not well-formed'],
    ['wrong-namespace.cdx.xml', 'not a CycloneDX SBOM'],
    ['spec-1.7.cdx.xml', 'version 1.7'],
    ['spec-1.7.cdx.json', 'version 1.7'],
    ['spdx.json', 'not a CycloneDX SBOM'],
    ['truncated.cdx.json', 'JSON is not valid'],
    ['utf16le-bom.cdx.json', 'UTF-16'],
    ['utf16be.cdx.xml', 'UTF-16'],
    ['latin1.cdx.xml', 'not valid UTF-8'],
    ['declared-latin1.cdx.xml', 'encoding'],
  ])('refuses the hostile file %s whole, with the reader message, writing nothing', async (name, words) => {
    const summary = await importFile(fixture(`hostile/${name}`), 'HOSTILE');
    expect(summary).toMatchObject({ status: 'refused', created: 0, updated: 0, unchanged: 0, errors: 1 });
    expect(summary.error_list[0]?.message).toContain(words);
    expect(summary.removed).toBeUndefined();
    expect(await stored('HOSTILE')).toEqual({ sbom: 0, register: 0, staged: 0 });
  });

  it('names the line of a DOCTYPE', async () => {
    const summary = await importFile(fixture('hostile/xxe.cdx.xml'), 'HOSTILE');
    const line =
      readFileSync(fixture('hostile/xxe.cdx.xml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('<!DOCTYPE')) + 1;
    expect(summary.error_list).toEqual([
      { row: line, column: null, message: expect.stringContaining('DOCTYPE') },
    ]);
  });

  it('refuses invalid components, listing each with its number (JSON) or line (XML) and field', async () => {
    const json = await importFile(fixture('hostile/invalid-purl.cdx.json'), 'HOSTILE');
    expect(json).toMatchObject({ status: 'refused', rows: 4, errors: 2 });
    expect(json.error_list).toEqual([
      {
        row: 2,
        column: 'purl',
        message: expect.stringContaining('"pkg:maven/commons-io@2.11.0" at components[1].purl'),
      },
      { row: 4, column: 'purl', message: expect.stringContaining('components[2].components[0].purl') },
    ]);
    const xml = await importFile(fixture('hostile/invalid-purl.cdx.xml'), 'HOSTILE');
    expect(xml).toMatchObject({ status: 'refused', errors: 1 });
    expect(xml.error_list).toEqual([
      { row: 12, column: 'purl', message: expect.stringContaining('12:7 components[1].purl') },
    ]);
    expect(await stored('HOSTILE')).toEqual({ sbom: 0, register: 0, staged: 0 });
  });

  it('refuses a value longer than the inventory holds', async () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [
        { type: 'library', name: 'ok', version: '1' },
        { type: 'library', name: 'n'.repeat(201), version: '1' },
      ],
    };
    const summary = await runSbom(JSON.stringify(bom), 'LONG');
    expect(summary).toMatchObject({ status: 'refused', errors: 1 });
    expect(summary.error_list).toEqual([
      {
        row: 2,
        column: 'name',
        message: 'The name at components[1] is longer than the inventory holds (200 characters).',
      },
    ]);
    expect(await stored('LONG')).toEqual({ sbom: 0, register: 0, staged: 0 });
  });

  it("refuses an unknown system, also another organisation's, and requires one", async () => {
    const file = readFileSync(fixture('workstation-1.5.cdx.json'));
    for (const system of ['NOPE', 'FOREIGN']) {
      const summary = await runSbom(file, system);
      expect(summary).toMatchObject({ status: 'refused', created: 0, errors: 1 });
      expect(summary.error_list).toEqual([
        {
          row: null,
          column: 'system',
          message: `There is no system with the key "${system}" in this organisation. Give the key of one of its systems (--system).`,
        },
      ]);
    }
    expect(await stored('FOREIGN', other)).toEqual({ sbom: 0, register: 0, staged: 0 });
    const missing = await start(file, '', 'application/json');
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json())).toContain('querystring.system');
    const slash = await start(file, '&system=a/b', 'application/json');
    expect(slash.statusCode).toBe(400);
    const unknownOption = await start(file, '&system=WS&other=1', 'application/json');
    expect(unknownOption.statusCode).toBe(400);
  });

  it('takes the media types of JSON and XML only, and only from those who keep the inventory', async () => {
    const file = readFileSync(fixture('workstation-1.5.cdx.json'));
    expect((await start(file, '&system=WS15', 'text/csv')).statusCode).toBe(415);
    const member = await createToken(t, org.slug, 'member');
    expect((await start(file, '&system=WS15', 'application/json', member)).statusCode).toBe(403);
    const octets = await runSbom(
      readFileSync(fixture('workstation-1.5.cdx.xml')),
      'WS15',
      'application/octet-stream',
    );
    expect(octets).toMatchObject({ status: 'succeeded', unchanged: 8 });
    const cdxXml = await runSbom(
      readFileSync(fixture('workstation-1.5.cdx.xml')),
      'WS15',
      'application/vnd.cyclonedx+xml',
    );
    expect(cdxXml).toMatchObject({ status: 'succeeded', unchanged: 8 });
    expect(await runSbom(readFileSync(fixture('workstation-1.5.cdx.xml')), 'WS15', 'text/xml')).toMatchObject(
      { status: 'succeeded', unchanged: 8 },
    );
  });

  it('writes one audit entry with the summary, removed included', async () => {
    const r = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, (tx) =>
      sql<{ after: Record<string, unknown> }>`select after from audit_log
        where org_id = ${org.id} and action = 'import.sbom' order by seq desc limit 1`.execute(tx.q),
    );
    expect(r.rows[0]?.after).toMatchObject({ status: 'succeeded', removed: 0, rows: 8 });
  });
});

/** The built `vaern` as an operator runs it (like cli.test.ts). */
function cliSuite(env: () => Env, dir: () => string) {
  const parse = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');
  it('vaern import sbom --org --system FILE [--json]', async () => {
    const org = await runCli(['org', 'create', '--slug', 'sb', '--name', 'SB', '--kind', 'region'], env());
    expect(org.code, org.stderr).toBe(0);
    const systems = path.join(dir(), 'systems.csv');
    writeFileSync(systems, 'key;name\nDW;Dropwizard service\n');
    const sys = await runCli(['import', 'systems', '--org', 'sb', systems, '--json'], env());
    expect(sys.code, sys.stderr).toBe(0);
    const help = await runCli(['import', '--help'], env());
    expect(help.stdout + help.stderr).toContain('  sbom ');

    const file = sbomCorpus('dropwizard-1.3.15.cdx.json');
    const first = await runCli(['import', 'sbom', '--org', 'sb', '--system', 'DW', file, '--json'], env());
    expect(first.code, first.stderr).toBe(0);
    expect(parse(first.stdout)).toEqual({
      import_id: expect.any(String),
      status: 'succeeded',
      rows: 167,
      created: 167,
      updated: 0,
      unchanged: 0,
      removed: 0,
      errors: 0,
      error_list: [],
    });
    const human = await runCli(['import', 'sbom', '--org', 'sb', '--system', 'DW', file], env());
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('167 row(s): 0 created, 0 updated, 167 unchanged, 0 removed');

    const unknown = await runCli(['import', 'sbom', '--org', 'sb', '--system', 'NOPE', file], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('system: There is no system with the key "NOPE"');
    // A missing option is a usage error, found before anything is sent.
    const missing = await runCli(['import', 'sbom', '--org', 'sb', file], env());
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain('--system');
    const hostile = await runCli(
      ['import', 'sbom', '--org', 'sb', '--system', 'DW', fixture('hostile/xxe.cdx.xml'), '--json'],
      env(),
    );
    expect(hostile.code).toBe(1);
    expect(parse(hostile.stdout)).toMatchObject({ status: 'refused', errors: 1 });
  });
}

describeCliEmbedded('vaern import sbom', cliSuite);
describeCliOnPostgres('vaern import sbom', cliSuite);
