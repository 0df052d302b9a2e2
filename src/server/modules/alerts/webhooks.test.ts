import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createUser, login, type OrgFixture, type SignedIn } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { backoffMs, deliverDueWebhooks, MAX_ATTEMPTS } from './webhook-delivery.js';
import { assertDeliverable, isRefusedAddress, parseAllowlist } from './webhook-guard.js';

/**
 * Alert webhooks (migration 0026, docs/alerts.md "Webhooks"): endpoints through the HTTP API,
 * deliveries posted to a real HTTP receiver on 127.0.0.1 (allow-listed through the platform
 * setting), with the delivery job driven directly and the clock in the test's hands.
 */

const BODY = 'Patch the gateway now: the secret-body-marker-4471 explains how.';

describe('webhook SSRF guard', () => {
  it('refuses internal ranges and lets public addresses through', () => {
    const refused = [
      '127.0.0.1',
      '10.1.2.3',
      '100.64.0.1',
      '169.254.169.254',
      '172.31.255.255',
      '192.168.1.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ];
    const allowed = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'];
    expect(refused.filter((a) => !isRefusedAddress(a))).toEqual([]);
    expect(allowed.filter((a) => isRefusedAddress(a))).toEqual([]);
  });

  it('refuses every address of 10/8, 127/8 and 192.168/16 (property)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.constantFrom('10', '127'), octet, octet, octet, (a, b, c, d) => {
        expect(isRefusedAddress(`${a}.${b}.${c}.${d}`)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(octet, octet, (c, d) => {
        expect(isRefusedAddress(`192.168.${c}.${d}`)).toBe(true);
      }),
    );
  });

  it('checks every resolved address, the allow-list and the scheme', async () => {
    const none = parseAllowlist('');
    const resolver = (map: Record<string, string[]>) => async (host: string) => map[host] ?? [];
    const pub = resolver({ 'hooks.example.org': ['93.184.216.34'] });
    await expect(assertDeliverable('https://hooks.example.org/x', none, pub)).resolves.toBeInstanceOf(URL);
    // One private address among public ones is enough to refuse (a rebinding name may answer either).
    const mixed = resolver({ 'hooks.example.org': ['93.184.216.34', '10.0.0.5'] });
    await expect(assertDeliverable('https://hooks.example.org/x', none, mixed)).rejects.toMatchObject({
      code: 'alerts.webhook_address_refused',
      params: { host: 'hooks.example.org', address: '10.0.0.5' },
    });
    const byHost = parseAllowlist('intranet.example.org, 192.0.2.0/24');
    await expect(assertDeliverable('https://hooks.example.org/x', byHost, mixed)).rejects.toMatchObject({
      code: 'alerts.webhook_address_refused',
    });
    const byRange = parseAllowlist('hooks.example.org  10.0.0.0/8');
    await expect(assertDeliverable('http://hooks.example.org/x', byRange, mixed)).resolves.toBeInstanceOf(
      URL,
    );
    // http only for allow-listed hosts; no credentials; unknown hosts refused.
    await expect(assertDeliverable('http://hooks.example.org/x', none, pub)).rejects.toMatchObject({
      code: 'alerts.webhook_https_required',
    });
    await expect(assertDeliverable('https://u:p@hooks.example.org/x', none, pub)).rejects.toMatchObject({
      code: 'alerts.webhook_url_invalid',
    });
    await expect(assertDeliverable('https://nowhere.example.org/x', none, pub)).rejects.toMatchObject({
      code: 'alerts.webhook_unresolvable',
    });
    await expect(assertDeliverable('https://[::1]/x', parseAllowlist('::1'), pub)).resolves.toBeInstanceOf(
      URL,
    );
  });

  it('backs off 30 s × 2^(n−1)', () => {
    // 30, 60, 120, 240 seconds after the 1st to 4th failure.
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(30)).toBe(6 * 3_600_000);
  });
});

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe.each(engines())('alert webhooks on %s', (engine) => {
  let t: TestApp;
  let receiver: Server;
  let base: string;
  const received: Received[] = [];
  /** Statuses the receiver answers with, first to last; 200 when empty. */
  const answers: number[] = [];
  let sector: OrgFixture;
  let orgA: OrgFixture;
  let orgB: OrgFixture;
  let coordinator: SignedIn;
  let officerA: SignedIn;
  let memberA: SignedIn;
  let adminB: SignedIn;
  let endpointA: { id: string; secret: string };

  const call = (
    who: SignedIn,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    lang: 'en' | 'da' = 'en',
  ) =>
    t.inject({
      method,
      url,
      headers: { ...who.headers(), 'accept-language': lang },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  const asOp = <T>(fn: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, fn);

  const setAllowlist = async (value: string) => {
    const r = await t.asOperator('PUT', '/api/v1/platform/settings/webhook_allowlist', { value });
    expect(r.statusCode, r.body).toBe(200);
  };

  async function publish(tlp: string, severity: string, orgs: OrgFixture[], people: object[] = []) {
    const r = await call(coordinator, 'POST', '/api/v1/sector/alerts', {
      title: `Webhook ${tlp} ${Math.random().toString(36).slice(2, 8)}`,
      body: BODY,
      severity,
      tlp,
      audience: { organisations: orgs.map((o) => o.id), people },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  }

  async function webhookDeliveries(alertId: string) {
    return asOp(async (tx) => {
      const r = await sql<{
        id: string;
        org_id: string;
        attempts: number;
        sent_at: Date | null;
        dead_at: Date | null;
        last_error: string | null;
      }>`
        select id, org_id, attempts, sent_at, dead_at, last_error from alert_deliveries
        where alert_id = ${alertId} and channel = 'webhook' order by id`.execute(tx.q);
      return r.rows;
    });
  }

  const to = (ms: number, from: Date) => new Date(from.getTime() + ms);
  const requestsFor = (id: string) => received.filter((r) => r.headers['webhook-id'] === id);

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.statusCode = answers.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await startTestApp(engine);
    sector = await createOrg(t, { kind: 'sector_unit' });
    orgA = await createOrg(t, { kind: 'hospital' });
    orgB = await createOrg(t, { kind: 'hospital' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    officerA = await login(t, await createUser(t, { org: orgA.slug, role: 'security_officer' }));
    memberA = await login(t, await createUser(t, { org: orgA.slug, role: 'member' }));
    adminB = await login(t, await createUser(t, { org: orgB.slug, role: 'admin' }));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('refuses internal addresses without the allow-list, with a translated message', async () => {
    const loop = await call(officerA, 'POST', `/api/v1/orgs/${orgA.slug}/alert-webhooks`, {
      url: `${base}/a`,
    });
    expect(loop.statusCode).toBe(400);
    expect(loop.json()).toMatchObject({
      code: 'alerts.webhook_address_refused',
      title:
        'The webhook host 127.0.0.1 resolves to 127.0.0.1, a private, loopback or otherwise internal address. Only addresses the platform administrator allow-lists may be used.',
    });
    const ten = await call(
      officerA,
      'POST',
      `/api/v1/orgs/${orgA.slug}/alert-webhooks`,
      { url: 'https://10.0.0.1/hook' },
      'da',
    );
    expect(ten.statusCode).toBe(400);
    expect(ten.json().title).toBe(
      'Webhook-værten 10.0.0.1 peger på 10.0.0.1, en privat, lokal eller anden intern adresse. Kun adresser, platformsadministratoren har tilladt, kan bruges.',
    );
    const list = await call(officerA, 'GET', `/api/v1/orgs/${orgA.slug}/alert-webhooks`);
    expect(list.json()).toEqual({ items: [] });
  });

  it('registers an endpoint once allow-listed; the secret is shown once and stored sealed', async () => {
    await setAllowlist('192.0.2.7, 127.0.0.1');
    const r = await call(officerA, 'POST', `/api/v1/orgs/${orgA.slug}/alert-webhooks`, {
      url: `${base}/a`,
      description: 'SOC intake',
    });
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ url: `${base}/a`, description: 'SOC intake', min_severity: 'low' });
    endpointA = { id: created.id, secret: created.secret };
    const list = await call(officerA, 'GET', `/api/v1/orgs/${orgA.slug}/alert-webhooks`);
    expect(list.json().items).toEqual([
      {
        id: created.id,
        url: `${base}/a`,
        description: 'SOC intake',
        min_severity: 'low',
        // The filters of migration 0028, at their defaults.
        kinds: ['advisory', 'general'],
        only_affected: false,
        created_at: created.created_at,
      },
    ]);
    const stored = await asOp(async (tx) => {
      const s = await sql<{
        secret_sealed: string;
      }>`select secret_sealed from alert_webhooks where id = ${created.id}`.execute(tx.q);
      return s.rows[0]?.secret_sealed ?? '';
    });
    expect(stored.startsWith('v1.')).toBe(true);
    expect(stored).not.toContain(created.secret.slice(6, 20));
    const audit = await asOp(async (tx) => {
      const a = await sql<{ action: string }>`
        select action from audit_log where target_id = ${created.id}`.execute(tx.q);
      return a.rows.map((x) => x.action);
    });
    expect(audit).toEqual(['alert.webhook_create']);
    // A member may not manage endpoints.
    const denied = await call(memberA, 'POST', `/api/v1/orgs/${orgA.slug}/alert-webhooks`, {
      url: `${base}/m`,
    });
    expect(denied.statusCode).toBe(403);
  });

  it('signs each delivery per Standard Webhooks; a tampered body fails verification', async () => {
    const alertId = await publish('GREEN', 'high', [orgA]);
    const [delivery, ...more] = await webhookDeliveries(alertId);
    expect(more).toEqual([]);
    if (!delivery) throw new Error('no webhook delivery');
    expect(await deliverDueWebhooks(t.runtime.ctx)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const [req, ...others] = requestsFor(delivery.id);
    expect(others).toEqual([]);
    if (!req) throw new Error('not received');
    expect(req.path).toBe('/a');
    const headers = req.headers as Record<string, string>;
    const payload = new Webhook(endpointA.secret).verify(req.body, headers) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(payload.type).toBe('alert.published');
    expect(payload.data).toMatchObject({ alert_id: alertId, severity: 'high', tlp: 'GREEN', body: BODY });
    expect(String(payload.data.answer_url)).toMatch(/\/alert-answer#token=/);
    // The answer link answers for organisation A, as the endpoint.
    const token = String(payload.data.answer_url).split('#token=')[1];
    const view = await t.inject({ method: 'GET', url: `/api/v1/alert-links/${token}` });
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toMatchObject({ answering_as: `${base}/a`, organisation: { slug: orgA.slug } });
    const tampered = req.body.replace('"severity":"high"', '"severity":"low"');
    expect(tampered).not.toBe(req.body);
    expect(() => new Webhook(endpointA.secret).verify(tampered, headers)).toThrow(/signature/i);
    expect((await webhookDeliveries(alertId))[0]).toMatchObject({ attempts: 1, last_error: null });
  });

  it('retries with backoff under the same webhook-id and marks the delivery sent once', async () => {
    answers.push(500, 500);
    const alertId = await publish('CLEAR', 'medium', [orgA]);
    const [delivery] = await webhookDeliveries(alertId);
    if (!delivery) throw new Error('no webhook delivery');
    const t0 = new Date();
    expect(await deliverDueWebhooks(t.runtime.ctx, t0)).toEqual({ sent: 0, retried: 1, dead: 0 });
    // Not due before 30 s have passed.
    expect(await deliverDueWebhooks(t.runtime.ctx, to(29_000, t0))).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(await deliverDueWebhooks(t.runtime.ctx, to(31_000, t0))).toEqual({ sent: 0, retried: 1, dead: 0 });
    // The second failure waits 60 s.
    expect(await deliverDueWebhooks(t.runtime.ctx, to(31_000 + 59_000, t0))).toEqual({
      sent: 0,
      retried: 0,
      dead: 0,
    });
    expect(await deliverDueWebhooks(t.runtime.ctx, to(31_000 + 61_000, t0))).toEqual({
      sent: 1,
      retried: 0,
      dead: 0,
    });
    expect(await deliverDueWebhooks(t.runtime.ctx, to(3_600_000, t0))).toEqual({
      sent: 0,
      retried: 0,
      dead: 0,
    });
    const ids = requestsFor(delivery.id).map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([delivery.id, delivery.id, delivery.id]);
    const [after] = await webhookDeliveries(alertId);
    expect(after?.attempts).toBe(3);
    expect(after?.sent_at).not.toBeNull();
  });

  it('moves a delivery that always fails to the dead-letter list; a retry delivers it', async () => {
    answers.push(...Array.from({ length: MAX_ATTEMPTS }, () => 503));
    const alertId = await publish('CLEAR', 'critical', [orgA]);
    const [delivery] = await webhookDeliveries(alertId);
    if (!delivery) throw new Error('no webhook delivery');
    let now = new Date();
    const runs = [];
    for (let n = 1; n <= MAX_ATTEMPTS; n++) {
      runs.push(await deliverDueWebhooks(t.runtime.ctx, now));
      now = to(backoffMs(n) + 1000, now);
    }
    // Failures 1–7 are retried, the 8th (MAX_ATTEMPTS) is dead.
    expect(runs.map((r) => `${r.retried}/${r.dead}`)).toEqual([...Array(7).fill('1/0'), '0/1']);
    expect(requestsFor(delivery.id)).toHaveLength(MAX_ATTEMPTS);
    const dead = await call(officerA, 'GET', `/api/v1/orgs/${orgA.slug}/alert-webhooks/dead-letters`);
    expect(dead.statusCode, dead.body).toBe(200);
    expect(dead.json().items).toEqual([
      expect.objectContaining({
        id: delivery.id,
        alert_id: alertId,
        endpoint_id: endpointA.id,
        attempts: MAX_ATTEMPTS,
        last_error: 'HTTP 503',
      }),
    ]);
    // Org B neither sees nor requeues it.
    const otherList = await call(adminB, 'GET', `/api/v1/orgs/${orgB.slug}/alert-webhooks/dead-letters`);
    expect(otherList.json()).toEqual({ items: [] });
    const otherRetry = await call(
      adminB,
      'POST',
      `/api/v1/orgs/${orgB.slug}/alert-webhooks/dead-letters/${delivery.id}/retry`,
    );
    expect(otherRetry.statusCode).toBe(404);
    // The receiver recovers (answers is empty: 200); the retry sends the same id once more.
    expect(answers).toEqual([]);
    const retry = await call(
      officerA,
      'POST',
      `/api/v1/orgs/${orgA.slug}/alert-webhooks/dead-letters/${delivery.id}/retry`,
    );
    expect(retry.statusCode, retry.body).toBe(202);
    expect(await deliverDueWebhooks(t.runtime.ctx, new Date(Date.now() + 1000))).toEqual({
      sent: 1,
      retried: 0,
      dead: 0,
    });
    expect(requestsFor(delivery.id)).toHaveLength(MAX_ATTEMPTS + 1);
    const empty = await call(officerA, 'GET', `/api/v1/orgs/${orgA.slug}/alert-webhooks/dead-letters`);
    expect(empty.json()).toEqual({ items: [] });
  });

  it('sends AMBER without the text, nothing for RED, and honours the minimum severity', async () => {
    const amber = await publish('AMBER', 'low', [orgA]);
    const [delivery] = await webhookDeliveries(amber);
    if (!delivery) throw new Error('no webhook delivery');
    expect(await deliverDueWebhooks(t.runtime.ctx)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const [req] = requestsFor(delivery.id);
    if (!req) throw new Error('not received');
    const payload = new Webhook(endpointA.secret).verify(req.body, req.headers as Record<string, string>) as {
      data: Record<string, unknown>;
    };
    expect(payload.data.tlp).toBe('AMBER');
    expect(Object.keys(payload.data).sort()).toEqual([
      'alert_id',
      'answer_url',
      'issued_at',
      'severity',
      'title',
      'tlp',
    ]);
    expect(req.body).not.toContain('secret-body-marker-4471');

    const red = await publish('RED', 'critical', [], [{ org_id: orgA.id, user_id: officerA.userId }]);
    expect(await webhookDeliveries(red)).toEqual([]);

    const b = await call(adminB, 'POST', `/api/v1/orgs/${orgB.slug}/alert-webhooks`, {
      url: `${base}/b`,
      min_severity: 'critical',
    });
    expect(b.statusCode, b.body).toBe(201);
    const high = await publish('GREEN', 'high', [orgB]);
    expect(await webhookDeliveries(high)).toEqual([]);
    const critical = await publish('GREEN', 'critical', [orgB]);
    expect((await webhookDeliveries(critical)).map((d) => d.org_id)).toEqual([orgB.id]);
    expect(await deliverDueWebhooks(t.runtime.ctx)).toEqual({ sent: 1, retried: 0, dead: 0 });
  });

  it("keeps organisations apart: B neither lists nor deletes A's endpoints; RLS hides them", async () => {
    expect((await call(adminB, 'GET', `/api/v1/orgs/${orgA.slug}/alert-webhooks`)).statusCode).toBe(403);
    const del = await call(adminB, 'DELETE', `/api/v1/orgs/${orgA.slug}/alert-webhooks/${endpointA.id}`);
    expect(del.statusCode).toBe(403);
    const viaB = await call(adminB, 'DELETE', `/api/v1/orgs/${orgB.slug}/alert-webhooks/${endpointA.id}`);
    expect(viaB.statusCode).toBe(404);
    const seenByB = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [orgB.id] }, async (tx) => {
      const r = await sql<{ org_id: string }>`select org_id from alert_webhooks`.execute(tx.q);
      return r.rows.map((x) => x.org_id);
    });
    expect(seenByB).toEqual([orgB.id]);
    const deliveriesSeenByB = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [orgB.id] }, async (tx) => {
      const r = await sql<{ org_id: string }>`select distinct org_id from alert_deliveries`.execute(tx.q);
      return r.rows.map((x) => x.org_id);
    });
    expect(deliveriesSeenByB).toEqual([orgB.id]);
    // A's officer removes the endpoint: it is gone, and audited.
    const own = await call(officerA, 'DELETE', `/api/v1/orgs/${orgA.slug}/alert-webhooks/${endpointA.id}`);
    expect(own.statusCode).toBe(204);
    expect((await call(officerA, 'GET', `/api/v1/orgs/${orgA.slug}/alert-webhooks`)).json()).toEqual({
      items: [],
    });
  });
});
