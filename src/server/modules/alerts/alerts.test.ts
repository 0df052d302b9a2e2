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
import { type SmtpServer, startSmtpServer } from '../../../../test/smtp.js';
import { withTenant } from '../../db/tenant.js';
import { createMailer } from '../../lib/mail.js';
import { runMatch } from '../advisories/match-service.js';
import { deliverAlert, MAX_EMAIL_ATTEMPTS } from './delivery.js';

/**
 * Alerts (migration 0023, docs/alerts.md) through the HTTP API on a real database, with e-mail
 * delivered to a real SMTP server process (test/smtp-server.mjs).
 *
 * The directory built below (every organisation of the fresh database):
 *   S  sector unit                 R  region          H  hospital, parent R
 *   M  municipality in region R    R2 region          P  practice in region R2
 *   F  pharmacy                    U  supplier        C  other, parent U
 *   X  hospital running the product of the test advisory (by CPE, version inside its range)
 * Expected audiences are read off this list by hand, one comment each.
 */

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BODY = 'Patch the gateway now: the secret-body-marker-7781 explains how.';

const advisoryDoc = {
  document: {
    category: 'csaf_security_advisory',
    csaf_version: '2.0',
    distribution: { tlp: { label: 'WHITE' } },
    publisher: { category: 'coordinator', name: 'Test CERT', namespace: 'https://cert.example.dk' },
    title: 'Gateway advisory',
    tracking: {
      id: 'ALERT-TEST-1',
      status: 'final',
      version: '1',
      initial_release_date: '2026-11-01T00:00:00.000Z',
      current_release_date: '2026-11-01T00:00:00.000Z',
      revision_history: [{ date: '2026-11-01T00:00:00.000Z', number: '1', summary: 'First' }],
    },
  },
  product_tree: {
    branches: [
      {
        category: 'vendor',
        name: 'Example Medical',
        branches: [
          {
            category: 'product_name',
            name: 'Gateway',
            branches: [
              {
                category: 'product_version',
                name: '2.1.0',
                product: {
                  name: 'Example Medical Gateway 2.1.0',
                  product_id: 'P-CPE',
                  product_identification_helper: { cpe: 'cpe:2.3:a:examplemed:gateway:2.1.0:*:*:*:*:*:*:*' },
                },
              },
            ],
          },
        ],
      },
    ],
  },
  vulnerabilities: [{ cve: 'CVE-2099-7001', product_status: { known_affected: ['P-CPE'] } }],
};

describe.each(engines())('alerts on %s', (engine) => {
  let t: TestApp;
  let smtp: SmtpServer;
  const o = {} as Record<'S' | 'R' | 'H' | 'M' | 'R2' | 'P' | 'F' | 'U' | 'C' | 'X', OrgFixture>;
  let coordinator: SignedIn;
  let officerH: SignedIn;
  let memberH: string;
  let officerF: string;
  let namedP: SignedIn;
  let namedPEmail: string;
  let otherP: SignedIn;
  let advisoryId: string;

  const call = (auth: string | SignedIn, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.inject({
      method,
      url,
      headers: {
        ...(typeof auth === 'string' ? { authorization: auth } : auth.headers()),
        'accept-language': 'en',
      },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  const asOp = <T>(fn: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, fn);

  /** The stored recipient organisations of an alert, as fixture names. */
  async function recipients(alertId: string): Promise<string[]> {
    const rows = await asOp(async (tx) => {
      const r = await sql<{ org_id: string }>`
        select org_id from alert_recipients where alert_id = ${alertId}`.execute(tx.q);
      return r.rows;
    });
    const names = Object.fromEntries(Object.entries(o).map(([k, v]) => [v.id, k]));
    return rows.map((r) => names[r.org_id] ?? r.org_id).sort();
  }

  async function deliveries(alertId: string) {
    return asOp(async (tx) => {
      const r = await sql<{ id: string; address: string; sent_at: Date | null; attempts: number }>`
        select id, address, sent_at, attempts from alert_deliveries where alert_id = ${alertId} and channel = 'email'
        order by address`.execute(tx.q);
      return r.rows;
    });
  }

  interface Composed {
    id: string;
    recipients: {
      organisations: number;
      people: number;
      subscribers: number;
      emails: number;
      notifications: number;
    };
  }

  /** Previews, then publishes the same audience; asserts both counts agree with the stored rows. */
  async function publish(tlp: string, audience: object, extra: object = {}): Promise<Composed> {
    const preview = await call(coordinator, 'POST', '/api/v1/sector/alerts/preview', {
      tlp,
      severity: 'high',
      audience,
      ...extra,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const r = await call(coordinator, 'POST', '/api/v1/sector/alerts', {
      title: `Alert ${tlp} ${Math.random().toString(36).slice(2, 8)}`,
      body: BODY,
      severity: 'high',
      recommended_action: 'Update to 2.1.1.',
      tlp,
      audience,
      ...extra,
    });
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json() as Composed;
    expect(created.recipients).toEqual(preview.json());
    expect(created.recipients.organisations).toBe((await recipients(created.id)).length);
    // The preview counted exactly the e-mails and in-app notifications publication stored.
    const channels = await asOp(async (tx) => {
      const r = await sql<{ emails: number; notifications: number }>`
        select count(*) filter (where channel = 'email')::int as emails,
               count(*) filter (where channel = 'app')::int as notifications
        from alert_deliveries where alert_id = ${created.id}`.execute(tx.q);
      return r.rows[0];
    });
    expect(channels).toEqual({
      emails: created.recipients.emails,
      notifications: created.recipients.notifications,
    });
    return created;
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp(engine, { SMTP_URL: smtp.url });
    await t.runtime.ctx.jobs.work();
    o.S = await createOrg(t, { kind: 'sector_unit' });
    o.R = await createOrg(t, { kind: 'region' });
    o.H = await createOrg(t, { kind: 'hospital', parent: o.R.slug });
    o.M = await createOrg(t, { kind: 'municipality', region: o.R.slug });
    o.R2 = await createOrg(t, { kind: 'region' });
    o.P = await createOrg(t, { kind: 'practice', region: o.R2.slug });
    o.F = await createOrg(t, { kind: 'pharmacy' });
    o.U = await createOrg(t, { kind: 'supplier' });
    o.C = await createOrg(t, { kind: 'other', parent: o.U.slug });
    o.X = await createOrg(t, { kind: 'hospital' });
    coordinator = await login(t, await createUser(t, { org: o.S.slug, role: 'sector_coordinator' }));
    officerH = await login(t, await createUser(t, { org: o.H.slug, role: 'security_officer' }));
    memberH = await createToken(t, o.H.slug, 'member');
    officerF = await createToken(t, o.F.slug, 'security_officer');
    const named = await createUser(t, { org: o.P.slug, role: 'member', email: 'named.person@example.dk' });
    namedPEmail = named.email;
    namedP = await login(t, named);
    otherP = await login(t, await createUser(t, { org: o.P.slug, role: 'member' }));
    for (const [org, address] of [
      ['H', 'duty-h@example.dk'],
      ['P', 'duty-p@example.dk'],
      ['F', 'duty-f@example.dk'],
    ] as const) {
      const admin = await createToken(t, o[org].slug, 'security_officer');
      const r = await call(admin, 'PUT', `/api/v1/orgs/${o[org].slug}/alert-settings`, {
        duty_address: address,
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    // X runs the advisory's product: advisory matching finds it affected.
    const officerX = await createToken(t, o.X.slug, 'security_officer');
    const sys = await call(officerX, 'POST', `/api/v1/orgs/${o.X.slug}/inventory/systems`, {
      key: 'GW-X',
      name: 'Gateway X',
      cpe: 'cpe:2.3:a:examplemed:gateway:2.1.0:*:*:*:*:*:*:*',
    });
    expect(sys.statusCode, sys.body).toBe(201);
    const imp = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${o.S.slug}/imports/advisory?name=upload`,
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'content-type': 'application/json' },
      payload: JSON.stringify(advisoryDoc),
    });
    expect(imp.statusCode, imp.body).toBe(202);
    const importId = imp.json().import_id as string;
    for (const deadline = Date.now() + 90_000; ; await sleep(25)) {
      const s = await t.operator.inject({
        method: 'GET',
        url: `/api/v1/orgs/${o.S.slug}/imports/${importId}`,
      });
      if (FINAL.has(s.json().status)) {
        expect(s.json().status, s.body).toBe('succeeded');
        break;
      }
      if (Date.now() > deadline) throw new Error('advisory import did not finish');
    }
    await runMatch(t.runtime.ctx, {});
    advisoryId = await asOp(async (tx) => {
      const r = await sql<{
        id: string;
      }>`select id from advisories where tracking_id = 'ALERT-TEST-1'`.execute(tx.q);
      return r.rows[0]?.id ?? '';
    });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('resolves each audience rule under each label to exactly the expected organisations', async () => {
    // Kinds: the one pharmacy.
    expect(await recipients((await publish('GREEN', { kinds: ['pharmacy'] })).id)).toEqual(['F']);
    // Region R: itself and M (region_id R); H only has R as parent, so GREEN leaves it out.
    expect(await recipients((await publish('GREEN', { regions: [o.R.id] })).id)).toEqual(['M', 'R']);
    expect(await recipients((await publish('AMBER+STRICT', { regions: [o.R.id] })).id)).toEqual(['M', 'R']);
    // AMBER adds child organisations: H (parent R).
    expect(await recipients((await publish('AMBER', { regions: [o.R.id] })).id)).toEqual(['H', 'M', 'R']);
    // Explicit U: CLEAR takes it alone, AMBER adds its child C.
    expect(await recipients((await publish('CLEAR', { organisations: [o.U.id] })).id)).toEqual(['U']);
    expect(await recipients((await publish('AMBER', { organisations: [o.U.id] })).id)).toEqual(['C', 'U']);
    // Affected by the advisory: X alone (its system's CPE and version match).
    expect(
      await recipients((await publish('GREEN', { affected: true }, { advisory_id: advisoryId })).id),
    ).toEqual(['X']);
    // Kinds hospital and region under GREEN: H, X, R, R2.
    expect(await recipients((await publish('GREEN', { kinds: ['hospital', 'region'] })).id)).toEqual([
      'H',
      'R',
      'R2',
      'X',
    ]);
  });

  it('takes for TLP:RED only the named people, never a rule or a duty address', async () => {
    const red = await publish('RED', {
      kinds: ['pharmacy', 'practice'],
      people: [
        { org_id: o.P.id, user_id: namedP.userId },
        // Not a member of F: not counted.
        { org_id: o.F.id, user_id: otherP.userId },
      ],
    });
    // RED: the named person alone, by e-mail and in the app.
    expect(red.recipients).toEqual({
      organisations: 1,
      people: 1,
      subscribers: 0,
      emails: 1,
      notifications: 1,
    });
    expect(await recipients(red.id)).toEqual(['P']);
    expect((await deliveries(red.id)).map((d) => d.address)).toEqual([namedPEmail]);
    // Named people under AMBER: their organisation joins, and both the duty address and the person get mail.
    const amber = await publish('AMBER', { people: [{ org_id: o.P.id, user_id: namedP.userId }] });
    // P has no security officer in person (its officer is a token): no subscriber.
    expect(amber.recipients).toEqual({
      organisations: 1,
      people: 1,
      subscribers: 0,
      emails: 2,
      notifications: 1,
    });
    expect((await deliveries(amber.id)).map((d) => d.address)).toEqual(['duty-p@example.dk', namedPEmail]);
  });

  it('previews without storing anything', async () => {
    const count = () =>
      asOp(async (tx) => {
        const r = await sql<{ a: number; r: number }>`
          select (select count(*)::int from alerts) as a, (select count(*)::int from alert_recipients) as r`.execute(
          tx.q,
        );
        return r.rows[0];
      });
    const before = await count();
    const p = await call(coordinator, 'POST', '/api/v1/sector/alerts/preview', {
      tlp: 'AMBER',
      audience: { regions: [o.R.id], people: [{ org_id: o.P.id, user_id: namedP.userId }] },
    });
    // R, M, H (child of R), and P for the named person; one person. H's security officer gets the
    // alert by default subscription (in the app and by e-mail); e-mails: duty-h, duty-p, the named
    // person and the officer.
    expect(p.json()).toEqual({ organisations: 4, people: 1, subscribers: 1, emails: 4, notifications: 2 });
    expect(await count()).toEqual(before);
  });

  it('lets only an admin or security officer set the duty address', async () => {
    const member = await call(memberH, 'PUT', `/api/v1/orgs/${o.H.slug}/alert-settings`, {
      duty_address: 'x@example.dk',
    });
    expect(member.statusCode).toBe(403);
    expect((await call(memberH, 'GET', `/api/v1/orgs/${o.H.slug}/alert-settings`)).json()).toEqual({
      duty_address: 'duty-h@example.dk',
    });
  });

  it('refuses what the rules do not allow', async () => {
    const red = await call(coordinator, 'POST', '/api/v1/sector/alerts/preview', {
      tlp: 'RED',
      audience: { kinds: ['hospital'] },
    });
    expect(red.statusCode).toBe(400);
    expect(red.json().code).toBe('alerts.red_needs_people');
    const affected = await call(coordinator, 'POST', '/api/v1/sector/alerts/preview', {
      tlp: 'GREEN',
      audience: { affected: true },
    });
    expect(affected.json().code).toBe('alerts.affected_needs_advisory');
    const notCoordinator = await call(officerH, 'POST', '/api/v1/sector/alerts/preview', {
      tlp: 'GREEN',
      audience: { kinds: ['hospital'] },
    });
    expect(notCoordinator.statusCode).toBe(403);
  });

  it('publishes only for the sector coordinator: a security officer, a member token and a named person are refused, nothing stored', async () => {
    const stored = () =>
      asOp(async (tx) => {
        const r = await sql<{ n: number }>`select count(*)::int as n from alerts`.execute(tx.q);
        return r.rows[0]?.n;
      });
    const before = await stored();
    const alert = {
      title: 'Not from the coordinator',
      body: 'Should never be stored.',
      severity: 'high',
      tlp: 'GREEN',
      audience: { kinds: ['hospital'] },
    };
    for (const who of [officerH, memberH, officerF, namedP]) {
      const r = await call(who, 'POST', '/api/v1/sector/alerts', alert);
      expect(r.statusCode, r.body).toBe(403);
    }
    expect(await stored()).toBe(before);
  });

  it('shows a recipient its alert and answers from the app; a non-recipient gets 404', async () => {
    const alert = await publish('AMBER', { regions: [o.R.id] });
    const inbox = await call(memberH, 'GET', `/api/v1/orgs/${o.H.slug}/alerts`);
    expect(inbox.statusCode).toBe(200);
    expect(inbox.json().items.map((i: { id: string }) => i.id)).toContain(alert.id);
    const detail = await call(memberH, 'GET', `/api/v1/orgs/${o.H.slug}/alerts/${alert.id}`);
    expect(detail.json()).toMatchObject({ body: BODY, answer: null, answers: [] });
    // F is no recipient.
    const f = await call(officerF, 'GET', `/api/v1/orgs/${o.F.slug}/alerts/${alert.id}`);
    expect(f.statusCode).toBe(404);
    const fInbox = (await call(officerF, 'GET', `/api/v1/orgs/${o.F.slug}/alerts?limit=500`)).json();
    expect(fInbox.items.map((i: { id: string }) => i.id)).not.toContain(alert.id);
    // A member does not answer; the security officer does, twice: both are kept, newest first.
    const refused = await call(memberH, 'POST', `/api/v1/orgs/${o.H.slug}/alerts/${alert.id}/answer`, {
      status: 'received',
    });
    expect(refused.statusCode).toBe(403);
    for (const status of ['assessing', 'mitigated'])
      expect(
        (
          await call(officerH, 'POST', `/api/v1/orgs/${o.H.slug}/alerts/${alert.id}/answer`, {
            status,
            note: `now ${status}`,
          })
        ).statusCode,
      ).toBe(200);
    const after = (await call(memberH, 'GET', `/api/v1/orgs/${o.H.slug}/alerts/${alert.id}`)).json();
    expect(after.answer).toMatchObject({ status: 'mitigated', note: 'now mitigated', via: 'app' });
    expect(after.answers.map((a: { status: string }) => a.status)).toEqual(['mitigated', 'assessing']);
    // F cannot reach H's answers: not through H's route, nor under row-level security in its own scope.
    expect((await call(officerF, 'GET', `/api/v1/orgs/${o.H.slug}/alerts/${alert.id}`)).statusCode).toBe(403);
    const seen = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [o.F.id] }, async (tx) => {
      const r = await sql`select 1 from alert_answers where alert_id = ${alert.id}`.execute(tx.q);
      return r.rows.length;
    });
    expect(seen).toBe(0);
    // The audit trail of H records both answers.
    const audit = await asOp(async (tx) => {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from audit_log where org_id = ${o.H.id} and action = 'alert.answer'
          and target_id = ${alert.id}`.execute(tx.q);
      return r.rows[0]?.n;
    });
    expect(audit).toBe(2);
  });

  it('shows a TLP:RED alert only to the named person, not to others in the organisation', async () => {
    const red = await publish('RED', { people: [{ org_id: o.P.id, user_id: namedP.userId }] });
    const mine = await call(namedP, 'GET', `/api/v1/orgs/${o.P.slug}/alerts/${red.id}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().body).toBe(BODY);
    expect((await call(otherP, 'GET', `/api/v1/orgs/${o.P.slug}/alerts/${red.id}`)).statusCode).toBe(404);
    const othersInbox = (await call(otherP, 'GET', `/api/v1/orgs/${o.P.slug}/alerts?limit=500`)).json();
    expect(othersInbox.items.map((i: { id: string }) => i.id)).not.toContain(red.id);
  });

  it('mails AMBER with title and link only, answers by link (GET changes nothing), keeps the Message-ID on a retry', async () => {
    const alert = await publish('AMBER', { regions: [o.R.id] });
    const [duty] = await deliveries(alert.id);
    expect(duty?.address).toBe('duty-h@example.dk');
    const mail = await smtp.waitFor('duty-h@example.dk', (m) => m.message_id === `<${duty?.id}@localhost>`);
    expect(mail.subject).toContain('TLP:AMBER');
    expect(mail.text).not.toContain('secret-body-marker-7781');
    expect(mail.text).not.toContain('Update to 2.1.1.');
    const token = /\/alert-answer#token=([\w.-]+)/.exec(mail.text)?.[1] ?? '';
    expect(token).not.toBe('');

    const view = await t.inject({
      method: 'GET',
      url: `/api/v1/alert-links/${token}`,
      remoteAddress: clientAddress(),
    });
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toMatchObject({
      alert: { tlp: 'AMBER', body: null },
      organisation: { slug: o.H.slug },
      answering_as: 'duty-h@example.dk',
      answer: null,
    });
    // The GET recorded nothing.
    expect(
      (await call(memberH, 'GET', `/api/v1/orgs/${o.H.slug}/alerts/${alert.id}`)).json().answers,
    ).toEqual([]);
    const tampered = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
    const bad = await t.inject({
      method: 'GET',
      url: `/api/v1/alert-links/${tampered}`,
      remoteAddress: clientAddress(),
    });
    expect(bad.statusCode).toBe(404);
    const answered = await t.inject({
      method: 'POST',
      url: `/api/v1/alert-links/${token}`,
      remoteAddress: clientAddress(),
      payload: { status: 'not_affected', note: 'no gateways here' },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    const after = (await call(memberH, 'GET', `/api/v1/orgs/${o.H.slug}/alerts/${alert.id}`)).json();
    expect(after.answer).toMatchObject({
      status: 'not_affected',
      note: 'no gateways here',
      via: 'link',
      answered_by: 'duty-h@example.dk',
    });

    // A send that SMTP refuses leaves the delivery unsent; the retry reuses the Message-ID. First
    // wait for the job to mark the first send, which follows SMTP's acceptance.
    // (H's security officer is mailed too, by default subscription: wait for every mail.)
    for (
      const deadline = Date.now() + 10_000;
      !(await deliveries(alert.id)).every((d) => d.sent_at);
      await sleep(25)
    )
      if (Date.now() > deadline) throw new Error('delivery not marked sent');
    // Unsent again as a failed send waiting for its backoff: the every-minute delivery job leaves it
    // alone (it could otherwise send it between the two calls below), an explicit retry takes it.
    await asOp((tx) =>
      sql`update alert_deliveries set sent_at = null, last_error = 'reset by the test',
            next_attempt_at = now() + interval '1 hour'
          where id = ${duty?.id}`.execute(tx.q),
    );
    // The first send's attempts (one, or more when the job was retried on a loaded machine).
    const before = (await deliveries(alert.id))[0]?.attempts ?? 0;
    expect(before).toBeGreaterThanOrEqual(1);
    const down = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', mailFrom: 'x@vaern.test' });
    await expect(deliverAlert({ ...t.runtime.ctx, mailer: down }, alert.id)).rejects.toThrow(/not accepted/);
    down.close();
    const failed = (await deliveries(alert.id))[0];
    expect(failed?.sent_at).toBeNull();
    expect(failed?.attempts).toBe(before + 1);
    expect(await deliverAlert(t.runtime.ctx, alert.id)).toEqual({ sent: 1, failed: 0 });
    const copies = smtp.received.filter((m) => m.message_id === `<${duty?.id}@localhost>`);
    expect(copies.length).toBe(2);
    expect(copies[1]?.text).toBe(copies[0]?.text);
    expect((await deliveries(alert.id))[0]?.sent_at).not.toBeNull();
  });

  it('gives an e-mail up after its last refused attempt: dead, its error kept, never sent again', async () => {
    const alert = await publish('AMBER', { regions: [o.R.id] });
    for (
      const deadline = Date.now() + 10_000;
      !(await deliveries(alert.id)).every((d) => d.sent_at);
      await sleep(25)
    )
      if (Date.now() > deadline) throw new Error('delivery not marked sent');
    const [duty] = await deliveries(alert.id);
    // One attempt left: the delivery is unsent again, its backoff far away (no run takes it by itself).
    await asOp((tx) =>
      sql`update alert_deliveries set sent_at = null, attempts = ${MAX_EMAIL_ATTEMPTS - 1},
            last_error = 'refused before', next_attempt_at = now() + interval '1 day'
          where id = ${duty?.id}`.execute(tx.q),
    );
    const down = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', mailFrom: 'x@vaern.test' });
    await expect(deliverAlert({ ...t.runtime.ctx, mailer: down }, alert.id)).rejects.toThrow(/not accepted/);
    down.close();
    const dead = await asOp(async (tx) => {
      const r = await sql<{
        attempts: number;
        dead_at: Date | null;
        last_error: string | null;
        sent_at: Date | null;
      }>`
        select attempts, dead_at, last_error, sent_at from alert_deliveries where id = ${duty?.id}`.execute(
        tx.q,
      );
      return r.rows[0];
    });
    expect(dead?.attempts).toBe(MAX_EMAIL_ATTEMPTS);
    expect(dead?.dead_at).not.toBeNull();
    expect(dead?.sent_at).toBeNull();
    expect(dead?.last_error).toMatch(/ECONNREFUSED|connect/i);
    // A working mailer and an operator's retry leave it alone: given up is final.
    expect(await deliverAlert(t.runtime.ctx, alert.id)).toEqual({ sent: 0, failed: 0 });
    expect(smtp.received.filter((m) => m.message_id === `<${duty?.id}@localhost>`)).toHaveLength(1);
  });

  it('mails GREEN with its body, and TLP:RED only to the named person', async () => {
    const green = await publish('GREEN', { kinds: ['pharmacy'] });
    const [d] = await deliveries(green.id);
    const mail = await smtp.waitFor('duty-f@example.dk', (m) => m.message_id === `<${d?.id}@localhost>`);
    expect(mail.text).toContain('secret-body-marker-7781');
    expect(mail.text).toContain('Update to 2.1.1.');

    const red = await publish('RED', {
      kinds: ['practice'],
      people: [{ org_id: o.P.id, user_id: namedP.userId }],
    });
    const [rd] = await deliveries(red.id);
    const redMail = await smtp.waitFor(namedPEmail, (m) => m.message_id === `<${rd?.id}@localhost>`);
    expect(redMail.text).not.toContain('secret-body-marker-7781');
    const token = /\/alert-answer#token=([\w.-]+)/.exec(redMail.text)?.[1] ?? '';
    const answered = await t.inject({
      method: 'POST',
      url: `/api/v1/alert-links/${token}`,
      remoteAddress: clientAddress(),
      payload: { status: 'received' },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'received', via: 'link', answered_by: namedPEmail });
    // The named person sees the answer; nothing was ever sent to P's duty address.
    expect(
      (await call(namedP, 'GET', `/api/v1/orgs/${o.P.slug}/alerts/${red.id}`)).json().answer.status,
    ).toBe('received');
    expect(
      smtp.received.filter((m) => m.envelope_to.includes('duty-p@example.dk') && m.subject.includes('RED')),
    ).toEqual([]);
  });
});
