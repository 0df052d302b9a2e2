import { randomUUID } from 'node:crypto';
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
  type UserFixture,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type SmtpServer, startSmtpServer } from '../../../../test/smtp.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import { type Actor, actorRef } from '../../lib/actor.js';
import { normalise } from '../../lib/canonical-json.js';
import { entryHash } from '../audit/chain.js';
import { loadUserActor } from '../auth/resolve.js';

const DAY = 24 * 60 * 60 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe.each(engines())('auditor grants on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let admin: SignedIn;
  let adminUser: UserFixture;
  beforeAll(async () => {
    t = await startTestApp(engine);
    org = await createOrg(t, { name: 'Region Testland' });
    adminUser = await createUser(t, { org: org.slug, role: 'admin' });
    admin = await login(t, adminUser);
  });
  afterAll(async () => {
    await t?.close();
  });

  const as = (me: SignedIn, method: string, url: string, payload?: unknown) =>
    t.inject({
      method: method as 'GET',
      url,
      headers: { ...me.headers(), 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const grants = (o: OrgFixture = org) => `/api/v1/orgs/${o.slug}/auditor-grants`;
  /** The organisation admin as an actor, for raw statements in their scope. */
  const adminActor = (): Actor => ({
    kind: 'user',
    userId: adminUser.id,
    email: adminUser.email,
    name: 'Admin',
    locale: 'en',
    platformAdmin: false,
    memberships: [{ orgId: org.id, slug: org.slug, kind: 'hospital', roles: ['admin'] }],
    sessionId: randomUUID(),
  });

  /** A person with an account (and a password) in some other organisation. */
  const outsider = async () => createUser(t, { org: (await createOrg(t)).slug, role: 'member' });
  const membershipOf = async (me: SignedIn, slug: string) =>
    ((await as(me, 'GET', '/api/v1/auth/session')).json().memberships as Array<{ org: string }>).find(
      (m) => m.org === slug,
    );

  it('grants an existing account read-only access that ends on its own, recorded in the audit trail', async () => {
    const person = await outsider();
    const endsAt = inDays(30);
    const r = await as(admin, 'POST', grants(), {
      email: person.email.toUpperCase(),
      ends_at: endsAt,
      note: 'Annual audit',
    });
    expect(r.statusCode).toBe(201);
    const g = r.json();
    expect(g).toMatchObject({
      user: { id: person.id, email: person.email, name: `User ${person.email}` },
      ends_at: endsAt,
      data_from: null,
      data_to: null,
      note: 'Annual audit',
      status: 'active',
      granted_by: adminUser.email,
      revoked_at: null,
      account_created: false,
    });
    expect(g).not.toHaveProperty('setup_link');
    expect(Date.parse(g.starts_at)).toBeLessThanOrEqual(Date.now());

    const auditor = await login(t, person);
    expect(await membershipOf(auditor, org.slug)).toEqual({
      org: org.slug,
      kind: 'hospital',
      roles: ['auditor'],
      access_until: endsAt,
      data_period: null,
    });
    // Reads what auditors read; writes nothing; manages no grants.
    expect((await as(auditor, 'GET', `/api/v1/orgs/${org.slug}/contacts`)).statusCode).toBe(200);
    expect((await as(auditor, 'GET', `/api/v1/orgs/${org.slug}/audit`)).statusCode).toBe(200);
    const write = await as(auditor, 'POST', `/api/v1/orgs/${org.slug}/contacts`, { role: 'dpo', name: 'X' });
    expect(write.statusCode).toBe(403);
    expect((await as(auditor, 'GET', grants())).statusCode).toBe(403);
    expect((await as(auditor, 'DELETE', `${grants()}/${g.id}`)).statusCode).toBe(403);

    const listed = (await as(admin, 'GET', grants())).json().items;
    expect(listed.find((i: { id: string }) => i.id === g.id)).toMatchObject({
      status: 'active',
      note: 'Annual audit',
    });

    const audit = (await as(admin, 'GET', `/api/v1/orgs/${org.slug}/audit?action=auditor_grant.`)).json()
      .items;
    const entry = audit.find((e: { target_id: string }) => e.target_id === g.id);
    expect(entry).toMatchObject({
      action: 'auditor_grant.create',
      after: { user: { id: person.id, email: person.email }, ends_at: endsAt, account_created: false },
    });
  });

  it('creates an account without password for an unknown e-mail and returns the set-up link without SMTP', async () => {
    const email = `new-auditor-${randomUUID().slice(0, 8)}@revision.dk`;
    const nameless = await as(admin, 'POST', grants(), { email, ends_at: inDays(10) });
    expect(nameless.statusCode).toBe(400);
    expect(nameless.json().code).toBe('grants.name_required');

    const r = await as(admin, 'POST', grants(), {
      email,
      name: 'Revisor Rask',
      ends_at: inDays(10),
      data_from: '2025-01-01',
      data_to: '2025-12-31',
    });
    expect(r.statusCode).toBe(201);
    const g = r.json();
    expect(g).toMatchObject({
      user: { email, name: 'Revisor Rask' },
      data_from: '2025-01-01',
      data_to: '2025-12-31',
      status: 'active',
      account_created: true,
      setup_sent: false,
    });
    expect(g.setup_link).toMatch(/\/reset-password#token=[\w-]+$/);

    // The link sets the password; the new person signs in and reaches exactly this organisation.
    const token = (g.setup_link as string).split('#token=')[1];
    const done = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/complete',
      payload: { token, password: 'a long enough password' },
    });
    expect(done.statusCode).toBe(200);
    const auditor = await login(t, { id: g.user.id, email, password: 'a long enough password' });
    const session = (await as(auditor, 'GET', '/api/v1/auth/session')).json();
    expect(session.memberships).toEqual([
      {
        org: org.slug,
        kind: 'hospital',
        roles: ['auditor'],
        access_until: g.ends_at,
        data_period: { from: '2025-01-01', to: '2025-12-31' },
      },
    ]);
    const platform = (await t.asOperator('GET', '/api/v1/audit/platform?action=user.create')).json().items;
    expect(platform.find((e: { target_id: string }) => e.target_id === g.user.id)?.after).toMatchObject({
      email,
      for: 'auditor_grant',
      org: org.slug,
    });
  });

  it('lets a grant reach set-up links only for the account it created, never an existing one', async () => {
    const existing = await outsider();
    await as(admin, 'POST', grants(), { email: existing.email, ends_at: inDays(3) });
    const email = `fresh-${randomUUID().slice(0, 8)}@revision.dk`;
    const fresh = (
      await as(admin, 'POST', grants(), { email, name: 'Frisk Revisor', ends_at: inDays(3) })
    ).json();
    const issue = (userId: string) =>
      withTenant(
        t.runtime.ctx.db.kysely,
        scopeOf(adminActor(), org.id),
        async (tx) =>
          (
            await sql<{ expires: Date | null }>`
            select vaern_reset_issue(${userId}::uuid, ${randomUUID()}, 'setup', 60) as expires`.execute(tx.q)
          ).rows[0]?.expires,
      );
    expect(await issue(existing.id)).toBeNull();
    expect(await issue(fresh.user.id)).not.toBeNull();
  });

  it('validates the window, the data period and the grantee', async () => {
    const person = await outsider();
    const post = (body: Record<string, unknown>) =>
      as(admin, 'POST', grants(), { email: person.email, ...body });
    // One instant for both ends: two calls of inDays(5) can straddle a millisecond.
    const fiveDays = inDays(5);
    const refusals = [
      [{ ends_at: inDays(-1) }, 'grants.ends_in_past'],
      [{ starts_at: fiveDays, ends_at: inDays(4) }, 'grants.ends_before_start'],
      [{ starts_at: fiveDays, ends_at: fiveDays }, 'grants.ends_before_start'],
      [{ starts_at: inDays(-3), ends_at: inDays(-1) }, 'grants.ends_in_past'],
      [{ ends_at: inDays(366) }, 'grants.window_too_long'],
      [{ ends_at: inDays(10), data_from: '2025-02-01', data_to: '2025-01-31' }, 'grants.data_period_invalid'],
      [{ ends_at: inDays(10), data_from: '2025-02-30' }, 'error.validation'],
      [{ ends_at: 'tomorrow' }, 'error.validation'],
      [{ ends_at: inDays(10), role: 'admin' }, 'error.validation'],
    ] as const;
    for (const [body, code] of refusals) {
      const r = await post(body);
      expect({ body, status: r.statusCode, code: r.json().code }).toEqual({ body, status: 400, code });
    }
    expect((await post({ ends_at: inDays(366) })).json().title).toBe(
      'The access window may be at most 365 days long.',
    );
    // The limit is the platform setting.
    expect(
      (await t.asOperator('PUT', '/api/v1/platform/settings/auditor_grant_max_days', { value: 10 }))
        .statusCode,
    ).toBe(200);
    try {
      const long = await post({ starts_at: inDays(1), ends_at: inDays(12) });
      expect(long.json()).toMatchObject({ status: 400, code: 'grants.window_too_long' });
      expect(long.json().title).toBe('The access window may be at most 10 days long.');
      expect((await post({ starts_at: inDays(1), ends_at: inDays(10.5) })).statusCode).toBe(201);
    } finally {
      await t.asOperator('PUT', '/api/v1/platform/settings/auditor_grant_max_days', { value: 365 });
    }
    // Windows of one person in one organisation do not overlap.
    const overlap = await post({ starts_at: inDays(9), ends_at: inDays(20) });
    expect(overlap.json()).toMatchObject({ status: 409, code: 'grants.overlapping' });
    expect((await post({ starts_at: inDays(11), ends_at: inDays(20) })).statusCode).toBe(201);

    const platformAdmin = await createUser(t, { platformAdmin: true });
    const pa = await as(admin, 'POST', grants(), { email: platformAdmin.email, ends_at: inDays(5) });
    expect(pa.json()).toMatchObject({ status: 400, code: 'grants.platform_admin' });
  });

  it('gives no access before the window starts, after it ends, or once revoked', async () => {
    const person = await outsider();
    const scheduled = await as(admin, 'POST', grants(), {
      email: person.email,
      starts_at: inDays(2),
      ends_at: inDays(5),
    });
    expect(scheduled.json().status).toBe('scheduled');
    const auditor = await login(t, person);
    const contacts = `/api/v1/orgs/${org.slug}/contacts`;
    const refused = await as(auditor, 'GET', contacts);
    expect({ status: refused.statusCode, code: refused.json().code }).toEqual({
      status: 403,
      code: 'error.org_forbidden',
    });
    expect(await membershipOf(auditor, org.slug)).toBeUndefined();

    // A short window: open now, closed two seconds later without anyone acting.
    const short = await as(admin, 'POST', grants(), {
      email: person.email,
      ends_at: new Date(Date.now() + 2000).toISOString(),
    });
    expect(short.statusCode).toBe(201);
    expect((await as(auditor, 'GET', contacts)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect((await as(auditor, 'GET', contacts)).json().code).toBe('error.org_forbidden');
    const items = (await as(admin, 'GET', grants())).json().items as Array<{ id: string; status: string }>;
    expect(items.find((i) => i.id === short.json().id)?.status).toBe('expired');

    // Revoked: the next request has no access.
    const other = await outsider();
    const g = (await as(admin, 'POST', grants(), { email: other.email, ends_at: inDays(3) })).json();
    const otherAuditor = await login(t, other);
    expect((await as(otherAuditor, 'GET', contacts)).statusCode).toBe(200);
    const revoked = await as(admin, 'DELETE', `${grants()}/${g.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: g.id, status: 'revoked' });
    expect(revoked.json().revoked_at).not.toBeNull();
    expect((await as(otherAuditor, 'GET', contacts)).json().code).toBe('error.org_forbidden');
    // Revoking again changes nothing and records nothing more.
    expect((await as(admin, 'DELETE', `${grants()}/${g.id}`)).json().revoked_at).toBe(
      revoked.json().revoked_at,
    );
    const audit = (
      await as(admin, 'GET', `/api/v1/orgs/${org.slug}/audit?action=auditor_grant.revoke`)
    ).json();
    const entries = audit.items.filter((e: { target_id: string }) => e.target_id === g.id);
    expect(entries).toHaveLength(1);
    expect(entries[0].before.revoked_at).toBeNull();
    expect(entries[0].after.revoked_at).toBe(revoked.json().revoked_at);
  });

  it('lets admins and security officers of the organisation only', async () => {
    const officer = await login(t, await createUser(t, { org: org.slug, role: 'security_officer' }));
    const person = await outsider();
    const created = await as(officer, 'POST', grants(), { email: person.email, ends_at: inDays(3) });
    expect(created.statusCode).toBe(201);
    expect((await as(officer, 'GET', grants())).statusCode).toBe(200);

    for (const role of ['management', 'system_owner', 'member', 'auditor'] as const) {
      const someone = await login(t, await createUser(t, { org: org.slug, role }));
      const answers = [
        (await as(someone, 'GET', grants())).statusCode,
        (await as(someone, 'POST', grants(), { email: person.email, ends_at: inDays(40) })).statusCode,
        (await as(someone, 'DELETE', `${grants()}/${created.json().id}`)).statusCode,
      ];
      expect({ role, answers }).toEqual({ role, answers: [403, 403, 403] });
    }
    // A security officer's API token reads the list but grants nothing.
    const bearer = await createToken(t, org.slug, 'security_officer');
    expect(
      (await t.inject({ method: 'GET', url: grants(), headers: { authorization: bearer } })).statusCode,
    ).toBe(200);
    const byToken = await t.inject({
      method: 'POST',
      url: grants(),
      headers: { authorization: bearer },
      payload: { email: person.email, ends_at: inDays(40) },
    });
    expect(byToken.statusCode).toBe(403);

    // Another organisation's admin is refused on every grant route, and its own grants are apart.
    const other = await createOrg(t);
    const otherAdmin = await login(t, await createUser(t, { org: other.slug, role: 'admin' }));
    for (const [method, url, body] of [
      ['GET', grants(), undefined],
      ['POST', grants(), { email: person.email, ends_at: inDays(3) }],
      ['DELETE', `${grants()}/${created.json().id}`, undefined],
    ] as const) {
      const r = await as(otherAdmin, method, url, body);
      expect({ method, status: r.statusCode, code: r.json().code }).toEqual({
        method,
        status: 403,
        code: 'error.org_forbidden',
      });
    }
    expect((await as(otherAdmin, 'DELETE', `${grants(other)}/${created.json().id}`)).statusCode).toBe(404);
    expect((await as(otherAdmin, 'GET', grants(other))).json().items).toEqual([]);
  });

  it('pages the list newest first', async () => {
    const own = await createOrg(t);
    const ownAdmin = await login(t, await createUser(t, { org: own.slug, role: 'admin' }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const person = await outsider();
      ids.push(
        (await as(ownAdmin, 'POST', grants(own), { email: person.email, ends_at: inDays(3) })).json().id,
      );
    }
    const first = (await as(ownAdmin, 'GET', `${grants(own)}?limit=2`)).json();
    expect(first.items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (await as(ownAdmin, 'GET', `${grants(own)}?limit=2&cursor=${first.next_cursor}`)).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], next_cursor: null });
    expect((await as(ownAdmin, 'GET', `${grants(own)}?cursor=bm9wZQ`)).statusCode).toBe(400);
  });

  it('adds the role to a standing member without limiting them to the period', async () => {
    const member = await createUser(t, { org: org.slug, role: 'member' });
    const r = await as(admin, 'POST', grants(), {
      email: member.email,
      ends_at: inDays(3),
      data_from: '2020-01-01',
      data_to: '2020-01-31',
    });
    expect(r.statusCode).toBe(201);
    const me = await login(t, member);
    expect(await membershipOf(me, org.slug)).toEqual({
      org: org.slug,
      kind: 'hospital',
      roles: ['auditor', 'member'],
      access_until: null,
      data_period: null,
    });
    expect((await as(me, 'GET', `/api/v1/orgs/${org.slug}/audit`)).json().items.length).toBeGreaterThan(0);
  });

  describe('data period', () => {
    let periodOrg: OrgFixture;
    let auditor: SignedIn;
    let auditorUser: UserFixture;
    const times = [
      '2025-02-28T23:59:59.999Z',
      '2025-03-01T00:00:00.000Z',
      '2025-03-15T12:00:00.000Z',
      '2025-03-31T23:59:59.999Z',
      '2025-04-01T00:00:00.000Z',
    ];
    const inside = times.slice(1, 4);

    /** Appends an entry with a past time to the organisation's chain, as recordAudit would. */
    async function appendAt(at: string, action: string) {
      await withTenant(t.runtime.ctx.db.kysely, { orgIds: [periodOrg.id], operator: true }, async (tx) => {
        const head = (
          await sql<{ seq: number; hash: string }>`
          select seq, hash from vaern_audit_head(${periodOrg.id}::uuid)`.execute(tx.q)
        ).rows[0];
        if (!head) throw new Error('no head');
        const entry = {
          org_id: periodOrg.id,
          seq: Number(head.seq) + 1,
          at,
          actor: normalise(actorRef({ kind: 'operator', label: 'test' })),
          action,
          target_type: null,
          target_id: null,
          before: null,
          after: normalise({ at }),
          prev_hash: head.hash,
        };
        await sql`select vaern_audit_append(${entry.org_id}::uuid, ${entry.seq}::bigint, ${at}::timestamptz,
          ${JSON.stringify(entry.actor)}::jsonb, ${action}, null, null, null, ${JSON.stringify(entry.after)}::jsonb,
          ${entry.prev_hash}, ${entryHash(entry)})`.execute(tx.q);
      });
    }

    beforeAll(async () => {
      periodOrg = await createOrg(t);
      for (const at of times) await appendAt(at, 'test.historic');
      const periodAdmin = await login(t, await createUser(t, { org: periodOrg.slug, role: 'admin' }));
      auditorUser = await outsider();
      const r = await as(periodAdmin, 'POST', grants(periodOrg), {
        email: auditorUser.email,
        ends_at: inDays(7),
        data_from: '2025-03-01',
        data_to: '2025-03-31',
      });
      expect(r.statusCode).toBe(201);
      auditor = await login(t, auditorUser);
    });

    const historic = (items: Array<{ action: string; at: string }>) =>
      items
        .filter((e) => e.action === 'test.historic')
        .map((e) => e.at)
        .sort();

    it('shows the auditor only the audit entries of the period, in the list and in the CSV export', async () => {
      const list = await as(auditor, 'GET', `/api/v1/orgs/${periodOrg.slug}/audit`);
      expect(list.statusCode).toBe(200);
      // Nothing of today either: the grant's own entry lies outside the period.
      expect(
        list
          .json()
          .items.map((e: { at: string }) => e.at)
          .sort(),
      ).toEqual(inside);
      const csv = await as(auditor, 'GET', `/api/v1/orgs/${periodOrg.slug}/audit/export.csv`);
      expect(csv.statusCode).toBe(200);
      const rows = csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
        .slice(1);
      expect(rows.map((line) => line.split(',')[1]).sort()).toEqual(inside);
      // The export was recorded (today, outside the period: the admin sees it, the auditor does not).
      const periodAdmin = await login(
        t,
        await createUser(t, { org: periodOrg.slug, role: 'security_officer' }),
      );
      const all = (await as(periodAdmin, 'GET', `/api/v1/orgs/${periodOrg.slug}/audit?limit=100`)).json()
        .items;
      expect(historic(all)).toEqual(times);
      expect(all.map((e: { action: string }) => e.action)).toContain('audit.export');
    });

    it('is enforced by row-level security alone: a raw query without filter in the actor’s scope', async () => {
      const actor = await loadUserActor(t.runtime.ctx, auditorUser.id, randomUUID());
      if (actor?.kind !== 'user') throw new Error('no actor');
      const scope = scopeOf(actor, periodOrg.id);
      expect(scope.dataPeriods).toEqual({ [periodOrg.id]: ['2025-03-01', '2025-03-31'] });
      const count = (s: typeof scope) =>
        withTenant(t.runtime.ctx.db.kysely, s, async (tx) =>
          // No WHERE clause on purpose: the application's filters are gone.
          (await sql<{ at: Date }>`select "at" from audit_log`.execute(tx.q)).rows.map((r) =>
            new Date(r.at).toISOString(),
          ),
        );
      expect((await count(scope)).sort()).toEqual(inside);
      // The same scope without the period sees every entry of the chain: the test can fail.
      const { dataPeriods: _, ...unlimited } = scope;
      expect((await count(unlimited)).length).toBeGreaterThan(times.length);
    });
  });
});

describe.each(engines())('auditor grants with SMTP on %s', (engine) => {
  let t: TestApp;
  let smtp: SmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp(engine, { SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('mails the set-up link of a new account instead of returning it', async () => {
    const org = await createOrg(t, { name: 'Hospital Syd' });
    const admin = await login(t, await createUser(t, { org: org.slug, role: 'admin' }));
    const email = `mailed-auditor-${randomUUID().slice(0, 8)}@revision.dk`;
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/auditor-grants`,
      headers: admin.headers(),
      payload: { email, name: 'Revisor Post', ends_at: inDays(5) },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ account_created: true, setup_sent: true, user: { email } });
    expect(r.json()).not.toHaveProperty('setup_link');
    const mail = await smtp.waitFor(email);
    expect(mail.text).toContain('Hospital Syd');
    expect(mail.text).toMatch(/\/reset-password#token=[\w-]+/);
  });
});
