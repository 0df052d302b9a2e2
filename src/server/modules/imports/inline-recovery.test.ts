import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createUser,
  login,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { expectEndedFailed, importState, startedImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { OPERATOR_SCOPE, type Tx, withTenant } from '../../db/tenant.js';
import { INLINE_LEASE_SECONDS, recoverInlineImports } from './jobs.js';
import * as q from './queries.js';

/**
 * Imports run inside a request (runImportNow: an advisory written by hand) hold a lease; one that a
 * dead process left queued or running past its lease is marked failed by imports.recover_inline,
 * through the runner's failure path (docs/advisories.md, "Written by hand").
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const form = {
  title: 'Inline recovery advisory',
  summary: 'A summary.',
  severity: 'high',
  lang: 'en',
  tlp: 'GREEN',
  vulnerabilities: [{ cve: 'cve-2099-7171', title: 'Something' }],
  products: [
    { vendor: 'Acme Medical Inc.', product: 'RecoveryPump', versions: '<= 2.0', status: 'known_affected' },
  ],
};

describe.each(engines())('recovery of imports run inside a request on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let coordinator: SignedIn;
  let coordinatorEmail: string;

  const asOp = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, fn);

  const importRow = (id: string) => importState(t, sector.id, id);

  const expireLease = (id: string) =>
    asOp((tx) =>
      sql`update imports set inline_lease_until = now() - interval '1 second'
          where org_id = ${sector.id} and id = ${id}`.execute(tx.q),
    );

  /**
   * The state a process leaves when it dies inside runImportNow: the stored file, the import with
   * its lease (as runImportNow records it), started and with a staged row (as runImport leaves it).
   */
  const stuckImport = () =>
    startedImport(t, {
      orgId: sector.id,
      kind: 'advisory',
      fileName: 'stuck.json',
      content: '{}',
      options: { tlp: 'GREEN', manual: true },
      createdBy: { type: 'user', id: coordinator.userId, name: coordinatorEmail },
      inlineLeaseSeconds: INLINE_LEASE_SECONDS,
    });

  beforeAll(async () => {
    // No worker yet: the last test starts one to see the recovery run at start.
    t = await startTestApp(engine);
    sector = await createOrg(t, { kind: 'sector_unit' });
    const user = await createUser(t, { org: sector.slug, role: 'sector_coordinator' });
    coordinatorEmail = user.email;
    coordinator = await login(t, user);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('gives an advisory written by hand a lease, and leaves its finished import alone', async () => {
    const r = await t.inject({
      method: 'POST',
      url: '/api/v1/sector/advisories',
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'accept-language': 'en' },
      payload: form,
    });
    expect(r.statusCode, r.body).toBe(201);
    const importId = r.json().import_id as string;
    const row = await importRow(importId);
    expect(row?.status).toBe('succeeded');
    expect(row?.inline_lease_until).not.toBeNull();
    // Even with its lease long past, a finished import is never touched.
    await expireLease(importId);
    expect(await recoverInlineImports(t.runtime.ctx)).toBe(0);
    expect((await importRow(importId))?.status).toBe('succeeded');
  });

  it('marks an import left running past its lease failed, with a message in both languages', async () => {
    const id = await stuckImport();
    // A job-run import (no lease) and a live inline one are not touched.
    const queued = await asOp(async (tx) => {
      const r = await sql<{ id: string }>`
        insert into imports (org_id, kind, status, phase, created_by)
        values (${sector.id}, 'advisory', 'queued', 'queued', '{"type":"operator","name":"test"}')
        returning id`.execute(tx.q);
      return r.rows[0]?.id ?? '';
    });
    expect(await recoverInlineImports(t.runtime.ctx)).toBe(0);
    expect((await importRow(id))?.status).toBe('running');

    await expireLease(id);
    expect(await recoverInlineImports(t.runtime.ctx)).toBe(1);
    const row = await importRow(id);
    expect(row?.status).toBe('failed');
    expect(row?.finished_at).not.toBeNull();
    expect(row?.error_list.map((e) => e.code)).toEqual(['imports.inline_interrupted']);
    expect(row?.staged).toBe(0);
    expect((await importRow(queued))?.status).toBe('queued');
    // Once only.
    expect(await recoverInlineImports(t.runtime.ctx)).toBe(0);
    // The request that ran it, were it still alive, cannot write its outcome over this one: the
    // write throws, so its switch rolls back with it.
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [sector.id], operator: true }, (tx) =>
        q.finishImport(tx, sector.id, id, {
          status: 'succeeded',
          rows: 1,
          processed: 1,
          created: 1,
          updated: 0,
          unchanged: 0,
          errors: 0,
          errorList: [],
          extra: {},
          bytesRead: 2,
          dropFile: false,
        }),
      ),
    ).rejects.toThrow('already finished');
    expect((await importRow(id))?.status).toBe('failed');

    await expectEndedFailed(t, sector, coordinator.headers(), id, {
      code: 'imports.inline_interrupted',
      action: 'import.advisory',
    });
  });

  it('recovers when a worker starts, and schedules the recovery every five minutes', async () => {
    const id = await stuckImport();
    await expireLease(id);
    expect(await t.runtime.ctx.jobs.schedules()).toContainEqual({
      name: 'imports.recover_inline',
      cron: '*/5 * * * *',
    });
    await t.runtime.ctx.jobs.work();
    let status = '';
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
      status = (await importRow(id))?.status ?? '';
      if (status === 'failed') break;
    }
    expect(status).toBe('failed');
  }, 60_000);
});
