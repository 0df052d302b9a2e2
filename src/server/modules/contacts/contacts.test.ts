import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, login, type SignedIn } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';

/** A date `months` months before today (UTC), as YYYY-MM-DD. */
function monthsAgo(months: number): string {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

describe.each(engines())('contacts on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const as = (me: SignedIn, method: string, url: string, payload?: unknown) =>
    t.inject({
      method: method as 'GET',
      url,
      headers: me.headers(),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('lets an admin create, change, verify and delete contacts, each change audited', async () => {
    const org = await createOrg(t);
    const admin = await login(t, await createUser(t, { org: org.slug, role: 'admin' }));
    const base = `/api/v1/orgs/${org.slug}/contacts`;
    const created = await as(admin, 'POST', base, {
      role: 'dpo',
      name: 'Dora Databeskyttelse',
      phone: '+45 12 34 56 78',
      email: 'Dora@Example.dk',
    });
    expect(created.statusCode).toBe(201);
    const c = created.json();
    expect(c).toMatchObject({
      role: 'dpo',
      name: 'Dora Databeskyttelse',
      phone: '+45 12 34 56 78',
      email: 'dora@example.dk',
      verified_on: null,
      overdue: true,
    });

    const changed = await as(admin, 'PATCH', `${base}/${c.id}`, { name: 'Dora D.', notes: 'weekdays' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ name: 'Dora D.', notes: 'weekdays', email: 'dora@example.dk' });
    const cleared = await as(admin, 'PATCH', `${base}/${c.id}`, { phone: null });
    expect(cleared.json().phone).toBeNull();

    const verified = await as(admin, 'POST', `${base}/${c.id}/verify`);
    expect(verified.statusCode).toBe(200);
    expect(verified.json().overdue).toBe(false);
    expect(verified.json().verified_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const list = (await as(admin, 'GET', base)).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([c.id]);

    expect((await as(admin, 'DELETE', `${base}/${c.id}`)).statusCode).toBe(204);
    expect((await as(admin, 'DELETE', `${base}/${c.id}`)).statusCode).toBe(404);
    expect((await as(admin, 'GET', base)).json().items).toEqual([]);

    const audit = (await as(admin, 'GET', `/api/v1/orgs/${org.slug}/audit?action=contact.`)).json();
    const entries = audit.items.map((e: { action: string; before: unknown; after: unknown }) => ({
      action: e.action,
      before: e.before,
      after: e.after,
    }));
    expect(entries.map((e: { action: string }) => e.action).sort()).toEqual([
      'contact.create',
      'contact.delete',
      'contact.update',
      'contact.update',
      'contact.verify',
    ]);
    const update = entries.find(
      (e: { action: string; before: { name?: string } | null }) =>
        e.action === 'contact.update' && e.before?.name === 'Dora Databeskyttelse',
    );
    expect(update.before).toMatchObject({ name: 'Dora Databeskyttelse', notes: null });
    expect(update.after).toMatchObject({ name: 'Dora D.', notes: 'weekdays' });
    const verify = entries.find((e: { action: string }) => e.action === 'contact.verify');
    expect(verify.before).toEqual({ verified_on: null });
    const del = entries.find((e: { action: string }) => e.action === 'contact.delete');
    expect(del.before).toMatchObject({ name: 'Dora D.', phone: null });
  });

  it('marks contacts overdue when never verified or verified more than 12 months ago', async () => {
    const org = await createOrg(t);
    const bearer = await createToken(t, org.slug, 'security_officer');
    const base = `/api/v1/orgs/${org.slug}/contacts`;
    const add = (name: string, verified_on: string | null) =>
      t.inject({
        method: 'POST',
        url: base,
        headers: { authorization: bearer },
        payload: { role: 'it_on_call', name, verified_on },
      });
    expect((await add('a-never', null)).json().overdue).toBe(true);
    expect((await add('b-old', monthsAgo(13))).json().overdue).toBe(true);
    expect((await add('c-recent', monthsAgo(11))).json().overdue).toBe(false);
    const list = (await t.inject({ method: 'GET', url: base, headers: { authorization: bearer } })).json();
    expect(list.items.map((i: { name: string; overdue: boolean }) => [i.name, i.overdue])).toEqual([
      ['a-never', true],
      ['b-old', true],
      ['c-recent', false],
    ]);
  });

  it('validates e-mail, phone, role and unknown fields', async () => {
    const org = await createOrg(t);
    const bearer = await createToken(t, org.slug, 'security_officer');
    const post = (payload: object) =>
      t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org.slug}/contacts`,
        headers: { authorization: bearer },
        payload,
      });
    const email = await post({ role: 'dpo', name: 'x', email: 'not-an-address' });
    expect(email.statusCode).toBe(400);
    expect(email.json().errors[0].path).toContain('email');
    for (const phone of ['call me', '12', '+45 12 34 56 78 90 12 34 56 78 90 12']) {
      const r = await post({ role: 'dpo', name: 'x', phone });
      expect({ phone, status: r.statusCode }).toEqual({ phone, status: 400 });
      expect(r.json().errors[0].path).toContain('phone');
    }
    expect((await post({ role: 'janitor', name: 'x' })).statusCode).toBe(400);
    expect((await post({ role: 'dpo', name: '' })).statusCode).toBe(400);
    expect((await post({ role: 'dpo', name: 'x', colour: 'red' })).statusCode).toBe(400);
    expect((await post({ role: 'dpo', name: 'x', verified_on: '2025-13-40' })).statusCode).toBe(400);
    expect((await post({ role: 'dpo', name: 'x', phone: '(+45) 70 20 30 40' })).statusCode).toBe(400);
    expect((await post({ role: 'dpo', name: 'x', phone: '+45 70-20-30-40' })).statusCode).toBe(201);
  });

  it('lets members read but not write, and refuses unknown ids', async () => {
    const org = await createOrg(t);
    const admin = await createToken(t, org.slug, 'security_officer');
    const c = (
      await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org.slug}/contacts`,
        headers: { authorization: admin },
        payload: { role: 'crisis_staff', name: 'Krisestab' },
      })
    ).json();
    const member = await login(t, await createUser(t, { org: org.slug, role: 'member' }));
    const base = `/api/v1/orgs/${org.slug}/contacts`;
    const read = await as(member, 'GET', base);
    expect(read.statusCode).toBe(200);
    expect(read.json().items).toHaveLength(1);
    expect((await as(member, 'POST', base, { role: 'dpo', name: 'x' })).statusCode).toBe(403);
    expect((await as(member, 'PATCH', `${base}/${c.id}`, { name: 'y' })).statusCode).toBe(403);
    expect((await as(member, 'POST', `${base}/${c.id}/verify`)).statusCode).toBe(403);
    expect((await as(member, 'DELETE', `${base}/${c.id}`)).statusCode).toBe(403);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await t.inject({
      method: 'PATCH',
      url: `${base}/${unknown}`,
      headers: { authorization: admin },
      payload: { name: 'y' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it("refuses another organisation's actor, which sees none of its contacts", async () => {
    const a = await createOrg(t);
    const b = await createOrg(t);
    const bearerA = await createToken(t, a.slug, 'security_officer');
    const c = (
      await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${a.slug}/contacts`,
        headers: { authorization: bearerA },
        payload: { role: 'dpo', name: 'Secret' },
      })
    ).json();
    const adminB = await login(t, await createUser(t, { org: b.slug, role: 'admin' }));
    expect((await as(adminB, 'GET', `/api/v1/orgs/${a.slug}/contacts`)).statusCode).toBe(403);
    expect(
      (await as(adminB, 'PATCH', `/api/v1/orgs/${a.slug}/contacts/${c.id}`, { name: 'x' })).statusCode,
    ).toBe(403);
    // Its own organisation's route does not reach A's row either.
    expect(
      (await as(adminB, 'PATCH', `/api/v1/orgs/${b.slug}/contacts/${c.id}`, { name: 'x' })).statusCode,
    ).toBe(404);
  });

  it("shows the sector coordinator every organisation's contacts, and no one else", async () => {
    const sector = await createOrg(t, { kind: 'sector_unit' });
    const region = await createOrg(t, { kind: 'region' });
    const hospital = await createOrg(t, { kind: 'hospital' });
    const add = async (org: string, name: string, verified_on: string | null) => {
      const bearer = await createToken(t, org, 'security_officer');
      const r = await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org}/contacts`,
        headers: { authorization: bearer },
        payload: { role: 'security_officer', name, verified_on },
      });
      expect(r.statusCode).toBe(201);
    };
    await add(region.slug, 'Region fresh', monthsAgo(1));
    await add(region.slug, 'Region stale', monthsAgo(24));
    await add(hospital.slug, 'Hospital never', null);

    const coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    const all = await as(coordinator, 'GET', '/api/v1/sector/contacts?limit=500');
    expect(all.statusCode).toBe(200);
    const names = all
      .json()
      .items.map((i: { name: string; org: { slug: string } }) => `${i.org.slug}:${i.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        `${region.slug}:Region fresh`,
        `${region.slug}:Region stale`,
        `${hospital.slug}:Hospital never`,
      ]),
    );
    const overdue = (await as(coordinator, 'GET', '/api/v1/sector/contacts?overdue=true&limit=500')).json();
    const overdueNames = overdue.items.map((i: { name: string }) => i.name);
    expect(overdueNames).toEqual(expect.arrayContaining(['Region stale', 'Hospital never']));
    expect(overdueNames).not.toContain('Region fresh');
    expect(overdue.items.every((i: { overdue: boolean }) => i.overdue)).toBe(true);

    // Paging walks the whole list without repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/sector/contacts?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const p = (await as(coordinator, 'GET', url)).json();
      seen.push(...p.items.map((i: { id: string }) => i.id));
      cursor = p.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.json().items.map((i: { id: string }) => i.id));

    const officer = await login(t, await createUser(t, { org: region.slug, role: 'security_officer' }));
    const refused = await as(officer, 'GET', '/api/v1/sector/contacts');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('contacts.not_sector_coordinator');
    // A member of the sector unit without the coordinator role is refused too.
    const sectorMember = await login(t, await createUser(t, { org: sector.slug, role: 'member' }));
    expect((await as(sectorMember, 'GET', '/api/v1/sector/contacts')).statusCode).toBe(403);
    const token = await createToken(t, sector.slug, 'security_officer');
    const byToken = await t.inject({
      method: 'GET',
      url: '/api/v1/sector/contacts',
      headers: { authorization: token },
    });
    expect(byToken.statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: '/api/v1/sector/contacts' })).statusCode).toBe(401);
  });
});
