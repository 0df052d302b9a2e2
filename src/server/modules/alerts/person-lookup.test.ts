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
  type UserFixture,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

/**
 * The coordinator's lookup of one person by exact e-mail address (migration 0029, docs/alerts.md
 * "Choosing named people"), and its use: naming that person in a TLP:RED alert.
 */
describe.each(engines())('person lookup for named people on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let region: OrgFixture;
  let hospital: OrgFixture;
  let coordinator: SignedIn;
  let sectorMember: SignedIn;
  let officer: SignedIn;
  let regionToken: string;
  let named: UserFixture;
  let leaver: UserFixture;

  const lookup = (who: SignedIn | string, email: string) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/sector/people/lookup',
      remoteAddress: clientAddress(),
      headers: {
        ...(typeof who === 'string' ? { authorization: who } : who.headers()),
        'accept-language': 'en',
      },
      payload: { email },
    });

  beforeAll(async () => {
    t = await startTestApp(engine);
    sector = await createOrg(t, { kind: 'sector_unit' });
    region = await createOrg(t, { kind: 'region', name: 'Region Nord' });
    hospital = await createOrg(t, { kind: 'hospital', name: 'Aalborg Hospital' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    sectorMember = await login(t, await createUser(t, { org: sector.slug, role: 'member' }));
    officer = await login(t, await createUser(t, { org: region.slug, role: 'security_officer' }));
    regionToken = await createToken(t, region.slug, 'security_officer');
    named = await createUser(t, { org: region.slug, role: 'member', name: 'Nina Navngiven' });
    const second = await t.asOperator('POST', `/api/v1/orgs/${hospital.slug}/members`, {
      email: named.email,
      role: 'security_officer',
    });
    expect([200, 201], second.body).toContain(second.statusCode);
    leaver = await createUser(t, { org: hospital.slug, role: 'member' });
    const gone = await t.asOperator('DELETE', `/api/v1/orgs/${hospital.slug}/members/${leaver.id}`);
    expect(gone.statusCode, gone.body).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('finds one person by exact address, in any case, with the organisations they may be named in', async () => {
    const r = await lookup(coordinator, named.email.toUpperCase());
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({
      user_id: named.id,
      name: 'Nina Navngiven',
      email: named.email,
      organisations: [
        { id: hospital.id, slug: hospital.slug, name: 'Aalborg Hospital', kind: 'hospital' },
        { id: region.id, slug: region.slug, name: 'Region Nord', kind: 'region' },
      ],
    });
  });

  it('never lists: a part of an address, another domain, a deactivated person find nobody', async () => {
    const [local, domain] = named.email.split('@') as [string, string];
    for (const email of [`${local.slice(0, -1)}@${domain}`, `${local}@x${domain}`, leaver.email]) {
      const r = await lookup(coordinator, email);
      expect(r.statusCode, `${email}: ${r.body}`).toBe(404);
      expect(r.json()).toMatchObject({ code: 'alerts.person_not_found' });
    }
    // Not an address at all (a pattern) is refused before anything is looked up.
    expect((await lookup(coordinator, '%@%')).statusCode).toBe(400);
    expect((await lookup(coordinator, `${local.slice(0, 3)}%`)).statusCode).toBe(400);
  });

  it('answers only the sector coordinator', async () => {
    for (const who of [officer, regionToken, sectorMember]) {
      const r = await lookup(who, named.email);
      expect(r.statusCode, r.body).toBe(403);
      expect(JSON.stringify(r.json())).not.toContain(named.id);
    }
    // Not even through the database function, for a scope without the sector unit.
    const direct = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [region.id] }, (tx) =>
      sql<{
        user_id: string;
      }>`select user_id from vaern_alert_person_lookup(${sector.id}::uuid, ${named.email})`.execute(tx.q),
    );
    expect(direct.rows).toEqual([]);
  });

  it('records every lookup in the sector unit’s audit trail', async () => {
    const audit = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, (tx) =>
      sql<{ target_id: string | null; after: { email: string; found: boolean } }>`
        select target_id, after from audit_log where org_id = ${sector.id} and action = 'alert.person_lookup'
        order by seq`.execute(tx.q),
    );
    expect(audit.rows.map((r) => [r.target_id, r.after.found])).toEqual([
      [named.id, true],
      [null, false],
      [null, false],
      [null, false],
    ]);
    expect(audit.rows[0]?.after.email).toBe(named.email);
  });

  it('gives what a TLP:RED alert needs: the person, named in one of their organisations', async () => {
    const found = (await lookup(coordinator, named.email)).json();
    const r = await t.inject({
      method: 'POST',
      url: '/api/v1/sector/alerts',
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'accept-language': 'en' },
      payload: {
        title: 'Named only',
        body: 'For Nina alone.',
        severity: 'high',
        tlp: 'RED',
        audience: { people: [{ org_id: found.organisations[1].id, user_id: found.user_id }] },
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().recipients).toMatchObject({ organisations: 1, people: 1 });
    const asNamed = await login(t, named);
    const inbox = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${region.slug}/alerts`,
      headers: asNamed.headers(),
    });
    expect(inbox.json().items.map((a: { title: string }) => a.title)).toEqual(['Named only']);
    // The region's security officer does not see the RED alert.
    const other = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${region.slug}/alerts`,
      headers: officer.headers(),
    });
    expect(other.json().items).toEqual([]);
  });
});
