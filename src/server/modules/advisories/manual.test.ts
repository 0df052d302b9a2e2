import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createToken,
  createUser,
  login,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

/**
 * Advisories written by hand (docs/advisories.md, "Written by hand"): the sector coordinator
 * writes and revises them through the API; they are stored and matched as imported CSAF is.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const form = (versions: string, o: Record<string, unknown> = {}) => ({
  title: 'Acme infusion pumps accept unauthenticated commands',
  summary: 'An attacker on the network can change the dose.',
  recommended_action: 'Isolate the pumps on their own network segment.',
  severity: 'high',
  lang: 'en',
  tlp: 'GREEN',
  vulnerabilities: [
    {
      cve: 'cve-2099-4242',
      ids: ['ACME-SA-2099-01'],
      title: 'Missing authentication',
      cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      cvss_score: 9.8,
    },
    { ids: ['ACME-SA-2099-02'], title: 'A vendor id only' },
  ],
  products: [
    { vendor: 'Acme Medical Inc.', product: 'InfusionPump', versions, status: 'known_affected' },
    { purl: 'pkg:npm/acme-pump-ui@1.0.0', status: 'fixed' },
  ],
  ...o,
});

interface Match {
  advisory: { id: string; tracking_id: string };
  system: { key: string };
  version_status: string;
}

describe.each(engines())('advisories written by hand on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let otherSector: OrgFixture;
  let a: OrgFixture;
  let b: OrgFixture;
  let coordinator: SignedIn;
  let otherCoordinator: SignedIn;
  let officerA: SignedIn;
  let tokenA: string;
  let tokenB: string;
  let id: string;

  const send = (
    who: SignedIn | string,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: object,
    lang = 'en',
  ) =>
    t.inject({
      method,
      url,
      remoteAddress: clientAddress(),
      headers: {
        ...(typeof who === 'string' ? { authorization: who } : who.headers()),
        'accept-language': lang,
      },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  /** The organisation's matches of the advisory, once matching has produced `want` of them. */
  async function matchesOf(
    auth: string,
    org: OrgFixture,
    want: (keys: string[]) => boolean,
  ): Promise<string[]> {
    let keys: string[] = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(50)) {
      const r = await send(auth, 'GET', `/api/v1/orgs/${org.slug}/advisory-matches?limit=100`);
      expect(r.statusCode, r.body).toBe(200);
      keys = (r.json().items as Match[])
        .filter((m) => m.advisory.id === id)
        .map((m) => `${m.system.key} ${m.version_status}`)
        .sort();
      if (want(keys)) return keys;
    }
    return keys;
  }

  const operatorQuery = <T>(fn: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, fn);

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    sector = await createOrg(t, { kind: 'sector_unit' });
    otherSector = await createOrg(t, { kind: 'sector_unit' });
    a = await createOrg(t, { kind: 'region' });
    b = await createOrg(t, { kind: 'hospital' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    otherCoordinator = await login(
      t,
      await createUser(t, { org: otherSector.slug, role: 'sector_coordinator' }),
    );
    officerA = await login(t, await createUser(t, { org: a.slug, role: 'security_officer' }));
    tokenA = await createToken(t, a.slug, 'security_officer');
    tokenB = await createToken(t, b.slug, 'security_officer');
    for (const [org, auth, version] of [
      [a, tokenA, '4.1'],
      [b, tokenB, '4.3'],
    ] as const) {
      const r = await send(auth, 'POST', `/api/v1/orgs/${org.slug}/inventory/systems`, {
        key: 'PUMP',
        name: 'Infusion pumps',
        vendor: 'ACME Medical',
        product: 'InfusionPump',
        version,
        medical_device: true,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('stores a new advisory like an import: CVE and vendor ids joined, products keyed, audited', async () => {
    const r = await send(coordinator, 'POST', '/api/v1/sector/advisories', form('< 4.2'));
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      version: '1',
      created: true,
      tracking_id: expect.stringMatching(/^VAERN-\d{4}-/),
    });
    id = r.json().id;
    const read = await send(officerA, 'GET', `/api/v1/advisories/${id}`);
    expect(read.statusCode, read.body).toBe(200);
    const advisory = read.json();
    expect(advisory).toMatchObject({ source: 'manual', tlp: 'GREEN', version: '1', cvss_max: 9.8 });
    expect(advisory.vulnerabilities.map((v: { ref: string }) => v.ref).sort()).toEqual([
      'ACME-SA-2099-02',
      'CVE-2099-4242',
    ]);
    // The vendor ids are aliases of the vulnerabilities, as an import makes them.
    const aliases = await operatorQuery((tx) =>
      sql<{ alias: string; canonical_id: string }>`
        select a.alias, v.canonical_id from vulnerability_aliases a join vulnerabilities v on v.id = a.vulnerability_id
        where a.alias like 'ACME-SA-2099-%' order by a.alias`.execute(tx.q),
    );
    expect(aliases.rows).toEqual([
      { alias: 'ACME-SA-2099-01', canonical_id: 'CVE-2099-4242' },
      { alias: 'ACME-SA-2099-02', canonical_id: 'ACME-SA-2099-02' },
    ]);
    const products = await operatorQuery((tx) =>
      sql<{ product_id: string; vendor_key: string | null; range_state: string; purl_key: string | null }>`
        select product_id, vendor_key, range_state, purl_key from advisory_products
        where advisory_id = ${id} order by product_id`.execute(tx.q),
    );
    expect(products.rows).toEqual([
      { product_id: 'P1', vendor_key: 'acme medical', range_state: 'parsed', purl_key: null },
      { product_id: 'P2', vendor_key: null, range_state: 'parsed', purl_key: 'pkg:npm/acme-pump-ui' },
    ]);
    const audit = await operatorQuery((tx) =>
      sql<{ action: string }>`
        select action from audit_log where org_id = ${sector.id} and target_id = ${id} order by seq`.execute(
        tx.q,
      ),
    );
    expect(audit.rows.map((x) => x.action)).toEqual(['advisory.manual_create']);
  });

  it('is matched when saved: the pump inside "< 4.2" is affected, the other not', async () => {
    expect(await matchesOf(tokenA, a, (k) => k.length > 0)).toEqual(['PUMP in_range']);
    expect(await matchesOf(tokenB, b, () => true)).toEqual([]);
    const affected = await send(coordinator, 'GET', `/api/v1/sector/advisories/${id}/affected`);
    expect(affected.statusCode, affected.body).toBe(200);
    expect(affected.json().items.map((x: { org: { slug: string } }) => x.org.slug)).toEqual([a.slug]);
  });

  it('reads back the form and revises the same advisory, which changes the match', async () => {
    const saved = await send(coordinator, 'GET', `/api/v1/sector/advisories/${id}/manual`);
    expect(saved.statusCode, saved.body).toBe(200);
    const input = saved.json().input;
    expect(input).toMatchObject({
      title: 'Acme infusion pumps accept unauthenticated commands',
      recommended_action: 'Isolate the pumps on their own network segment.',
      severity: 'high',
      tlp: 'GREEN',
      audience: [],
      vulnerabilities: [
        { cve: 'CVE-2099-4242', ids: ['ACME-SA-2099-01'], cvss_score: 9.8 },
        { ids: ['ACME-SA-2099-02'] },
      ],
      products: [
        { vendor: 'Acme Medical Inc.', product: 'InfusionPump', versions: '< 4.2', status: 'known_affected' },
        { purl: 'pkg:npm/acme-pump-ui@1.0.0', status: 'fixed', model_numbers: [] },
      ],
    });
    const revised = await send(coordinator, 'PUT', `/api/v1/sector/advisories/${id}/manual`, {
      ...input,
      products: [{ ...input.products[0], versions: '>= 4.2' }, input.products[1]],
      revision_note: 'Only 4.2 and later are affected',
    });
    expect(revised.statusCode, revised.body).toBe(200);
    expect(revised.json()).toMatchObject({ id, version: '2', created: false });
    const count = await operatorQuery((tx) =>
      sql<{
        n: number;
      }>`select count(*)::int as n from advisories where tracking_id = ${revised.json().tracking_id}`.execute(
        tx.q,
      ),
    );
    expect(count.rows[0]?.n).toBe(1);
    expect(await matchesOf(tokenB, b, (k) => k.length > 0)).toEqual(['PUMP in_range']);
    expect(await matchesOf(tokenA, a, (k) => k.length === 0)).toEqual([]);
    const read = (await send(officerA, 'GET', `/api/v1/advisories/${id}`)).json();
    expect(read.version).toBe('2');
    expect(read.revisions.map((r: { summary: string }) => r.summary)).toEqual([
      'Initial version',
      'Only 4.2 and later are affected',
    ]);
    const audit = await operatorQuery((tx) =>
      sql<{ action: string; before: { version: string } | null }>`
        select action, before from audit_log where org_id = ${sector.id} and target_id = ${id} order by seq`.execute(
        tx.q,
      ),
    );
    expect(audit.rows.map((x) => x.action)).toEqual(['advisory.manual_create', 'advisory.manual_revise']);
    expect(audit.rows[1]?.before).toMatchObject({ version: '1' });
  });

  it('keeps an advisory above GREEN to its audience', async () => {
    const missing = await send(
      coordinator,
      'POST',
      '/api/v1/sector/advisories',
      form('< 4.2', { tlp: 'AMBER' }),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([
      { path: 'body.audience', message: expect.stringContaining('TLP:AMBER') },
    ]);
    const r = await send(
      coordinator,
      'POST',
      '/api/v1/sector/advisories',
      form('< 4.2', { tlp: 'AMBER+STRICT', audience: [b.slug] }),
    );
    expect(r.statusCode, r.body).toBe(201);
    const strict = r.json().id as string;
    expect((await send(tokenB, 'GET', `/api/v1/advisories/${strict}`)).statusCode).toBe(200);
    expect((await send(tokenA, 'GET', `/api/v1/advisories/${strict}`)).statusCode).toBe(404);
    const saved = await send(coordinator, 'GET', `/api/v1/sector/advisories/${strict}/manual`);
    expect(saved.json().input).toMatchObject({ tlp: 'AMBER+STRICT', audience: [b.slug] });
  });

  it('refuses what cannot be read, each problem with its field, in the reader’s language', async () => {
    const bad = form('sometime last year', {
      vulnerabilities: [
        { cve: 'CVE-99', ids: [] },
        { ids: [], cvss_vector: 'CVSS:3.1/AV:X' },
      ],
      products: [
        {
          vendor: 'Acme',
          product: 'Pump',
          versions: 'sometime last year',
          cpe: 'cpe:/bad',
          status: 'known_affected',
        },
        { versions: '< 2', status: 'known_affected' },
      ],
    });
    const r = await send(coordinator, 'POST', '/api/v1/sector/advisories', bad, 'da');
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.code).toBe('advisories.manual_invalid');
    expect(body.title).toContain('kan ikke gemmes');
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual([
      'body.vulnerabilities.0.cve',
      'body.vulnerabilities.1',
      'body.vulnerabilities.1.cvss_vector',
      'body.products.0.cpe',
      'body.products.0.versions',
      'body.products.1',
      'body.products.1.vendor',
    ]);
    expect(body.errors[0].message).toBe('"CVE-99" er ikke et CVE-id (CVE-ÅÅÅÅ-NNNN).');
    // Unknown audience slugs are the import's refusal, passed on.
    const unknown = await send(
      coordinator,
      'POST',
      '/api/v1/sector/advisories',
      form('< 4.2', { tlp: 'AMBER', audience: ['no-such-org'] }),
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      { path: 'body.audience', message: expect.stringContaining('no-such-org') },
    ]);
  });

  it('describes its routes in the OpenAPI document', async () => {
    const spec = await t.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toEqual(
      expect.arrayContaining(['/api/v1/sector/advisories', '/api/v1/sector/advisories/{id}/manual']),
    );
  });

  it('lets only the sector coordinator write, and only their own unit revise', async () => {
    expect((await send(officerA, 'POST', '/api/v1/sector/advisories', form('< 4.2'))).statusCode).toBe(403);
    expect((await send(tokenA, 'POST', '/api/v1/sector/advisories', form('< 4.2'))).statusCode).toBe(403);
    expect(
      (await send(officerA, 'PUT', `/api/v1/sector/advisories/${id}/manual`, form('< 4.2'))).statusCode,
    ).toBe(403);
    expect((await send(officerA, 'GET', `/api/v1/sector/advisories/${id}/manual`)).statusCode).toBe(403);
    // Another sector unit reads the GREEN advisory but cannot revise it: to it, there is none.
    expect((await send(otherCoordinator, 'GET', `/api/v1/advisories/${id}`)).statusCode).toBe(200);
    const other = await send(otherCoordinator, 'PUT', `/api/v1/sector/advisories/${id}/manual`, form('< 9'));
    expect(other.statusCode, other.body).toBe(404);
    expect((await send(otherCoordinator, 'GET', `/api/v1/sector/advisories/${id}/manual`)).statusCode).toBe(
      404,
    );
    const unchanged = (await send(officerA, 'GET', `/api/v1/advisories/${id}`)).json();
    expect(unchanged.version).toBe('2');
    // Nor can it claim the unit's namespace with an uploaded file.
    const saved = (await send(coordinator, 'GET', `/api/v1/sector/advisories/${id}/manual`)).json();
    const doc = await operatorQuery((tx) =>
      sql<{ document: Record<string, unknown> }>`select document from advisories where id = ${id}`.execute(
        tx.q,
      ),
    );
    const file = structuredClone(doc.rows[0]?.document) as { document: { tracking: { version: string } } };
    file.document.tracking.version = '9';
    const upload = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${otherSector.slug}/imports/advisory?name=claim.json`,
      remoteAddress: clientAddress(),
      headers: { ...otherCoordinator.headers(), 'content-type': 'application/json' },
      payload: JSON.stringify(file),
    });
    expect(upload.statusCode, upload.body).toBe(202);
    let status = '';
    let errors: Array<{ message: string }> = [];
    for (
      const deadline = Date.now() + 60_000;
      Date.now() < deadline && !['refused', 'succeeded', 'failed'].includes(status);
      await sleep(25)
    ) {
      const s = await t.operator.inject({
        method: 'GET',
        url: `/api/v1/orgs/${otherSector.slug}/imports/${upload.json().import_id}`,
        headers: { 'accept-language': 'en' },
      });
      status = s.json().status;
      errors = s.json().error_list;
    }
    expect(status).toBe('refused');
    expect(errors[0]?.message).toContain('written by hand');
    expect((await send(officerA, 'GET', `/api/v1/advisories/${id}`)).json().version).toBe(saved.version);
  });
});
