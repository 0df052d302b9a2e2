import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Served, startServe } from '../../../../test/cli/cli.js';
import { createOrg, type OrgFixture } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { OPERATOR_SCOPE, type Tx, withTenant } from '../../db/tenant.js';

/**
 * An import whose worker process dies mid-run (SIGKILL: no clean-up, no last word) is taken up by
 * another process once its heartbeat has run out, and finished there from the start, exactly
 * once (docs/imports.md, "After a crash"). The worker is a real `vaern serve` process; the other
 * is this test's runtime, which works the queues only after the kill. Heartbeat 10 s (pg-boss's
 * least) and supervision every second, so that the takeover comes within seconds.
 */

const HOSTS = 3_000;
const PER_HOST = 20;
const FINDINGS = HOSTS * PER_HOST;
const ENV = { VAERN_IMPORT_HEARTBEAT_SECONDS: '10', VAERN_JOBS_SUPERVISE_SECONDS: '1' };

/** A Nessus report of FINDINGS small findings: big enough to take the worker a few seconds. */
function report(): string {
  const parts = ['<?xml version="1.0"?>\n<NessusClientData_v2><Report name="dead-worker">\n'];
  for (let h = 0; h < HOSTS; h++) {
    parts.push(
      `<ReportHost name="w${h}.example.dk"><HostProperties><tag name="host-ip">10.9.${h >> 8}.${h & 255}</tag></HostProperties>\n`,
    );
    for (let n = 0; n < PER_HOST; n++)
      parts.push(
        `<ReportItem port="443" protocol="tcp" severity="${1 + (n % 4)}" pluginID="${500_000 + n}" pluginName="Check ${n}"><plugin_output>seen on ${h}</plugin_output></ReportItem>\n`,
      );
    parts.push('</ReportHost>\n');
  }
  parts.push('</Report></NessusClientData_v2>\n');
  return parts.join('');
}

const hasPostgres = Boolean(process.env.DATABASE_URL);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasPostgres /* reason: two processes share PostgreSQL (DATABASE_URL); CI sets it */)(
  'an import whose worker process died',
  () => {
    let t: TestApp;
    let org: OrgFixture;
    let worker: Served | null = null;
    let dir: string;

    beforeAll(async () => {
      assertBuilt();
      t = await startTestApp('postgres', ENV);
      org = await createOrg(t, { kind: 'region' });
      dir = mkdtempSync(path.join(os.tmpdir(), 'vaern-dead-worker-'));
    }, 120_000);

    afterAll(async () => {
      // Nothing of a worker still alive (a test that failed before the kill) needs saving.
      worker?.child.kill('SIGKILL');
      await worker?.stop();
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const asOp = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, fn);

    const state = async (id: string) => {
      const r = await t.operator.inject({ method: 'GET', url: `/api/v1/orgs/${org.slug}/imports/${id}` });
      expect(r.statusCode).toBe(200);
      return r.json() as { status: string; phase: string | null; processed: number; [k: string]: unknown };
    };

    it('is retried by another process after its heartbeat ran out, and finished once', async () => {
      // The worker: a server process on the same database that works the queues (this test's
      // runtime does not, yet).
      worker = await startServe({
        ...ENV,
        DATABASE_URL: t.config.databaseUrl ?? '',
        VAERN_SECRET: t.config.secret,
        VAERN_DATA_DIR: dir,
      });
      const upload = await t.operator.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org.slug}/imports/scan?name=dead-worker.nessus&format=nessus`,
        headers: { 'content-type': 'application/xml' },
        payload: report(),
      });
      expect(upload.statusCode).toBe(202);
      const id = (upload.json() as { import_id: string }).import_id;

      // Killed once it has staged rows (its first progress), long before its end.
      const deadline = Date.now() + 60_000;
      for (let s = await state(id); ; s = await state(id)) {
        expect(s.status, 'the worker finished before it could be killed').not.toMatch(
          /succeeded|refused|failed/,
        );
        expect(worker.child.exitCode, 'the worker process ended by itself').toBeNull();
        expect(Date.now(), 'the worker did not start the import within a minute').toBeLessThan(deadline);
        if (s.status === 'running' && s.processed > 0) break;
        await sleep(20);
      }
      worker.child.kill('SIGKILL');
      await worker.stop();
      worker = null;
      const killedAt = Date.now();
      const runId = async () =>
        asOp(async (tx) => {
          const r = await sql<{ run_id: string | null }>`
          select run_id from imports where org_id = ${org.id} and id = ${id}`.execute(tx.q);
          return r.rows[0]?.run_id ?? null;
        });
      const killedRun = await runId();
      expect(killedRun).not.toBeNull();

      // This process now works the queues: pg-boss's supervisor sees the heartbeat run out (5-10 s
      // after the kill: heartbeats go every 5 s), the job is retried here, and the import runs again
      // from the start under a new claim. With the monitor at its default of 60 s instead of the
      // setting's 1 s, the takeover would come about a minute after this process started.
      await t.runtime.ctx.jobs.work();
      while ((await runId()) === killedRun) {
        expect(Date.now() - killedAt, 'not taken over within 30 s of the kill').toBeLessThan(30_000);
        await sleep(100);
      }
      const takenOver = Date.now() - killedAt;
      expect(takenOver, 'taken over before the heartbeat ran out').toBeGreaterThanOrEqual(4_000);
      let s = await state(id);
      while (!/succeeded|refused|failed/.test(s.status)) {
        expect(Date.now() - killedAt, 'the retried import did not finish within 2 minutes').toBeLessThan(
          120_000,
        );
        await sleep(100);
        s = await state(id);
      }
      expect(s).toMatchObject({ status: 'succeeded', new: FINDINGS, still_open: 0, unmapped_hosts: HOSTS });

      await asOp(async (tx) => {
        const r = await sql<{ findings: number; distinct: number; first: number }>`
        select count(*)::int as findings, count(distinct fingerprint)::int as distinct,
               count(*) filter (where first_import_id = ${id})::int as first
        from findings where org_id = ${org.id}`.execute(tx.q);
        expect(r.rows[0]).toEqual({ findings: FINDINGS, distinct: FINDINGS, first: FINDINGS });
      });
      // The work rows of both runs go too (removed just after the switch commits).
      const workLeft = () =>
        asOp(async (tx) => {
          const r = await sql<{ n: number }>`
          select (select count(*) from scan_import_items where org_id = ${org.id})::int
               + (select count(*) from scan_import_hosts where org_id = ${org.id})::int
               + (select count(*) from scan_unpublished where org_id = ${org.id})::int as n`.execute(tx.q);
          return r.rows[0]?.n ?? -1;
        });
      for (let tries = 0; (await workLeft()) > 0 && tries < 100; tries++) await sleep(100);
      expect(await workLeft()).toBe(0);
      // pg-boss's own record: the job ran twice, the second try succeeded.
      const job = await sql<{ retry_count: number; state: string }>`
      select retry_count, state from pgboss.job where name = 'imports.run'
        and data ->> 'import_id' = ${id}`.execute(t.runtime.ctx.db.kysely);
      expect(job.rows).toEqual([{ retry_count: 1, state: 'completed' }]);
    }, 200_000);
  },
);
