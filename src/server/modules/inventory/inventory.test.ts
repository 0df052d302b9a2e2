import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, type OrgFixture } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

type Json = Record<string, unknown>;

describe.each(engines())('inventory API on %s', (engine) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  let c: OrgFixture;
  let officerA: string;
  let memberA: string;
  let ownerB: string;
  let officerC: string;

  const call = (auth: string, method: string, url: string, payload?: unknown) =>
    t.inject({
      method: method as 'GET',
      url,
      headers: { authorization: auth, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const inv = (org: OrgFixture, path: string) => `/api/v1/orgs/${org.slug}/inventory/${path}`;

  async function auditOf(org: OrgFixture, action: string) {
    return withTenant(
      t.runtime.ctx.db.kysely,
      { orgIds: [org.id] },
      async (tx) =>
        (
          await sql<{ before: Json | null; after: Json | null }>`select before, after from audit_log
          where org_id = ${org.id} and action = ${action} order by seq`.execute(tx.q)
        ).rows,
    );
  }

  beforeAll(async () => {
    t = await startTestApp(engine);
    a = await createOrg(t, { kind: 'region' });
    b = await createOrg(t, { kind: 'hospital' });
    c = await createOrg(t, { kind: 'municipality' });
    await createUser(t, {
      org: a.slug,
      role: 'system_owner',
      email: `owner@${a.slug}.example.dk`,
      name: 'Olga Owner',
    });
    officerA = await createToken(t, a.slug, 'security_officer');
    memberA = await createToken(t, a.slug, 'member');
    ownerB = await createToken(t, b.slug, 'system_owner');
    officerC = await createToken(t, c.slug, 'security_officer');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, reads, changes and deletes a system, every write audited with before and after', async () => {
    const created = await call(officerA, 'POST', inv(a, 'systems'), {
      key: 'EPJ-01',
      name: 'Elektronisk patientjournal',
      owner_email: `OWNER@${a.slug}.example.dk`,
      health_data: true,
      health_data_categories: ['journal', 'medicin', 'journal'],
      criticality: 'critical',
      assessed_by: 'Anne Holm',
      assessed_on: '2026-03-01',
      mtd_hours: 4,
      rto_hours: 2,
      rpo_hours: 0.25,
      hostnames: ['EPJ-APP01'],
      ip_addresses: ['10.20.0.0/24', '10.30.1.15', '2001:db8::/32'],
      fqdns: ['epj.region.example.dk'],
      mfa: true,
      mfa_on: '2026-02-01',
      mfa_note: 'Conditional access policy 12',
      patch_status: 'current',
      patch_confirmed_on: '2026-03-10',
      restore_result: 'success',
      cpe: 'cpe:2.3:a:vendor:epj:5.1:*:*:*:*:*:*:*',
    });
    expect(created.statusCode, created.body).toBe(201);
    const system = created.json();
    expect(system).toMatchObject({
      key: 'EPJ-01',
      owner: { email: `owner@${a.slug}.example.dk`, name: 'Olga Owner' },
      health_data: true,
      health_data_categories: ['journal', 'medicin'],
      criticality: 'critical',
      assessed_on: '2026-03-01',
      mtd_hours: 4,
      rpo_hours: 0.25,
      legacy: false,
      medical_device: false,
      hostnames: ['epj-app01'],
      ip_addresses: ['10.20.0.0/24', '10.30.1.15/32', '2001:db8::/32'],
      mfa: true,
      segmented: null,
      patch_status: 'current',
      shared: false,
      shared_system: null,
      linked_by: 0,
    });

    const read = await call(memberA, 'GET', inv(a, 'systems/EPJ-01'));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ key: 'EPJ-01', components: [], dependencies: [] });

    const changed = await call(officerA, 'PATCH', inv(a, 'systems/EPJ-01'), {
      criticality: 'high',
      mfa_note: null,
      ip_addresses: ['10.40.0.0/16'],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      criticality: 'high',
      mfa: true,
      mfa_note: null,
      ip_addresses: ['10.40.0.0/16'],
      health_data_categories: ['journal', 'medicin'],
      owner: { email: `owner@${a.slug}.example.dk` },
    });

    const [createEntry] = await auditOf(a, 'inventory.system.create');
    expect(createEntry?.after).toMatchObject({ key: 'EPJ-01', criticality: 'critical' });
    const [updateEntry] = await auditOf(a, 'inventory.system.update');
    expect(updateEntry?.before).toMatchObject({
      criticality: 'critical',
      mfa_note: 'Conditional access policy 12',
    });
    expect(updateEntry?.after).toMatchObject({ criticality: 'high', mfa_note: null });

    expect((await call(officerA, 'DELETE', inv(a, 'systems/EPJ-01'))).statusCode).toBe(204);
    expect((await call(officerA, 'GET', inv(a, 'systems/EPJ-01'))).statusCode).toBe(404);
    const [deleteEntry] = await auditOf(a, 'inventory.system.delete');
    expect(deleteEntry?.before).toMatchObject({ key: 'EPJ-01', removed: { components: 0, dependencies: 0 } });
  });

  it('refuses invalid values, a key taken and an owner who is not a member', async () => {
    const bad = await call(officerA, 'POST', inv(a, 'systems'), {
      key: 'BAD-1',
      name: 'Bad',
      ip_addresses: ['10.0.0.1/8'],
      assessed_on: '2026-02-30',
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['body.assessed_on', 'body.ip_addresses.0']);
    expect((await call(officerA, 'POST', inv(a, 'systems'), { key: 'A/B', name: 'Slash' })).statusCode).toBe(
      400,
    );
    expect((await call(officerA, 'POST', inv(a, 'systems'), { key: 'DUP', name: 'One' })).statusCode).toBe(
      201,
    );
    const dup = await call(officerA, 'POST', inv(a, 'systems'), { key: 'DUP', name: 'Two' });
    expect({ status: dup.statusCode, code: dup.json().code }).toEqual({
      status: 409,
      code: 'inventory.key_taken',
    });
    const stranger = await call(officerA, 'POST', inv(a, 'systems'), {
      key: 'OWNED',
      name: 'Owned',
      owner_email: 'nobody@example.dk',
    });
    expect({ status: stranger.statusCode, code: stranger.json().code }).toEqual({
      status: 400,
      code: 'inventory.owner_unknown',
    });
    const unknownField = await call(officerA, 'POST', inv(a, 'systems'), {
      key: 'X',
      name: 'X',
      colour: 'red',
    });
    expect(unknownField.statusCode).toBe(400);
  });

  it('lets every member read and only admins, security officers and system owners write', async () => {
    expect((await call(memberA, 'GET', inv(a, 'systems'))).statusCode).toBe(200);
    expect((await call(memberA, 'GET', inv(a, 'processes'))).statusCode).toBe(200);
    for (const [path, body] of [
      ['systems', { key: 'M-1', name: 'By a member' }],
      ['processes', { key: 'M-1', name: 'By a member' }],
      ['suppliers', { key: 'M-1', name: 'By a member' }],
      ['components', { key: 'M-1', system: 'DUP' }],
      ['dependencies', { from_type: 'system', from_key: 'DUP', to_type: 'system', to_key: 'DUP2' }],
    ] as const) {
      const r = await call(memberA, 'POST', inv(a, path), body);
      expect({ path, status: r.statusCode }).toEqual({ path, status: 403 });
    }
    expect((await call(memberA, 'PATCH', inv(a, 'systems/DUP'), { name: 'x' })).statusCode).toBe(403);
    expect((await call(memberA, 'DELETE', inv(a, 'systems/DUP'))).statusCode).toBe(403);
    const systemOwner = await createToken(t, a.slug, 'system_owner');
    expect((await call(systemOwner, 'PATCH', inv(a, 'systems/DUP'), { legacy: true })).statusCode).toBe(200);
  });

  it('keeps processes, suppliers, components and dependencies, and shows them on the system', async () => {
    for (const [path, body] of [
      ['systems', { key: 'LAB', name: 'Laboratoriesystem', criticality: 'high' }],
      ['systems', { key: 'NET', name: 'Netværk' }],
      ['processes', { key: 'P-AKUT', name: 'Akut modtagelse', importance: 'critical' }],
      ['suppliers', { key: 'S-LAB', name: 'Lab A/S', contact_email: 'Support@Lab.example.dk' }],
      [
        'components',
        {
          key: 'LAB-DB',
          system: 'LAB',
          vendor: 'PostgreSQL',
          product: 'PostgreSQL',
          version: '15.6',
          purl: 'pkg:generic/postgresql@15.6',
        },
      ],
    ] as const) {
      const r = await call(officerA, 'POST', inv(a, path), body);
      expect({ path, status: r.statusCode, body: r.statusCode === 201 ? '' : r.body }).toEqual({
        path,
        status: 201,
        body: '',
      });
    }
    expect((await call(officerA, 'GET', inv(a, 'suppliers/S-LAB'))).json()).toMatchObject({
      contact_email: 'support@lab.example.dk',
    });
    const deps = [];
    for (const d of [
      { from_type: 'process', from_key: 'P-AKUT', to_type: 'system', to_key: 'LAB' },
      { from_type: 'system', from_key: 'LAB', to_type: 'system', to_key: 'NET' },
      { from_type: 'system', from_key: 'LAB', to_type: 'supplier', to_key: 'S-LAB' },
    ]) {
      const r = await call(officerA, 'POST', inv(a, 'dependencies'), d);
      expect(r.statusCode, r.body).toBe(201);
      deps.push(r.json());
    }
    const again = await call(officerA, 'POST', inv(a, 'dependencies'), {
      from_type: 'system',
      from_key: 'LAB',
      to_type: 'system',
      to_key: 'NET',
    });
    expect(again.json().code).toBe('inventory.dependency_exists');
    const unknown = await call(officerA, 'POST', inv(a, 'dependencies'), {
      from_type: 'system',
      from_key: 'LAB',
      to_type: 'supplier',
      to_key: 'NOPE',
    });
    expect({ status: unknown.statusCode, code: unknown.json().code }).toEqual({
      status: 400,
      code: 'inventory.reference_unknown',
    });
    const pair = await call(officerA, 'POST', inv(a, 'dependencies'), {
      from_type: 'process',
      from_key: 'P-AKUT',
      to_type: 'supplier',
      to_key: 'S-LAB',
    });
    expect(pair.statusCode).toBe(400);

    const lab = (await call(memberA, 'GET', inv(a, 'systems/LAB'))).json();
    expect(lab.components.map((x: Json) => x.key)).toEqual(['LAB-DB']);
    expect(
      lab.dependencies.map((d: Json) => `${d.from_type}:${d.from_key}->${d.to_type}:${d.to_key}`).sort(),
    ).toEqual(['process:P-AKUT->system:LAB', 'system:LAB->supplier:S-LAB', 'system:LAB->system:NET']);
    const fromLab = (await call(memberA, 'GET', `${inv(a, 'dependencies')}?from_key=LAB`)).json();
    expect(fromLab.items).toHaveLength(2);

    // A component moves to another system; a process is renamed; a dependency goes.
    const moved = await call(officerA, 'PATCH', inv(a, 'components/LAB-DB'), {
      system: 'NET',
      version: '16.2',
    });
    expect(moved.json()).toMatchObject({ system: 'NET', version: '16.2', product: 'PostgreSQL' });
    expect((await call(officerA, 'PATCH', inv(a, 'processes/P-AKUT'), { key: 'P-ACUTE' })).statusCode).toBe(
      200,
    );
    expect((await call(memberA, 'GET', inv(a, 'processes/P-ACUTE'))).json()).toMatchObject({
      name: 'Akut modtagelse',
      importance: 'critical',
    });
    expect((await call(officerA, 'DELETE', inv(a, `dependencies/${deps[2].id}`))).statusCode).toBe(204);
    expect((await call(officerA, 'DELETE', inv(a, `dependencies/${deps[2].id}`))).statusCode).toBe(404);

    // Deleting a system takes its components and dependencies.
    expect((await call(officerA, 'DELETE', inv(a, 'systems/NET'))).statusCode).toBe(204);
    expect((await call(memberA, 'GET', inv(a, 'components/LAB-DB'))).statusCode).toBe(404);
    const entry = (await auditOf(a, 'inventory.system.delete')).at(-1);
    expect(entry?.before).toMatchObject({ key: 'NET', removed: { components: 1, dependencies: 1 } });
    const left = (await call(memberA, 'GET', inv(a, 'dependencies'))).json();
    expect(left.items.map((d: Json) => `${d.from_key}->${d.to_key}`)).toEqual(['P-ACUTE->LAB']);
  });

  it('filters the systems list by each baseline gap: the item not in place, or not current', async () => {
    const org = await createOrg(t);
    const officer = await createToken(t, org.slug, 'security_officer');
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const complete = {
      mfa: true,
      segmented: true,
      patch_status: 'current',
      patch_confirmed_on: daysAgo(1),
      endpoint_protection: true,
      backup: true,
      contingency_plan: true,
      contingency_tested_on: daysAgo(30),
      restore_procedure: true,
      restore_result: 'success',
      restore_tested_on: daysAgo(30),
    };
    // One system with every item in place and current, and one per gap with that item missing.
    const broken: Record<string, Record<string, unknown>> = {
      mfa: { mfa: false },
      segmented: { segmented: null },
      patch: { patch_confirmed_on: daysAgo(40) },
      endpoint_protection: { endpoint_protection: false },
      backup: { backup: null },
      contingency: { contingency_tested_on: daysAgo(400) },
      restore_procedure: { restore_procedure: false },
      restore_test: { restore_result: 'failed' },
    };
    const systems: Array<[string, Record<string, unknown>]> = [
      ['FULL', complete],
      ...Object.entries(broken).map(([gap, change]): [string, Record<string, unknown>] => [
        `GAP-${gap}`,
        { ...complete, ...change },
      ]),
    ];
    for (const [key, fields] of systems) {
      const r = await call(officer, 'POST', inv(org, 'systems'), { key, name: key, ...fields });
      expect(r.statusCode, r.body).toBe(201);
    }
    const keys = async (gap: string) => {
      const r = await call(officer, 'GET', `${inv(org, 'systems')}?gap=${gap}&limit=50`);
      expect(r.statusCode, r.body).toBe(200);
      return r
        .json()
        .items.map((x: Json) => x.key as string)
        .sort();
    };
    for (const gap of Object.keys(broken))
      expect({ gap, keys: await keys(gap) }).toEqual({ gap, keys: [`GAP-${gap}`] });
    expect(await keys('any')).toEqual(
      Object.keys(broken)
        .map((gap) => `GAP-${gap}`)
        .sort(),
    );
  });

  it('filters, searches, sorts and pages the systems list with single-column keysets', async () => {
    const org = await createOrg(t);
    const officer = await createToken(t, org.slug, 'security_officer');
    const crit = ['critical', 'high', 'medium', 'low', null] as const;
    for (let i = 0; i < 23; i++) {
      const r = await call(officer, 'POST', inv(org, 'systems'), {
        key: `SYS-${String(i).padStart(2, '0')}`,
        name: `${['Beta', 'Alpha', 'Gamma'][i % 3]} ${i}`,
        criticality: crit[i % 5],
        health_data: i % 2 === 0,
        legacy: i % 4 === 0,
        medical_device: i % 6 === 0,
        mfa: i % 3 === 0 ? true : i % 3 === 1 ? false : null,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    async function all(query: string, limit: number) {
      const keys: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const sep = query ? '&' : '';
        const r = await call(
          officer,
          'GET',
          `${inv(org, 'systems')}?${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(r.statusCode, r.body).toBe(200);
        const body = r.json();
        expect(body.items.length).toBeLessThanOrEqual(limit);
        keys.push(...body.items.map((x: Json) => x.key as string));
        cursor = body.next_cursor;
        if (!cursor) return keys;
      }
      throw new Error('paging did not end');
    }
    const idx = (k: string) => Number(k.slice(4));
    const everything = Array.from({ length: 23 }, (_, i) => `SYS-${String(i).padStart(2, '0')}`);
    expect(await all('', 5)).toEqual(everything);
    expect(await all('sort=-key', 4)).toEqual([...everything].reverse());
    const nameOf = (k: string) => `${['Beta', 'Alpha', 'Gamma'][idx(k) % 3]} ${idx(k)}`;
    expect(await all('sort=name', 4)).toEqual(
      [...everything].sort((x, y) =>
        nameOf(x) < nameOf(y) ? -1 : nameOf(x) > nameOf(y) ? 1 : x < y ? -1 : 1,
      ),
    );
    const rank = (k: string) => idx(k) % 5;
    expect(await all('sort=criticality', 3)).toEqual(
      [...everything].sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : 1)),
    );
    expect(await all('sort=-criticality', 3)).toEqual(
      [...everything].sort((x, y) => rank(y) - rank(x) || (x < y ? 1 : -1)),
    );
    expect(await all('health_data=true', 4)).toEqual(everything.filter((k) => idx(k) % 2 === 0));
    expect(await all('legacy=true', 2)).toEqual(everything.filter((k) => idx(k) % 4 === 0));
    expect(await all('medical_device=false', 10)).toEqual(everything.filter((k) => idx(k) % 6 !== 0));
    expect(await all('criticality=critical,none', 3)).toEqual(
      everything.filter((k) => rank(k) === 0 || rank(k) === 4),
    );
    expect(await all('gap=mfa', 5)).toEqual(everything.filter((k) => idx(k) % 3 !== 0));
    expect(await all('gap=any', 50)).toEqual(everything);
    expect(await all('q=alpha&health_data=false', 2)).toEqual(
      everything.filter((k) => idx(k) % 3 === 1 && idx(k) % 2 === 1),
    );
    expect(await all('q=SYS-1', 50)).toEqual(everything.filter((k) => k.startsWith('SYS-1')));
    const badCursor = await call(
      officer,
      'GET',
      `${inv(org, 'systems')}?sort=name&cursor=${Buffer.from('["x"]').toString('base64url')}`,
    );
    expect(badCursor.statusCode).toBe(400);
    expect((await call(officer, 'GET', `${inv(org, 'systems')}?criticality=urgent`)).statusCode).toBe(400);
  });

  it('shares a system: the owner sees its links, a linked organisation the record read-only, others nothing', async () => {
    const shared = await call(officerA, 'POST', inv(a, 'systems'), {
      key: 'NAT-EPJ',
      name: 'National patient record',
      vendor: 'Journal A/S',
      product: 'EPJ',
      version: '7',
      criticality: 'critical',
      mfa: true,
      shared: true,
    });
    expect(shared.statusCode, shared.body).toBe(201);
    await call(officerA, 'POST', inv(a, 'systems'), { key: 'PRIVATE', name: 'Not shared' });

    const linked = await call(ownerB, 'POST', inv(b, 'systems'), {
      key: 'EPJ-LOCAL',
      name: 'EPJ at the hospital',
      criticality: 'high',
      mfa: false,
      shared_system: `${a.slug}/NAT-EPJ`,
    });
    expect(linked.statusCode, linked.body).toBe(201);
    expect(linked.json()).toMatchObject({
      key: 'EPJ-LOCAL',
      criticality: 'high',
      mfa: false,
      shared_system: {
        owner: { id: a.id, slug: a.slug },
        key: 'NAT-EPJ',
        name: 'National patient record',
        vendor: 'Journal A/S',
        product: 'EPJ',
        version: '7',
      },
    });
    // The linked organisation sees the record's identity, not the owner's assessment.
    expect(linked.json().shared_system).not.toHaveProperty('criticality');
    expect(linked.json().shared_system).not.toHaveProperty('mfa');

    const owner = (await call(officerA, 'GET', inv(a, 'systems/NAT-EPJ'))).json();
    expect(owner).toMatchObject({ shared: true, linked_by: 1, criticality: 'critical' });

    // A record that is not shared cannot be linked; the reference must name a shared record.
    for (const ref of [`${a.slug}/PRIVATE`, `${a.slug}/NOPE`, `no-such-org/NAT-EPJ`]) {
      const r = await call(officerC, 'POST', inv(c, 'systems'), {
        key: 'TRY',
        name: 'Try',
        shared_system: ref,
      });
      expect({ ref, code: r.json().code }).toEqual({ ref, code: 'inventory.shared_unknown' });
    }
    // Unrelated: sees nothing of A's records, through the API or in the database.
    expect((await call(officerC, 'GET', inv(a, 'systems/NAT-EPJ'))).statusCode).toBe(403);
    expect((await call(officerC, 'GET', inv(c, 'systems'))).json().items).toEqual([]);
    // Read-only for the linked organisation: A's routes refuse it, row-level security hides A's rows.
    expect((await call(ownerB, 'PATCH', inv(a, 'systems/NAT-EPJ'), { name: 'Hijacked' })).statusCode).toBe(
      403,
    );
    const kysely = t.runtime.ctx.db.kysely;
    const seen = await withTenant(kysely, { orgIds: [b.id] }, async (tx) => {
      const rows = await sql<{
        n: number;
      }>`select count(*)::int as n from inventory_systems where org_id = ${a.id}`.execute(tx.q);
      const changed =
        await sql`update inventory_systems set name = 'Hijacked' where org_id = ${a.id}`.execute(tx.q);
      return { rows: rows.rows[0]?.n, changed: Number(changed.numAffectedRows) };
    });
    expect(seen).toEqual({ rows: 0, changed: 0 });
    // The reviewed function shows C nothing of the record B links to, B only its own links.
    const viaFunction = (orgId: string, scope: string) =>
      withTenant(
        kysely,
        { orgIds: [scope] },
        async (tx) =>
          (
            await sql<{ key: string }>`select key from vaern_inventory_shared_records(${orgId}::uuid,
            array(select id from inventory_systems where org_id = ${b.id}))`.execute(tx.q)
          ).rows,
      );
    expect(await viaFunction(b.id, b.id)).toEqual([{ key: 'NAT-EPJ' }]);
    expect(await viaFunction(b.id, c.id)).toEqual([]);

    // The owner cannot delete a record others link to; once unshared, the link shows nothing.
    const del = await call(officerA, 'DELETE', inv(a, 'systems/NAT-EPJ'));
    expect({ status: del.statusCode, code: del.json().code }).toEqual({
      status: 409,
      code: 'inventory.shared_in_use',
    });
    expect((await call(officerA, 'PATCH', inv(a, 'systems/NAT-EPJ'), { shared: false })).statusCode).toBe(
      200,
    );
    expect((await call(ownerB, 'GET', inv(b, 'systems/EPJ-LOCAL'))).json().shared_system).toBeNull();
    // A system is either shared or the local use of a shared record.
    const both = await call(officerA, 'POST', inv(a, 'systems'), {
      key: 'BOTH',
      name: 'Both',
      shared: true,
      shared_system: `${b.slug}/EPJ-LOCAL`,
    });
    expect(both.statusCode).toBe(400);
  });

  it('describes its routes in the OpenAPI document', async () => {
    const r = await t.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(r.statusCode).toBe(200);
    const paths = Object.keys(r.json().paths).filter((p) => p.includes('/inventory/'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/orgs/{org}/inventory/systems',
        '/api/v1/orgs/{org}/inventory/systems/{key}',
        '/api/v1/orgs/{org}/inventory/dependencies/{id}',
        '/api/v1/orgs/{org}/inventory/templates/{register}.csv',
      ]),
    );
    const create = r.json().paths['/api/v1/orgs/{org}/inventory/systems'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['key', 'name']);
    expect(body.properties.ip_addresses.anyOf.map((s: Json) => s.type)).toEqual(['array', 'null']);
  });

  it('serves a CSV template per register', async () => {
    const r = await call(memberA, 'GET', inv(a, 'templates/systems.csv'));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    const [header, example] = r.body.trim().split('\r\n');
    expect(header?.split(';').slice(0, 6)).toEqual([
      'key',
      'name',
      'owner_email',
      'health_data',
      'health_data_categories',
      'criticality',
    ]);
    expect(header?.split(';')).toContain('shared_system');
    expect(example?.startsWith('EPJ-01;')).toBe(true);
    for (const register of ['components', 'processes', 'suppliers', 'dependencies']) {
      expect((await call(memberA, 'GET', inv(a, `templates/${register}.csv`))).statusCode).toBe(200);
    }
    expect((await call(memberA, 'GET', inv(a, 'templates/users.csv'))).statusCode).toBe(404);
  });
});
