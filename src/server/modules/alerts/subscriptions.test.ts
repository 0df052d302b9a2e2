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
import { type Scope, withTenant } from '../../db/tenant.js';
import { runMatch } from '../advisories/match-service.js';

/**
 * Subscriptions and in-app notifications (migration 0028, docs/alerts.md "Subscriptions and
 * notifications") through the HTTP API on a real database.
 *
 * The directory below:
 *   S  sector unit with the coordinator
 *   H  hospital, duty address duty-h@…; people:
 *        officer  security officer, no subscription row (the default: app and e-mail, everything)
 *        alice    member: app only, at least high
 *        bob      member: app and e-mail, general alerts only
 *        carol    security officer who opted out (no channels)
 *        dave     member: app and e-mail, only when H is affected
 *        eve      member without a subscription (the default for a member: nothing)
 *   X  hospital running the advisory's product (matching finds it affected), no duty address:
 *        officerX security officer (default); xavier member: app, only when X is affected
 *   F  pharmacy, another organisation with its security officer
 */

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const advisoryDoc = {
  document: {
    category: 'csaf_security_advisory',
    csaf_version: '2.0',
    distribution: { tlp: { label: 'WHITE' } },
    publisher: { category: 'coordinator', name: 'Test CERT', namespace: 'https://cert.example.dk' },
    title: 'Pump advisory',
    tracking: {
      id: 'SUBSCRIPTION-TEST-1',
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
        name: 'Example Pumps',
        branches: [
          {
            category: 'product_name',
            name: 'Infusion',
            branches: [
              {
                category: 'product_version',
                name: '3.0.0',
                product: {
                  name: 'Example Pumps Infusion 3.0.0',
                  product_id: 'P-CPE',
                  product_identification_helper: {
                    cpe: 'cpe:2.3:a:examplepumps:infusion:3.0.0:*:*:*:*:*:*:*',
                  },
                },
              },
            ],
          },
        ],
      },
    ],
  },
  vulnerabilities: [{ cve: 'CVE-2099-7101', product_status: { known_affected: ['P-CPE'] } }],
};

type Who = 'officer' | 'alice' | 'bob' | 'carol' | 'dave' | 'eve' | 'officerX' | 'xavier';

describe.each(engines())('alert subscriptions and notifications on %s', (engine) => {
  let t: TestApp;
  let S: OrgFixture;
  let H: OrgFixture;
  let X: OrgFixture;
  let F: OrgFixture;
  let coordinator: SignedIn;
  let officerF: SignedIn;
  let tokenH: string;
  let advisoryId: string;
  const p = {} as Record<Who, SignedIn & { email: string }>;

  const call = (
    auth: string | SignedIn,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    t.inject({
      method,
      url,
      headers: {
        ...(typeof auth === 'string' ? { authorization: auth } : auth.headers()),
        'accept-language': 'en',
      },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  const asScope = <T>(
    scope: Scope,
    fn: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>,
  ) => withTenant(t.runtime.ctx.db.kysely, scope, fn);
  const asOp = <T>(fn: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
    asScope({ orgIds: [], operator: true }, fn);

  const nameOf = (address: string) =>
    address === 'duty-h@example.dk'
      ? 'duty-h'
      : (Object.entries(p).find(([, v]) => v.email === address)?.[0] ?? address);

  /** The stored deliveries of an alert as "channel who", sorted. */
  async function stored(alertId: string): Promise<string[]> {
    const rows = await asOp(async (tx) => {
      const r = await sql<{ channel: string; address: string }>`
        select channel, address from alert_deliveries where alert_id = ${alertId}`.execute(tx.q);
      return r.rows;
    });
    return rows.map((r) => `${r.channel} ${r.channel === 'webhook' ? 'endpoint' : nameOf(r.address)}`).sort();
  }

  /** Previews at the alert's severity, publishes, and asserts both counts are equal. */
  async function publish(input: {
    tlp: string;
    severity: string;
    audience: object;
    advisory_id?: string;
  }): Promise<{ id: string; counts: Record<string, number> }> {
    const { severity, ...rest } = input;
    const preview = await call(coordinator, 'POST', '/api/v1/sector/alerts/preview', { ...rest, severity });
    expect(preview.statusCode, preview.body).toBe(200);
    const r = await call(coordinator, 'POST', '/api/v1/sector/alerts', {
      title: `Subscribed ${input.tlp} ${Math.random().toString(36).slice(2, 8)}`,
      body: 'Text.',
      ...input,
    });
    expect(r.statusCode, r.body).toBe(201);
    const counts = r.json().recipients as Record<string, number>;
    expect(counts).toEqual(preview.json());
    return { id: r.json().id as string, counts };
  }

  const subscribe = (who: SignedIn, org: OrgFixture, body: object) =>
    call(who, 'PUT', `/api/v1/orgs/${org.slug}/alert-subscription`, body);

  beforeAll(async () => {
    t = await startTestApp(engine);
    // The advisory import runs as a job, as `vaern serve` works the queues.
    await t.runtime.ctx.jobs.work();
    S = await createOrg(t, { kind: 'sector_unit' });
    H = await createOrg(t, { kind: 'hospital' });
    X = await createOrg(t, { kind: 'hospital' });
    F = await createOrg(t, { kind: 'pharmacy' });
    coordinator = await login(t, await createUser(t, { org: S.slug, role: 'sector_coordinator' }));
    officerF = await login(t, await createUser(t, { org: F.slug, role: 'security_officer' }));
    const people: Array<[Who, OrgFixture, 'security_officer' | 'member']> = [
      ['officer', H, 'security_officer'],
      ['alice', H, 'member'],
      ['bob', H, 'member'],
      ['carol', H, 'security_officer'],
      ['dave', H, 'member'],
      ['eve', H, 'member'],
      ['officerX', X, 'security_officer'],
      ['xavier', X, 'member'],
    ];
    for (const [who, org, role] of people) {
      const u = await createUser(t, { org: org.slug, role, email: `${who.toLowerCase()}@example.dk` });
      p[who] = { ...(await login(t, u)), email: u.email };
    }
    tokenH = await createToken(t, H.slug, 'security_officer');
    const duty = await call(tokenH, 'PUT', `/api/v1/orgs/${H.slug}/alert-settings`, {
      duty_address: 'duty-h@example.dk',
    });
    expect(duty.statusCode, duty.body).toBe(200);

    // X runs the advisory's product.
    const tokenX = await createToken(t, X.slug, 'security_officer');
    const sys = await call(tokenX, 'POST', `/api/v1/orgs/${X.slug}/inventory/systems`, {
      key: 'PUMP-X',
      name: 'Pumps X',
      cpe: 'cpe:2.3:a:examplepumps:infusion:3.0.0:*:*:*:*:*:*:*',
    });
    expect(sys.statusCode, sys.body).toBe(201);
    const imp = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${S.slug}/imports/advisory?name=upload`,
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'content-type': 'application/json' },
      payload: JSON.stringify(advisoryDoc),
    });
    expect(imp.statusCode, imp.body).toBe(202);
    const importId = imp.json().import_id as string;
    for (const deadline = Date.now() + 90_000; ; await sleep(25)) {
      const s = await t.operator.inject({ method: 'GET', url: `/api/v1/orgs/${S.slug}/imports/${importId}` });
      if (FINAL.has(s.json().status)) {
        expect(s.json().status, s.body).toBe('succeeded');
        break;
      }
      if (Date.now() > deadline) throw new Error('advisory import did not finish');
    }
    await runMatch(t.runtime.ctx, {});
    advisoryId = await asOp(async (tx) => {
      const r = await sql<{ id: string }>`
        select id from advisories where tracking_id = 'SUBSCRIPTION-TEST-1'`.execute(tx.q);
      return r.rows[0]?.id ?? '';
    });
    expect(advisoryId).not.toBe('');
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('shows the default to a person without a subscription, and refuses machine clients', async () => {
    const officer = await call(p.officer, 'GET', `/api/v1/orgs/${H.slug}/alert-subscription`);
    expect(officer.statusCode, officer.body).toBe(200);
    expect(officer.json()).toEqual({
      channels: ['app', 'email'],
      min_severity: 'low',
      kinds: ['advisory', 'general'],
      only_affected: false,
      default: true,
      updated_at: null,
    });
    const eve = await call(p.eve, 'GET', `/api/v1/orgs/${H.slug}/alert-subscription`);
    expect(eve.json()).toMatchObject({ channels: [], default: true });
    const token = await call(tokenH, 'GET', `/api/v1/orgs/${H.slug}/alert-subscription`);
    expect(token.statusCode).toBe(403);
    expect(token.json().code).toBe('alerts.subscription_people_only');
    const tokenNotes = await call(tokenH, 'GET', `/api/v1/orgs/${H.slug}/notifications`);
    expect(tokenNotes.statusCode).toBe(403);
    const tokenOpen = await call(
      tokenH,
      'POST',
      `/api/v1/orgs/${H.slug}/alerts/${crypto.randomUUID()}/notification/read`,
    );
    expect(tokenOpen.statusCode).toBe(403);
  });

  it('stores only my own subscription; another person can neither read nor change it', async () => {
    const set: Array<[Who, OrgFixture, object]> = [
      [
        'alice',
        H,
        { channels: ['app'], min_severity: 'high', kinds: ['advisory', 'general'], only_affected: false },
      ],
      [
        'bob',
        H,
        { channels: ['email', 'app'], min_severity: 'low', kinds: ['general'], only_affected: false },
      ],
      [
        'carol',
        H,
        { channels: [], min_severity: 'low', kinds: ['advisory', 'general'], only_affected: false },
      ],
      [
        'dave',
        H,
        {
          channels: ['app', 'email'],
          min_severity: 'low',
          kinds: ['advisory', 'general'],
          only_affected: true,
        },
      ],
      [
        'xavier',
        X,
        { channels: ['app'], min_severity: 'low', kinds: ['general', 'advisory'], only_affected: true },
      ],
    ];
    for (const [who, org, body] of set) {
      const r = await subscribe(p[who], org, body);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().default).toBe(false);
    }
    // Sorted and stored as given.
    const bob = await call(p.bob, 'GET', `/api/v1/orgs/${H.slug}/alert-subscription`);
    expect(bob.json()).toMatchObject({ channels: ['app', 'email'], kinds: ['general'], default: false });
    // Eve sees her own default, not anyone's row; no route takes another person's id.
    const eve = await call(p.eve, 'GET', `/api/v1/orgs/${H.slug}/alert-subscription`);
    expect(eve.json()).toMatchObject({ channels: [], default: true });
    // Under row-level security, Eve's request sees no other person's row and cannot write one.
    const seen = await asScope({ orgIds: [H.id], userId: p.eve.userId }, async (tx) => {
      const r = await sql<{ n: number }>`select count(*)::int as n from alert_subscriptions`.execute(tx.q);
      return r.rows[0]?.n;
    });
    expect(seen).toBe(0);
    await expect(
      asScope({ orgIds: [H.id], userId: p.eve.userId }, (tx) =>
        sql`insert into alert_subscriptions (org_id, user_id, channels) values (${H.id}, ${p.alice.userId}, '{}')
            on conflict (org_id, user_id) do update set channels = '{}'`.execute(tx.q),
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await asScope({ orgIds: [H.id], userId: p.eve.userId }, async (tx) => {
      const r = await sql`update alert_subscriptions set channels = '{}' where user_id = ${p.alice.userId}
                          returning 1`.execute(tx.q);
      return r.rows.length;
    });
    expect(changed).toBe(0);
    const alice = await call(p.alice, 'GET', `/api/v1/orgs/${H.slug}/alert-subscription`);
    expect(alice.json()).toMatchObject({ channels: ['app'], min_severity: 'high' });
    // Audited in the organisation's chain.
    const audit = await asScope({ orgIds: [H.id] }, async (tx) => {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from audit_log where org_id = ${H.id} and action = 'alert.subscription'`.execute(
        tx.q,
      );
      return r.rows[0]?.n;
    });
    expect(audit).toBe(4);
  });

  it('refuses another organisation on every subscription and notification route', async () => {
    const urls: Array<['GET' | 'PUT' | 'POST' | 'DELETE', string, object?]> = [
      ['GET', `/api/v1/orgs/${H.slug}/alert-subscription`],
      [
        'PUT',
        `/api/v1/orgs/${H.slug}/alert-subscription`,
        { channels: ['app'], min_severity: 'low', kinds: [], only_affected: false },
      ],
      ['DELETE', `/api/v1/orgs/${H.slug}/alert-subscription`],
      ['GET', `/api/v1/orgs/${H.slug}/notifications`],
      ['GET', `/api/v1/orgs/${H.slug}/notifications/unread`],
      ['POST', `/api/v1/orgs/${H.slug}/notifications/read-all`],
      ['POST', `/api/v1/orgs/${H.slug}/notifications/${crypto.randomUUID()}/read`],
      ['POST', `/api/v1/orgs/${H.slug}/alerts/${crypto.randomUUID()}/notification/read`],
      [
        'PUT',
        `/api/v1/orgs/${H.slug}/alert-webhooks/${crypto.randomUUID()}/filters`,
        { min_severity: 'low', kinds: [], only_affected: false },
      ],
    ];
    for (const [method, url, body] of urls) {
      const r = await call(officerF, method, url, body);
      expect({ url, status: r.statusCode }).toEqual({ url, status: 403 });
    }
  });

  it('applies subscriptions at publication, with the preview counting exactly what is stored', async () => {
    // A general alert (no advisory), medium, to H and X.
    const general = await publish({
      tlp: 'GREEN',
      severity: 'medium',
      audience: { organisations: [H.id, X.id] },
    });
    // alice wants high and above; carol opted out; eve has no channels; dave's "only affected"
    // concerns advisory alerts only; xavier likewise.
    expect(general.counts).toEqual({
      organisations: 2,
      people: 0,
      subscribers: 5,
      emails: 5,
      notifications: 5,
    });
    expect(await stored(general.id)).toEqual([
      'app bob',
      'app dave',
      'app officer',
      'app officerX',
      'app xavier',
      'email bob',
      'email dave',
      'email duty-h',
      'email officer',
      'email officerX',
    ]);

    // An advisory alert, critical, to H and X: only X is affected.
    const advisory = await publish({
      tlp: 'AMBER',
      severity: 'critical',
      audience: { organisations: [H.id, X.id] },
      advisory_id: advisoryId,
    });
    expect(advisory.counts).toEqual({
      organisations: 2,
      people: 0,
      subscribers: 4,
      emails: 3,
      notifications: 4,
    });
    expect(await stored(advisory.id)).toEqual([
      'app alice',
      'app officer',
      'app officerX',
      'app xavier',
      'email duty-h',
      'email officer',
      'email officerX',
    ]);

    // A low alert: the defaults and bob; alice's minimum keeps it from her.
    const low = await publish({ tlp: 'CLEAR', severity: 'low', audience: { organisations: [H.id] } });
    expect(low.counts).toEqual({ organisations: 1, people: 0, subscribers: 3, emails: 4, notifications: 3 });

    // TLP:RED: only the named person, in the app and by e-mail; no duty address, no subscriber.
    const red = await publish({
      tlp: 'RED',
      severity: 'critical',
      audience: { people: [{ org_id: H.id, user_id: p.eve.userId }] },
    });
    expect(red.counts).toEqual({ organisations: 1, people: 1, subscribers: 0, emails: 1, notifications: 1 });
    expect(await stored(red.id)).toEqual(['app eve', 'email eve']);

    // A named person who also subscribes gets one notification and one e-mail.
    const named = await publish({
      tlp: 'GREEN',
      severity: 'high',
      audience: { organisations: [H.id], people: [{ org_id: H.id, user_id: p.bob.userId }] },
    });
    expect(named.counts).toEqual({
      organisations: 1,
      people: 1,
      subscribers: 3,
      emails: 4,
      notifications: 4,
    });

    // The preview without a severity counts as critical.
    const noSeverity = await call(coordinator, 'POST', '/api/v1/sector/alerts/preview', {
      tlp: 'GREEN',
      audience: { organisations: [H.id] },
    });
    expect(noSeverity.json()).toMatchObject({ subscribers: 4 });
  });

  it("lists, counts and marks only the person's own notifications", async () => {
    const mine = async (who: SignedIn, org: OrgFixture, query = '') => {
      const r = await call(who, 'GET', `/api/v1/orgs/${org.slug}/notifications${query}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as {
        items: Array<{ id: string; alert_id: string; title: string; tlp: string; read_at: string | null }>;
        next_cursor: string | null;
      };
    };
    const unread = async (who: SignedIn, org: OrgFixture) =>
      (await call(who, 'GET', `/api/v1/orgs/${org.slug}/notifications/unread`)).json().unread as number;

    // Eve: only the RED alert she was named in. The officer: no trace of it.
    const eve = await mine(p.eve, H);
    expect(eve.items.map((i) => i.tlp)).toEqual(['RED']);
    const officer = await mine(p.officer, H);
    expect(officer.items.map((i) => i.tlp)).not.toContain('RED');
    expect(officer.items.length).toBe(4);
    expect(await unread(p.officer, H)).toBe(4);

    // Paged, newest first.
    const first = await mine(p.officer, H, '?limit=3');
    expect(first.items.length).toBe(3);
    expect(first.next_cursor).not.toBeNull();
    const second = await mine(p.officer, H, `?limit=3&cursor=${first.next_cursor}`);
    expect(second.items.length).toBe(1);
    expect(second.next_cursor).toBeNull();
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(officer.items.map((i) => i.id));

    // Another person cannot mark (or learn of) Eve's notification.
    const eveNote = eve.items[0]?.id ?? '';
    const foreign = await call(p.officer, 'POST', `/api/v1/orgs/${H.slug}/notifications/${eveNote}/read`);
    expect(foreign.statusCode).toBe(404);
    expect(await unread(p.eve, H)).toBe(1);
    const read = await call(p.eve, 'POST', `/api/v1/orgs/${H.slug}/notifications/${eveNote}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().read_at).not.toBeNull();
    expect(await unread(p.eve, H)).toBe(0);

    // Opening an alert marks the person's notification of it read, once; nobody else's.
    const bobBefore = await unread(p.bob, H);
    expect(bobBefore).toBeGreaterThan(0);
    const bobAlert = (await mine(p.bob, H)).items.find((i) => i.read_at === null)?.alert_id ?? '';
    // An alert both were notified of: the officer opening it leaves Bob's notification unread.
    const opened = officer.items.find((i) => i.alert_id === bobAlert);
    expect(opened).toBeDefined();
    const openUrl = (alertId: string) => `/api/v1/orgs/${H.slug}/alerts/${alertId}/notification/read`;
    const open = await call(p.officer, 'POST', openUrl(opened?.alert_id ?? ''));
    expect(open.statusCode, open.body).toBe(200);
    expect(open.json()).toEqual({ marked: 1 });
    expect(await unread(p.officer, H)).toBe(3);
    expect((await mine(p.officer, H)).items.find((i) => i.id === opened?.id)?.read_at).not.toBeNull();
    expect((await call(p.officer, 'POST', openUrl(opened?.alert_id ?? ''))).json()).toEqual({ marked: 0 });
    expect(await unread(p.bob, H)).toBe(bobBefore);

    // Mark all read: the officer's other three; Bob's stay unread.
    const all = await call(p.officer, 'POST', `/api/v1/orgs/${H.slug}/notifications/read-all`);
    expect(all.json()).toEqual({ marked: 3 });
    expect(await unread(p.officer, H)).toBe(0);
    expect(await unread(p.bob, H)).toBe(bobBefore);

    // Row-level security: a request of the organisation without the person sees no notification;
    // the person sees exactly their own.
    const count = (scope: Scope) =>
      asScope(scope, async (tx) => {
        const r = await sql<{ n: number }>`
          select count(*)::int as n from alert_deliveries where channel = 'app'`.execute(tx.q);
        return r.rows[0]?.n;
      });
    expect(await count({ orgIds: [H.id] })).toBe(0);
    expect(await count({ orgIds: [H.id], userId: p.officer.userId })).toBe(4);
    const marked = await asScope({ orgIds: [H.id], userId: p.officer.userId }, async (tx) => {
      const r =
        await sql`update alert_deliveries set read_at = null where user_id = ${p.bob.userId} returning 1`.execute(
          tx.q,
        );
      return r.rows.length;
    });
    expect(marked).toBe(0);
  });

  it("filters webhook endpoints by the endpoint's minimum severity, kinds and only affected", async () => {
    const endpoint = await asScope({ orgIds: [X.id] }, async (tx) => {
      const r = await sql<{ id: string }>`
        insert into alert_webhooks (org_id, url, secret_sealed) values (${X.id}, 'https://hooks.example.dk/x', 'sealed')
        returning id`.execute(tx.q);
      return r.rows[0]?.id ?? '';
    });
    const tokenX = await createToken(t, X.slug, 'security_officer');
    const member = await call(p.xavier, 'PUT', `/api/v1/orgs/${X.slug}/alert-webhooks/${endpoint}/filters`, {
      min_severity: 'high',
      kinds: ['advisory'],
      only_affected: true,
    });
    expect(member.statusCode).toBe(403);
    const set = await call(tokenX, 'PUT', `/api/v1/orgs/${X.slug}/alert-webhooks/${endpoint}/filters`, {
      min_severity: 'high',
      kinds: ['advisory'],
      only_affected: true,
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({
      id: endpoint,
      min_severity: 'high',
      kinds: ['advisory'],
      only_affected: true,
    });
    const listed = await call(tokenX, 'GET', `/api/v1/orgs/${X.slug}/alert-webhooks`);
    expect(listed.json().items).toEqual([expect.objectContaining({ id: endpoint, kinds: ['advisory'] })]);
    // Another organisation's endpoint id is unknown here.
    const other = await call(tokenH, 'PUT', `/api/v1/orgs/${H.slug}/alert-webhooks/${endpoint}/filters`, {
      min_severity: 'low',
      kinds: [],
      only_affected: false,
    });
    expect(other.statusCode).toBe(404);

    const hooks = async (alert: { id: string }) =>
      (await stored(alert.id)).filter((s) => s.startsWith('webhook'));
    // General: refused by kind. Advisory but medium: refused by severity. Advisory, high, X affected: sent.
    expect(
      await hooks(await publish({ tlp: 'GREEN', severity: 'critical', audience: { organisations: [X.id] } })),
    ).toEqual([]);
    expect(
      await hooks(
        await publish({
          tlp: 'GREEN',
          severity: 'medium',
          audience: { organisations: [X.id] },
          advisory_id: advisoryId,
        }),
      ),
    ).toEqual([]);
    expect(
      await hooks(
        await publish({
          tlp: 'GREEN',
          severity: 'high',
          audience: { organisations: [X.id] },
          advisory_id: advisoryId,
        }),
      ),
    ).toEqual(['webhook endpoint']);
  });
});
