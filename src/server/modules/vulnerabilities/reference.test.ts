import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
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
import { withTenant } from '../../db/tenant.js';
import { refreshReferenceData } from './reference-refresh.js';
import { kevAndEpssFor } from './reference-service.js';

/** KEV and EPSS imports, the refresh job and the read API (docs/vulnerabilities-reference.md). */

const KEV_FILE = corpus('advisories', 'kev', 'known_exploited_vulnerabilities.json');
const EPSS_FILE = corpus('advisories', 'epss', 'epss_scores-synthetic.csv');
const kevText = readFileSync(KEV_FILE, 'utf8');
const epssText = readFileSync(EPSS_FILE, 'utf8');
// 1,404 entries: `jq '.vulnerabilities|length' known_exploited_vulnerabilities.json` (and its `count`).
const KEV_ENTRIES = 1404;
// 1,000 rows: `wc -l epss_scores-synthetic.csv` is 1,002 lines (it ends with a newline), minus
// the #model_version line and the header.
const EPSS_ROWS = 1000;
// 995 CVEs: `tail -n +3 epss_scores-synthetic.csv | cut -d, -f1 | sort -u | wc -l`. The synthetic
// file names 5 KEV CVEs twice with different scores (e.g. CVE-2024-41713 on lines 167 and 985);
// the higher score counts.
const EPSS_CVES = 995;
// 110 CVEs whose highest score is at least 0.1: `tail -n +3 … | awk -F, '{ if (!($1 in m) ||
// ($2+0) > m[$1]) m[$1]=$2+0 } END { n=0; for (c in m) if (m[c]>=0.1) n++; print n }'`.
const EPSS_AT_LEAST_0_1 = 110;

interface Summary {
  import_id: string;
  status: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  removed?: number;
  duplicates?: number;
  errors: number;
  error_list: Array<{ row: number | null; column: string | null; message: string }>;
}

interface KevDoc {
  count: number;
  vulnerabilities: Array<Record<string, unknown> & { cveID: string }>;
}

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines())('vulnerability reference data on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let hospital: OrgFixture;
  let coordinator: SignedIn;
  let hospitalAdmin: SignedIn;
  let hospitalMember: SignedIn;
  let server: Server;
  let baseUrl: string;
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    t = await startTestApp(engine, process.env.REF_DEBUG ? { VAERN_LOG_LEVEL: 'error' } : {});
    await t.runtime.ctx.jobs.work();
    sector = await createOrg(t, { kind: 'sector_unit' });
    hospital = await createOrg(t, { kind: 'hospital' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    hospitalAdmin = await login(t, await createUser(t, { org: hospital.slug, role: 'admin' }));
    hospitalMember = await login(t, await createUser(t, { org: hospital.slug, role: 'member' }));
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  /** Imports are read by the operator here: the sector coordinator role does not read import lists. */
  async function follow(org: string, id: string): Promise<Summary> {
    const deadline = Date.now() + 90_000;
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
      await sleep(25);
    }
  }

  /** An import started by the sector coordinator through the API. */
  async function runImport(kind: 'kev' | 'epss', body: string | Buffer, type: string): Promise<Summary> {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${sector.slug}/imports/${kind}?name=${kind}-file`,
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'content-type': type },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(202);
    return follow(sector.slug, r.json().import_id);
  }

  const asReader = <T>(fn: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [hospital.id] }, fn);

  async function countOf(table: 'kev_entries' | 'epss_scores' | 'vulnerabilities'): Promise<number> {
    return asReader(async (tx) => {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tx.q);
      return r.rows[0]?.n ?? -1;
    });
  }

  async function kevDescription(cve: string): Promise<string | undefined> {
    return asReader(async (tx) => {
      const r = await sql<{
        d: string;
      }>`select short_description as d from kev_entries where cve = ${cve}`.execute(tx.q);
      return r.rows[0]?.d;
    });
  }

  async function epssOf(cve: string): Promise<number | undefined> {
    return asReader(async (tx) => {
      const r = await sql<{
        e: number;
      }>`select epss::float8 as e from epss_scores where cve = ${cve}`.execute(tx.q);
      return r.rows[0]?.e;
    });
  }

  const kevDoc = (): KevDoc => JSON.parse(kevText) as KevDoc;

  it('imports the real KEV catalogue, and again with everything unchanged', async () => {
    const first = await runImport('kev', kevText, 'application/json');
    expect(first, JSON.stringify(first.error_list)).toMatchObject({
      status: 'succeeded',
      rows: KEV_ENTRIES,
      created: KEV_ENTRIES,
      updated: 0,
      unchanged: 0,
      removed: 0,
      errors: 0,
    });
    expect(await countOf('kev_entries')).toBe(KEV_ENTRIES);
    expect(await countOf('vulnerabilities')).toBe(KEV_ENTRIES);
    const again = await runImport('kev', kevText, 'application/json');
    expect(again).toMatchObject({
      status: 'succeeded',
      created: 0,
      updated: 0,
      unchanged: KEV_ENTRIES,
      removed: 0,
    });
  });

  it('replaces the KEV set with a newer catalogue: 2 removed, 1 updated', async () => {
    const doc = kevDoc();
    const [gone1, gone2] = [doc.vulnerabilities[10], doc.vulnerabilities[20]];
    const changed = doc.vulnerabilities[30];
    if (!gone1 || !gone2 || !changed) throw new Error('corpus too short');
    doc.vulnerabilities = doc.vulnerabilities.filter((v) => v !== gone1 && v !== gone2);
    doc.count = doc.vulnerabilities.length;
    changed.shortDescription = 'Changed by the test.';
    const s = await runImport('kev', JSON.stringify(doc, null, 2), 'application/json');
    expect(s).toMatchObject({
      status: 'succeeded',
      rows: KEV_ENTRIES - 2,
      created: 0,
      updated: 1,
      unchanged: KEV_ENTRIES - 3,
      removed: 2,
    });
    expect(await countOf('kev_entries')).toBe(KEV_ENTRIES - 2);
    expect(await kevDescription(gone1.cveID)).toBeUndefined();
    expect(await kevDescription(changed.cveID)).toBe('Changed by the test.');
    // The vulnerabilities stay: findings and advisories refer to them.
    expect(await countOf('vulnerabilities')).toBe(KEV_ENTRIES);
  });

  it('refuses a catalogue with a schema-invalid entry, naming its index and line, and writes nothing', async () => {
    const doc = kevDoc();
    const bad = doc.vulnerabilities[5];
    if (!bad) throw new Error('corpus too short');
    bad.dueDate = 'soon';
    doc.vulnerabilities.splice(100, 1);
    doc.count = doc.vulnerabilities.length;
    const text = JSON.stringify(doc, null, 4);
    // The entry's "{" is on the line before its "cveID" in the pretty-printed file.
    const cveLine = text.slice(0, text.indexOf(`"cveID": "${bad.cveID}"`)).split('\n').length;
    const s = await runImport('kev', text, 'application/json');
    expect(s.status).toBe('refused');
    expect(s.errors).toBe(1);
    // Rows are entry numbers (index + 1); the message names the index and the line.
    expect(s.error_list[0]).toMatchObject({ row: 6, column: 'dueDate' });
    expect(s.error_list[0]?.message).toContain(`Entry 5 (${bad.cveID}, line ${cveLine - 1})`);
    expect(s.error_list[0]?.message).toMatch(/at dueDate: Not a date \(YYYY-MM-DD\)\.$/);
    expect(await countOf('kev_entries')).toBe(KEV_ENTRIES - 2);
    expect(await kevDescription(doc.vulnerabilities[30]?.cveID ?? '')).toBe('Changed by the test.');
  });

  it('refuses an entry with a NUL character, naming its row, and keeps the catalogue', async () => {
    const doc = kevDoc();
    const bad = doc.vulnerabilities[5];
    if (!bad) throw new Error('the catalogue has fewer than 6 entries');
    bad.shortDescription = 'before\u0000after';
    const s = await runImport('kev', JSON.stringify(doc), 'application/json');
    expect(s.status, JSON.stringify(s.error_list)).toBe('refused');
    expect(s.error_list[0]).toMatchObject({ row: 6, column: null });
    expect(s.error_list[0]?.message).toMatch(/^Row 6 holds a NUL character/);
    expect(await countOf('kev_entries')).toBe(KEV_ENTRIES - 2);
  });

  it('refuses an older catalogue than the one imported', async () => {
    const doc = kevDoc();
    (doc as unknown as { dateReleased: string }).dateReleased = '2020-01-01T00:00:00.000Z';
    const s = await runImport('kev', JSON.stringify(doc), 'application/json');
    expect(s.status).toBe('refused');
    expect(s.error_list[0]?.column).toBe('dateReleased');
    expect(await countOf('kev_entries')).toBe(KEV_ENTRIES - 2);
  });

  it('imports the EPSS corpus', async () => {
    const before = await countOf('vulnerabilities');
    const s = await runImport('epss', epssText, 'text/csv');
    expect(s, JSON.stringify(s.error_list)).toMatchObject({
      status: 'succeeded',
      rows: EPSS_ROWS,
      created: EPSS_CVES,
      updated: 0,
      unchanged: 0,
      duplicates: EPSS_ROWS - EPSS_CVES,
    });
    expect(await countOf('epss_scores')).toBe(EPSS_CVES);
    expect(await epssOf('CVE-2024-41713')).toBeCloseTo(0.03943, 6);
    // Its CVEs that KEV did not bring got vulnerabilities of their own.
    const cves = new Set(
      epssText
        .split('\n')
        .slice(2)
        .filter(Boolean)
        .map((l) => l.split(',')[0] ?? ''),
    );
    const kevCves = new Set(kevDoc().vulnerabilities.map((v) => v.cveID));
    expect(await countOf('vulnerabilities')).toBe(before + [...cves].filter((c) => !kevCves.has(c)).length);
    expect(await epssOf('CVE-2024-8069')).toBeCloseTo(0.12939, 6);
  });

  it('refuses an EPSS file with bad rows, naming row and column, and writes nothing', async () => {
    const lines = epssText.split('\n');
    lines[2] = 'CVE-2025-48384,1.5,0.13300'; // row 3: the first data row
    lines[9] = `CVE-12,${lines[9]?.split(',').slice(1).join(',')}`; // row 10
    lines[3] = 'CVE-2024-8068,0.5,0.99'; // a valid change that must not be applied
    const s = await runImport('epss', lines.join('\n'), 'text/csv');
    expect(s.status).toBe('refused');
    expect(s.error_list.map((e) => [e.row, e.column])).toEqual([
      [3, 'epss'],
      [10, 'cve'],
    ]);
    expect(await epssOf('CVE-2024-8068')).toBeCloseTo(0.00171, 6);
  });

  it('refreshes KEV and EPSS (gzipped) from the configured URLs through the daily job', async () => {
    const lines = epssText.split('\n');
    lines[4] = 'CVE-2024-8069,0.5,0.99';
    served.set('/kev.json', Buffer.from(kevText));
    served.set('/epss.csv.gz', gzipSync(lines.join('\n')));
    for (const [key, value] of [
      ['kev_url', `${baseUrl}/kev.json`],
      ['epss_url', `${baseUrl}/epss.csv.gz`],
    ]) {
      const r = await t.asOperator('PUT', `/api/v1/platform/settings/${key}`, { value });
      expect(r.statusCode, r.body).toBe(200);
    }
    expect(
      (await t.asOperator('PUT', '/api/v1/platform/settings/kev_url', { value: 'ftp://x/y' })).statusCode,
    ).toBe(400);
    const results = await refreshReferenceData(t.runtime.ctx);
    expect(results.map((r) => r.kind)).toEqual(['kev', 'epss']);
    const [kev, epss] = await Promise.all(results.map((r) => follow(sector.slug, r.import_id ?? '')));
    // The corpus catalogue brings back the two entries the test removed above.
    expect(kev).toMatchObject({
      status: 'succeeded',
      created: 2,
      updated: 1,
      unchanged: KEV_ENTRIES - 3,
      removed: 0,
    });
    expect(epss).toMatchObject({
      status: 'succeeded',
      rows: EPSS_ROWS,
      created: 0,
      updated: 1,
      unchanged: EPSS_CVES - 1,
    });
    expect(await epssOf('CVE-2024-8069')).toBe(0.5);
    // The imports were started by the job, as its actor.
    const who = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [sector.id] }, async (tx) =>
      sql<{ actor: { type: string; name: string } }>`
        select created_by as actor from imports where id = ${results[0]?.import_id ?? ''}`.execute(tx.q),
    );
    expect(who.rows[0]?.actor).toMatchObject({ type: 'job', name: 'vulnerabilities.refresh' });
  });

  it('looks a vulnerability up by any alias, whatever the case', async () => {
    const r = await t.inject({
      method: 'GET',
      url: '/api/v1/vulnerabilities/cve-2021-44228',
      headers: hospitalMember.headers(),
    });
    expect(r.statusCode, r.body).toBe(200);
    const v = r.json();
    expect(v.canonical_id).toBe('CVE-2021-44228');
    expect(v.aliases).toEqual(['CVE-2021-44228']);
    expect(v.kev).toMatchObject({
      cve: 'CVE-2021-44228',
      vendor_project: 'Apache',
      catalog_version: '2025.08.25',
    });
    expect(v.kev.due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const scored = await t.inject({
      method: 'GET',
      url: '/api/v1/vulnerabilities/CVE-2024-8069',
      headers: hospitalMember.headers(),
    });
    expect(scored.json().epss).toMatchObject({ epss: 0.5, percentile: 0.99, model_version: 'v2025.03.14' });
    const missing = await t.inject({
      method: 'GET',
      url: '/api/v1/vulnerabilities/GHSA-xxxx-yyyy-zzzz',
      headers: { ...hospitalMember.headers(), 'accept-language': 'en' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().code).toBe('vulnerabilities.not_found');
  });

  it('lists with search, KEV and EPSS filters and cursor paging', async () => {
    const get = async (query: string, auth: Record<string, string> = hospitalMember.headers()) => {
      const r = await t.inject({ method: 'GET', url: `/api/v1/vulnerabilities?${query}`, headers: auth });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as {
        items: Array<{ canonical_id: string; in_kev: boolean; epss: number | null }>;
        next_cursor: string | null;
      };
    };
    const token = await createToken(t, hospital.slug, 'auditor');
    const byToken = await get('q=cve-2021-4422&limit=50', { authorization: token });
    expect(byToken.items.map((i) => i.canonical_id)).toContain('CVE-2021-44228');
    expect(byToken.items.every((i) => i.canonical_id.startsWith('CVE-2021-4422'))).toBe(true);

    const strong = await get('min_epss=0.1&limit=500');
    // The refresh raised CVE-2024-8069 from 0.12939 to 0.5: still one of them.
    expect(strong.items).toHaveLength(EPSS_AT_LEAST_0_1);
    expect(strong.items.every((i) => (i.epss ?? 0) >= 0.1)).toBe(true);

    const first = await get('kev=true&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.items.every((i) => i.in_kev)).toBe(true);
    expect(first.next_cursor).not.toBeNull();
    const second = await get(`kev=true&limit=2&cursor=${first.next_cursor}`);
    expect((second.items[0]?.canonical_id ?? '') > (first.items[1]?.canonical_id ?? '~')).toBe(true);
    const notKev = await get('kev=false&limit=5');
    expect(notKev.items.every((i) => !i.in_kev)).toBe(true);
    expect(notKev.items.length).toBe(5);
  });

  it('answers KEV and EPSS for a set of CVEs in one call', async () => {
    const found = await asReader((tx) =>
      kevAndEpssFor(tx, ['cve-2021-44228', 'CVE-2024-8069', 'CVE-1999-0001']),
    );
    expect(found.get('CVE-2021-44228')).toMatchObject({ in_kev: true });
    expect(found.get('CVE-2021-44228')?.kev_due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(found.get('CVE-2024-8069')).toMatchObject({ epss: 0.5, percentile: 0.99 });
    expect(found.get('CVE-1999-0001')).toEqual({
      in_kev: false,
      kev_due_date: null,
      epss: null,
      percentile: null,
    });
  });

  it('is refused to anonymous requests and its imports to everyone but the sector unit', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/vulnerabilities' })).statusCode).toBe(401);
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/vulnerabilities/CVE-2021-44228' })).statusCode,
    ).toBe(401);
    for (const kind of ['kev', 'epss']) {
      const r = await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${hospital.slug}/imports/${kind}?name=x`,
        remoteAddress: clientAddress(),
        headers: {
          ...hospitalAdmin.headers(),
          'content-type': kind === 'kev' ? 'application/json' : 'text/csv',
        },
        payload: kind === 'kev' ? kevText : epssText,
      });
      expect(r.statusCode, r.body).toBe(403);
    }
  });

  it('cannot be written through the application role outside a running import', async () => {
    const attempts = [
      sql`insert into vulnerabilities (canonical_id) values ('CVE-2099-0001')`,
      sql`update epss_scores set epss = 1`,
      sql`delete from kev_entries`,
    ];
    for (const statement of attempts) {
      for (const orgIds of [[sector.id], [hospital.id]]) {
        const before = await countOf('kev_entries');
        const attempt = withTenant(t.runtime.ctx.db.kysely, { orgIds }, async (tx) => {
          // Even naming a finished import does not open the write path.
          const done = await sql<{ id: string }>`
            select id from imports where status = 'succeeded' limit 1`.execute(tx.q);
          if (done.rows[0])
            await sql`select set_config('app.reference_import', ${done.rows[0].id}, true)`.execute(tx.q);
          const r = await statement.execute(tx.q);
          if (Number(r.numAffectedRows ?? 0n) === 0) throw new Error('nothing written');
        });
        await expect(attempt).rejects.toThrow();
        expect(await countOf('kev_entries')).toBe(before);
      }
    }
    expect(await epssOf('CVE-2024-8069')).toBe(0.5);
  });
});
