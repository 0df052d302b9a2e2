import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
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

/** Penetration-test and red-team findings, and sharing them read-only (migration 0024). */

describe.each(engines())('test findings on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  let c: OrgFixture;
  let officerA: string;
  let memberA: string;
  let officerB: string;
  let officerC: string;
  let ownerA: SignedIn;

  const call = (auth: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.inject({
      method,
      url,
      headers: { authorization: auth, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  const body = {
    kind: 'pentest',
    engagement: 'Pentest of the patient portal, Q3 2026',
    tester: 'Acme Security ApS',
    tested_on: '2026-09-15',
    title: 'Stored XSS in the appointment form',
    severity: 'high',
    system: 'PORTAL',
    cves: ['cve-2099-1234'],
    description: 'The note field is rendered without escaping.',
    solution: 'Escape output; add a content security policy.',
  };

  let testId: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    a = await createOrg(t, { kind: 'region' });
    b = await createOrg(t, { kind: 'hospital' });
    c = await createOrg(t, { kind: 'municipality' });
    officerA = await createToken(t, a.slug, 'security_officer');
    memberA = await createToken(t, a.slug, 'member');
    officerB = await createToken(t, b.slug, 'security_officer');
    officerC = await createToken(t, c.slug, 'security_officer');
    ownerA = await login(t, await createUser(t, { org: a.slug, role: 'system_owner' }));
    const sys = await call(officerA, 'POST', `/api/v1/orgs/${a.slug}/inventory/systems`, {
      key: 'PORTAL',
      name: 'Patient portal',
      criticality: 'critical',
      hostnames: ['portal'],
    });
    expect(sys.statusCode, sys.body).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('enters a penetration-test result as a finding with its engagement, due date and audit entry', async () => {
    const r = await call(officerA, 'POST', `/api/v1/orgs/${a.slug}/findings/tests`, body);
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json();
    testId = created.finding.id;
    expect(created).toMatchObject({
      finding: {
        family: 'pentest',
        host: 'portal',
        system: { key: 'PORTAL' },
        title: body.title,
        severity: 'high',
        cves: ['CVE-2099-1234'],
        state: 'open',
      },
      engagement: {
        kind: 'pentest',
        name: body.engagement,
        tester: 'Acme Security ApS',
        tested_on: '2026-09-15',
      },
      shared_with: [],
    });
    // The default SLA: high on a critical system, 14 days from today.
    const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    expect(created.finding.due_on).toBe(due);
    // Today's figures count it (opened and open, high, on its system), as a full count would.
    const figures = () =>
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, async (tx) => ({
        days: (
          await sql`select severity, open_total, opened, closed, overdue, kev_open from finding_daily_counts
            where org_id = ${a.id} and day = (now() at time zone 'UTC')::date order by severity`.execute(tx.q)
        ).rows,
        systems: (
          await sql`select system_id, severity, open_total, overdue from finding_system_counts
            where org_id = ${a.id} order by system_id, severity`.execute(tx.q)
        ).rows,
      }));
    const kept = await figures();
    expect(kept.days).toContainEqual(expect.objectContaining({ severity: 'high', open_total: 1, opened: 1 }));
    expect(kept.systems).toEqual([expect.objectContaining({ severity: 'high', open_total: 1, overdue: 0 })]);
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
      sql`select vaern_findings_count_day(${a.id}::uuid, '{}'::jsonb)`.execute(tx.q),
    );
    expect(await figures()).toEqual(kept);
    const list = await call(officerA, 'GET', `/api/v1/orgs/${a.slug}/findings?limit=50`);
    expect(list.json().items.map((f: { id: string }) => f.id)).toContain(testId);
    const audit = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
      sql<{
        action: string;
      }>`select action from audit_log where org_id = ${a.id} and target_id = ${testId}`.execute(tx.q),
    );
    expect(audit.rows.map((x) => x.action)).toEqual(['finding.test_created']);
  });

  it('refuses a member, an unknown system and malformed fields', async () => {
    expect((await call(memberA, 'POST', `/api/v1/orgs/${a.slug}/findings/tests`, body)).statusCode).toBe(403);
    const unknown = await call(officerA, 'POST', `/api/v1/orgs/${a.slug}/findings/tests`, {
      ...body,
      system: 'NOPE',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().title).toMatch(/NOPE/);
    for (const bad of [
      { severity: 'urgent' },
      { cves: ['Log4Shell'] },
      { kind: 'audit' },
      { engagement: '' },
    ]) {
      const r = await call(officerA, 'POST', `/api/v1/orgs/${a.slug}/findings/tests`, { ...body, ...bad });
      expect({ bad, status: r.statusCode }).toEqual({ bad, status: 400 });
    }
  });

  it('shares it read-only with a named organisation, and with no one else', async () => {
    // A system owner enters test findings but does not share them.
    const owner = await t.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${a.slug}/findings/${testId}/shares/${b.slug}`,
      headers: { ...ownerA.headers(), 'accept-language': 'en' },
    });
    expect(owner.statusCode).toBe(403);
    const shared = await call(officerA, 'PUT', `/api/v1/orgs/${a.slug}/findings/${testId}/shares/${b.slug}`);
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json().shared_with.map((s: { org: { slug: string } }) => s.org.slug)).toEqual([b.slug]);
    expect(
      (await call(officerA, 'PUT', `/api/v1/orgs/${a.slug}/findings/${testId}/shares/${a.slug}`)).statusCode,
    ).toBe(400);
    expect(
      (await call(officerA, 'PUT', `/api/v1/orgs/${a.slug}/findings/${testId}/shares/no-such-org`))
        .statusCode,
    ).toBe(400);

    const ofB = await call(officerB, 'GET', `/api/v1/orgs/${b.slug}/shared-findings`);
    expect(ofB.statusCode).toBe(200);
    expect(ofB.json().items).toMatchObject([
      {
        id: testId,
        owner: { slug: a.slug },
        engagement: { name: body.engagement },
        title: body.title,
        severity: 'high',
        state: 'open',
      },
    ]);
    // Read-only, and nothing else of A's: not in B's own findings, not changeable, A's inventory hidden.
    const own = await call(officerB, 'GET', `/api/v1/orgs/${b.slug}/findings`);
    expect(own.json().items).toEqual([]);
    const change = await call(officerB, 'POST', `/api/v1/orgs/${b.slug}/findings/${testId}/state`, {
      state: 'in_progress',
    });
    expect(change.statusCode).toBe(404);
    const direct = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [b.id] }, async (tx) => {
      const seen = await sql<{
        n: number;
      }>`select count(*)::int as n from findings where org_id = ${a.id}`.execute(tx.q);
      const updated = await sql`update findings set title = 'changed' where org_id = ${a.id}`.execute(tx.q);
      const systems = await sql<{ n: number }>`
        select count(*)::int as n from inventory_systems where org_id = ${a.id}`.execute(tx.q);
      const shares = await sql`delete from finding_shares where org_id = ${a.id}`.execute(tx.q);
      return [
        seen.rows[0]?.n,
        Number(updated.numAffectedRows),
        systems.rows[0]?.n,
        Number(shares.numAffectedRows),
      ];
    });
    expect(direct).toEqual([1, 0, 0, 0]);
    expect((await call(officerC, 'GET', `/api/v1/orgs/${c.slug}/shared-findings`)).json().items).toEqual([]);
  });

  it('stops sharing, audited both ways', async () => {
    const r = await call(officerA, 'DELETE', `/api/v1/orgs/${a.slug}/findings/${testId}/shares/${b.slug}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().shared_with).toEqual([]);
    expect((await call(officerB, 'GET', `/api/v1/orgs/${b.slug}/shared-findings`)).json().items).toEqual([]);
    expect(
      (await call(officerA, 'DELETE', `/api/v1/orgs/${a.slug}/findings/${testId}/shares/${b.slug}`))
        .statusCode,
    ).toBe(404);
    const audit = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, (tx) =>
      sql<{ action: string }>`select action from audit_log where org_id = ${a.id} and target_id = ${testId}
        order by seq`.execute(tx.q),
    );
    expect(audit.rows.map((x) => x.action)).toEqual([
      'finding.test_created',
      'finding.shared',
      'finding.unshared',
    ]);
  });

  it('keeps scans off the test families, and never shares a scanner finding', async () => {
    const upload = (csv: string) =>
      uploadImport(t, a, officerA, {
        kind: 'scan',
        query: 'name=scan.csv&format=csv',
        contentType: 'text/csv',
        body: csv,
      });
    // A scan naming itself "pentest" would close the test's findings on that host: refused.
    const reserved = await upload('source,host,rule,title,severity\npentest,portal,X1,Something,low\n');
    expect(reserved.status).toBe('refused');
    expect(reserved.error_list[0]?.message).toMatch(/pentest/);
    const after = await call(officerA, 'GET', `/api/v1/orgs/${a.slug}/findings/${testId}`);
    expect(after.json().state).toBe('open');
    const scanned = await upload('source,host,rule,title,severity\nnmap,portal,P22,Open SSH,low\n');
    expect(scanned.status, JSON.stringify(scanned)).toBe('succeeded');
    const list = await call(officerA, 'GET', `/api/v1/orgs/${a.slug}/findings?limit=50`);
    const scannerFinding = (list.json().items as Array<{ id: string; family: string }>).find(
      (f) => f.family === 'nmap',
    );
    expect(scannerFinding).toBeDefined();
    const r = await call(
      officerA,
      'PUT',
      `/api/v1/orgs/${a.slug}/findings/${scannerFinding?.id}/shares/${b.slug}`,
    );
    expect(r.statusCode).toBe(400);
    expect(r.json().title).toMatch(/penetration-test and red-team/);
  });
});
