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
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';
import { escalateAlerts } from './escalation.js';

/** The sector coordinator's alert list and live board (migration 0027). */
describe.each(engines())('alert board on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let region: OrgFixture;
  let hospital: OrgFixture;
  let municipality: OrgFixture;
  let coordinator: SignedIn;
  let otherCoordinator: SignedIn;
  let officerRegion: SignedIn;
  let officerHospital: SignedIn;
  let alertId: string;

  const as = (who: SignedIn, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.inject({
      method,
      url,
      headers: { ...who.headers(), 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  beforeAll(async () => {
    t = await startTestApp(engine);
    sector = await createOrg(t, { kind: 'sector_unit' });
    const otherSector = await createOrg(t, { kind: 'sector_unit' });
    region = await createOrg(t, { kind: 'region' });
    hospital = await createOrg(t, { kind: 'hospital' });
    municipality = await createOrg(t, { kind: 'municipality' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    otherCoordinator = await login(
      t,
      await createUser(t, { org: otherSector.slug, role: 'sector_coordinator' }),
    );
    officerRegion = await login(t, await createUser(t, { org: region.slug, role: 'security_officer' }));
    officerHospital = await login(t, await createUser(t, { org: hospital.slug, role: 'security_officer' }));
    await createUser(t, { org: municipality.slug, role: 'security_officer' });
    const duty = await createToken(t, hospital.slug, 'security_officer');
    const set = await t.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${hospital.slug}/alert-settings`,
      headers: { authorization: duty },
      payload: { duty_address: 'duty@hospital.example.dk' },
    });
    expect(set.statusCode, set.body).toBe(200);
    const r = await as(coordinator, 'POST', '/api/v1/sector/alerts', {
      title: 'Board test',
      body: 'Patch the gateway.',
      severity: 'high',
      tlp: 'GREEN',
      audience: { organisations: [region.id, hospital.id, municipality.id] },
    });
    expect(r.statusCode, r.body).toBe(201);
    alertId = r.json().id;
    for (const [who, org, status] of [
      [officerHospital, hospital, 'received'],
      [officerHospital, hospital, 'affected'],
      [officerRegion, region, 'assessing'],
    ] as const) {
      const a = await as(who, 'POST', `/api/v1/orgs/${org.slug}/alerts/${alertId}/answer`, { status });
      expect(a.statusCode, a.body).toBe(200);
    }
    // The municipality has not answered: four hours on, its security officers are reminded.
    await escalateAlerts(t.runtime.ctx, new Date(Date.now() + 5 * 3_600_000));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows who received, who answered what and when, and the escalation; unanswered first', async () => {
    const r = await as(coordinator, 'GET', `/api/v1/sector/alerts/${alertId}/board`);
    expect(r.statusCode, r.body).toBe(200);
    const board = r.json();
    expect(board.alert).toMatchObject({ id: alertId, title: 'Board test', recipients: 3, answered: 2 });
    // The median of each answering organisation's first answer after the alert, from the stored
    // times: the hospital's first (received, not its later affected) and the region's; the
    // municipality has not answered and does not count.
    const firsts = await withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
      const q = await sql<{ s: number }>`
        select extract(epoch from min(w.answered_at) - a.created_at)::float8 as s
        from alert_answers w join alerts a on a.id = w.alert_id
        where w.alert_id = ${alertId} group by w.org_id, a.created_at order by 1`.execute(tx.q);
      return q.rows.map((x) => Number(x.s));
    });
    expect(firsts.length).toBe(2);
    expect(board.alert.median_ack_seconds).toBeCloseTo(((firsts[0] ?? 0) + (firsts[1] ?? 0)) / 2, 3);
    expect(board.by_status).toEqual({
      received: 0,
      assessing: 1,
      affected: 1,
      not_affected: 0,
      mitigated: 0,
    });
    const rows = board.organisations.map(
      (o: {
        org: { slug: string };
        mails: number;
        answers: number;
        answer: { status: string } | null;
        escalation: string | null;
      }) => [o.org.slug, o.mails, o.answers, o.answer?.status ?? null, o.escalation],
    );
    // Mails: each security officer's by default subscription (migration 0028), the hospital's duty
    // address, and the municipality officer's reminder.
    expect(rows[0]).toEqual([municipality.slug, 2, 0, null, 'security_officer']);
    expect(rows.slice(1).sort()).toEqual(
      [
        [hospital.slug, 2, 2, 'affected', null],
        [region.slug, 1, 1, 'assessing', null],
      ].sort(),
    );
  });

  it('lists the sector unit’s alerts with their counts', async () => {
    const r = await as(coordinator, 'GET', '/api/v1/sector/alerts');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items).toMatchObject([{ id: alertId, recipients: 3, answered: 2 }]);
  });

  it('shows the board to no one else', async () => {
    expect((await as(officerRegion, 'GET', `/api/v1/sector/alerts/${alertId}/board`)).statusCode).toBe(403);
    expect((await as(officerRegion, 'GET', '/api/v1/sector/alerts')).statusCode).toBe(403);
    // Another sector unit's coordinator: not its alert.
    expect((await as(otherCoordinator, 'GET', `/api/v1/sector/alerts/${alertId}/board`)).statusCode).toBe(
      404,
    );
    expect((await as(otherCoordinator, 'GET', '/api/v1/sector/alerts')).json().items).toEqual([]);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/sector/alerts/${alertId}/board` })).statusCode,
    ).toBe(401);
  });
});
