import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { withTenant } from '../src/server/db/tenant.js';
import { buildHttpApp } from '../src/server/http/app.js';
import { sealSecret } from '../src/server/lib/secretbox.js';
import { composeAlert } from '../src/server/modules/alerts/alert-service.js';
import { WEBHOOK_SECRET_PURPOSE } from '../src/server/modules/alerts/webhook-service.js';
import { loadUserActor } from '../src/server/modules/auth/resolve.js';
import { benchArgs } from './lib/args.js';
import { openBenchRuntime } from './lib/engine.js';
import {
  BenchError,
  BenchUsageError,
  machine,
  peakRssMib,
  progress,
  round,
  runBench,
  secondsSince,
} from './lib/report.js';

/*
 * bench:alerts — one alert to 10,000 recipient organisations (issue 6), each with a duty address
 * (e-mail) and a webhook endpoint: 20,000 deliveries (`--recipients N` for fewer organisations).
 * E-mail goes over SMTP to a sink in a process of its own (bench/lib/smtp-sink.ts: the smtp-server
 * package the tests' SMTP server uses, reading only the Message-ID); webhooks to an HTTP receiver
 * in this process that verifies each request's Standard Webhooks signature with the endpoint's
 * secret and records its webhook-id. The organisations, duty addresses and endpoints are written
 * set-based; 127.0.0.1 is allow-listed through the platform setting webhook_allowlist. The alert is
 * published through the alerts service as a sector coordinator (what POST /api/v1/sector/alerts
 * does), and the real job worker (pg-boss, this process) delivers.
 *
 * `queued_s`: from the publish call until it returned with every delivery row stored and the
 * delivery jobs queued. `deliveries_per_s`: deliveries over the time from the publish call until
 * the last delivery was received and marked sent. `lost`: deliveries never received; `duplicated`:
 * distinct delivery ids received more than once (both 0 in a run without crashes).
 *
 *   npm run bench:alerts [-- --recipients N]
 */

const here = path.dirname(fileURLToPath(import.meta.url));

interface Sink {
  url: string;
  /** Delivery id → how many times a message with its Message-ID arrived. */
  received: Map<string, number>;
  stop(): Promise<void>;
}

/** The SMTP sink process (bench/lib/smtp-sink.ts); counts Message-IDs. */
async function startSmtpSink(): Promise<Sink> {
  const script = path.join(here, 'lib', 'smtp-sink.js');
  if (!existsSync(script)) throw new BenchError(`${script} is missing`);
  const child: ChildProcess = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const received = new Map<string, number>();
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const value = JSON.parse(line) as { port?: number; message_id?: string };
      if (value.port !== undefined) return resolve(value.port);
      const id = /^<([^@>]+)@/.exec(value.message_id ?? '')?.[1] ?? '';
      received.set(id, (received.get(id) ?? 0) + 1);
    });
    child.once('exit', (code) => reject(new Error(`SMTP server exited with ${code}`)));
    child.once('error', reject);
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface Receiver {
  base: string;
  received: Map<string, number>;
  invalid: number;
  server: Server;
}

/** Verifies every request against its endpoint's secret (path /hook/N) and counts webhook-ids. */
async function startReceiver(secrets: string[]): Promise<Receiver> {
  const verifiers = secrets.map((s) => new Webhook(s));
  const r: Receiver = { base: '', received: new Map(), invalid: 0, server: undefined as unknown as Server };
  r.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = Number(/^\/hook\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
      const verifier = verifiers[n];
      const id = String(req.headers['webhook-id'] ?? '');
      try {
        if (!verifier) throw new Error('unknown endpoint');
        verifier.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
      } catch {
        r.invalid++;
        res.statusCode = 400;
        res.end();
        return;
      }
      r.received.set(id, (r.received.get(id) ?? 0) + 1);
      res.statusCode = 204;
      res.end();
    });
  });
  r.server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.base = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}`;
  return r;
}

await runBench('alerts', async () => {
  const { engine, count: recipients } = benchArgs('recipients', 10_000);
  if (engine !== 'postgres') throw new BenchUsageError('bench:alerts runs on PostgreSQL (DATABASE_URL)');
  if (!process.env.DATABASE_URL)
    throw new BenchUsageError('DATABASE_URL is not set (a PostgreSQL URL whose login has CREATEDB)');
  const sink = await startSmtpSink();
  const secrets = Array.from({ length: recipients }, () => `whsec_${randomBytes(32).toString('base64')}`);
  const receiver = await startReceiver(secrets);
  let bench: Awaited<ReturnType<typeof openBenchRuntime>> | undefined;
  try {
    bench = await openBenchRuntime(engine, { SMTP_URL: sink.url });
    const ctx = bench.runtime.ctx;
    const operatorApp = await buildHttpApp(ctx, { operator: true });
    try {
      const setup = performance.now();
      const allow = await operatorApp.inject({
        method: 'PUT',
        url: '/api/v1/platform/settings/webhook_allowlist',
        payload: { value: '127.0.0.1' },
      });
      if (allow.statusCode !== 200) throw new BenchError(`allow-list: ${allow.statusCode} ${allow.body}`);
      const unit = await operatorApp.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: { slug: 'sektorenheden', name: 'Sektorenheden', kind: 'sector_unit' },
      });
      if (unit.statusCode !== 201) throw new BenchError(`sector unit: ${unit.statusCode} ${unit.body}`);
      const user = await operatorApp.inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: {
          email: 'koordinator@sektor.example.dk',
          name: 'Koordinator',
          password: randomBytes(18).toString('base64url'),
          org: 'sektorenheden',
          role: 'sector_coordinator',
        },
      });
      if (user.statusCode !== 201) throw new BenchError(`coordinator: ${user.statusCode} ${user.body}`);
      const operator = { orgIds: [], operator: true };
      const sealed = secrets.map((s) => sealSecret(ctx.config.secret, WEBHOOK_SECRET_PURPOSE, s));
      await withTenant(ctx.db.kysely, operator, async (tx) => {
        await sql`insert into organisations (slug, name, kind)
          select 'org-' || lpad(g::text, 5, '0'), 'Organisation ' || g, 'hospital'
          from generate_series(0, ${recipients - 1}::int) g`.execute(tx.q);
        await sql`insert into alert_duty_addresses (org_id, email)
          select id, 'vagt@' || slug || '.example.dk' from organisations where slug like 'org-%'`.execute(
          tx.q,
        );
        await sql`
          insert into alert_webhooks (org_id, url, description, min_severity, secret_sealed)
          select o.id, ${receiver.base} || '/hook/' || (substr(o.slug, 5)::int), 'SOC', 'low', s.sealed
          from organisations o
          join unnest(${sealed}::text[]) with ordinality s(sealed, n) on n - 1 = substr(o.slug, 5)::int
          where o.slug like 'org-%'`.execute(tx.q);
      });
      await sql`analyze`.execute(ctx.db.kysely);
      progress(
        `${recipients} organisations with duty addresses and webhook endpoints (${secondsSince(setup)} s)`,
      );

      const actor = await loadUserActor(ctx, user.json().id as string, randomUUID());
      if (!actor) throw new BenchError('coordinator not loaded');
      await ctx.jobs.work();

      const loadStart = round(os.loadavg()[0] ?? 0, 2);
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      const published = await composeAlert({
        ctx,
        actor,
        input: {
          title: 'Aktivt udnyttet sårbarhed i fjernadgangsgateway',
          body: 'En kritisk sårbarhed udnyttes aktivt. Opdatér gatewayen og gennemgå logfilerne for de sidste 14 dage.',
          severity: 'critical',
          recommended_action: 'Opdatér til version 9.4.2 og nulstil administratoradgangskoder.',
          tlp: 'GREEN',
          audience: { kinds: ['hospital'], regions: [], affected: false, organisations: [], people: [] },
        },
      });
      const queuedS = secondsSince(started);
      const count = (unsent: boolean) =>
        withTenant(ctx.db.kysely, operator, async (tx) => {
          const r = await sql<{ email: number; webhook: number }>`
            select count(*) filter (where channel = 'email')::int as email,
                   count(*) filter (where channel = 'webhook')::int as webhook
            from alert_deliveries where alert_id = ${published.id} ${unsent ? sql`and sent_at is null` : sql``}`.execute(
            tx.q,
          );
          return r.rows[0] ?? { email: 0, webhook: 0 };
        });
      const counts = await count(false);
      const deliveries = counts.email + counts.webhook;
      progress(
        `published to ${published.recipients.organisations} organisations: ${counts.email} e-mails and ${counts.webhook} webhooks queued in ${queuedS} s`,
      );
      if (
        published.recipients.organisations !== recipients ||
        counts.email !== recipients ||
        counts.webhook !== recipients
      ) {
        throw new BenchError(
          `expected ${recipients} organisations, e-mails and webhooks, not ${JSON.stringify(counts)}`,
        );
      }

      let emailS = 0;
      let webhookS = 0;
      let lastReport = performance.now();
      const deadline = Date.now() + 30 * 60_000;
      // Every delivery received (counted here, no query), then every row marked sent.
      for (;;) {
        if (emailS === 0 && sink.received.size >= counts.email) emailS = secondsSince(started);
        if (webhookS === 0 && receiver.received.size >= counts.webhook) webhookS = secondsSince(started);
        if (emailS > 0 && webhookS > 0) {
          const l = await count(true);
          if (l.email === 0 && l.webhook === 0) break;
        }
        if (Date.now() > deadline) throw new BenchError('not delivered within 30 min');
        if (performance.now() - lastReport > 5_000) {
          lastReport = performance.now();
          progress(
            `${secondsSince(started)} s: ${sink.received.size} e-mails, ${receiver.received.size} webhooks received`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Until the last delivery was received and every row marked sent.
      const deliveredS = secondsSince(started);
      const cpu = process.cpuUsage(cpuStart);
      const ids = await withTenant(ctx.db.kysely, operator, (tx) =>
        sql<{ id: string; channel: string }>`
          select id, channel from alert_deliveries where alert_id = ${published.id}`.execute(tx.q),
      );
      let lost = 0;
      const duplicates = { email: 0, webhook: 0 };
      for (const row of ids.rows) {
        const n = (row.channel === 'email' ? sink.received : receiver.received).get(row.id) ?? 0;
        if (n === 0) lost++;
        if (n > 1) duplicates[row.channel === 'email' ? 'email' : 'webhook']++;
      }
      const duplicated = duplicates.email + duplicates.webhook;
      const attempts = await withTenant(ctx.db.kysely, operator, (tx) =>
        sql<{ channel: string; retried: number }>`
          select channel, count(*) filter (where attempts > 1)::int as retried
          from alert_deliveries where alert_id = ${published.id} group by channel order by channel`.execute(
          tx.q,
        ),
      );
      progress(`duplicates ${JSON.stringify(duplicates)}; retried ${JSON.stringify(attempts.rows)}`);
      progress(`delivered in ${deliveredS} s (e-mail ${emailS} s, webhooks ${webhookS} s)`);
      return {
        recipients,
        deliveries,
        emails: counts.email,
        webhooks: counts.webhook,
        queued_s: queuedS,
        delivered_s: deliveredS,
        deliveries_per_s: round(deliveries / deliveredS, 1),
        email_per_s: round(counts.email / emailS, 1),
        webhook_per_s: round(counts.webhook / webhookS, 1),
        lost,
        duplicated,
        invalid_signatures: receiver.invalid,
        // CPU time of this process (publishing, the worker, the webhook receiver) per delivery.
        cpu_ms_per_delivery: round((cpu.user + cpu.system) / 1000 / deliveries, 3),
        // The machine's run queue (1 min) when publishing started and at the end: other work competes.
        load_avg: [loadStart, round(os.loadavg()[0] ?? 0, 2)],
        peak_rss_mb: peakRssMib(),
        machine: machine(ctx.db.serverVersion),
      };
    } finally {
      await operatorApp.close();
    }
  } finally {
    await bench?.close();
    await new Promise((resolve) => receiver.server.close(resolve));
    receiver.server.closeAllConnections();
    await sink.stop();
  }
});
