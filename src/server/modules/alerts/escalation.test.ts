import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createUser, login, type OrgFixture, type SignedIn } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type SmtpServer, startSmtpServer } from '../../../../test/smtp.js';
import { withTenant } from '../../db/tenant.js';
import { escalateAlerts } from './escalation.js';

/**
 * Escalation of unanswered alerts (migration 0025) with the clock in the test's hands: the defaults
 * escalate to security officers after 240 minutes and to management after 1,440.
 */
describe.each(engines())('alert escalation on %s', (engine) => {
  let t: TestApp;
  let smtp: SmtpServer;
  let sector: OrgFixture;
  let region: OrgFixture;
  let hospital: OrgFixture;
  let coordinator: SignedIn;
  let officerHospital: SignedIn;
  const officerEmail = 'officer.region@example.dk';
  const managementEmail = 'director.region@example.dk';
  const hours = (n: number) => new Date(Date.now() + n * 3_600_000);

  const post = (who: SignedIn, url: string, payload: object) =>
    t.inject({
      method: 'POST',
      url,
      headers: { ...who.headers(), 'accept-language': 'en' },
      payload: payload as Record<string, unknown>,
    });

  async function publish(tlp: string, orgs: OrgFixture[], people: object[] = []): Promise<string> {
    const r = await post(coordinator, '/api/v1/sector/alerts', {
      title: `Escalation ${tlp} ${Math.random().toString(36).slice(2, 8)}`,
      body: 'Patch the gateway.',
      severity: 'critical',
      tlp,
      audience: { organisations: orgs.map((o) => o.id), people },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  }

  const steps = (list: Awaited<ReturnType<typeof escalateAlerts>>) =>
    list
      .map(
        (s) =>
          `${s.org_id === region.id ? 'region' : s.org_id === hospital.id ? 'hospital' : s.org_id} ${s.level} ${s.people}`,
      )
      .sort();

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp(engine, { SMTP_URL: smtp.url });
    sector = await createOrg(t, { kind: 'sector_unit' });
    region = await createOrg(t, { kind: 'region' });
    hospital = await createOrg(t, { kind: 'hospital' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    await createUser(t, { org: region.slug, role: 'security_officer', email: officerEmail });
    await createUser(t, { org: region.slug, role: 'management', email: managementEmail });
    await createUser(t, { org: region.slug, role: 'member', email: 'member.region@example.dk' });
    officerHospital = await login(t, await createUser(t, { org: hospital.slug, role: 'security_officer' }));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('reminds an unanswered organisation through its security officers, then its management, each once', async () => {
    const alertId = await publish('GREEN', [region, hospital]);
    // The hospital answers; the region does not.
    const answered = await post(officerHospital, `/api/v1/orgs/${hospital.slug}/alerts/${alertId}/answer`, {
      status: 'received',
    });
    expect(answered.statusCode, answered.body).toBe(200);

    expect(steps(await escalateAlerts(t.runtime.ctx, hours(3)))).toEqual([]);
    expect(steps(await escalateAlerts(t.runtime.ctx, hours(5)))).toEqual(['region 1 1']);
    // The officer had the alert itself by default subscription (migration 0028); the reminder is
    // the mail that says the organisation has not answered.
    await smtp.waitFor(officerEmail, (m) => m.subject.includes('Escalation GREEN'));
    const reminded = /has not answered this alert yet|har endnu ikke svaret/;
    const mail = await smtp.waitFor(
      officerEmail,
      (m) => m.subject.includes('Escalation GREEN') && reminded.test(m.text),
    );
    expect(mail.text).toMatch(/\/alert-answer#token=/);
    // Once: the same moment again escalates nothing.
    expect(steps(await escalateAlerts(t.runtime.ctx, hours(5)))).toEqual([]);
    expect(steps(await escalateAlerts(t.runtime.ctx, hours(25)))).toEqual(['region 2 1']);
    await smtp.waitFor(managementEmail, (m) => m.subject.includes('Escalation GREEN'));
    expect(smtp.received.filter((m) => m.to.includes('member.region@example.dk'))).toEqual([]);
    const audit = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [region.id] }, (tx) =>
      sql<{ action: string; level: number }>`
        select action, (after ->> 'level')::int as level from audit_log
        where org_id = ${region.id} and target_id = ${alertId} order by seq`.execute(tx.q),
    );
    expect(audit.rows).toEqual([
      { action: 'alert.escalated', level: 1 },
      { action: 'alert.escalated', level: 2 },
    ]);
  });

  it('follows the platform settings: reminders after 30 minutes and after 2 hours', async () => {
    const set = async (name: string, value: number) => {
      const r = await t.asOperator('PUT', `/api/v1/platform/settings/${name}`, { value });
      expect(r.statusCode, r.body).toBe(200);
    };
    await set('alert_escalation_minutes', 30);
    await set('alert_escalation_management_minutes', 120);
    try {
      const alertId = await publish('GREEN', [region]);
      const mine = async (at: Date) =>
        steps((await escalateAlerts(t.runtime.ctx, at)).filter((s) => s.alert_id === alertId));
      const minutes = (n: number) => new Date(Date.now() + n * 60_000);
      expect(await mine(minutes(20))).toEqual([]);
      expect(await mine(minutes(35))).toEqual(['region 1 1']);
      expect(await mine(minutes(100))).toEqual([]);
      expect(await mine(minutes(125))).toEqual(['region 2 1']);
    } finally {
      await set('alert_escalation_minutes', 240);
      await set('alert_escalation_management_minutes', 1_440);
    }
  });

  it('never escalates TLP:RED, and stops once the organisation answers', async () => {
    const named = await createUser(t, { org: region.slug, role: 'member', email: 'named.region@example.dk' });
    const red = await publish('RED', [], [{ org_id: region.id, user_id: named.id }]);
    const green = await publish('GREEN', [hospital]);
    const answered = await post(officerHospital, `/api/v1/orgs/${hospital.slug}/alerts/${green}/answer`, {
      status: 'assessing',
    });
    expect(answered.statusCode).toBe(200);
    const taken = await escalateAlerts(t.runtime.ctx, hours(48));
    expect(taken.filter((s) => s.alert_id === red || s.alert_id === green)).toEqual([]);
  });
});
