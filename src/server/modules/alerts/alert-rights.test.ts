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
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type SmtpServer, startSmtpServer } from '../../../../test/smtp.js';
import { OPERATOR_SCOPE, type Scope, type Tx, withTenant } from '../../db/tenant.js';
import { translate } from '../../lib/messages.js';
import { signLink } from './alert-links.js';

/**
 * Who reads a TLP:RED alert's row and who answers for an organisation (migration 0037,
 * docs/alerts.md "Audience and TLP" and "E-mail delivery"), on a real database, mail to a real
 * SMTP server process.
 *
 *   S  sector unit: coordinator, plainS (member)
 *   R  region: adminR (admin), officerR (security officer), mgmtR (management, subscribed by
 *      e-mail), plainR (member, subscribed by e-mail), namedR (member, named on the alerts), a
 *      security officer token; duty address duty-r@example.dk
 */

const MARKER = 'red-body-marker-8812';

describe.each(engines())('alert rights on %s', (engine) => {
  let t: TestApp;
  let smtp: SmtpServer;
  let S: OrgFixture;
  let R: OrgFixture;
  let coordinator: SignedIn;
  let plainS: SignedIn;
  let adminR: SignedIn;
  let officerR: SignedIn;
  let mgmtR: SignedIn;
  let plainR: SignedIn;
  let namedR: SignedIn;
  let tokenR: string;
  const email = {
    officerR: 'rights.officer.r@example.dk',
    mgmtR: 'rights.mgmt.r@example.dk',
    plainR: 'rights.plain.r@example.dk',
    namedR: 'rights.named.r@example.dk',
    duty: 'rights-duty-r@example.dk',
  };

  const call = (
    auth: string | SignedIn,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: object,
    lang = 'en',
  ) =>
    t.inject({
      method,
      url,
      headers: {
        ...(typeof auth === 'string' ? { authorization: auth } : auth.headers()),
        'accept-language': lang,
      },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  const asOp = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, fn);

  /** The alerts rows (id and body) a scope reads at the SQL level, under row-level security. */
  const alertRows = (scope: Scope, id: string) =>
    withTenant(t.runtime.ctx.db.kysely, scope, async (tx) => {
      const r = await sql<{ id: string; body: string }>`
        select id, body from alerts where id = ${id} or body like ${`%${MARKER}%`}`.execute(tx.q);
      return r.rows.filter((x) => x.id === id);
    });
  const as = (who: SignedIn, org: OrgFixture): Scope => ({ orgIds: [org.id], userId: who.userId });

  async function issueOwn(tlp: string, people: string[]): Promise<string> {
    const r = await call(adminR, 'POST', `/api/v1/orgs/${R.slug}/issued-alerts`, {
      title: `Rights ${tlp} ${Math.random().toString(36).slice(2, 8)}`,
      body: `Text with ${MARKER}.`,
      severity: 'high',
      tlp,
      audience: { people },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  }

  async function issueSector(tlp: string, audience: object): Promise<string> {
    const r = await call(coordinator, 'POST', '/api/v1/sector/alerts', {
      title: `Sector rights ${tlp} ${Math.random().toString(36).slice(2, 8)}`,
      body: `Sector text with ${MARKER}.`,
      severity: 'high',
      tlp,
      audience,
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  }

  /** The e-mail delivery of an alert to an address. */
  const deliveryTo = (alertId: string, address: string) =>
    asOp(async (tx) => {
      const r = await sql<{ id: string }>`
        select id from alert_deliveries where alert_id = ${alertId} and channel = 'email' and address = ${address}`.execute(
        tx.q,
      );
      const id = r.rows[0]?.id;
      if (!id) throw new Error(`no delivery to ${address}`);
      return id;
    });

  const answerCount = (alertId: string) =>
    asOp(async (tx) => {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from alert_answers where alert_id = ${alertId}`.execute(tx.q);
      return r.rows[0]?.n ?? 0;
    });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp(engine, { SMTP_URL: smtp.url });
    await t.runtime.ctx.jobs.work();
    S = await createOrg(t, { kind: 'sector_unit' });
    R = await createOrg(t, { kind: 'region' });
    coordinator = await login(t, await createUser(t, { org: S.slug, role: 'sector_coordinator' }));
    plainS = await login(t, await createUser(t, { org: S.slug, role: 'member' }));
    adminR = await login(t, await createUser(t, { org: R.slug, role: 'admin' }));
    officerR = await login(
      t,
      await createUser(t, { org: R.slug, role: 'security_officer', email: email.officerR }),
    );
    mgmtR = await login(t, await createUser(t, { org: R.slug, role: 'management', email: email.mgmtR }));
    plainR = await login(t, await createUser(t, { org: R.slug, role: 'member', email: email.plainR }));
    namedR = await login(t, await createUser(t, { org: R.slug, role: 'member', email: email.namedR }));
    tokenR = await createToken(t, R.slug, 'security_officer');
    for (const who of [mgmtR, plainR]) {
      const sub = await call(who, 'PUT', `/api/v1/orgs/${R.slug}/alert-subscription`, {
        channels: ['email'],
        min_severity: 'low',
        kinds: ['advisory', 'general'],
        only_affected: false,
      });
      expect(sub.statusCode, sub.body).toBe(200);
    }
    const duty = await call(tokenR, 'PUT', `/api/v1/orgs/${R.slug}/alert-settings`, {
      duty_address: email.duty,
    });
    expect(duty.statusCode, duty.body).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it("lets the application record a delivery's progress, never move it to another alert or organisation", async () => {
    const first = await issueSector('GREEN', { organisations: [R.id] });
    const second = await issueSector('GREEN', { organisations: [R.id] });
    const id = await deliveryTo(first, email.duty);
    // The publishing functions write deliveries; the application only their progress columns.
    for (const move of [sql`alert_id = ${second}`, sql`org_id = ${S.id}`, sql`address = 'x@example.dk'`]) {
      await expect(
        asOp((tx) => sql`update alert_deliveries set ${move} where id = ${id}`.execute(tx.q)),
      ).rejects.toThrow(/permission denied/);
    }
    const progressed = await asOp(async (tx) => {
      const r = await sql`
        update alert_deliveries set last_error = 'probe', attempts = attempts where id = ${id}`.execute(tx.q);
      return Number(r.numAffectedRows);
    });
    expect(progressed).toBe(1);
    expect(await deliveryTo(first, email.duty)).toBe(id);
  });

  it("keeps an organisation's TLP:RED alert row from its plain members and tokens at the SQL level", async () => {
    const red = await issueOwn('RED', [namedR.userId]);
    const green = await issueOwn('GREEN', []);
    // The named person, and the issuer's admins and security officers, read the row and its body.
    for (const who of [namedR, adminR, officerR]) {
      const rows = await alertRows(as(who, R), red);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.body).toContain(MARKER);
    }
    // A plain member, management and an API token of the issuer read nothing of it.
    for (const scope of [as(plainR, R), as(mgmtR, R), { orgIds: [R.id] }]) {
      expect(await alertRows(scope, red)).toEqual([]);
      // …while the same scope still reads the organisation's GREEN alert.
      expect(await alertRows(scope, green)).toHaveLength(1);
    }
    // Nor the recipient row, the named people or the deliveries.
    const hidden = await withTenant(t.runtime.ctx.db.kysely, as(plainR, R), async (tx) => {
      const r = await sql<{ n: number }>`
        select (select count(*) from alert_recipients where alert_id = ${red})
             + (select count(*) from alert_people where alert_id = ${red})
             + (select count(*) from alert_deliveries where alert_id = ${red}) as n`.execute(tx.q);
      return Number(r.rows[0]?.n);
    });
    expect(hidden).toBe(0);
  });

  it("keeps a sector TLP:RED alert row to the sector unit's coordinators and the named people", async () => {
    const red = await issueSector('RED', { people: [{ org_id: R.id, user_id: namedR.userId }] });
    const green = await issueSector('GREEN', { organisations: [R.id] });
    expect(await alertRows(as(coordinator, S), red)).toHaveLength(1);
    expect(await alertRows(as(namedR, R), red)).toHaveLength(1);
    // A plain member of the sector unit, and people of the recipient organisation who are not named.
    for (const scope of [
      as(plainS, S),
      { orgIds: [S.id] },
      as(adminR, R),
      as(plainR, R),
      { orgIds: [R.id] },
    ]) {
      expect(await alertRows(scope, red)).toEqual([]);
    }
    // The sector unit's plain member still reads its non-RED alerts (unchanged).
    expect(await alertRows(as(plainS, S), green)).toHaveLength(1);
  });

  it('mails an answer link only to those who may answer; everyone else gets the alert page', async () => {
    const id = await issueOwn('GREEN', [namedR.userId]);
    const token = (text: string) => /\/alert-answer#token=([\w.-]+)/.exec(text)?.[1];
    for (const address of [email.duty, email.officerR, email.mgmtR, email.namedR]) {
      const delivery = await deliveryTo(id, address);
      const mail = await smtp.waitFor(address, (m) => m.message_id === `<${delivery}@localhost>`);
      expect(token(mail.text), address).toBe(signLink(t.config.secret, delivery));
    }
    const plainDelivery = await deliveryTo(id, email.plainR);
    const plainMail = await smtp.waitFor(
      email.plainR,
      (m) => m.message_id === `<${plainDelivery}@localhost>`,
    );
    expect(token(plainMail.text)).toBeUndefined();
    expect(plainMail.text).not.toContain('/alert-answer');
    expect(plainMail.text).toContain(`${t.config.publicUrl}/alerts/${id}?org=${R.slug}`);
  });

  it("refuses a link of a person who may not answer, changing nothing; a named person's and an officer's answer", async () => {
    const id = await issueOwn('AMBER', [namedR.userId]);
    // plainR's link as it was mailed before: signed, valid, but plainR may not answer.
    const plainLink = signLink(t.config.secret, await deliveryTo(id, email.plainR));
    const view = await call('', 'GET', `/api/v1/alert-links/${plainLink}`);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().may_answer).toBe(false);
    for (const lang of ['en', 'da'] as const) {
      const refused = await call(
        '',
        'POST',
        `/api/v1/alert-links/${plainLink}`,
        { status: 'received' },
        lang,
      );
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().code).toBe('alerts.link_not_answerer');
      expect(refused.json().title).toBe(translate('alerts.link_not_answerer', lang));
    }
    expect(await answerCount(id)).toBe(0);
    const audit = await asOp(async (tx) => {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from audit_log where action = 'alert.answer' and target_id = ${id}`.execute(
        tx.q,
      );
      return r.rows[0]?.n ?? 0;
    });
    expect(audit).toBe(0);

    // The named member answers by link, and in the app; the security officer by link.
    const namedLink = signLink(t.config.secret, await deliveryTo(id, email.namedR));
    expect((await call('', 'GET', `/api/v1/alert-links/${namedLink}`)).json().may_answer).toBe(true);
    const byNamed = await call('', 'POST', `/api/v1/alert-links/${namedLink}`, { status: 'assessing' });
    expect(byNamed.statusCode, byNamed.body).toBe(200);
    const officerLink = signLink(t.config.secret, await deliveryTo(id, email.officerR));
    const byOfficer = await call('', 'POST', `/api/v1/alert-links/${officerLink}`, { status: 'affected' });
    expect(byOfficer.statusCode, byOfficer.body).toBe(200);
    const inApp = await call(namedR, 'POST', `/api/v1/orgs/${R.slug}/alerts/${id}/answer`, {
      status: 'mitigated',
    });
    expect(inApp.statusCode, inApp.body).toBe(200);
    // The plain member may not answer in the app either.
    const plainApp = await call(plainR, 'POST', `/api/v1/orgs/${R.slug}/alerts/${id}/answer`, {
      status: 'received',
    });
    expect(plainApp.statusCode).toBe(403);
    expect(await answerCount(id)).toBe(3);
  });
});
