import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

/**
 * The lists' search goes through the trigram index and vaern_inventory_search (migration 0020):
 * the same answers as `key ilike %q% or name ilike %q%`, and nothing of another organisation.
 */
describe.each(engines())('inventory search on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  let officerA: string;
  let officerB: string;

  const call = (auth: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    t.inject({
      method,
      url,
      headers: { authorization: auth, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload }),
    });
  const keys = async (auth: string, org: OrgFixture, register: string, query: string) => {
    const r = await call(auth, 'GET', `/api/v1/orgs/${org.slug}/inventory/${register}?limit=100&${query}`);
    expect(r.statusCode).toBe(200);
    return (r.json().items as Array<{ key: string }>).map((i) => i.key).sort();
  };
  const search = (org: OrgFixture, register: string, pattern: string) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, async (tx) => {
      const r = await sql<{ id: string }>`
        select vaern_inventory_search(${register}, ${b.id}::uuid, ${pattern}) as id`.execute(tx.q);
      return r.rows.length;
    });

  beforeAll(async () => {
    t = await startTestApp(engine);
    a = await createOrg(t);
    b = await createOrg(t);
    officerA = await createToken(t, a.slug, 'security_officer');
    officerB = await createToken(t, b.slug, 'security_officer');
    const systems: Array<[OrgFixture, string, string, string]> = [
      [a, officerA, 'KARD-01', 'Kardiologi EKG'],
      [a, officerA, 'EPJ-01', 'Sundhedsplatformen (kardio-modul)'],
      [a, officerA, 'LAB-01', 'Labka 50% rabat_test'],
      [a, officerA, 'RIS-01', 'Røntgen'],
      [b, officerB, 'KARD-B', 'Kardiologi hos B'],
    ];
    for (const [org, auth, key, name] of systems) {
      const r = await call(auth, 'POST', `/api/v1/orgs/${org.slug}/inventory/systems`, { key, name });
      expect(r.statusCode).toBe(201);
    }
    for (const [key, product] of [
      ['C-1', 'OpenSSL'],
      ['C-2', 'openjdk'],
      ['OPENX', null],
    ] as const) {
      const r = await call(officerA, 'POST', `/api/v1/orgs/${a.slug}/inventory/components`, {
        key,
        system: 'LAB-01',
        ...(product ? { product } : {}),
      });
      expect(r.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds systems by key or name, case-insensitively, only in the own organisation', async () => {
    expect(await keys(officerA, a, 'systems', 'q=kard')).toEqual(['EPJ-01', 'KARD-01']);
    expect(await keys(officerA, a, 'systems', 'q=RØNTGEN')).toEqual(['RIS-01']);
    expect(await keys(officerA, a, 'systems', 'q=-01')).toEqual(['EPJ-01', 'KARD-01', 'LAB-01', 'RIS-01']);
    expect(await keys(officerB, b, 'systems', 'q=kard')).toEqual(['KARD-B']);
    // Short queries (fewer than three characters, no trigram) still match.
    expect(await keys(officerA, a, 'systems', 'q=EK')).toEqual(['KARD-01']);
    // Matches within key or name, never across the two.
    expect(await keys(officerA, a, 'systems', `q=${encodeURIComponent('01 Kard')}`)).toEqual([]);
  });

  it('takes % and _ in a query literally', async () => {
    expect(await keys(officerA, a, 'systems', `q=${encodeURIComponent('50%')}`)).toEqual(['LAB-01']);
    expect(await keys(officerA, a, 'systems', `q=${encodeURIComponent('t_st')}`)).toEqual([]);
    expect(await keys(officerA, a, 'systems', 'q=rabat_test')).toEqual(['LAB-01']);
  });

  it('finds components by key or product, also without a product', async () => {
    expect(await keys(officerA, a, 'components', 'q=open')).toEqual(['C-1', 'C-2', 'OPENX']);
    expect(await keys(officerA, a, 'components', 'q=ssl')).toEqual(['C-1']);
  });

  it("answers nothing about another organisation's records when called directly", async () => {
    expect(await search(a, 'systems', '%kard%')).toBe(0);
    expect(await search(a, 'components', '%')).toBe(0);
    // The test can fail: the organisation itself gets its own record.
    expect(await search(b, 'systems', '%kard%')).toBe(1);
  });
});
