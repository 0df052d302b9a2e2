import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createUser,
  login,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type Tx, withTenant } from '../../db/tenant.js';

/** The advisory import over the 99 CSAF files of the corpora (docs/advisories.md). */

const DIRS = [
  corpus('advisories', 'csaf-medical'),
  corpus('advisories', 'csaf-examples'),
  corpus('advisories', 'csaf-examples', 'vex'),
];
const FILES = DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f)),
);

type Json = Record<string, unknown> & {
  document: Record<string, unknown> & {
    title: string;
    tracking: Record<string, unknown> & { id: string; version: string; current_release_date: string };
    distribution?: { tlp?: { label: string } };
  };
  product_tree?: Record<string, unknown>;
  vulnerabilities?: Array<{ cve?: string }>;
};
const docOf = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

/** Product ids a product tree defines, counted from the raw JSON (branch leaves, full names, relationships). */
function productIdsOf(tree: Record<string, unknown> | undefined): string[] {
  const ids: string[] = [];
  const walk = (branches: unknown) => {
    for (const b of (branches as Array<Record<string, unknown>> | undefined) ?? []) {
      const p = b.product as { product_id?: string } | undefined;
      if (p?.product_id) ids.push(p.product_id);
      walk(b.branches);
    }
  };
  walk(tree?.branches);
  for (const f of (tree?.full_product_names as Array<{ product_id: string }> | undefined) ?? [])
    ids.push(f.product_id);
  for (const r of (tree?.relationships as Array<{ full_product_name: { product_id: string } }> | undefined) ??
    []) {
    ids.push(r.full_product_name.product_id);
  }
  return ids;
}

// The expected figures, from the raw JSON of the files, independently of the reader: every
// file is its own advisory (publisher namespace + tracking id differ in all 99); products are
// the product ids each tree defines; vulnerabilities are each file's distinct CVEs (every
// vulnerability of the corpus has one), and the sector's vulnerabilities the CVEs of all files.
const DOCS = FILES.map(docOf);
const EXPECTED_PRODUCTS = DOCS.reduce((n, d) => n + new Set(productIdsOf(d.product_tree)).size, 0);
const EXPECTED_ADVISORY_VULNS = DOCS.reduce(
  (n, d) => n + new Set((d.vulnerabilities ?? []).map((v) => v.cve?.toUpperCase())).size,
  0,
);
const EXPECTED_CVES = new Set(DOCS.flatMap((d) => (d.vulnerabilities ?? []).map((v) => v.cve?.toUpperCase())))
  .size;
// 94 files carry TLP:WHITE, 5 (the Cisco example and the four VEX examples) no label: `jq -r
// '.document.distribution.tlp.label // "none"'` over the 99 files.
const WHITE = DOCS.filter((d) => d.document.distribution?.tlp?.label === 'WHITE').length;
// For the record, the counts this gives (a change to the corpus shows up here first): 739
// products, 296 vulnerabilities of advisories, 289 distinct CVEs.
const FIGURES = [EXPECTED_PRODUCTS, EXPECTED_ADVISORY_VULNS, EXPECTED_CVES, WHITE];

interface Summary {
  import_id: string;
  status: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  error_list: Array<{ row: number | null; column: string | null; message: string }>;
  advisory_id?: string;
  products?: number;
  matches?: number;
  vulnerabilities?: number;
  tracking_id?: string;
  tlp?: string;
}

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines())('advisory import on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let region: OrgFixture;
  let coordinator: SignedIn;
  let regionOfficer: SignedIn;
  const firstRun: Summary[] = [];

  async function follow(org: string, id: string): Promise<Summary> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await t.operator.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org}/imports/${id}`,
        headers: { 'accept-language': 'en' },
      });
      expect(s.statusCode, s.body).toBe(200);
      const state = s.json();
      if (FINAL.has(state.status)) return state;
      if (Date.now() > deadline) throw new Error(`import ${id} did not finish: ${s.body}`);
      await sleep(10);
    }
  }

  async function importAdvisory(body: string | Buffer, query = '', as = coordinator): Promise<Summary> {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${sector.slug}/imports/advisory?name=advisory.json${query}`,
      remoteAddress: clientAddress(),
      headers: { ...as.headers(), 'content-type': 'application/json' },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(202);
    return follow(sector.slug, r.json().import_id);
  }

  const asOrg = <T>(orgId: string, fn: (tx: Tx) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [orgId] }, fn);

  async function count(table: string, orgId = region.id): Promise<number> {
    return asOrg(orgId, async (tx) => {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tx.q);
      return r.rows[0]?.n ?? -1;
    });
  }

  async function advisoryRow(trackingId: string) {
    return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const r = await sql<{
        id: string;
        version: string;
        tlp: string;
        tlp_original: string | null;
        updated_at: string;
        title: string;
      }>`select id, version, tlp, tlp_original, updated_at::text, title from advisories
         where tracking_id = ${trackingId}`.execute(tx.q);
      return r.rows[0];
    });
  }

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    sector = await createOrg(t, { kind: 'sector_unit' });
    region = await createOrg(t, { kind: 'region' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    regionOfficer = await login(t, await createUser(t, { org: region.slug, role: 'security_officer' }));
    for (const file of FILES) firstRun.push(await importAdvisory(readFileSync(file)));
  }, 300_000);

  afterAll(async () => {
    await t?.close();
  });

  it('imports every corpus advisory with its products and vulnerabilities', async () => {
    const failed = firstRun.filter((s) => s.status !== 'succeeded');
    expect(
      failed.map((s) => s.error_list),
      'every file imports',
    ).toEqual([]);
    expect(firstRun.every((s) => s.created === 1 && s.updated === 0 && s.unchanged === 0)).toBe(true);
    expect(FILES).toHaveLength(99);
    expect(FIGURES).toEqual([739, 296, 289, 94]);
    expect(await count('advisories')).toBe(99);
    expect(await count('advisory_products')).toBe(EXPECTED_PRODUCTS);
    expect(firstRun.reduce((n, s) => n + (s.products ?? 0), 0)).toBe(EXPECTED_PRODUCTS);
    expect(await count('advisory_vulnerabilities')).toBe(EXPECTED_ADVISORY_VULNS);
    expect(firstRun.reduce((n, s) => n + (s.vulnerabilities ?? 0), 0)).toBe(EXPECTED_ADVISORY_VULNS);
    expect(await count('vulnerabilities')).toBe(EXPECTED_CVES);
    // Each import computed its advisory's matches in its switch (no inventory here: none).
    expect(firstRun.every((s) => s.matches === 0)).toBe(true);
    // One status row per product, vulnerability and category, as the raw JSON lists them.
    const statuses = DOCS.reduce((n, d) => {
      const seen = new Set<string>();
      for (const v of (d.vulnerabilities ?? []) as Array<{
        cve: string;
        product_status?: Record<string, string[]>;
      }>)
        for (const [status, ids] of Object.entries(v.product_status ?? {}))
          for (const id of ids) seen.add(`${v.cve}|${status}|${id}`);
      return n + seen.size;
    }, 0);
    expect(await count('advisory_product_status')).toBe(statuses);
  });

  it('keeps TLP:WHITE as CLEAR and gives unlabelled documents the default label', async () => {
    const labels = await asOrg(region.id, async (tx) => {
      const r = await sql<{ tlp: string; tlp_original: string | null; n: number }>`
        select tlp, tlp_original, count(*)::int as n from advisories group by 1, 2 order by 1`.execute(tx.q);
      return r.rows;
    });
    expect(labels).toEqual([
      { tlp: 'CLEAR', tlp_original: 'WHITE', n: WHITE },
      { tlp: 'GREEN', tlp_original: null, n: 99 - WHITE },
    ]);
  });

  it('stores identity keys and version ranges the matching reads', async () => {
    // icsma-17-215-01: four Siemens products, each `vers:all/*`.
    const rows = await asOrg(region.id, async (tx) => {
      const r = await sql<{ product_id: string; vendor_key: string; range_state: string; n: number }>`
        select p.product_id, p.vendor_key, p.range_state, count(r.n)::int as n
        from advisories a join advisory_products p on p.advisory_id = a.id
        left join advisory_product_ranges r on r.advisory_id = p.advisory_id and r.product_id = p.product_id
        where a.tracking_id = 'ICSMA-17-215-01' group by 1, 2, 3 order by 1`.execute(tx.q);
      return r.rows;
    });
    expect(rows).toEqual(
      ['CSAFPID-0001', 'CSAFPID-0002', 'CSAFPID-0003', 'CSAFPID-0004'].map((product_id) => ({
        product_id,
        vendor_key: 'siemens',
        range_state: 'all',
        n: 1,
      })),
    );
  });

  it('updates the same advisory with a newer revision, refuses an older one, and keeps the same one', async () => {
    const file = FILES.find((f) => f.endsWith('icsma-17-215-01.json')) as string;
    const original = readFileSync(file);
    const doc = docOf(file);
    const before = await advisoryRow('ICSMA-17-215-01');
    expect(before?.version).toBe('1');
    doc.document.tracking.version = '2';
    doc.document.tracking.current_release_date = '2017-09-01T00:00:00.000000Z';
    (doc.document.tracking.revision_history as unknown[]).push({
      date: '2017-09-01T00:00:00.000000Z',
      number: '2',
      summary: 'A product renamed by the test',
    });
    type Leaf = { product: { name: string } };
    const tree = doc.product_tree as { branches: Array<{ branches: Array<{ branches: Leaf[] }> }> };
    const leaf = tree.branches[0]?.branches[0]?.branches[0];
    if (!leaf) throw new Error('icsma-17-215-01 has vendor → product_name → version branches');
    leaf.product.name = 'Renamed by the test';
    const newer = JSON.stringify(doc);
    const vulnsBefore = await count('vulnerabilities');

    const updated = await importAdvisory(newer);
    expect(updated).toMatchObject({ status: 'succeeded', created: 0, updated: 1, unchanged: 0 });
    const after = await advisoryRow('ICSMA-17-215-01');
    expect(after?.id).toBe(before?.id);
    expect(after?.version).toBe('2');
    expect(await count('advisories')).toBe(99);
    expect(await count('vulnerabilities')).toBe(vulnsBefore);
    const names = await asOrg(region.id, async (tx) =>
      (
        await sql<{ name: string }>`select name from advisory_products where advisory_id = ${before?.id ?? ''}
                                  order by product_id`.execute(tx.q)
      ).rows.map((r) => r.name),
    );
    expect(names[0]).toBe('Renamed by the test');
    expect(names).toHaveLength(4);

    const older = await importAdvisory(original);
    expect(older.status).toBe('refused');
    expect(older.error_list).toHaveLength(1);
    expect(older.error_list[0]?.message).toBe(
      'This is an older revision of the advisory ICSMA-17-215-01: version 1 (2017-08-03T00:00:00.000000Z), ' +
        'where version 2 (2017-09-01T00:00:00.000000Z) is already imported. Nothing was changed.',
    );
    expect((await advisoryRow('ICSMA-17-215-01'))?.version).toBe('2');

    const same = await importAdvisory(newer);
    expect(same).toMatchObject({
      status: 'succeeded',
      created: 0,
      updated: 0,
      unchanged: 1,
      advisory_id: before?.id,
    });
    const kept = await advisoryRow('ICSMA-17-215-01');
    expect(kept?.updated_at).toBe(after?.updated_at);
  });

  it('refuses a document that breaks the CSAF schema, naming the path and rule, and stores nothing', async () => {
    const doc = docOf(FILES[0] as string);
    doc.document.tracking.id = 'TEST-INVALID-1';
    doc.vulnerabilities = [{ cve: 'CVE-2099-0001' }, ...(doc.vulnerabilities ?? [])];
    delete (doc.document as Partial<Json['document']>).title;
    const vulnsBefore = await count('vulnerabilities');
    const s = await importAdvisory(JSON.stringify(doc));
    expect(s.status).toBe('refused');
    expect(s.error_list[0]?.message).toMatch(
      /^The advisory does not follow the CSAF 2.0 schema \(1 errors\)/,
    );
    expect(s.error_list[0]?.message).toContain('The field "title" is missing.');
    expect(s.error_list[1]).toMatchObject({ column: '/document' });
    expect(s.error_list[1]?.message).toContain('(schema rule #/properties/document/required)');
    expect(await advisoryRow('TEST-INVALID-1')).toBeUndefined();
    expect(await count('advisories')).toBe(99);
    expect(await count('vulnerabilities')).toBe(vulnsBefore);
  });

  it('needs an audience above GREEN, refuses unknown slugs, and always includes the sector unit', async () => {
    const doc = docOf(FILES[1] as string);
    doc.document.tracking.id = 'TEST-AMBER-1';
    doc.document.distribution = { tlp: { label: 'AMBER' } };
    const body = JSON.stringify(doc);
    const none = await importAdvisory(body);
    expect(none.status).toBe('refused');
    expect(none.error_list[0]).toMatchObject({ column: 'audience' });
    expect(none.error_list[0]?.message).toMatch(/^The advisory is TLP:AMBER: give its audience/);
    const unknown = await importAdvisory(body, `&audience=${region.slug},no-such-org`);
    expect(unknown.status).toBe('refused');
    expect(unknown.error_list.map((e) => e.message)).toEqual([
      'The audience names an organisation that does not exist: "no-such-org".',
    ]);
    expect(await advisoryRow('TEST-AMBER-1')).toBeUndefined();
    const ok = await importAdvisory(body, `&audience=${region.slug}`);
    expect(ok).toMatchObject({ status: 'succeeded', created: 1, tlp: 'AMBER' });
    const audience = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) =>
      (
        await sql<{
          org_id: string;
        }>`select org_id from advisory_audience where advisory_id = ${ok.advisory_id ?? ''}
                                     order by org_id`.execute(tx.q)
      ).rows.map((r) => r.org_id),
    );
    expect(audience).toEqual([sector.id, region.id].sort());
    // An unlabelled document takes the importer's label: RED here, for the region.
    const red = docOf(FILES[2] as string);
    red.document.tracking.id = 'TEST-RED-1';
    delete red.document.distribution;
    const r = await importAdvisory(JSON.stringify(red), `&tlp=RED&audience=${region.slug}`);
    expect(r).toMatchObject({ status: 'succeeded', tlp: 'RED' });
    expect(await advisoryRow('TEST-RED-1')).toMatchObject({ tlp: 'RED', tlp_original: null });
    const badOption = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${sector.slug}/imports/advisory?name=a.json&tlp=WHITE`,
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'content-type': 'application/json' },
      payload: body,
    });
    expect(badOption.statusCode).toBe(400);
  });

  it('is imported only by the sector coordinator: a region security officer gets 403', async () => {
    const body = readFileSync(FILES[0] as string);
    for (const org of [sector.slug, region.slug]) {
      const r = await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org}/imports/advisory?name=a.json`,
        remoteAddress: clientAddress(),
        headers: { ...regionOfficer.headers(), 'content-type': 'application/json' },
        payload: body,
      });
      expect(r.statusCode, r.body).toBe(403);
    }
  });

  it('cannot be written through the application role outside a running import', async () => {
    for (const statement of [
      sql`update advisories set title = 'x'`,
      sql`delete from advisory_products`,
      sql`insert into advisory_audience (advisory_id, org_id) select id, ${region.id}::uuid from advisories`,
    ]) {
      const attempt = asOrg(sector.id, async (tx) => {
        const r = await statement.execute(tx.q);
        if (Number(r.numAffectedRows ?? 0n) === 0) throw new Error('nothing written');
      });
      await expect(attempt).rejects.toThrow();
    }
    expect(await count('advisories', sector.id)).toBe(101);
  });
});
