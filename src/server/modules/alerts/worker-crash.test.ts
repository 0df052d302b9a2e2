import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI } from '../../../../test/cli/cli.js';
import { createOrg, createUser, login } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type SmtpServer, startSmtpServer } from '../../../../test/smtp.js';
import { type Tx, withTenant } from '../../db/tenant.js';
import { sealSecret } from '../../lib/secretbox.js';
import { EMAIL_BATCH, messageIdOf } from './delivery.js';
import { maxHeld } from './delivery-pump.js';
import { WEBHOOK_BATCH } from './webhook-delivery.js';
import { WEBHOOK_SECRET_PURPOSE } from './webhook-service.js';

/**
 * The killed-worker proof (issue 6): an alert to 300 organisations, each with a duty address
 * (e-mail to the real SMTP server process) and a webhook endpoint (an HTTP receiver here that
 * verifies the Standard Webhooks signature), delivered by `vaern worker` (the built CLI) as a
 * process of its own on PostgreSQL. The worker is killed with SIGKILL mid-dispatch, then started
 * again: nothing is lost, every repeat carries its delivery's id (Message-ID, webhook-id), and
 * only deliveries the killed worker held at that moment repeat.
 */

const ORGS = 300;
/** The receiver answers each webhook this much later, so that requests are in flight at the kill. */
const ANSWER_DELAY_MS = 100;

const hasPostgres = Boolean(process.env.DATABASE_URL);
if (!hasPostgres) console.warn('worker-crash.test.ts: DATABASE_URL is not set; the killed-worker test skips');

interface Hook {
  n: number;
  id: string;
}

describe.skipIf(!hasPostgres /* reason: needs DATABASE_URL; CI sets it */)(
  'a killed `vaern worker` (PostgreSQL, built CLI) loses no alert delivery',
  () => {
    let t: TestApp;
    let smtp: SmtpServer;
    let receiver: Server;
    let base: string;
    let dir: string;
    const hooks: Hook[] = [];
    const secrets: string[] = [];
    const workers: ChildProcess[] = [];

    const asOp = <T>(fn: (tx: Tx) => Promise<T>) =>
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, fn);

    /** `vaern worker` with the test app's database, secret and SMTP server. */
    function startWorker(): ChildProcess {
      const child = spawn(process.execPath, [CLI, 'worker'], {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? os.tmpdir(),
          DATABASE_URL: t.config.databaseUrl ?? '',
          VAERN_SECRET: t.config.secret,
          VAERN_DATA_DIR: dir,
          VAERN_PUBLIC_URL: t.config.publicUrl,
          SMTP_URL: smtp.url,
          VAERN_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      workers.push(child);
      return child;
    }

    const exited = (child: ChildProcess) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
      });

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    beforeAll(async () => {
      assertBuilt();
      dir = mkdtempSync(path.join(os.tmpdir(), 'vaern-crash-'));
      smtp = await startSmtpServer();
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const n = Number(/^\/hook\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
          const secret = secrets[n];
          try {
            if (secret === undefined) throw new Error(`unknown endpoint ${req.url}`);
            new Webhook(secret).verify(
              Buffer.concat(chunks).toString('utf8'),
              req.headers as Record<string, string>,
            );
          } catch {
            res.statusCode = 400;
            res.end();
            return;
          }
          // Recorded on arrival: a worker killed before the answer has delivered it all the same.
          hooks.push({ n, id: String(req.headers['webhook-id']) });
          setTimeout(() => {
            res.statusCode = 204;
            res.end();
          }, ANSWER_DELAY_MS);
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      t = await startTestApp('postgres', { SMTP_URL: smtp.url });
    }, 120_000);

    afterAll(async () => {
      for (const w of workers) {
        if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
        await exited(w);
      }
      await t?.close();
      await smtp?.stop();
      receiver?.closeAllConnections();
      await new Promise((resolve) => receiver?.close(resolve));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('redelivers what the killed worker held, under the same ids, and nothing else twice', async () => {
      const allow = await t.asOperator('PUT', '/api/v1/platform/settings/webhook_allowlist', {
        value: '127.0.0.1',
      });
      expect(allow.statusCode, allow.body).toBe(200);
      const sector = await createOrg(t, { kind: 'sector_unit' });
      const coordinator = await login(
        t,
        await createUser(t, { org: sector.slug, role: 'sector_coordinator' }),
      );
      // 300 recipient organisations, each with a duty address and an endpoint /hook/N whose
      // secret the receiver knows (written set-based, as an operator).
      for (let n = 0; n < ORGS; n++) secrets.push(`whsec_${randomBytes(32).toString('base64')}`);
      const sealed = secrets.map((s) => sealSecret(t.config.secret, WEBHOOK_SECRET_PURPOSE, s));
      const orgIds = await asOp(async (tx) => {
        await sql`insert into organisations (slug, name, kind)
          select 'crash-' || g, 'Apotek ' || g, 'pharmacy' from generate_series(0, ${ORGS - 1}::int) g`.execute(
          tx.q,
        );
        await sql`insert into alert_duty_addresses (org_id, email)
          select id, 'duty-' || substr(slug, 7) || '@crash.example.dk' from organisations
          where slug like 'crash-%'`.execute(tx.q);
        await sql`
          insert into alert_webhooks (org_id, url, min_severity, secret_sealed)
          select o.id, ${base} || '/hook/' || substr(o.slug, 7), 'low', s.sealed
          from organisations o
          join unnest(${sealed}::text[]) with ordinality s(sealed, i) on i - 1 = substr(o.slug, 7)::int
          where o.slug like 'crash-%'`.execute(tx.q);
        const r = await sql<{ id: string }>`select id from organisations where slug like 'crash-%'`.execute(
          tx.q,
        );
        return r.rows.map((row) => row.id);
      });
      expect(orgIds).toHaveLength(ORGS);

      const published = await t.inject({
        method: 'POST',
        url: '/api/v1/sector/alerts',
        headers: coordinator.headers(),
        payload: {
          title: 'Ransomware-kampagne mod apoteker',
          body: 'Angriberne bruger stjålne VPN-adgange. Gennemgå logins fra de sidste 7 dage.',
          severity: 'high',
          tlp: 'GREEN',
          audience: { organisations: orgIds },
        },
      });
      expect(published.statusCode, published.body).toBe(201);
      const alertId = published.json().id as string;
      const deliveries = await asOp(async (tx) => {
        const r = await sql<{ id: string; channel: 'email' | 'webhook'; address: string }>`
          select id, channel, address from alert_deliveries
          where alert_id = ${alertId} and channel in ('email', 'webhook')`.execute(tx.q);
        return r.rows;
      });
      expect(deliveries.filter((d) => d.channel === 'email')).toHaveLength(ORGS);
      expect(deliveries.filter((d) => d.channel === 'webhook')).toHaveLength(ORGS);
      const byAddress = new Map(deliveries.map((d) => [d.address.toLowerCase(), d.id]));

      /** Delivery id → how often it arrived, per channel; checks every arrival carries its id. */
      const arrivals = () => {
        const count = new Map<string, number>();
        const wrongIds: string[] = [];
        for (const m of smtp.received) {
          const id = byAddress.get(m.envelope_to[0]?.toLowerCase() ?? '');
          if (!id || m.message_id !== messageIdOf(t.config.publicUrl, id)) wrongIds.push(m.message_id);
          else count.set(id, (count.get(id) ?? 0) + 1);
        }
        for (const h of hooks) {
          const id = byAddress.get(`${base}/hook/${h.n}`);
          if (!id || h.id !== id) wrongIds.push(h.id);
          else count.set(id, (count.get(id) ?? 0) + 1);
        }
        return { count, wrongIds };
      };

      // First worker: killed once a quarter of the deliveries have arrived.
      const first = startWorker();
      for (
        const deadline = Date.now() + 120_000;
        arrivals().count.size < deliveries.length / 4;
        await sleep(2)
      ) {
        if (Date.now() > deadline)
          throw new Error(`too few deliveries before the kill: ${arrivals().count.size}`);
        if (first.exitCode !== null) throw new Error(`vaern worker exited ${first.exitCode}`);
      }
      first.kill('SIGKILL');
      await exited(first);
      const atKill = arrivals().count.size;
      // What the killed worker held: claimed (leased into the future) and not marked sent.
      const held = await asOp(async (tx) => {
        const r = await sql<{ id: string }>`
          select id from alert_deliveries
          where alert_id = ${alertId} and channel in ('email', 'webhook') and sent_at is null
            and next_attempt_at > now()`.execute(tx.q);
        return new Set(r.rows.map((row) => row.id));
      });
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(deliveries.length);
      expect(held.size).toBeGreaterThan(0);
      // A worker holds at most two batches per channel (claimed and not started, being sent,
      // accepted and not yet marked): fewer than the deliveries.
      expect(held.size).toBeLessThanOrEqual(maxHeld(EMAIL_BATCH) + maxHeld(WEBHOOK_BATCH));
      expect(maxHeld(EMAIL_BATCH) + maxHeld(WEBHOOK_BATCH)).toBeLessThan(deliveries.length);

      // Second worker: the killed one's claims come back when their lease runs out.
      const second = startWorker();
      const unsent = async () =>
        asOp(async (tx) => {
          const r = await sql<{ n: number }>`
            select count(*)::int as n from alert_deliveries
            where alert_id = ${alertId} and channel in ('email', 'webhook') and sent_at is null`.execute(
            tx.q,
          );
          return r.rows[0]?.n ?? -1;
        });
      for (const deadline = Date.now() + 180_000; ; await sleep(250)) {
        if ((await unsent()) === 0 && arrivals().count.size === deliveries.length) break;
        if (Date.now() > deadline)
          throw new Error(`not all delivered: ${arrivals().count.size} of ${deliveries.length}`);
        if (second.exitCode !== null) throw new Error(`vaern worker exited ${second.exitCode}`);
      }
      second.kill('SIGTERM');
      await exited(second);

      const { count, wrongIds } = arrivals();
      // Nothing lost; every arrival, first or repeated, carries its delivery's id.
      expect(deliveries.filter((d) => !count.has(d.id))).toEqual([]);
      expect(wrongIds).toEqual([]);
      // Only what the killed worker held arrived twice, and nothing more than twice.
      const repeated = [...count].filter(([, n]) => n > 1).map(([id]) => id);
      expect(repeated.filter((id) => !held.has(id))).toEqual([]);
      expect(repeated.length).toBeLessThanOrEqual(held.size);
      expect([...count.values()].filter((n) => n > 2)).toEqual([]);
    }, 360_000);
  },
);
