import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { type FinishedImport, uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { fingerprintOf } from './scan-import.js';

/**
 * `scan` imports (docs/vulnerabilities.md) through the HTTP API, on real scanner reports.
 *
 * nessus_v_unknown.xml: 7 ReportHosts (qa3app01–09, 10.31.112.21–29), 296 ReportItems, of which
 * 266 have severity 0 and 30 are findings (23 medium, 7 low), 30 distinct identities (host,
 * pluginID, port, protocol); qa3app01 has 5 of them. Counted with Python's ElementTree:
 *   python3 -c "import xml.etree.ElementTree as E; t=E.parse('nessus_v_unknown.xml');
 *     print(sum(1 for i in t.iter('ReportItem') if i.get('severity')!='0'))"
 */

interface Summary extends FinishedImport {
  rows: number;
  created: number;
  errors: number;
  new: number;
  still_open: number;
  reopened: number;
  closed: number;
  informational: number;
  unmapped_hosts: number;
  unmapped_host_names: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NESSUS = () => readFileSync(corpus('scans', 'nessus/nessus_v_unknown.xml'), 'utf8');

/** The report without qa3app01's findings: its informational items stay (the host was scanned). */
function withoutFindingsOf(xml: string, host: string): string {
  const start = xml.indexOf(`<ReportHost name="${host}"`);
  const end = xml.indexOf('</ReportHost>', start);
  const part = xml
    .slice(start, end)
    .replace(/<ReportItem [^>]*severity="[1-4]"[^>]*>[\s\S]*?<\/ReportItem>/g, '');
  return xml.slice(0, start) + part + xml.slice(end);
}

describe.each(engines())('scan import on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let other: OrgFixture;
  let officer: string;

  const scan = (body: string | Buffer, query: string, o: OrgFixture = org, auth = officer) =>
    uploadImport<Summary>(t, o, auth, {
      kind: 'scan',
      query: `name=report&${query}`,
      contentType: 'application/xml',
      body,
    });

  async function findings(query = '', o: OrgFixture = org, auth = officer) {
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${o.slug}/findings?${query.includes('limit=') ? '' : 'limit=500'}${query}`,
      headers: { authorization: auth },
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items as Array<Record<string, unknown> & { id: string; state: string; host: string }>;
  }

  async function countRows(table: 'findings' | 'scan_host_facts' | 'finding_texts', o: OrgFixture = org) {
    return withTenant(t.runtime.ctx.db.kysely, { orgIds: [o.id] }, async (tx) => {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tx.q);
      return r.rows[0]?.n ?? 0;
    });
  }

  /** What an import that did not succeed may not leave: findings, work rows, staged rows. */
  const LEFTOVERS = [
    'findings',
    'scan_import_items',
    'scan_import_hosts',
    'scan_import_scope',
    'scan_import_texts',
    'import_rows',
  ] as const;
  async function leftovers(o: OrgFixture): Promise<Record<string, number>> {
    return withTenant(t.runtime.ctx.db.kysely, { orgIds: [o.id] }, async (tx) => {
      const out: Record<string, number> = {};
      for (const table of LEFTOVERS) {
        const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tx.q);
        out[table] = r.rows[0]?.n ?? -1;
      }
      return out;
    });
  }
  const nothingLeft = Object.fromEntries(LEFTOVERS.map((table) => [table, 0]));

  async function createSystem(key: string, body: Record<string, unknown>) {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/inventory/systems`,
      headers: { authorization: officer },
      payload: { key, name: `System ${key}`, ...body },
    });
    expect(r.statusCode, r.body).toBe(201);
  }

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `scan-${engine}`, kind: 'region' });
    other = await createOrg(t, { slug: `scan-other-${engine}`, kind: 'hospital' });
    officer = await createToken(t, org.slug, 'security_officer');
    // Mapping: by host name, by exact address, by range (the most specific wins), by FQDN.
    await createSystem('APP01', { hostnames: ['qa3app01'] });
    await createSystem('APP02', { ip_addresses: ['10.31.112.22'] });
    await createSystem('WIDE', { ip_addresses: ['10.31.112.16/29'] });
    await createSystem('NARROW', { ip_addresses: ['10.31.112.20/30'] });
    await createSystem('MID', { ip_addresses: ['10.31.112.24/30'] });
    await createSystem('WEB', { fqdns: ['testphp.vulnweb.com'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports a Nessus report: findings mapped to systems, informational items as host facts', async () => {
    const first = await scan(NESSUS(), 'format=nessus');
    expect(first).toMatchObject({
      status: 'succeeded',
      errors: 0,
      new: 30,
      still_open: 0,
      reopened: 0,
      closed: 0,
      informational: 266,
      // 10.31.112.29 (qa3app09) lies in no system's range.
      unmapped_hosts: 1,
      unmapped_host_names: ['qa3app09'],
    });
    const all = await findings();
    expect(all).toHaveLength(30);
    const bySystem = (key: string | null) =>
      new Set(
        all.filter((f) => ((f.system as { key: string } | null)?.key ?? null) === key).map((f) => f.host),
      );
    expect(bySystem('APP01')).toEqual(new Set(['qa3app01']));
    expect(bySystem('APP02')).toEqual(new Set(['qa3app02']));
    // .23 lies in WIDE (.16/29) and NARROW (.20/30): the more specific range wins.
    expect(bySystem('NARROW')).toEqual(new Set(['qa3app03']));
    expect(bySystem('MID')).toEqual(new Set(['qa3app04', 'qa3app05', 'qa3app06']));
    expect(bySystem('WIDE')).toEqual(new Set());
    expect(bySystem(null)).toEqual(new Set(['qa3app09']));
    expect(await countRows('scan_host_facts')).toBe(266);
    expect(all.every((f) => f.state === 'open')).toBe(true);
    const counts = { medium: 0, low: 0 } as Record<string, number>;
    for (const f of all) counts[f.severity as string] = (counts[f.severity as string] ?? 0) + 1;
    expect(counts).toEqual({ medium: 23, low: 7 });
    // The identity is the documented hash of family, host, rule, port and protocol.
    const one = all[0] as unknown as {
      fingerprint: string;
      family: string;
      host: string;
      rule: string;
      port: number | null;
      protocol: string | null;
    };
    expect(one.fingerprint).toBe(fingerprintOf(one));
  });

  it('knows a re-scan: unchanged findings still open, gone ones closed, returning ones reopened', async () => {
    const first = new Map((await findings()).map((f) => [f.id, f]));
    const again = await scan(NESSUS(), 'format=nessus');
    expect(again).toMatchObject({ new: 0, still_open: 30, reopened: 0, closed: 0 });
    // Seen again unchanged (not rewritten): seen later, the texts read from where they are kept once.
    const seen = await findings();
    for (const f of seen) {
      const was = first.get(f.id);
      expect(Date.parse(String(f.last_seen_at))).toBeGreaterThan(Date.parse(String(was?.last_seen_at)));
      expect([f.description, f.solution]).toEqual([was?.description, was?.solution]);
    }
    expect(seen.filter((f) => typeof f.description === 'string' && f.description.length > 0)).toHaveLength(
      30,
    );
    // Plugins that fire on several hosts have their texts stored once.
    const texts = await countRows('finding_texts');
    expect(texts).toBeGreaterThan(0);
    expect(texts).toBeLessThan(30);

    const fixed = await scan(withoutFindingsOf(NESSUS(), 'qa3app01'), 'format=nessus');
    expect(fixed).toMatchObject({ new: 0, still_open: 25, reopened: 0, closed: 5 });
    const closed = await findings('&state=fixed');
    expect(closed.map((f) => f.host)).toEqual(Array(5).fill('qa3app01'));
    expect(closed.every((f) => typeof f.closed_by_import === 'string')).toBe(true);
    // Last seen by the scan before the one that closed them.
    const lastSeen = new Map(seen.map((f) => [f.id, f.last_seen_at]));
    for (const f of closed) expect(f.last_seen_at).toBe(lastSeen.get(f.id));

    const back = await scan(NESSUS(), 'format=nessus');
    expect(back).toMatchObject({ new: 0, still_open: 25, reopened: 5, closed: 0 });
    const reopened = await findings('&host=qa3app01');
    expect(reopened.map((f) => [f.state, f.reopened_count])).toEqual(Array(5).fill(['open', 1]));
    expect(await countRows('findings')).toBe(30);
  });

  it('touches nothing outside the scan scope: another host and scanner close nothing', async () => {
    const other = await scan(
      readFileSync(corpus('scans', 'nessus/nessus_with_cwe-.nessus')),
      'format=nessus',
    );
    // One ReportItem of severity 3 on testphp.vulnweb.com (mapped by its FQDN).
    expect(other).toMatchObject({ new: 1, still_open: 0, closed: 0, unmapped_hosts: 0 });
    const web = await findings('&system=WEB');
    expect(web).toHaveLength(1);
    expect(web[0]).toMatchObject({ severity: 'high', state: 'open', host: 'testphp.vulnweb.com' });
    expect((await findings('&state=open')).length).toBe(31);
  });

  it("keeps the dashboard figures as scans come: open by severity, this week's trend, the last scan", async () => {
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/summary`,
      headers: { authorization: officer },
    });
    expect(r.statusCode, r.body).toBe(200);
    const summary = r.json();
    const open = { info: 0, low: 7, medium: 23, high: 1, critical: 0 };
    expect(summary.open_by_severity).toEqual(open);
    expect(summary.trend).toHaveLength(13);
    expect(summary.trend.at(-1).open).toEqual(open);
    expect(summary.last_scan).toMatchObject({ new: 1, still_open: 0, reopened: 0, closed: 0 });
    expect(summary).toMatchObject({ overdue: 0, kev_open: 0 });
    expect(summary.top_systems).toEqual([expect.objectContaining({ key: 'WEB', critical: 0, high: 1 })]);
    // One finding set aside as a false positive leaves the open figures at once.
    const [medium] = await findings('&severity=medium&limit=1');
    const fp = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/findings/${medium?.id}/state`,
      headers: { authorization: officer },
      payload: { state: 'false_positive', reason: 'Filtered by the firewall' },
    });
    expect(fp.statusCode, fp.body).toBe(200);
    const after = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/summary`,
      headers: { authorization: officer },
    });
    expect(after.json().open_by_severity).toEqual({ ...open, medium: 22 });
    const back = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/findings/${medium?.id}/state`,
      headers: { authorization: officer },
      payload: { state: 'open' },
    });
    expect(back.statusCode, back.body).toBe(200);
  });

  it('pages through the findings worst first, every one exactly once', async () => {
    const all = await findings();
    const seen: Array<{ id: string; severity: string }> = [];
    let cursor: string | null = null;
    do {
      const r = await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/findings?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        headers: { authorization: officer },
      });
      expect(r.statusCode, r.body).toBe(200);
      seen.push(...r.json().items);
      cursor = r.json().next_cursor;
    } while (cursor);
    expect(seen.map((f) => f.id)).toEqual(all.map((f) => f.id));
    expect(new Set(seen.map((f) => f.id)).size).toBe(all.length);
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = seen.map((f) => rank.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('imports informational items as findings of severity info when asked', async () => {
    const withInfo = await scan(NESSUS(), 'format=nessus&include_info=true');
    expect(withInfo).toMatchObject({ new: 266, still_open: 30, closed: 0, informational: 0 });
    expect(await findings('&severity=info&limit=1')).toHaveLength(1);
  });

  it('refuses a malformed or hostile report whole and writes nothing', async () => {
    const before = await countRows('findings');
    const truncated = await scan(NESSUS().slice(0, 50_000), 'format=nessus');
    expect(truncated.status).toBe('refused');
    expect(truncated.error_list[0]?.row).toBeGreaterThan(1);
    const entity = await scan(
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><NessusClientData_v2>&a;</NessusClientData_v2>',
      'format=nessus',
    );
    expect(entity.status).toBe('refused');
    expect(entity.error_list[0]?.message).toMatch(/DOCTYPE/);
    expect(await countRows('findings')).toBe(before);
  });

  it('leaves no findings and no work rows when the switch fails after the merge slices', async () => {
    // 1,500 items: a large run (staged in chunks, merged in slices that commit, then the switch),
    // not a small file's one transaction, so the import's discard is what removes the work rows.
    const items = Array.from(
      { length: 1500 },
      (_, i) =>
        `<ReportItem port="443" protocol="tcp" severity="2" pluginID="${900_000 + i}" pluginName="Check ${i}"><description>Item ${i}</description></ReportItem>`,
    ).join('\n');
    const report = `<?xml version="1.0"?>\n<NessusClientData_v2><Report name="r"><ReportHost name="10.9.9.9"><HostProperties><tag name="host-ip">10.9.9.9</tag></HostProperties>\n${items}</ReportHost></Report></NessusClientData_v2>`;
    const failing = await createOrg(t, { slug: `scan-failing-${engine}`, kind: 'hospital' });
    const auth = await createToken(t, failing.slug, 'security_officer');
    // A database failure in the switch's first insert of findings, for this organisation only.
    const db = t.runtime.ctx.db.kysely;
    await sql`create function test_fail_switch() returns trigger language plpgsql as $$
      begin raise exception 'test: the switch fails'; end $$`.execute(db);
    await sql`create trigger test_fail_switch before insert on findings for each row
      when (new.org_id = ${sql.lit(failing.id)}::uuid) execute function test_fail_switch()`.execute(db);
    try {
      const failed = await scan(report, 'format=nessus', failing, auth);
      expect(failed.status).toBe('failed');
    } finally {
      await sql`drop trigger test_fail_switch on findings`.execute(db);
      await sql`drop function test_fail_switch()`.execute(db);
    }
    // No findings; the merge slices' work rows and the staged items are gone (the import's discard).
    expect(await leftovers(failing)).toEqual(nothingLeft);
    // The same report then imports whole.
    expect((await scan(report, 'format=nessus', failing, auth)).status).toBe('succeeded');
    expect(await countRows('findings', failing)).toBe(1500);
  });

  it('refuses a report that breaks off after its first chunks were merged, leaving no work rows', async () => {
    // 6,000 items, then the file ends inside an element: the first 5,000 are staged (and, on a
    // server, merged into the work tables while the rest is read) before the reader meets the end.
    const items = Array.from(
      { length: 6000 },
      (_, i) =>
        `<ReportItem port="22" protocol="tcp" severity="1" pluginID="${800_000 + i}" pluginName="Check ${i}"></ReportItem>`,
    ).join('\n');
    const report = `<?xml version="1.0"?>\n<NessusClientData_v2><Report name="r"><ReportHost name="10.8.8.8"><HostProperties><tag name="host-ip">10.8.8.8</tag></HostProperties>\n${items}\n<ReportItem port="22" protocol="tcp" severity="1" pluginID="1"><descrip`;
    const broken = await createOrg(t, { slug: `scan-broken-${engine}`, kind: 'hospital' });
    const auth = await createToken(t, broken.slug, 'security_officer');
    const refused = await scan(report, 'format=nessus', broken, auth);
    expect(refused.status).toBe('refused');
    expect(refused.error_list[0]?.row).toBeGreaterThan(6000);
    expect(await leftovers(broken)).toEqual(nothingLeft);
  });

  it('refuses a result with a NUL character, naming its line, after earlier chunks were merged', async () => {
    // 6,000 results, one per line after the first two; the 5,500th message holds a NUL (a JSON
    // escape), which PostgreSQL's text cannot hold.
    const results = Array.from({ length: 6000 }, (_, i) =>
      JSON.stringify({
        ruleId: `R${i}`,
        message: { text: i === 5499 ? 'before\u0000after' : `result ${i}` },
        locations: [
          { physicalLocation: { artifactLocation: { uri: `src/f${i}.c` }, region: { startLine: 1 } } },
        ],
      }),
    ).join(',\n');
    const sarif = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"lint"}},"results":[\n${results}]}]}`;
    const o = await createOrg(t, { slug: `scan-nul-${engine}`, kind: 'hospital' });
    const auth = await createToken(t, o.slug, 'security_officer');
    const sys = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${o.slug}/inventory/systems`,
      headers: { authorization: auth },
      payload: { key: 'APP', name: 'App' },
    });
    expect(sys.statusCode, sys.body).toBe(201);
    const refused = await scan(sarif, 'format=sarif&system=APP', o, auth);
    expect(refused.status).toBe('refused');
    expect(refused.error_list).toHaveLength(1);
    expect(refused.error_list[0]).toMatchObject({ row: 5501, column: null });
    expect(refused.error_list[0]?.message).toMatch(/^Row 5501 holds a NUL character/);
    expect(await leftovers(o)).toEqual(nothingLeft);
  });

  it("refuses a SARIF upload without a system, and a system that is not the organisation's", async () => {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/imports/scan?name=x&format=sarif`,
      headers: { authorization: officer, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(r.statusCode).toBe(400);
    const sarif = readFileSync(corpus('scans', 'sarif/appendix_k2.sarif'));
    const unknown = await scan(sarif, 'format=sarif&system=NOPE');
    expect(unknown).toMatchObject({ status: 'refused' });
    expect(unknown.error_list[0]).toMatchObject({ column: 'system' });
  });

  it("keeps every organisation to its own findings and refuses another's actors", async () => {
    const intruder = await createToken(t, other.slug, 'security_officer');
    expect(await findings('', other, intruder)).toEqual([]);
    const mine = await findings('&limit=1');
    const id = mine[0]?.id;
    for (const [method, url] of [
      ['GET', `/api/v1/orgs/${org.slug}/findings`],
      ['GET', `/api/v1/orgs/${org.slug}/findings/${id}`],
      ['POST', `/api/v1/orgs/${org.slug}/findings/${id}/state`],
      ['POST', `/api/v1/orgs/${org.slug}/imports/scan?format=nessus`],
    ] as const) {
      const r = await t.inject({
        method,
        url,
        headers: {
          authorization: intruder,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { payload: { state: 'in_progress' } } : {}),
      });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
    }
    // Under row-level security the other organisation's scope sees none of them, even unfiltered.
    expect(await countRows('findings', other)).toBe(0);
  });

  it('moves findings to the systems that carry their hosts when the inventory changes', async () => {
    // qa3app09 (10.31.112.29) mapped to nothing; a system taking its address takes its findings.
    expect((await findings('&host=qa3app09')).every((f) => f.system === null)).toBe(true);
    await createSystem('APP09', { ip_addresses: ['10.31.112.29'] });
    const moved = async () =>
      (await findings('&host=qa3app09')).every((f) => (f.system as { key: string } | null)?.key === 'APP09');
    for (let i = 0; i < 200 && !(await moved()); i++) await sleep(25);
    expect(await moved()).toBe(true);
    const unmapped = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/unmapped-hosts`,
      headers: { authorization: officer },
    });
    expect(unmapped.json().items).toEqual([]);
    // Deleting it sends them back to no system.
    const del = await t.inject({
      method: 'DELETE',
      url: `/api/v1/orgs/${org.slug}/inventory/systems/APP09`,
      headers: { authorization: officer },
    });
    expect(del.statusCode, del.body).toBe(204);
    const back = async () => (await findings('&host=qa3app09')).every((f) => f.system === null);
    for (let i = 0; i < 200 && !(await back()); i++) await sleep(25);
    expect(await back()).toBe(true);
  });
});
