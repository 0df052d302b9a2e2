import { readFileSync } from 'node:fs';
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
import { uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { analyzeFindingsJob, recomputeAllDue } from './findings-jobs.js';

/**
 * The SLA (docs/vulnerabilities.md): due dates by severity × the system's criticality, from the
 * day a finding was first seen, tightened when a CVE is in KEV or has a high EPSS, recomputed when
 * the SLA or the exploitation data change.
 *
 * nessus_v_unknown.xml: plugin 18405 (medium, CVE-2005-1794) is found on each of the 7 hosts; the
 * report has 23 medium and 7 low findings (see scan-import.test.ts).
 */

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const KEV_CVE = 'CVE-2005-1794';

interface Finding {
  id: string;
  host: string;
  rule: string;
  severity: string;
  first_seen_at: string;
  due_on: string | null;
  overdue: boolean;
  in_kev: boolean;
  epss: number | null;
  cves: string[];
}

const plusDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe.each(engines())('finding SLA on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let sector: OrgFixture;
  let officer: string;
  let member: string;
  let coordinator: SignedIn;

  /** A Nessus report of the corpus, imported by a security officer of the organisation. */
  const scan = (o: OrgFixture, auth: string, file: string) =>
    uploadImport(t, o, auth, {
      kind: 'scan',
      query: 'name=scan&format=nessus',
      contentType: 'application/xml',
      body: readFileSync(corpus('scans', file)),
    });

  /**
   * A KEV or EPSS import by the sector coordinator (a signed-in person), followed as the operator:
   * the coordinator role does not read the sector unit's imports.
   */
  async function sectorImport(kind: 'kev' | 'epss', body: string, type: string) {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${sector.slug}/imports/${kind}?name=${kind}`,
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'content-type': type },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(202);
    for (;;) {
      const s = await t.operator.inject({
        method: 'GET',
        url: `/api/v1/orgs/${sector.slug}/imports/${r.json().import_id}`,
        remoteAddress: clientAddress(),
      });
      expect(s.statusCode, s.body).toBe(200);
      if (FINAL.has(s.json().status)) return s.json();
      await sleep(25);
    }
  }

  async function findings(query = ''): Promise<Finding[]> {
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings?limit=500${query}`,
      headers: { authorization: member },
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items;
  }

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `sla-${engine}`, kind: 'hospital' });
    sector = await createOrg(t, { kind: 'sector_unit' });
    officer = await createToken(t, org.slug, 'security_officer');
    member = await createToken(t, org.slug, 'member');
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    const system = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/inventory/systems`,
      headers: { authorization: officer },
      payload: { key: 'APP01', name: 'Application', hostnames: ['qa3app01'], criticality: 'critical' },
    });
    expect(system.statusCode, system.body).toBe(201);
    expect(await scan(org, officer, 'nessus/nessus_v_unknown.xml')).toMatchObject({
      status: 'succeeded',
      new: 30,
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('gives each finding the default due date for its severity and system criticality', async () => {
    const all = await findings();
    expect(all).toHaveLength(30);
    for (const f of all) {
      const onCritical = f.host === 'qa3app01';
      const days = { medium: onCritical ? 30 : 90, low: onCritical ? 90 : 180 }[
        f.severity as 'medium' | 'low'
      ];
      expect(f.due_on, `${f.host} ${f.rule}`).toBe(plusDays(f.first_seen_at, days));
      expect(f).toMatchObject({ overdue: false, in_kev: false, epss: null });
    }
  });

  it('lets the organisation set its SLA, recomputing at once and auditing it; members may only read', async () => {
    const current = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/sla`,
      headers: { authorization: member },
    });
    expect(current.json()).toMatchObject({ custom: false, policy: { kev_max_days: 7, epss_max_days: 14 } });
    const policy = current.json().policy;
    policy.days.medium.unassessed = 45;
    const refused = await t.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${org.slug}/findings/sla`,
      headers: { authorization: member },
      payload: policy,
    });
    expect(refused.statusCode).toBe(403);
    const bad = await t.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${org.slug}/findings/sla`,
      headers: { authorization: officer },
      payload: { ...policy, days: { ...policy.days, low: { critical: 0 } } },
    });
    expect(bad.statusCode).toBe(400);
    const set = await t.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${org.slug}/findings/sla`,
      headers: { authorization: officer },
      payload: policy,
    });
    expect(set.statusCode, set.body).toBe(200);
    // Medium findings on hosts without a system: 23 medium minus qa3app01's.
    const mediumElsewhere = (await findings('&severity=medium')).filter((f) => f.host !== 'qa3app01');
    expect(set.json()).toMatchObject({ custom: true, recomputed: mediumElsewhere.length });
    for (const f of mediumElsewhere) expect(f.due_on).toBe(plusDays(f.first_seen_at, 45));
    const audit = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from audit_log
                         where org_id = ${org.id} and action = 'findings.sla.update'`.execute(tx.q),
    );
    expect(audit.rows[0]?.n).toBe(1);
  });

  it('tightens the due date of a CVE in KEV and of one with a high EPSS, after their import', async () => {
    const kev = JSON.parse(
      readFileSync(corpus('advisories', 'kev', 'known_exploited_vulnerabilities.json'), 'utf8'),
    );
    kev.vulnerabilities.push({ ...kev.vulnerabilities[0], cveID: KEV_CVE });
    kev.count = kev.vulnerabilities.length;
    const imported = await sectorImport(
      'kev',
      // As CISA publishes it: one entry per line block.
      JSON.stringify(kev, null, 2),
      'application/json',
    );
    expect(imported.status).toBe('succeeded');
    await recomputeAllDue(t.runtime.ctx);
    const exploited = await findings('&kev=true');
    // Plugin 18405 on every host.
    expect(exploited.map((f) => f.host).sort()).toEqual([
      'qa3app01',
      'qa3app02',
      'qa3app03',
      'qa3app04',
      'qa3app05',
      'qa3app06',
      'qa3app09',
    ]);
    for (const f of exploited) {
      expect(f.cves).toContain(KEV_CVE);
      expect(f.due_on).toBe(plusDays(f.first_seen_at, 7));
    }

    // A CVE with a high EPSS score: nessus_with_cwe-.nessus has one high finding with 15 CVEs on a
    // host of no system (30 days unassessed), none in KEV: due within 14 days once EPSS says so.
    const web = await scan(org, officer, 'nessus/nessus_with_cwe-.nessus');
    expect(web).toMatchObject({ status: 'succeeded', new: 1 });
    const [high] = await findings('&severity=high');
    expect(high?.due_on).toBe(plusDays(high?.first_seen_at ?? '', 30));
    const cve = high?.cves[3] as string;
    const epss = `#model_version:v2025.03.14,score_date:2026-11-20T00:00:00+0000\ncve,epss,percentile\n${cve},0.42000,0.99100\n`;
    expect((await sectorImport('epss', epss, 'text/csv')).status).toBe('succeeded');
    await recomputeAllDue(t.runtime.ctx);
    const [after] = await findings(`&cve=${cve}`);
    expect(after).toMatchObject({
      id: high?.id,
      epss: 0.42,
      in_kev: false,
      due_on: plusDays(high?.first_seen_at ?? '', 14),
    });
  });

  it('gives a scan imported after KEV and EPSS its exploitation data and tightened due dates at once', async () => {
    // KEV holds KEV_CVE and EPSS scores one CVE of nessus_with_cwe- (the test before). A new
    // organisation's scans read both while they are merged: no recomputation runs here.
    const fresh = await createOrg(t, { slug: `sla-fresh-${engine}`, kind: 'hospital' });
    const token = await createToken(t, fresh.slug, 'security_officer');
    const read = async (query: string): Promise<Finding[]> => {
      const r = await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${fresh.slug}/findings?limit=500${query}`,
        headers: { authorization: token },
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().items;
    };
    for (const file of ['nessus/nessus_v_unknown.xml', 'nessus/nessus_with_cwe-.nessus']) {
      expect((await scan(fresh, token, file)).status).toBe('succeeded');
    }
    const exploited = await read('&kev=true');
    expect(exploited).toHaveLength(7);
    for (const f of exploited) {
      expect(f.cves).toContain(KEV_CVE);
      expect(f.due_on).toBe(plusDays(f.first_seen_at, 7));
    }
    const [high] = await read('&severity=high');
    expect(high).toMatchObject({ epss: 0.42, in_kev: false });
    expect(high?.due_on).toBe(plusDays(high?.first_seen_at ?? '', 14));
  });

  it('flags overdue findings and filters them', async () => {
    const one = (await findings('&severity=low'))[0] as Finding;
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      sql`update findings set first_seen_at = now() - interval '400 days' where org_id = ${org.id} and id = ${one.id}`.execute(
        tx.q,
      ),
    );
    await recomputeAllDue(t.runtime.ctx);
    const overdue = await findings('&overdue=true');
    expect(overdue.map((f) => f.id)).toEqual([one.id]);
    expect(overdue[0]?.overdue).toBe(true);
    expect((await findings('&overdue=false')).length).toBe(30);
  });

  it("findings.analyze gives the planner the findings' real count (queued after a large scan)", async () => {
    const db = t.runtime.ctx.db.kysely;
    const counted = await withTenant(db, { orgIds: [], operator: true }, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from findings`.execute(tx.q),
    );
    const n = counted.rows[0]?.n ?? 0;
    expect(n).toBeGreaterThanOrEqual(30);
    const estimate = async () =>
      Number(
        (await sql<{ t: number }>`select reltuples as t from pg_class where relname = 'findings'`.execute(db))
          .rows[0]?.t,
      );
    expect(await estimate()).not.toBe(n);
    await analyzeFindingsJob(t.runtime.ctx).handle({});
    expect(await estimate()).toBe(n);
  });
});
