import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { type FinishedImport, uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

/**
 * Time-ordered finding ids (migration 0055, vaern_uuid_v7): RFC 9562 version 7 UUIDs whose first
 * 48 bits are the milliseconds of their creation, so that a scan's new findings come to the right
 * edge of the indexes that end in the id.
 */

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The milliseconds since the epoch that a version 7 UUID carries. */
const msOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe.each(engines())('finding ids on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let officer: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `ids-${engine}`, kind: 'region' });
    officer = await createToken(t, org.slug, 'security_officer');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are version 7, distinct, and follow the clock', async () => {
    const ids = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, async (tx) => {
      const before = await sql<{ id: string }>`
        select vaern_uuid_v7()::text as id from generate_series(1, 5000)`.execute(tx.q);
      await sql`select pg_sleep(0.005)`.execute(tx.q);
      const after = await sql<{ id: string }>`select vaern_uuid_v7()::text as id`.execute(tx.q);
      return { before: before.rows.map((r) => r.id), after: after.rows[0]?.id ?? '' };
    });
    expect(new Set(ids.before).size).toBe(5000);
    for (const id of [...ids.before, ids.after]) expect(id).toMatch(V7);
    // Within one transaction the time still moves (clock_timestamp, not now()).
    expect(ids.before.every((id) => id < ids.after)).toBe(true);
    expect(msOf(ids.after) - Math.max(...ids.before.map(msOf))).toBeGreaterThanOrEqual(5);
    expect(Math.abs(msOf(ids.after) - Date.now())).toBeLessThan(60_000);
  });

  it("give a scan's new findings ids made while it was imported", async () => {
    const started = Date.now();
    const done = await uploadImport<FinishedImport & { new: number }>(t, org, officer, {
      kind: 'scan',
      query: 'name=report&format=nessus',
      contentType: 'application/xml',
      body: readFileSync(corpus('scans', 'nessus/nessus_v_unknown.xml'), 'utf8'),
    });
    expect(done.status).toBe('succeeded');
    const ids = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, async (tx) => {
      const r = await sql<{
        id: string;
      }>`select id::text as id from findings where org_id = ${org.id}`.execute(tx.q);
      return r.rows.map((row) => row.id);
    });
    expect(ids.length).toBe(done.new);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(id).toMatch(V7);
      // The clocks of the test and the database are the machine's; a second either side for rounding.
      expect(msOf(id)).toBeGreaterThanOrEqual(started - 1000);
      expect(msOf(id)).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });
});
