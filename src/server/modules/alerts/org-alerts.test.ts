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
import { withTenant } from '../../db/tenant.js';

/**
 * An organisation's alerts to its own subscribers (migration 0033, docs/alerts.md "Alerts from an
 * organisation") through the HTTP API on a real database, mail to a real SMTP server process.
 *
 * The directory of this test:
 *   R  region, the issuer          H1, H2  hospitals, parent R (R's child organisations)
 *   X  hospital with region R but no parent (not a child of R)
 *   O  region, another issuer      OH      hospital, parent O
 *   S  sector unit
 * People of R: adminR (admin), officerR (security officer: the default subscription, app and
 * e-mail), mailR (member subscribed by e-mail from severity medium), plainR (member, no subscription).
 * H1 has a security officer in person (officerH1); H2 none. Duty addresses: R, H1, H2, X, OH.
 */

const BODY = 'Our own alert: the org-body-marker-5521 explains it.';

describe.each(engines())('organisation alerts on %s', (engine) => {
  let t: TestApp;
  let smtp: SmtpServer;
  const o = {} as Record<'R' | 'H1' | 'H2' | 'X' | 'O' | 'OH' | 'S', OrgFixture>;
  let adminR: SignedIn;
  let officerR: SignedIn;
  let mailR: SignedIn;
  let plainR: SignedIn;
  let officerH1: SignedIn;
  let adminO: SignedIn;
  let coordinator: SignedIn;
  const email = {
    adminR: 'admin.r@example.dk',
    officerR: 'officer.r@example.dk',
    mailR: 'mail.r@example.dk',
    plainR: 'plain.r@example.dk',
    officerH1: 'officer.h1@example.dk',
    officerX: 'officer.x@example.dk',
  };
  const issued: string[] = [];

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

  const names = () => Object.fromEntries(Object.entries(o).map(([k, v]) => [v.id, k]));

  /** The stored recipient organisations of an alert, as fixture names. */
  async function recipients(alertId: string): Promise<string[]> {
    const rows = await asOp(async (tx) => {
      const r = await sql<{ org_id: string }>`
        select org_id from alert_recipients where alert_id = ${alertId}`.execute(tx.q);
      return r.rows;
    });
    const n = names();
    return rows.map((r) => n[r.org_id] ?? r.org_id).sort();
  }

  /** The stored deliveries of an alert as `channel address`, sorted. */
  async function deliveries(alertId: string): Promise<string[]> {
    const rows = await asOp(async (tx) => {
      const r = await sql<{ channel: string; address: string }>`
        select channel, address from alert_deliveries where alert_id = ${alertId}`.execute(tx.q);
      return r.rows;
    });
    return rows.map((r) => `${r.channel} ${r.address}`).sort();
  }

  interface Counts {
    organisations: number;
    people: number;
    subscribers: number;
    emails: number;
    notifications: number;
  }

  /** Previews, then publishes as adminR; asserts the preview equals what publication stored. */
  async function publish(tlp: string, audience: object, severity = 'high') {
    const preview = await call(adminR, 'POST', `/api/v1/orgs/${o.R.slug}/issued-alerts/preview`, {
      tlp,
      severity,
      audience,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const r = await call(adminR, 'POST', `/api/v1/orgs/${o.R.slug}/issued-alerts`, {
      title: `Own alert ${tlp} ${Math.random().toString(36).slice(2, 8)}`,
      body: BODY,
      severity,
      tlp,
      audience,
    });
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json() as { id: string; recipients: Counts };
    issued.push(created.id);
    expect(created.recipients).toEqual(preview.json());
    // The preview counted exactly what publication stored: recipients, named people, people
    // reached otherwise (by subscription), e-mails and in-app notifications.
    const stored = await asOp(async (tx) => {
      const q = await sql<Counts>`
        select (select count(*)::int from alert_recipients where alert_id = ${created.id}) as organisations,
               (select count(*)::int from alert_people where alert_id = ${created.id}) as people,
               (select count(distinct (d.org_id, d.user_id))::int from alert_deliveries d
                where d.alert_id = ${created.id} and d.user_id is not null
                  and not exists (select 1 from alert_people p where p.org_id = d.org_id
                                  and p.alert_id = d.alert_id and p.user_id = d.user_id)) as subscribers,
               (select count(*)::int from alert_deliveries
                where alert_id = ${created.id} and channel = 'email') as emails,
               (select count(*)::int from alert_deliveries
                where alert_id = ${created.id} and channel = 'app') as notifications`.execute(tx.q);
      return q.rows[0];
    });
    expect(stored).toEqual(created.recipients);
    return created;
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp(engine, { SMTP_URL: smtp.url });
    await t.runtime.ctx.jobs.work();
    o.S = await createOrg(t, { kind: 'sector_unit' });
    o.R = await createOrg(t, { kind: 'region' });
    o.H1 = await createOrg(t, { kind: 'hospital', parent: o.R.slug });
    o.H2 = await createOrg(t, { kind: 'hospital', parent: o.R.slug });
    o.X = await createOrg(t, { kind: 'hospital', region: o.R.slug });
    o.O = await createOrg(t, { kind: 'region' });
    o.OH = await createOrg(t, { kind: 'hospital', parent: o.O.slug });
    adminR = await login(t, await createUser(t, { org: o.R.slug, role: 'admin', email: email.adminR }));
    officerR = await login(
      t,
      await createUser(t, { org: o.R.slug, role: 'security_officer', email: email.officerR }),
    );
    mailR = await login(t, await createUser(t, { org: o.R.slug, role: 'member', email: email.mailR }));
    plainR = await login(t, await createUser(t, { org: o.R.slug, role: 'member', email: email.plainR }));
    officerH1 = await login(
      t,
      await createUser(t, { org: o.H1.slug, role: 'security_officer', email: email.officerH1 }),
    );
    await createUser(t, { org: o.X.slug, role: 'security_officer', email: email.officerX });
    adminO = await login(t, await createUser(t, { org: o.O.slug, role: 'admin' }));
    coordinator = await login(t, await createUser(t, { org: o.S.slug, role: 'sector_coordinator' }));
    const sub = await call(mailR, 'PUT', `/api/v1/orgs/${o.R.slug}/alert-subscription`, {
      channels: ['email'],
      min_severity: 'medium',
      kinds: ['advisory', 'general'],
      only_affected: false,
    });
    expect(sub.statusCode, sub.body).toBe(200);
    for (const org of ['R', 'H1', 'H2', 'X', 'OH'] as const) {
      const officer = await createToken(t, o[org].slug, 'security_officer');
      const r = await call(officer, 'PUT', `/api/v1/orgs/${o[org].slug}/alert-settings`, {
        duty_address: `duty-${org.toLowerCase()}@example.dk`,
      });
      expect(r.statusCode, r.body).toBe(200);
    }
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('publishes to its own subscribers and duty address; the mail goes out; the preview is what publication stored', async () => {
    const a = await publish('GREEN', {});
    expect(await recipients(a.id)).toEqual(['R']);
    // officerR by default (app and e-mail), mailR by subscription (e-mail), R's duty address.
    expect(a.recipients).toEqual({
      organisations: 1,
      people: 0,
      subscribers: 2,
      emails: 3,
      notifications: 1,
    });
    expect(await deliveries(a.id)).toEqual([
      `app ${email.officerR}`,
      'email duty-r@example.dk',
      `email ${email.mailR}`,
      `email ${email.officerR}`,
    ]);
    const mail = await smtp.waitFor(email.mailR, (m) => m.subject.includes('Own alert GREEN'));
    expect(mail.subject).toContain('TLP:GREEN');
    // The mail names the issuing organisation, not the sector coordination unit.
    expect(mail.text).toMatch(/(har udsendt et varsel til|has issued an alert to)/);
    expect(mail.text).not.toMatch(/koordinationsenhed|coordination unit/);
    await smtp.waitFor('duty-r@example.dk', (m) => m.subject === mail.subject);
    // Below mailR's threshold (medium) only the officer's default remains: severity filters as for the sector.
    const low = await publish('GREEN', {}, 'low');
    expect(low.recipients).toEqual({
      organisations: 1,
      people: 0,
      subscribers: 1,
      emails: 2,
      notifications: 1,
    });
    // The officer receives it in the app, in the organisation's own inbox.
    const inbox = await call(officerR, 'GET', `/api/v1/orgs/${o.R.slug}/alerts/${a.id}`);
    expect(inbox.statusCode, inbox.body).toBe(200);
    expect(inbox.json().body).toBe(BODY);
  });

  it('adds the child organisations only when chosen and only under CLEAR, GREEN or AMBER', async () => {
    for (const tlp of ['CLEAR', 'GREEN', 'AMBER']) {
      const a = await publish(tlp, { children: true });
      // H1, H2 (parent R); X has R only as region: not a child.
      expect(await recipients(a.id)).toEqual(['H1', 'H2', 'R']);
      // R: duty, officerR, mailR; H1: duty, officerH1; H2: duty.
      expect(a.recipients).toEqual({
        organisations: 3,
        people: 0,
        subscribers: 3,
        emails: 6,
        notifications: 2,
      });
      expect(
        (await deliveries(a.id)).filter((d) => d.includes('duty-h1') || d.includes(email.officerH1)),
      ).toEqual([`app ${email.officerH1}`, 'email duty-h1@example.dk', `email ${email.officerH1}`]);
    }
    const amberAlone = await publish('AMBER', {});
    expect(await recipients(amberAlone.id)).toEqual(['R']);
    for (const tlp of ['AMBER+STRICT', 'RED']) {
      const audience = { children: true, people: [officerR.userId] };
      for (const [path, payload] of [
        ['issued-alerts/preview', { tlp, audience }],
        ['issued-alerts', { title: 'Too wide', body: BODY, severity: 'high', tlp, audience }],
      ] as const) {
        const r = await call(adminR, 'POST', `/api/v1/orgs/${o.R.slug}/${path}`, payload);
        expect(r.statusCode, r.body).toBe(400);
        expect(r.json().code).toBe('alerts.org_children_label');
      }
    }
    // A child answers as usual; the issuer's board shows it.
    const child = await publish('AMBER', { children: true });
    const answer = await call(officerH1, 'POST', `/api/v1/orgs/${o.H1.slug}/alerts/${child.id}/answer`, {
      status: 'not_affected',
      note: 'Checked.',
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const board = await call(officerR, 'GET', `/api/v1/orgs/${o.R.slug}/issued-alerts/${child.id}/board`);
    expect(board.statusCode, board.body).toBe(200);
    const b = board.json();
    expect(b.alert).toMatchObject({ id: child.id, recipients: 3, answered: 1 });
    expect(b.by_status.not_affected).toBe(1);
    const rows = Object.fromEntries(
      b.organisations.map((x: { org: { id: string }; answer: { status: string } | null }) => [
        names()[x.org.id],
        x.answer?.status ?? null,
      ]),
    );
    expect(rows).toEqual({ R: null, H1: 'not_affected', H2: null });
    const list = await call(adminR, 'GET', `/api/v1/orgs/${o.R.slug}/issued-alerts?limit=500`);
    expect(list.statusCode, list.body).toBe(200);
    const item = list.json().items.find((i: { id: string }) => i.id === child.id);
    expect(item).toMatchObject({ recipients: 3, answered: 1, tlp: 'AMBER' });
  });

  it('keeps TLP:AMBER+STRICT in the organisation itself', async () => {
    const a = await publish('AMBER+STRICT', {});
    expect(await recipients(a.id)).toEqual(['R']);
    expect(a.recipients).toEqual({
      organisations: 1,
      people: 0,
      subscribers: 2,
      emails: 3,
      notifications: 1,
    });
  });

  it('takes for TLP:RED only named members of the organisation itself', async () => {
    const none = await call(adminR, 'POST', `/api/v1/orgs/${o.R.slug}/issued-alerts/preview`, {
      tlp: 'RED',
      audience: {},
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('alerts.red_needs_people');
    // plainR is a member of R; officerH1 (of the child H1) and adminO are not: not counted.
    const red = await publish('RED', { people: [plainR.userId, officerH1.userId, adminO.userId] });
    expect(red.recipients).toEqual({
      organisations: 1,
      people: 1,
      subscribers: 0,
      emails: 1,
      notifications: 1,
    });
    expect(await recipients(red.id)).toEqual(['R']);
    // No duty address, no subscriber (not even the officer): the named member alone.
    expect(await deliveries(red.id)).toEqual([`app ${email.plainR}`, `email ${email.plainR}`]);
    expect((await call(plainR, 'GET', `/api/v1/orgs/${o.R.slug}/alerts/${red.id}`)).statusCode).toBe(200);
    expect((await call(officerR, 'GET', `/api/v1/orgs/${o.R.slug}/alerts/${red.id}`)).statusCode).toBe(404);
    // Only outsiders named: nobody at all.
    const outsiders = await publish('RED', { people: [officerH1.userId] });
    expect(outsiders.recipients).toEqual({
      organisations: 0,
      people: 0,
      subscribers: 0,
      emails: 0,
      notifications: 0,
    });
  });

  it('lets only its admin or security officer (a person) publish, preview and follow', async () => {
    const own = await publish('GREEN', {});
    const compose = { title: 'No', body: BODY, severity: 'high', tlp: 'GREEN', audience: {} };
    for (const [method, path, payload] of [
      ['POST', 'issued-alerts/preview', { tlp: 'GREEN', audience: {} }],
      ['POST', 'issued-alerts', compose],
      ['GET', 'issued-alerts', undefined],
      ['GET', `issued-alerts/${own.id}/board`, undefined],
    ] as const) {
      const r = await call(plainR, method, `/api/v1/orgs/${o.R.slug}/${path}`, payload);
      expect({ path, status: r.statusCode, code: r.json().code }).toEqual({
        path,
        status: 403,
        code: 'alerts.org_not_issuer',
      });
    }
    // An API token of the organisation, even a security officer's, does not publish.
    const token = await createToken(t, o.R.slug, 'security_officer');
    expect((await call(token, 'POST', `/api/v1/orgs/${o.R.slug}/issued-alerts`, compose)).statusCode).toBe(
      403,
    );
    // The security officer in person does.
    const r = await call(officerR, 'POST', `/api/v1/orgs/${o.R.slug}/issued-alerts`, compose);
    expect(r.statusCode, r.body).toBe(201);
    issued.push(r.json().id);
  });

  it('refuses another organisation: it cannot publish for R, read its alerts or their boards', async () => {
    const own = await publish('AMBER', { children: true });
    const compose = {
      title: 'Hijack',
      body: BODY,
      severity: 'high',
      tlp: 'GREEN',
      audience: { children: true },
    };
    for (const [method, path, payload] of [
      ['POST', 'issued-alerts/preview', { tlp: 'GREEN', audience: {} }],
      ['POST', 'issued-alerts', compose],
      ['GET', 'issued-alerts', undefined],
      ['GET', `issued-alerts/${own.id}/board`, undefined],
    ] as const) {
      const r = await call(adminO, method, `/api/v1/orgs/${o.R.slug}/${path}`, payload);
      expect({ path, status: r.statusCode }).toEqual({ path, status: 403 });
    }
    // Through its own organisation: R's alert is not O's (404), and not in O's list.
    expect(
      (await call(adminO, 'GET', `/api/v1/orgs/${o.O.slug}/issued-alerts/${own.id}/board`)).statusCode,
    ).toBe(404);
    const theirs = await call(adminO, 'POST', `/api/v1/orgs/${o.O.slug}/issued-alerts`, compose);
    expect(theirs.statusCode, theirs.body).toBe(201);
    const oList = (await call(adminO, 'GET', `/api/v1/orgs/${o.O.slug}/issued-alerts?limit=500`)).json();
    expect(oList.items.map((i: { id: string }) => i.id)).toEqual([theirs.json().id]);
    expect(await recipients(theirs.json().id)).toEqual(['O', 'OH']);
    // R's list holds only R's own alerts: not O's, not the sector's.
    const sector = await call(coordinator, 'POST', '/api/v1/sector/alerts', {
      title: 'Sector',
      body: BODY,
      severity: 'high',
      tlp: 'GREEN',
      audience: { organisations: [o.R.id] },
    });
    expect(sector.statusCode, sector.body).toBe(201);
    const rList = (await call(adminR, 'GET', `/api/v1/orgs/${o.R.slug}/issued-alerts?limit=500`)).json();
    expect(rList.items.map((i: { id: string }) => i.id).sort()).toEqual([...issued].sort());
    // The sector's board does not show R's alert either, and R's route not the sector's.
    expect((await call(coordinator, 'GET', `/api/v1/sector/alerts/${own.id}/board`)).statusCode).toBe(404);
    expect(
      (await call(adminR, 'GET', `/api/v1/orgs/${o.R.slug}/issued-alerts/${sector.json().id}/board`))
        .statusCode,
    ).toBe(404);
  });

  it('checks the issuer in the database too, and never reaches outside the issuer and its children', async () => {
    // O's scope asking to preview for R: the definer function answers nothing.
    const foreign = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [o.O.id] }, async (tx) => {
      const r = await sql<Counts>`
        select * from vaern_alert_org_preview(${o.R.id}::uuid, 'GREEN', 'high', true, '[]'::jsonb)`.execute(
        tx.q,
      );
      return r.rows[0];
    });
    expect(foreign).toEqual({ organisations: 0, people: 0, subscribers: 0, emails: 0, notifications: 0 });
    // O's scope cannot store an alert as R.
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [o.O.id], userId: adminO.userId }, (tx) =>
        sql`insert into alerts (issuer_org_id, title, body, severity, tlp, created_by)
            values (${o.R.id}, 'x', 'x', 'high', 'GREEN', ${adminO.userId})`.execute(tx.q),
      ),
    ).rejects.toThrow(/row-level security/);
    // An organisation's alert cannot carry sector rules (explicit organisations, kinds, regions).
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [o.R.id], userId: adminR.userId }, (tx) =>
        sql`insert into alerts (issuer_org_id, title, body, severity, tlp, audience_orgs, created_by)
            values (${o.R.id}, 'x', 'x', 'high', 'GREEN', array[${o.X.id}]::uuid[], ${adminR.userId})`.execute(
          tx.q,
        ),
      ),
    ).rejects.toThrow(/alerts_org_audience/);
    // Every alert R issued reached only R, H1 and H2.
    expect(issued.length).toBeGreaterThan(5);
    const reached = await asOp(async (tx) => {
      const r = await sql<{ org_id: string }>`
        select distinct org_id from alert_recipients where alert_id = any (${issued}::uuid[])
        union select distinct org_id from alert_deliveries where alert_id = any (${issued}::uuid[])`.execute(
        tx.q,
      );
      return r.rows.map((x) => names()[x.org_id] ?? x.org_id).sort();
    });
    expect(reached).toEqual(['H1', 'H2', 'R']);
  });
});
