import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import type { Actor, OrgRole } from '../../lib/actor.js';
import { PLATFORM_CHAIN } from './chain.js';
import { auditPolicy } from './policy.js';

interface Entry {
  seq: number;
  at: string;
  actor: { type: string; id?: string; name?: string };
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  hash: string;
}
interface Page {
  items: Entry[];
  next_cursor: string | null;
}

describe.each(engines())('audit log on %s', (engine) => {
  let t: TestApp;
  let orgSlug: string;
  let orgId: string;
  let auditor: string;
  const tokenIds: string[] = [];

  const get = (url: string, authorization?: string) =>
    authorization ? t.inject({ method: 'GET', url, headers: { authorization } }) : t.asOperator('GET', url);

  beforeAll(async () => {
    t = await startTestApp(engine);
    const org = await createOrg(t, { slug: 'audit-org' });
    orgSlug = org.slug;
    orgId = org.id;
    await createUser(t, { email: 'ane@example.dk', org: org.slug, role: 'admin' });
    for (const name of ['scanner-1', 'scanner-2', 'siem']) {
      const r = await t.asOperator('POST', `/api/v1/orgs/${orgSlug}/tokens`, { name, role: 'member' });
      tokenIds.push(r.json().id);
    }
    await t.asOperator('DELETE', `/api/v1/orgs/${orgSlug}/tokens/${tokenIds[0]}`);
    // The auditor's token is the org chain's last entry: seq 6.
    auditor = await createToken(t, orgSlug, 'auditor', 'auditor-token');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists an organisation's entries newest first with before and after values and a cursor", async () => {
    const r = await get(`/api/v1/orgs/${orgSlug}/audit?limit=4`, auditor);
    expect(r.statusCode).toBe(200);
    const first = r.json() as Page;
    expect(first.items.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(first.items.map((e) => e.action)).toEqual([
      'token.create',
      'token.revoke',
      'token.create',
      'token.create',
    ]);
    const revoke = first.items[1];
    expect(revoke).toMatchObject({
      actor: { type: 'operator', name: expect.stringContaining('cli') },
      target_type: 'api_token',
      target_id: tokenIds[0],
      before: { name: 'scanner-1', revoked_at: null },
      after: { name: 'scanner-1', revoked_at: expect.any(String) },
    });
    expect(revoke?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(revoke?.at ?? '').toISOString()).toBe(revoke?.at);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (
      await get(`/api/v1/orgs/${orgSlug}/audit?limit=4&cursor=${first.next_cursor}`, auditor)
    ).json() as Page;
    expect(second.items.map((e) => e.seq)).toEqual([2, 1]);
    expect(second.items[1]).toMatchObject({ action: 'membership.add', after: { email: 'ane@example.dk' } });
    expect(second.next_cursor).toBeNull();
  });

  it('filters by actor, action prefix, target and time', async () => {
    const q = async (query: string) =>
      ((await get(`/api/v1/orgs/${orgSlug}/audit?${query}`, auditor)).json() as Page).items.map((e) => e.seq);
    expect(await q('action=token.')).toEqual([6, 5, 4, 3, 2]);
    expect(await q('action=token.revoke')).toEqual([5]);
    expect(await q('action=token_')).toEqual([]); // `_` is a literal, not a LIKE wildcard
    expect(await q('actor=CL')).toEqual([6, 5, 4, 3, 2, 1]); // the operator's name starts "cli"; any case
    expect(await q('actor=nobody')).toEqual([]);
    expect(await q(`target_type=api_token&target_id=${tokenIds[0]}`)).toEqual([5, 2]);
    expect(await q('target_type=user')).toEqual([1]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await q(`from=${today}&to=${today}`)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await q('to=2000-01-01')).toEqual([]);
    expect(await q(`from=${new Date(Date.now() + 3_600_000).toISOString()}`)).toEqual([]);
    const all = ((await get(`/api/v1/orgs/${orgSlug}/audit`, auditor)).json() as Page).items;
    const third = all.find((e) => e.seq === 3);
    expect(await q(`to=${encodeURIComponent(third?.at ?? '')}`)).toEqual([3, 2, 1]);
    const bad = await get(`/api/v1/orgs/${orgSlug}/audit?from=yesterday`, auditor);
    expect(bad.statusCode).toBe(400);
    const unknown = await get(`/api/v1/orgs/${orgSlug}/audit?colour=red`, auditor);
    expect(unknown.statusCode).toBe(400);
    const cursor = await get(`/api/v1/orgs/${orgSlug}/audit?cursor=bm9wZQ`, auditor);
    expect(cursor.statusCode).toBe(400);
  });

  it("is readable by the organisation's security officer and auditor, not by other roles or organisations", async () => {
    const officer = await createToken(t, orgSlug, 'security_officer');
    expect((await get(`/api/v1/orgs/${orgSlug}/audit`, officer)).statusCode).toBe(200);
    const member = await createToken(t, orgSlug, 'member');
    expect((await get(`/api/v1/orgs/${orgSlug}/audit`, member)).statusCode).toBe(403);
    const owner = await createToken(t, orgSlug, 'system_owner');
    expect((await get(`/api/v1/orgs/${orgSlug}/audit`, owner)).statusCode).toBe(403);
    const other = await createOrg(t);
    const otherAuditor = await createToken(t, other.slug, 'auditor');
    expect((await get(`/api/v1/orgs/${orgSlug}/audit`, otherAuditor)).statusCode).toBe(403);
    // Its own chain holds only its own entries.
    const own = ((await get(`/api/v1/orgs/${other.slug}/audit`, otherAuditor)).json() as Page).items;
    expect(own.map((e) => e.action)).toEqual(['token.create']);
    expect((await t.inject({ method: 'GET', url: `/api/v1/orgs/${orgSlug}/audit` })).statusCode).toBe(401);
  });

  it('names who may read which chain', () => {
    const person = (role: OrgRole, platformAdmin = false): Actor => ({
      kind: 'user',
      userId: '00000000-0000-0000-0000-0000000000aa',
      email: 'p@example.dk',
      name: 'P',
      locale: 'en',
      platformAdmin,
      memberships: [{ orgId, slug: orgSlug, kind: 'hospital', roles: [role] }],
      sessionId: '00000000-0000-0000-0000-0000000000bb',
    });
    const readers = (['admin', 'security_officer', 'management', 'auditor'] as const).map((r) =>
      auditPolicy.readOrgLog(person(r), orgId),
    );
    expect(readers).toEqual([true, true, true, true]);
    const others = (['system_owner', 'member', 'sector_coordinator'] as const).map((r) =>
      auditPolicy.readOrgLog(person(r), orgId),
    );
    expect(others).toEqual([false, false, false]);
    expect(auditPolicy.readOrgLog(person('admin'), PLATFORM_CHAIN)).toBe(false);
    expect(auditPolicy.readPlatformLog(person('admin'))).toBe(false);
    expect(auditPolicy.readPlatformLog(person('member', true))).toBe(true);
    expect(auditPolicy.readPlatformLog({ kind: 'operator', label: 'cli' })).toBe(true);
    expect(auditPolicy.verify(person('admin', true))).toBe(false);
  });

  it('shows the platform chain to the operator only, never to a token', async () => {
    const r = await get('/api/v1/audit/platform?action=organisation.');
    expect(r.statusCode).toBe(200);
    const items = (r.json() as Page).items;
    expect(items.at(-1)).toMatchObject({
      seq: 1,
      action: 'organisation.create',
      target_id: orgId,
      after: { slug: orgSlug },
    });
    const users = ((await get('/api/v1/audit/platform?target_type=user')).json() as Page).items;
    expect(users.map((e) => e.after)).toEqual([expect.objectContaining({ email: 'ane@example.dk' })]);
    expect((await get('/api/v1/audit/platform', auditor)).statusCode).toBe(403);
  });

  it('has no route that changes or deletes the trail, and verification is for the operator only', async () => {
    const routes = [...t.app.vaernRoutes, ...t.operator.vaernRoutes].filter((r) =>
      /\/audit(\/|$)/.test(r.url),
    );
    expect(new Set(routes.map((r) => `${r.method} ${r.url}`))).toEqual(
      new Set([
        'GET /api/v1/orgs/:org/audit',
        'GET /api/v1/orgs/:org/audit/export.csv',
        'GET /api/v1/audit/platform',
        'POST /api/v1/operator/audit/verify',
      ]),
    );
    for (const r of routes) {
      expect(['PUT', 'PATCH', 'DELETE']).not.toContain(r.method);
      if (r.method === 'POST') expect(r.access).toBe('operator');
    }
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await t.asOperator(method, `/api/v1/orgs/${orgSlug}/audit`, {});
      expect(res.statusCode).toBe(404);
    }
    const asToken = await t.inject({
      method: 'POST',
      url: '/api/v1/operator/audit/verify',
      headers: { authorization: auditor },
      payload: {},
    });
    expect(asToken.statusCode).toBe(403);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit_log, and a rewound head, to the application role', async () => {
    const kysely = t.runtime.ctx.db.kysely;
    const attempts = [
      sql`update audit_log set action = 'forged' where org_id = ${orgId}::uuid`,
      sql`delete from audit_log where org_id = ${orgId}::uuid and seq = 2`,
      sql`truncate audit_log`,
      sql`update audit_heads set seq = 1 where org_id = ${orgId}::uuid`,
      sql`delete from audit_heads where org_id = ${orgId}::uuid`,
    ];
    for (const scope of [{ orgIds: [], operator: true }, { orgIds: [orgId] }]) {
      for (const statement of attempts) {
        await expect(withTenant(kysely, scope, (tx) => statement.execute(tx.q))).rejects.toThrow(
          /permission denied|append-only|only moves forward/,
        );
      }
    }
    const count = await withTenant(kysely, { orgIds: [orgId] }, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from audit_log where org_id = ${orgId}::uuid`.execute(
        tx.q,
      ),
    );
    expect(count.rows[0]?.n).toBeGreaterThanOrEqual(6);
  });
});
