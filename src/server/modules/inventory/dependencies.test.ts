import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';

type Dep = { id: string; from_type: string; from_key: string; to_type: string; to_key: string };

/**
 * `GET …/inventory/dependencies?system=<key>`: one system's dependencies at either end, what the
 * system's page lists and edits (issue 4).
 */
describe.each(engines())('dependencies of one system on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  let officerA: string;
  let memberA: string;
  let officerB: string;

  const call = (auth: string, method: string, url: string, payload?: object) =>
    t.inject({
      method: method as 'GET',
      url,
      headers: { authorization: auth, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload }),
    });
  const inv = (org: OrgFixture, path: string) => `/api/v1/orgs/${org.slug}/inventory/${path}`;
  const label = (d: Dep) => `${d.from_type}:${d.from_key}->${d.to_type}:${d.to_key}`;
  const post = async (auth: string, org: OrgFixture, path: string, body: object) => {
    const r = await call(auth, 'POST', inv(org, path), body);
    expect(r.statusCode, r.body).toBe(201);
  };

  beforeAll(async () => {
    t = await startTestApp(engine);
    a = await createOrg(t, { kind: 'region' });
    b = await createOrg(t, { kind: 'hospital' });
    officerA = await createToken(t, a.slug, 'security_officer');
    memberA = await createToken(t, a.slug, 'member');
    officerB = await createToken(t, b.slug, 'security_officer');

    // LAB is also the key of a process and of a supplier: the filter is about the system only.
    for (const [path, body] of [
      ['systems', { key: 'LAB', name: 'Laboratoriesystem' }],
      ['systems', { key: 'NET', name: 'Netværk' }],
      ['systems', { key: 'EPJ', name: 'Patientjournal' }],
      ['systems', { key: 'OTHER', name: 'Andet system' }],
      ['processes', { key: 'P-AKUT', name: 'Akut modtagelse' }],
      ['processes', { key: 'LAB', name: 'Laboratorieprøver' }],
      ['suppliers', { key: 'S-LAB', name: 'Lab A/S' }],
      ['suppliers', { key: 'LAB', name: 'Lab Service ApS' }],
    ] as const) {
      await post(officerA, a, path, body);
    }
    for (const d of [
      { from_type: 'process', from_key: 'P-AKUT', to_type: 'system', to_key: 'LAB' },
      { from_type: 'system', from_key: 'LAB', to_type: 'system', to_key: 'NET' },
      { from_type: 'system', from_key: 'LAB', to_type: 'supplier', to_key: 'S-LAB' },
      { from_type: 'system', from_key: 'EPJ', to_type: 'system', to_key: 'LAB' },
      { from_type: 'process', from_key: 'LAB', to_type: 'system', to_key: 'OTHER' },
      { from_type: 'system', from_key: 'OTHER', to_type: 'supplier', to_key: 'LAB' },
      { from_type: 'system', from_key: 'EPJ', to_type: 'system', to_key: 'NET' },
    ]) {
      await post(officerA, a, 'dependencies', d);
    }
    // Another organisation with a system of the same key and a dependency of its own.
    await post(officerB, b, 'systems', { key: 'LAB', name: 'Laboratorium B' });
    await post(officerB, b, 'systems', { key: 'NET', name: 'Netværk B' });
    await post(officerB, b, 'dependencies', {
      from_type: 'system',
      from_key: 'LAB',
      to_type: 'system',
      to_key: 'NET',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const LAB = [
    'process:P-AKUT->system:LAB',
    'system:EPJ->system:LAB',
    'system:LAB->supplier:S-LAB',
    'system:LAB->system:NET',
  ];

  it('lists what the system uses and what uses it, nothing else, for every member', async () => {
    const r = await call(memberA, 'GET', `${inv(a, 'dependencies')}?system=LAB`);
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json().items as Dep[]).map(label).sort()).toEqual(LAB);
    expect(r.json().next_cursor).toBeNull();

    const net = await call(memberA, 'GET', `${inv(a, 'dependencies')}?system=NET`);
    expect((net.json().items as Dep[]).map(label).sort()).toEqual([
      'system:EPJ->system:NET',
      'system:LAB->system:NET',
    ]);
    // The same as the system's own page.
    const detail = await call(memberA, 'GET', inv(a, 'systems/LAB'));
    expect((detail.json().dependencies as Dep[]).map(label).sort()).toEqual(LAB);
  });

  it('pages along the cursor and combines with the other filters', async () => {
    const seen: Dep[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `${inv(a, 'dependencies')}?system=LAB&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await call(memberA, 'GET', url);
      expect(r.statusCode, r.body).toBe(200);
      seen.push(...(r.json().items as Dep[]));
      cursor = r.json().next_cursor;
      pages += 1;
    } while (cursor && pages < 5);
    expect(pages).toBe(2);
    expect(new Set(seen.map((d) => d.id)).size).toBe(4);
    expect(seen.map(label).sort()).toEqual(LAB);

    const fromProcesses = await call(
      memberA,
      'GET',
      `${inv(a, 'dependencies')}?system=LAB&from_type=process`,
    );
    expect((fromProcesses.json().items as Dep[]).map(label)).toEqual(['process:P-AKUT->system:LAB']);
    const toSuppliers = await call(memberA, 'GET', `${inv(a, 'dependencies')}?system=LAB&to_type=supplier`);
    expect((toSuppliers.json().items as Dep[]).map(label)).toEqual(['system:LAB->supplier:S-LAB']);
  });

  it("follows removals, finds nothing for an unknown key and never another organisation's rows", async () => {
    const before = (await call(officerA, 'GET', `${inv(a, 'dependencies')}?system=LAB`)).json()
      .items as Dep[];
    const gone = before.find((d) => label(d) === 'system:EPJ->system:LAB');
    expect(gone).toBeDefined();
    expect((await call(officerA, 'DELETE', inv(a, `dependencies/${gone?.id}`))).statusCode).toBe(204);
    const after = (await call(memberA, 'GET', `${inv(a, 'dependencies')}?system=LAB`)).json().items as Dep[];
    expect(after.map(label).sort()).toEqual(LAB.filter((l) => l !== 'system:EPJ->system:LAB'));

    const unknown = await call(memberA, 'GET', `${inv(a, 'dependencies')}?system=NOPE`);
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual({ items: [], next_cursor: null });

    const ofB = await call(officerB, 'GET', `${inv(b, 'dependencies')}?system=LAB`);
    expect((ofB.json().items as Dep[]).map(label)).toEqual(['system:LAB->system:NET']);
    expect((await call(officerB, 'GET', `${inv(a, 'dependencies')}?system=LAB`)).statusCode).toBe(403);

    const tooLong = await call(memberA, 'GET', `${inv(a, 'dependencies')}?system=${'x'.repeat(101)}`);
    expect(tooLong.statusCode).toBe(400);
  });

  it('says when a system has more dependencies or components than its own answer holds', async () => {
    const small = await call(memberA, 'GET', inv(a, 'systems/LAB'));
    expect(small.json()).toMatchObject({ components_truncated: false, dependencies_truncated: false });
    // A hub: 2,001 suppliers it uses and 1,001 components, written set-based in the operator's scope.
    await post(officerA, a, 'systems', { key: 'HUB', name: 'Integrationsplatform' });
    await withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
      await sql`
        insert into inventory_suppliers (org_id, key, name)
        select ${a.id}, 'HUB-S-' || g, 'Leverandør ' || g from generate_series(1, 2001) g`.execute(tx.q);
      await sql`
        insert into inventory_dependencies (org_id, from_type, from_system_id, to_type, to_supplier_id)
        select s.org_id, 'system', h.id, 'supplier', s.id
        from inventory_suppliers s join inventory_systems h on h.org_id = s.org_id and h.key = 'HUB'
        where s.org_id = ${a.id} and s.key like 'HUB-S-%'`.execute(tx.q);
      await sql`
        insert into inventory_components (org_id, key, system_id, product)
        select h.org_id, 'HUB-C-' || g, h.id, 'Modul ' || g
        from inventory_systems h, generate_series(1, 1001) g where h.org_id = ${a.id} and h.key = 'HUB'`.execute(
        tx.q,
      );
    });
    const hub = await call(memberA, 'GET', inv(a, 'systems/HUB'));
    expect(hub.statusCode, hub.body).toBe(200);
    expect({
      dependencies: hub.json().dependencies.length,
      dependencies_truncated: hub.json().dependencies_truncated,
      components: hub.json().components.length,
      components_truncated: hub.json().components_truncated,
    }).toEqual({
      dependencies: 2000,
      dependencies_truncated: true,
      components: 1000,
      components_truncated: true,
    });
  });

  it('describes the filter in the OpenAPI document', async () => {
    const r = await t.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(r.statusCode).toBe(200);
    const params = r.json().paths['/api/v1/orgs/{org}/inventory/dependencies'].get.parameters as Array<{
      name: string;
      in: string;
      description?: string;
    }>;
    const system = params.find((p) => p.name === 'system' && p.in === 'query');
    expect(system?.description).toMatch(/either end/);
  });
});
