import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createUser, login, type OrgFixture, type SignedIn } from '../../../../test/factories.js';
import { expectEndedFailed, importState, startedImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { OPERATOR_SCOPE, type Tx, withTenant } from '../../db/tenant.js';
import { abandonedImportJob, INLINE_LEASE_SECONDS } from './jobs.js';
import { failAbandonedImport } from './runner.js';

/**
 * An import whose every try was cut off (its process died, or it ran past the job's time limit)
 * goes from imports.run to its dead letter queue, imports.run.dead, which ends it failed with
 * `imports.abandoned` instead of leaving it running for ever (docs/imports.md).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines())('imports given up by their job on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let officer: SignedIn;
  let officerEmail: string;

  const asOp = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, fn);

  const importRow = (id: string) => importState(t, org.id, id);

  /**
   * What a scan import's last cut-off try leaves: the stored file, the import started, a staged row
   * and a work row of its merge. `inline`: run inside a request, under a lease, not by a job.
   */
  const cutOffScanImport = (inline = false) =>
    startedImport(t, {
      orgId: org.id,
      kind: 'scan',
      fileName: 'cut-off.nessus',
      content: '<NessusClientData_v2/>',
      options: { format: 'nessus' },
      createdBy: { type: 'user', id: officer.userId, name: officerEmail },
      ...(inline ? { inlineLeaseSeconds: INLINE_LEASE_SECONDS } : {}),
      more: (tx, id) =>
        sql`insert into scan_import_hosts (org_id, import_id, host, pinned, mapped)
            values (${org.id}, ${id}, 'host-a.example.dk', false, false)`.execute(tx.q),
    });

  beforeAll(async () => {
    t = await startTestApp(engine);
    org = await createOrg(t, { kind: 'region' });
    const user = await createUser(t, { org: org.slug, role: 'security_officer' });
    officerEmail = user.email;
    officer = await login(t, user);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('gives the import queue a dead letter queue, for existing installations too', async () => {
    const jobs = t.runtime.ctx.jobs;
    expect(await jobs.queue('imports.run')).toEqual({
      retryLimit: 2,
      expireInSeconds: 4 * 3600,
      heartbeatSeconds: 120, // VAERN_IMPORT_HEARTBEAT_SECONDS' default
      deadLetter: 'imports.run.dead',
    });
    expect((await jobs.queue('imports.run.dead'))?.deadLetter).toBeNull();
  });

  it('leaves a finished import and one run inside a request alone', async () => {
    const inline = await cutOffScanImport(true);
    expect(await failAbandonedImport(t.runtime.ctx, { org_id: org.id, import_id: inline })).toBe(false);
    expect((await importRow(inline))?.status).toBe('running');
    await asOp((tx) => sql`update imports set status = 'succeeded' where id = ${inline}`.execute(tx.q));
    expect(await failAbandonedImport(t.runtime.ctx, { org_id: org.id, import_id: inline })).toBe(false);
    expect((await importRow(inline))?.status).toBe('succeeded');
  });

  it('ends an import its job gave up on failed, with what it left removed and a message in both languages', async () => {
    const id = await cutOffScanImport();
    expect(await importRow(id)).toMatchObject({ status: 'running', staged: 1, work: 1 });
    // Through the real queue: the job pg-boss moves there once the last try of imports.run failed.
    await t.runtime.ctx.jobs.work();
    await t.runtime.ctx.jobs.send(abandonedImportJob(t.runtime.ctx), { org_id: org.id, import_id: id });
    let row = await importRow(id);
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && row?.status !== 'failed'; ) {
      await sleep(100);
      row = await importRow(id);
    }
    expect(row).toMatchObject({ status: 'failed', staged: 0, work: 0 });
    expect(row?.finished_at).not.toBeNull();
    expect(row?.error_list.map((e) => e.code)).toEqual(['imports.abandoned']);
    // Once only: a second delivery of the dead job changes nothing.
    expect(await failAbandonedImport(t.runtime.ctx, { org_id: org.id, import_id: id })).toBe(false);

    await expectEndedFailed(t, org, officer.headers(), id, {
      code: 'imports.abandoned',
      action: 'import.scan',
    });
  }, 60_000);
});
