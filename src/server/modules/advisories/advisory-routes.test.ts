import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
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

/** GET /api/v1/advisories and /api/v1/advisories/{id}: lists, detail, TLP visibility. */

const medical = (name: string) => corpus('advisories', 'csaf-medical', name);
// icsma-17-215-01: CISA, version 1 of 2017-08-03, four Siemens products, two vulnerabilities
// (CVE-2008-4250, then CVE-2017-7269, which is in KEV), each with CSAFPID-0001 known_affected and
// one mitigation for all four products (`jq '.vulnerabilities[] | {cve, product_status}'`).
const SIEMENS = medical('icsma-17-215-01.json');
const PLAIN = [
  SIEMENS,
  medical('icsma-17-215-02.json'),
  medical('icsma-17-009-01a.json'),
  medical('icsma-17-017-01.json'),
  medical('icsma-17-017-02.json'),
];
const KEV_FILE = corpus('advisories', 'kev', 'known_exploited_vulnerabilities.json');

type Doc = Record<string, unknown> & {
  document: Record<string, unknown> & {
    title: string;
    tracking: { id: string; current_release_date: string };
    distribution?: unknown;
  };
  product_tree: Record<string, unknown>;
  vulnerabilities: Array<Record<string, unknown> & { cve: string; remediations?: unknown[] }>;
};
const docOf = (file: string): Doc => JSON.parse(readFileSync(file, 'utf8')) as Doc;

interface ListItem {
  id: string;
  tracking_id: string;
  tlp: string;
  current_release: string;
  vulnerabilities: string[];
}

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines())('advisory API on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let region: OrgFixture;
  let hospital: OrgFixture;
  let otherRegion: OrgFixture;
  let coordinator: SignedIn;
  let regionMember: SignedIn;
  let hospitalMember: SignedIn;
  let otherMember: SignedIn;
  const ids = new Map<string, string>();

  async function runImport(
    kind: string,
    body: string | Buffer,
    type: string,
    query = '',
  ): Promise<Record<string, unknown>> {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${sector.slug}/imports/${kind}?name=f${query}`,
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'content-type': type },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(202);
    for (;;) {
      const s = await t.operator.inject({
        method: 'GET',
        url: `/api/v1/orgs/${sector.slug}/imports/${r.json().import_id}`,
      });
      const state = s.json();
      if (FINAL.has(state.status)) {
        expect(state.status, JSON.stringify(state.error_list)).toBe('succeeded');
        return state;
      }
      await sleep(10);
    }
  }

  async function get(url: string, who: SignedIn | string | null, lang = 'en') {
    const auth = who === null ? {} : typeof who === 'string' ? { authorization: who } : who.headers();
    return t.inject({ method: 'GET', url, headers: { ...auth, 'accept-language': lang } });
  }

  async function listAll(who: SignedIn, query = ''): Promise<ListItem[]> {
    const r = await get(`/api/v1/advisories?limit=500${query}`, who);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items;
  }

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    sector = await createOrg(t, { kind: 'sector_unit' });
    region = await createOrg(t, { kind: 'region' });
    hospital = await createOrg(t, { kind: 'hospital', parent: region.slug });
    otherRegion = await createOrg(t, { kind: 'region' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    regionMember = await login(t, await createUser(t, { org: region.slug, role: 'member' }));
    hospitalMember = await login(t, await createUser(t, { org: hospital.slug, role: 'member' }));
    otherMember = await login(t, await createUser(t, { org: otherRegion.slug, role: 'member' }));

    // A KEV catalogue of the corpus cut to CVE-2017-7269, and one EPSS score for it.
    const kev = JSON.parse(readFileSync(KEV_FILE, 'utf8')) as {
      count: number;
      vulnerabilities: Array<{ cveID: string }>;
    };
    kev.vulnerabilities = kev.vulnerabilities.filter((v) => v.cveID === 'CVE-2017-7269');
    kev.count = kev.vulnerabilities.length;
    expect(kev.count).toBe(1);
    await runImport('kev', JSON.stringify(kev), 'application/json');
    await runImport(
      'epss',
      '#model_version:v2025.03.14,score_date:2026-11-01T12:55:00Z\ncve,epss,percentile\nCVE-2017-7269,0.91,0.998\n',
      'text/csv',
    );

    for (const file of PLAIN) {
      const s = await runImport('advisory', readFileSync(file), 'application/json');
      ids.set(docOf(file).document.tracking.id, s.advisory_id as string);
    }
    // AMBER for the region, with a product group in a remediation; RED for the region.
    const amber = docOf(SIEMENS);
    amber.document.tracking.id = 'TEST-AMBER';
    amber.document.tracking.current_release_date = '2030-01-01T00:00:00.000Z';
    amber.document.distribution = { tlp: { label: 'AMBER' } };
    amber.product_tree.product_groups = [
      { group_id: 'CSAFGID-1', product_ids: ['CSAFPID-0001', 'CSAFPID-0002'] },
    ];
    amber.vulnerabilities[0]?.remediations?.push({
      category: 'workaround',
      details: 'Isolate the workstations.',
      group_ids: ['CSAFGID-1'],
      product_ids: ['CSAFPID-0003'],
    });
    const a = await runImport(
      'advisory',
      JSON.stringify(amber),
      'application/json',
      `&audience=${region.slug}`,
    );
    ids.set('TEST-AMBER', a.advisory_id as string);
    const red = docOf(SIEMENS);
    red.document.tracking.id = 'TEST-RED';
    red.document.distribution = { tlp: { label: 'RED' } };
    const r = await runImport(
      'advisory',
      JSON.stringify(red),
      'application/json',
      `&audience=${region.slug}`,
    );
    ids.set('TEST-RED', r.advisory_id as string);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('lists advisories newest first by current release, in pages', async () => {
    const all = await listAll(coordinator);
    // The five corpus files and the two labelled copies; the coordinator's unit is in every audience.
    expect(all.map((i) => i.tracking_id).sort()).toEqual(
      [...PLAIN.map((f) => docOf(f).document.tracking.id), 'TEST-AMBER', 'TEST-RED'].sort(),
    );
    const releases = all.map((i) => i.current_release);
    expect(releases).toEqual([...releases].sort().reverse());
    expect(all[0]?.tracking_id).toBe('TEST-AMBER'); // released 2030
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(`/api/v1/advisories?limit=2${cursor ? `&cursor=${cursor}` : ''}`, coordinator);
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json() as { items: ListItem[]; next_cursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      paged.push(...body.items.map((i) => i.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(paged).toEqual(all.map((i) => i.id));
    expect((await get('/api/v1/advisories?cursor=bm90LWpzb24', coordinator)).statusCode).toBe(400);
  });

  it('searches by CVE, title and tracking id, and filters by TLP', async () => {
    const byCve = await listAll(otherMember, '&q=cve-2017-7269');
    expect(byCve.map((i) => i.tracking_id)).toEqual(['ICSMA-17-215-01']);
    expect(byCve[0]?.vulnerabilities).toEqual(['CVE-2008-4250', 'CVE-2017-7269']);
    const title = docOf(medical('icsma-17-017-02.json')).document.title;
    const word = title.split(' ').find((w) => w.length > 5) as string;
    const byTitle = await listAll(otherMember, `&q=${encodeURIComponent(word.toLowerCase())}`);
    expect(byTitle.map((i) => i.tracking_id)).toContain('ICSMA-17-017-02');
    expect(byTitle.every((i) => i.tlp === 'CLEAR')).toBe(true);
    const byId = await listAll(otherMember, '&q=17-009');
    expect(byId.map((i) => i.tracking_id)).toEqual(['ICSMA-17-009-01A']);
    expect((await listAll(regionMember, '&tlp=AMBER')).map((i) => i.tracking_id)).toEqual(['TEST-AMBER']);
    expect(await listAll(regionMember, '&tlp=GREEN')).toEqual([]);
    expect((await get('/api/v1/advisories?tlp=WHITE', regionMember)).statusCode).toBe(400);
  });

  it('shows one advisory with KEV, EPSS, remediations and product statuses', async () => {
    const r = await get(
      `/api/v1/advisories/${ids.get('ICSMA-17-215-01')}`,
      await createToken(t, otherRegion.slug, 'auditor'),
    );
    expect(r.statusCode, r.body).toBe(200);
    const a = r.json();
    expect(a).toMatchObject({
      tracking_id: 'ICSMA-17-215-01',
      version: '1',
      tlp: 'CLEAR',
      tlp_original: 'WHITE',
      publisher_name: 'CISA',
      publisher_namespace: 'https://www.cisa.gov/',
      source: 'csaf',
      revisions: [{ number: '1', date: '2017-08-03T00:00:00.000000Z' }],
    });
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    const raw = docOf(SIEMENS);
    expect(a.vulnerabilities.map((v: { ref: string }) => v.ref)).toEqual(['CVE-2008-4250', 'CVE-2017-7269']);
    const exploited = a.vulnerabilities[1];
    expect(exploited).toMatchObject({
      canonical_id: 'CVE-2017-7269',
      in_kev: true,
      epss: 0.91,
      percentile: 0.998,
    });
    expect(exploited.kev_due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(a.vulnerabilities[0]).toMatchObject({ in_kev: false, epss: null });
    const rawExploited = raw.vulnerabilities.find((v) => v.cve === 'CVE-2017-7269') as {
      remediations: unknown[];
    };
    expect(exploited.remediations).toHaveLength(rawExploited.remediations.length);
    expect(exploited.remediations[0]).toMatchObject({
      category: 'mitigation',
      product_ids: ['CSAFPID-0001', 'CSAFPID-0002', 'CSAFPID-0003', 'CSAFPID-0004'],
    });
    expect(a.products.map((p: { product_id: string }) => p.product_id)).toEqual([
      'CSAFPID-0001',
      'CSAFPID-0002',
      'CSAFPID-0003',
      'CSAFPID-0004',
    ]);
    expect(a.products[0].statuses).toEqual([
      { vulnerability: 'CVE-2008-4250', status: 'known_affected' },
      { vulnerability: 'CVE-2017-7269', status: 'known_affected' },
    ]);
    const statusesOf = (cve: string, id: string) =>
      Object.entries(
        (raw.vulnerabilities.find((v) => v.cve === cve)?.product_status ?? {}) as Record<string, string[]>,
      )
        .filter(([, pids]) => pids.includes(id))
        .map(([status]) => ({ vulnerability: cve, status }));
    for (const p of a.products as Array<{ product_id: string; statuses: unknown[]; range_state: string }>) {
      expect(p.statuses).toEqual([
        ...statusesOf('CVE-2008-4250', p.product_id),
        ...statusesOf('CVE-2017-7269', p.product_id),
      ]);
      expect(p.range_state).toBe('all');
    }
  });

  it('shows TLP:AMBER to its audience and their child organisations only', async () => {
    const url = `/api/v1/advisories/${ids.get('TEST-AMBER')}`;
    for (const who of [coordinator, regionMember, hospitalMember]) {
      const r = await get(url, who);
      expect(r.statusCode, r.body).toBe(200);
    }
    const seen = (await get(url, hospitalMember)).json();
    expect(seen.tlp).toBe('AMBER');
    // The product group CSAFGID-1 is expanded, after the remediation's own product.
    expect(seen.vulnerabilities[0].remediations.at(-1)).toEqual({
      category: 'workaround',
      details: 'Isolate the workstations.',
      url: null,
      date: null,
      product_ids: ['CSAFPID-0003', 'CSAFPID-0001', 'CSAFPID-0002'],
    });
    const hidden = await get(url, otherMember);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.headers['content-type']).toContain('application/problem+json');
    expect(hidden.json().code).toBe('advisories.not_found');
    const da = await get(url, otherMember, 'da');
    expect(da.json().title).toContain('Der findes ingen advisory');
    expect((await listAll(otherMember)).map((i) => i.tracking_id)).not.toContain('TEST-AMBER');
    expect((await listAll(hospitalMember)).map((i) => i.tracking_id)).toContain('TEST-AMBER');
  });

  it('shows TLP:RED to its audience but not to their child organisations', async () => {
    const url = `/api/v1/advisories/${ids.get('TEST-RED')}`;
    expect((await get(url, regionMember)).statusCode).toBe(200);
    expect((await get(url, coordinator)).statusCode).toBe(200);
    expect((await get(url, hospitalMember)).statusCode).toBe(404);
    expect((await get(url, otherMember)).statusCode).toBe(404);
    expect((await listAll(hospitalMember)).map((i) => i.tracking_id)).not.toContain('TEST-RED');
    expect((await listAll(regionMember)).map((i) => i.tracking_id)).toContain('TEST-RED');
  });

  it('answers anonymous requests 401, an unknown id 404, and is described in OpenAPI', async () => {
    expect((await get('/api/v1/advisories', null)).statusCode).toBe(401);
    expect((await get(`/api/v1/advisories/${ids.get('ICSMA-17-215-01')}`, null)).statusCode).toBe(401);
    const missing = await get('/api/v1/advisories/00000000-0000-4000-8000-000000000000', regionMember);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().title).toBe(
      'There is no advisory with the id "00000000-0000-4000-8000-000000000000", or you may not read it.',
    );
    expect((await get('/api/v1/advisories/not-a-uuid', regionMember)).statusCode).toBe(400);
    const spec = (await t.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/advisories', '/api/v1/advisories/{id}']),
    );
  });
});
