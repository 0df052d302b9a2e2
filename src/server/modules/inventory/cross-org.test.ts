import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { inventoryImports } from './imports.js';

type Json = Record<string, unknown>;

/** The routes under the inventory's prefix (this module's and the scorecard's confirmations). */
const PREFIX = '/api/v1/orgs/:org/inventory';
const IMPORT_ROUTE = 'POST /api/v1/orgs/:org/imports/:kind';

/** What organisation A holds, and the keys and ids the intruder aims at. */
interface Victim {
  dependencyId: string;
}

/** One request per route: A's real keys and ids, with a body the route would accept from A. */
function requests(v: Victim): Record<string, { path: string; body?: Json }> {
  return {
    'GET /api/v1/orgs/:org/inventory/systems': { path: 'systems' },
    'GET /api/v1/orgs/:org/inventory/processes': { path: 'processes' },
    'GET /api/v1/orgs/:org/inventory/suppliers': { path: 'suppliers' },
    'GET /api/v1/orgs/:org/inventory/components': { path: 'components' },
    'GET /api/v1/orgs/:org/inventory/systems/:key': { path: 'systems/SYS-A' },
    'GET /api/v1/orgs/:org/inventory/processes/:key': { path: 'processes/PROC-A' },
    'GET /api/v1/orgs/:org/inventory/suppliers/:key': { path: 'suppliers/SUP-A' },
    'GET /api/v1/orgs/:org/inventory/components/:key': { path: 'components/COMP-A' },
    'POST /api/v1/orgs/:org/inventory/systems': { path: 'systems', body: { key: 'SYS-NEW', name: 'New' } },
    'POST /api/v1/orgs/:org/inventory/processes': {
      path: 'processes',
      body: { key: 'PROC-NEW', name: 'New' },
    },
    'POST /api/v1/orgs/:org/inventory/suppliers': {
      path: 'suppliers',
      body: { key: 'SUP-NEW', name: 'New' },
    },
    'POST /api/v1/orgs/:org/inventory/components': {
      path: 'components',
      body: { key: 'COMP-NEW', system: 'SYS-A', product: 'New' },
    },
    'PATCH /api/v1/orgs/:org/inventory/systems/:key': { path: 'systems/SYS-A', body: { name: 'Taken' } },
    'PATCH /api/v1/orgs/:org/inventory/processes/:key': {
      path: 'processes/PROC-A',
      body: { name: 'Taken' },
    },
    'PATCH /api/v1/orgs/:org/inventory/suppliers/:key': { path: 'suppliers/SUP-A', body: { name: 'Taken' } },
    'PATCH /api/v1/orgs/:org/inventory/components/:key': {
      path: 'components/COMP-A',
      body: { version: '9.9' },
    },
    'DELETE /api/v1/orgs/:org/inventory/systems/:key': { path: 'systems/SYS-A' },
    'DELETE /api/v1/orgs/:org/inventory/processes/:key': { path: 'processes/PROC-A' },
    'DELETE /api/v1/orgs/:org/inventory/suppliers/:key': { path: 'suppliers/SUP-A' },
    'DELETE /api/v1/orgs/:org/inventory/components/:key': { path: 'components/COMP-A' },
    'GET /api/v1/orgs/:org/inventory/dependencies': { path: 'dependencies' },
    'POST /api/v1/orgs/:org/inventory/dependencies': {
      path: 'dependencies',
      body: { from_type: 'system', from_key: 'SYS-A', to_type: 'system', to_key: 'SYS-A2' },
    },
    'DELETE /api/v1/orgs/:org/inventory/dependencies/:id': { path: `dependencies/${v.dependencyId}` },
    'GET /api/v1/orgs/:org/inventory/templates/:register.csv': { path: 'templates/systems.csv' },
    'GET /api/v1/orgs/:org/inventory/templates/:register.xlsx': { path: 'templates/systems.xlsx' },
    'GET /api/v1/orgs/:org/inventory/export/:register.:format': { path: 'export/systems.csv' },
    'GET /api/v1/orgs/:org/inventory/confirmations': { path: 'confirmations' },
    'POST /api/v1/orgs/:org/inventory/confirmations': {
      path: 'confirmations',
      body: { code: '123456', statement: 'Confirmed' },
    },
    'GET /api/v1/orgs/:org/inventory/confirmations/:id': { path: `confirmations/${randomUUID()}` },
  };
}

/** The routes that name one of A's records: B's own slug with A's key or id finds nothing. */
const KEYED = /\/:(key|id)$/;

describe.each(engines())('inventory refuses another organisation on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  let officerA: string;
  let intruders: Array<[string, string]>;
  let victim: Victim;

  const call = (auth: string, method: string, url: string, payload?: unknown) =>
    t.inject({
      method: method as 'GET',
      url,
      headers: { authorization: auth, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const inv = (org: OrgFixture, path: string) => `/api/v1/orgs/${org.slug}/inventory/${path}`;

  /** A's rows, read directly (as A's tenant), with everything that a change would touch. */
  async function rowsOfA() {
    return withTenant(t.runtime.ctx.db.kysely, { orgIds: [a.id] }, async (tx) => {
      const read = async (table: string) =>
        (await sql<Json>`select * from ${sql.table(table)} where org_id = ${a.id} order by id`.execute(tx.q))
          .rows;
      return {
        systems: await read('inventory_systems'),
        processes: await read('inventory_processes'),
        suppliers: await read('inventory_suppliers'),
        components: await read('inventory_components'),
        dependencies: await read('inventory_dependencies'),
        imports: await read('imports'),
        audit: (
          await sql<{ n: string }>`select count(*)::text as n from audit_log where org_id = ${a.id}`.execute(
            tx.q,
          )
        ).rows[0]?.n,
      };
    });
  }

  beforeAll(async () => {
    t = await startTestApp(engine);
    a = await createOrg(t);
    b = await createOrg(t);
    officerA = await createToken(t, a.slug, 'security_officer');
    intruders = [
      ['system_owner', await createToken(t, b.slug, 'system_owner')],
      ['security_officer', await createToken(t, b.slug, 'security_officer')],
    ];
    const ok = async (method: string, path: string, body: Json) => {
      const r = await call(officerA, method, inv(a, path), body);
      expect(r.statusCode, `${method} ${path}: ${r.body}`).toBe(201);
      return r.json() as Json;
    };
    await ok('POST', 'systems', { key: 'SYS-A', name: 'Journal of A', criticality: 'critical' });
    await ok('POST', 'systems', { key: 'SYS-A2', name: 'Lab of A' });
    await ok('POST', 'processes', { key: 'PROC-A', name: 'Emergency of A', importance: 'high' });
    await ok('POST', 'suppliers', { key: 'SUP-A', name: 'Vendor of A', contact_email: 'v@example.dk' });
    await ok('POST', 'components', { key: 'COMP-A', system: 'SYS-A', product: 'PostgreSQL', version: '15' });
    const dep = await ok('POST', 'dependencies', {
      from_type: 'process',
      from_key: 'PROC-A',
      to_type: 'system',
      to_key: 'SYS-A',
    });
    await ok('POST', 'dependencies', {
      from_type: 'system',
      from_key: 'SYS-A',
      to_type: 'supplier',
      to_key: 'SUP-A',
    });
    victim = { dependencyId: dep.id as string };
  });
  afterAll(async () => {
    await t?.close();
  });

  it("covers every route of the inventory's prefix in the app's route table, and every inventory import", () => {
    const table = t.app.vaernRoutes
      .filter((r) => r.url.startsWith(`${PREFIX}/`) || r.url === PREFIX)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(table).toEqual(Object.keys(requests({ dependencyId: randomUUID() })).sort());
    expect(t.app.vaernRoutes.some((r) => `${r.method} ${r.url}` === IMPORT_ROUTE)).toBe(true);
    expect(inventoryImports.map((d) => d.kind).sort()).toEqual(
      ['components', 'dependencies', 'processes', 'sbom', 'suppliers', 'systems'].sort(),
    );
  });

  it("refuses B's members on every inventory route at A's address, and nothing of A changes", async () => {
    const before = await rowsOfA();
    const answers: string[] = [];
    const expected: string[] = [];
    for (const [role, bearer] of intruders) {
      for (const [route, req] of Object.entries(requests(victim))) {
        const method = route.split(' ')[0] as string;
        const r = await call(bearer, method, inv(a, req.path), req.body);
        const code = r.statusCode === 403 ? (r.json() as Json).code : r.body.slice(0, 80);
        answers.push(`${role} ${route}: ${r.statusCode} ${code}`);
        expected.push(`${role} ${route}: 403 error.org_forbidden`);
      }
      for (const d of inventoryImports) {
        const r = await t.inject({
          method: 'POST',
          url: `/api/v1/orgs/${a.slug}/imports/${d.kind}?name=x.csv`,
          headers: { authorization: bearer, 'content-type': 'text/csv' },
          payload: 'key;name\r\nSYS-A;Taken\r\n',
        });
        const code = r.statusCode === 403 ? (r.json() as Json).code : r.body.slice(0, 80);
        answers.push(`${role} import ${d.kind}: ${r.statusCode} ${code}`);
        expected.push(`${role} import ${d.kind}: 403 error.org_forbidden`);
      }
    }
    expect(answers).toEqual(expected);
    expect(await rowsOfA()).toEqual(before);
  });

  it("finds none of A's records at B's own address: 404 on A's keys and ids, nothing of A in lists and exports", async () => {
    const before = await rowsOfA();
    const answers: string[] = [];
    const expected: string[] = [];
    for (const [role, bearer] of intruders) {
      for (const [route, req] of Object.entries(requests(victim))) {
        const method = route.split(' ')[0] as string;
        if (route.includes('/confirmations')) continue; // no confirmation of A is named by key
        if (KEYED.test(route)) {
          const r = await call(bearer, method, inv(b, req.path), req.body);
          answers.push(`${role} ${route}: ${r.statusCode}`);
          expected.push(`${role} ${route}: 404`);
        } else if (method === 'GET' && !route.includes('/templates/')) {
          const r = await call(bearer, 'GET', inv(b, req.path));
          const leaks = ['SYS-A', 'PROC-A', 'SUP-A', 'COMP-A', 'of A'].filter((s) => r.body.includes(s));
          answers.push(`${role} ${route}: ${r.statusCode} leaks [${leaks.join(',')}]`);
          expected.push(`${role} ${route}: 200 leaks []`);
        }
      }
      // A dependency in B between A's records: A's keys name nothing in B.
      const dep = await call(bearer, 'POST', inv(b, 'dependencies'), {
        from_type: 'process',
        from_key: 'PROC-A',
        to_type: 'system',
        to_key: 'SYS-A',
      });
      answers.push(`${role} dependency on A's keys: ${dep.statusCode === 201 ? 'created' : 'refused'}`);
      expected.push(`${role} dependency on A's keys: refused`);
      // A component in B on A's system.
      const comp = await call(bearer, 'POST', inv(b, 'components'), { key: 'COMP-X', system: 'SYS-A' });
      answers.push(`${role} component on A's system: ${comp.statusCode === 201 ? 'created' : 'refused'}`);
      expected.push(`${role} component on A's system: refused`);
    }
    expect(answers).toEqual(expected);
    expect(await rowsOfA()).toEqual(before);
  });

  it('lets A itself change what B could not (the requests are valid ones)', async () => {
    for (const [route, req] of Object.entries(requests(victim))) {
      if (!route.startsWith('PATCH ')) continue;
      const r = await call(officerA, 'PATCH', inv(a, req.path), req.body);
      expect(r.statusCode, `${route}: ${r.body}`).toBe(200);
    }
    const del = await call(officerA, 'DELETE', inv(a, `dependencies/${victim.dependencyId}`));
    expect(del.statusCode).toBe(204);
    const rows = await rowsOfA();
    expect(rows.dependencies).toHaveLength(1);
    expect(rows.systems.find((s) => s.key === 'SYS-A')?.name).toBe('Taken');
  });
});
