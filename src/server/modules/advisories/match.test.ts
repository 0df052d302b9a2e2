import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createToken,
  createUser,
  login,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { CPE_ATTRIBUTES, compareAttribute, parseCpe } from './identity/cpe.js';
import { runMatch } from './match-service.js';

/**
 * Matching advisories against the inventories (migration 0022, docs/advisories.md "Matching"),
 * with a hand-written CSAF 2.0 advisory whose products carry each kind of identity: a vendor and
 * product name with a free-text range, model numbers, a package URL with a vers range, a CPE.
 */

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A vendor → product name → version (or range) branch of a product tree, with its product. */
function branch(
  vendor: string,
  product: string,
  category: string,
  version: string,
  pid: string,
  helper?: object,
) {
  return {
    category: 'vendor',
    name: vendor,
    branches: [
      {
        category: 'product_name',
        name: product,
        branches: [
          {
            category,
            name: version,
            product: {
              name: `${vendor} ${product} ${version}`,
              product_id: pid,
              ...(helper ? { product_identification_helper: helper } : {}),
            },
          },
        ],
      },
    ],
  };
}

/** The test advisory; `branches` and `vulnerabilities` replace its products and their statuses. */
function advisory(o: {
  id: string;
  tlp: 'WHITE' | 'AMBER';
  version?: string;
  branches?: object[];
  vulnerabilities?: object[];
}) {
  const version = o.version ?? '1';
  return {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      distribution: { tlp: { label: o.tlp } },
      publisher: { category: 'coordinator', name: 'Test CERT', namespace: 'https://cert.example.dk' },
      title: `Test advisory ${o.id}`,
      tracking: {
        id: o.id,
        status: 'final',
        version,
        initial_release_date: '2026-11-01T00:00:00.000Z',
        current_release_date: `2026-11-0${version}T00:00:00.000Z`,
        revision_history: [{ date: '2026-11-01T00:00:00.000Z', number: version, summary: 'First' }],
      },
    },
    product_tree: {
      branches: o.branches ?? [
        branch('Philips', 'IntelliVue MX40', 'product_version_range', '<= B.06', 'P-NAME'),
        branch('Philips', 'Patient Monitor', 'product_version_range', 'vers:all/*', 'P-MODEL', {
          model_numbers: ['MP5'],
        }),
        branch('lodash', 'lodash', 'product_version_range', 'vers:npm/<4.17.21', 'P-PURL', {
          purl: 'pkg:npm/lodash',
        }),
        branch('Example Medical', 'Gateway', 'product_version', '2.1.0', 'P-CPE', {
          cpe: 'cpe:2.3:a:examplemed:gateway:2.1.0:*:*:*:*:*:*:*',
        }),
      ],
    },
    vulnerabilities: o.vulnerabilities ?? [
      {
        cve: 'CVE-2099-0001',
        product_status: { known_affected: ['P-NAME', 'P-MODEL', 'P-PURL', 'P-CPE'] },
      },
    ],
  };
}

interface Match {
  id: string;
  advisory: { tracking_id: string };
  product: { product_id: string };
  item: { type: string; key: string };
  system: { key: string };
  basis: string;
  confidence: string;
  version_status: string;
  product_status: string | null;
  needs_review: boolean;
  review: { decision: string; note: string | null } | null;
}

describe.each(engines())('advisory matching on %s', (engine) => {
  let t: TestApp;
  let sector: OrgFixture;
  let a: OrgFixture;
  let b: OrgFixture;
  let coordinator: SignedIn;
  let officerA: string;
  let officerB: string;
  let memberB: string;
  let officerBPerson: SignedIn;
  let importedMatches: unknown[] = [];

  const call = (auth: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.inject({
      method,
      url,
      headers: { authorization: auth, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  /** Starts an import as the given person (or token) and waits for its end. */
  async function importFile(
    org: OrgFixture,
    kind: string,
    body: string,
    o: { type: string; query?: string; auth?: string },
  ): Promise<{ status: string; body: string }> {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/imports/${kind}?name=upload${o.query ?? ''}`,
      remoteAddress: clientAddress(),
      headers: {
        ...(o.auth ? { authorization: o.auth } : coordinator.headers()),
        'content-type': o.type,
      },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().import_id as string;
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(25)) {
      const s = await t.operator.inject({ method: 'GET', url: `/api/v1/orgs/${org.slug}/imports/${id}` });
      if (FINAL.has(s.json().status)) return { status: s.json().status, body: s.body };
    }
    throw new Error(`import ${id} did not finish`);
  }

  const importAdvisory = (doc: object, query = '') =>
    importFile(sector, 'advisory', JSON.stringify(doc), { type: 'application/json', query });

  async function advisoryId(trackingId: string): Promise<string> {
    return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const r = await sql<{
        id: string;
      }>`select id from advisories where tracking_id = ${trackingId}`.execute(tx.q);
      const id = r.rows[0]?.id;
      if (!id) throw new Error(`advisory ${trackingId} not stored`);
      return id;
    });
  }

  const matches = async (auth: string, org: OrgFixture, query = '') => {
    const r = await call(auth, 'GET', `/api/v1/orgs/${org.slug}/advisory-matches?limit=100${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items as Match[];
  };
  /**
   * How many stored matches name the component `key` of `org` or, with null, a component that no
   * longer exists.
   */
  const componentMatches = (org: OrgFixture, key: string | null) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, async (tx) => {
      const found = key === null ? sql`c.id is null` : sql`c.key = ${key}`;
      const r = await sql<{ n: number }>`
        select count(*)::int as n from advisory_matches m
        left join inventory_components c on c.org_id = m.org_id and c.id = m.item_id
        where m.org_id = ${org.id} and m.item_type = 'component' and ${found}`.execute(tx.q);
      return r.rows[0]?.n ?? 0;
    });
  const brief = (items: Match[]) =>
    items
      .map(
        (m) =>
          `${m.advisory.tracking_id} ${m.item.type}:${m.item.key} ${m.basis} ${m.confidence} ${m.version_status}`,
      )
      .sort();

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    sector = await createOrg(t, { kind: 'sector_unit' });
    a = await createOrg(t, { kind: 'region' });
    b = await createOrg(t, { kind: 'hospital' });
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    officerA = await createToken(t, a.slug, 'security_officer');
    officerB = await createToken(t, b.slug, 'security_officer');
    memberB = await createToken(t, b.slug, 'member');
    officerBPerson = await login(t, await createUser(t, { org: b.slug, role: 'security_officer' }));
    const systems: Array<[OrgFixture, string, Record<string, unknown>]> = [
      // A spelling variant of the vendor, a version inside "<= B.06".
      [
        a,
        officerA,
        {
          key: 'MON-A',
          name: 'Monitor A',
          vendor: 'Phillips',
          product: 'IntelliVue MX40',
          version: 'B.05',
          medical_device: true,
        },
      ],
      // Outside the range: no match.
      [
        a,
        officerA,
        {
          key: 'MON-A2',
          name: 'Monitor A2',
          vendor: 'Philips',
          product: 'IntelliVue MX40',
          version: 'B.07',
          medical_device: true,
        },
      ],
      // No version: possible, for review.
      [
        b,
        officerB,
        {
          key: 'MON-B',
          name: 'Monitor B',
          vendor: 'Philips',
          product: 'IntelliVue MX40',
          medical_device: true,
        },
      ],
      // A model number the advisory's "MP5" covers ("MP5-X" → MP5X), every version affected.
      [
        b,
        officerB,
        {
          key: 'MP-B',
          name: 'Patient monitor B',
          vendor: 'Philips',
          product: 'Other name',
          model_number: 'MP5-X',
          medical_device: true,
        },
      ],
      // A model number it does not cover.
      [
        b,
        officerB,
        {
          key: 'MP-B2',
          name: 'Patient monitor B2',
          vendor: 'Philips',
          product: 'Patient Monitor',
          model_number: 'MX800',
          medical_device: true,
        },
      ],
      // Only a CPE, its version in the advisory's.
      [
        b,
        officerB,
        { key: 'GW-B', name: 'Gateway B', cpe: 'cpe:2.3:a:examplemed:gateway:2.1.0:*:*:*:*:*:*:*' },
      ],
    ];
    for (const [org, auth, body] of systems) {
      const r = await call(auth, 'POST', `/api/v1/orgs/${org.slug}/inventory/systems`, body);
      expect(r.statusCode, r.body).toBe(201);
    }
    for (const [key, purl] of [
      ['LODASH-OLD', 'pkg:npm/lodash@4.17.20'],
      ['LODASH-NEW', 'pkg:npm/lodash@4.17.21'],
    ]) {
      const r = await call(officerA, 'POST', `/api/v1/orgs/${a.slug}/inventory/components`, {
        key,
        system: 'MON-A',
        purl,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const green = await importAdvisory(advisory({ id: 'TEST-GREEN', tlp: 'WHITE' }));
    expect(green.status, green.body).toBe('succeeded');
    const amber = await importAdvisory(advisory({ id: 'TEST-AMBER', tlp: 'AMBER' }), `&audience=${a.slug}`);
    expect(amber.status, amber.body).toBe('succeeded');
    // Each import computed its advisory's matches in its own switch (0038), no job between:
    // GREEN reaches A's two items and B's three, AMBER (audience A) A's two.
    importedMatches = [JSON.parse(green.body).matches, JSON.parse(amber.body).matches];
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('stores an advisory with its affected list in one step: the import computed the matches', async () => {
    expect(importedMatches).toEqual([5, 2]);
    // Outside the import that stored it (even in the sector unit's scope, even naming another
    // import), the definer refuses: null, and the operator setting stays off.
    const id = await advisoryId('TEST-GREEN');
    const outside = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [sector.id] }, async (tx) => {
      await sql`select set_config('app.reference_import', gen_random_uuid()::text, true)`.execute(tx.q);
      const r = await sql<{ n: number | null; op: string | null }>`
        select vaern_advisory_match_imported(${id}::uuid) as n,
               current_setting('app.operator', true) as op`.execute(tx.q);
      return r.rows[0];
    });
    expect(outside?.n).toBeNull();
    expect(outside?.op ?? '').not.toBe('true');
  });

  it('matches by name with a spelling variant, by package URL, by model number and by CPE, each with its confidence', async () => {
    expect(brief(await matches(officerA, a))).toEqual([
      'TEST-AMBER component:LODASH-OLD purl certain in_range',
      'TEST-AMBER system:MON-A name likely in_range',
      'TEST-GREEN component:LODASH-OLD purl certain in_range',
      'TEST-GREEN system:MON-A name likely in_range',
    ]);
    // The AMBER advisory's audience is A alone: B's matching systems are not matched for it.
    expect(brief(await matches(officerB, b))).toEqual([
      'TEST-GREEN system:GW-B cpe certain in_range',
      'TEST-GREEN system:MON-B name possible unknown',
      'TEST-GREEN system:MP-B model likely in_range',
    ]);
    const all = await matches(officerB, b);
    expect(all.every((m) => m.product_status === 'affected')).toBe(true);
    expect(
      all
        .filter((m) => m.needs_review)
        .map((m) => m.system.key)
        .sort(),
    ).toEqual(['MON-B', 'MP-B']);
  });

  it('keeps a review decision when the matches are computed again, and audits it', async () => {
    const pending = await matches(officerB, b, '&review=pending');
    expect(pending.map((m) => m.system.key).sort()).toEqual(['MON-B', 'MP-B']);
    const monB = pending.find((m) => m.system.key === 'MON-B') as Match;
    const certain = (await matches(officerB, b)).find((m) => m.confidence === 'certain') as Match;
    const refused = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${b.slug}/advisory-matches/${certain.id}/review`,
      headers: { ...officerBPerson.headers(), 'accept-language': 'en' },
      payload: { decision: 'rejected' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'advisories.match_certain',
      title: expect.stringMatching(/certain/),
    });
    // A token is not a person: decisions are signed by people.
    expect(
      (
        await call(officerB, 'POST', `/api/v1/orgs/${b.slug}/advisory-matches/${monB.id}/review`, {
          decision: 'rejected',
        })
      ).statusCode,
    ).toBe(403);
    const member = await call(memberB, 'POST', `/api/v1/orgs/${b.slug}/advisory-matches/${monB.id}/review`, {
      decision: 'rejected',
    });
    expect(member.statusCode).toBe(403);
    const decided = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${b.slug}/advisory-matches/${monB.id}/review`,
      headers: { ...officerBPerson.headers(), 'accept-language': 'en' },
      payload: { decision: 'rejected', note: 'Monitor B runs B.07; the version field was empty' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ needs_review: false, review: { decision: 'rejected' } });
    await runMatch(t.runtime.ctx, { orgId: b.id });
    expect((await matches(officerB, b, '&review=pending')).map((m) => m.system.key)).toEqual(['MP-B']);
    const kept = (await matches(officerB, b, '&review=decided'))[0];
    expect(kept).toMatchObject({ id: monB.id, review: { decision: 'rejected' } });
    const audit = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [b.id] }, (tx) =>
      sql<{
        action: string;
      }>`select action from audit_log where org_id = ${b.id} and target_id = ${monB.id}`.execute(tx.q),
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['advisory_match.rejected']);
  });

  it('follows the inventory: a version moved into the range starts a match, a removed component ends one', async () => {
    const greenId = await advisoryId('TEST-GREEN');
    const patched = await call(officerA, 'PATCH', `/api/v1/orgs/${a.slug}/inventory/systems/MON-A2`, {
      version: 'B.06',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const before = await componentMatches(a, 'LODASH-OLD');
    expect(before).toBe(2);
    const removed = await call(officerA, 'DELETE', `/api/v1/orgs/${a.slug}/inventory/components/LODASH-OLD`);
    expect(removed.statusCode, removed.body).toBe(204);
    // The delete took its matches with it (0062), before any re-matching.
    expect(await componentMatches(a, null)).toBe(0);
    await runMatch(t.runtime.ctx, { orgId: a.id });
    expect(brief(await matches(officerA, a, `&advisory=${greenId}`))).toEqual([
      'TEST-GREEN system:MON-A name likely in_range',
      'TEST-GREEN system:MON-A2 name likely in_range',
    ]);
  });

  it.skipIf(engine === 'pglite' /* reason: one session, so no matching run can hold the lock meanwhile */)(
    'removes a component only after a matching run that read it, and then its matches',
    async () => {
      const added = await call(officerA, 'POST', `/api/v1/orgs/${a.slug}/inventory/components`, {
        key: 'LODASH-LOCK',
        system: 'MON-A',
        purl: 'pkg:npm/lodash@4.17.19',
      });
      expect(added.statusCode, added.body).toBe(201);
      await runMatch(t.runtime.ctx, { orgId: a.id });
      expect(await componentMatches(a, 'LODASH-LOCK')).toBe(2);
      const pool = t.runtime.ctx.db.pool;
      if (!pool) throw new Error('no pool');
      const matching = await pool.connect();
      try {
        // A matching run holds the lock shared until it commits (vaern_advisory_match).
        await matching.query('begin');
        await matching.query(
          `select pg_advisory_xact_lock_shared(hashtextextended('vaern:advisory_matches', 0))`,
        );
        const removing = call(officerA, 'DELETE', `/api/v1/orgs/${a.slug}/inventory/components/LODASH-LOCK`);
        let waiting = false;
        for (const deadline = Date.now() + 10_000; !waiting && Date.now() < deadline; await sleep(25)) {
          const r = await pool.query<{ n: number }>(
            `select count(*)::int as n from pg_locks
             where locktype = 'advisory' and not granted and mode = 'ExclusiveLock'
               and database = (select oid from pg_database where datname = current_database())
               and ((classid::bigint << 32) | objid::bigint) = hashtextextended('vaern:advisory_matches', 0)`,
          );
          waiting = (r.rows[0]?.n ?? 0) > 0;
        }
        expect(waiting).toBe(true);
        await matching.query('commit');
        expect((await removing).statusCode).toBe(204);
      } finally {
        await matching.query('rollback').catch(() => undefined);
        matching.release();
      }
      expect(await componentMatches(a, null)).toBe(0);
    },
  );

  it.skipIf(engine === 'pglite' /* reason: one session, so no other matching run can be under way */)(
    "starts an organisation's matching run only after its run under way has committed (0066)",
    async () => {
      const greenId = await advisoryId('TEST-GREEN');
      const want = brief(await matches(officerA, a, `&advisory=${greenId}`));
      const pool = t.runtime.ctx.db.pool;
      if (!pool) throw new Error('no pool');
      const key = `vaern:advisory_match_org:${a.id}`;
      const running = await pool.connect();
      // Runs waiting for the organisation's lock, in this test's database only.
      const waiters = async () => {
        const r = await pool.query<{ n: number }>(
          `select count(*)::int as n from pg_locks
           where locktype = 'advisory' and not granted and mode = 'ExclusiveLock'
             and database = (select oid from pg_database where datname = current_database())
             and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
          [key],
        );
        return r.rows[0]?.n ?? 0;
      };
      let settled = false;
      try {
        // A run for the organisation under way holds its lock until it commits (vaern_advisory_match).
        await running.query('begin');
        await running.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
        const next = runMatch(t.runtime.ctx, { orgId: a.id }).finally(() => {
          settled = true;
        });
        let waiting = false;
        for (const deadline = Date.now() + 10_000; !waiting && Date.now() < deadline; await sleep(25)) {
          waiting = (await waiters()) > 0;
        }
        expect(waiting).toBe(true);
        // Another organisation's run does not wait for it, nor does an advisory's (as in its import).
        await runMatch(t.runtime.ctx, { orgId: b.id });
        await runMatch(t.runtime.ctx, { advisoryId: greenId });
        expect(settled).toBe(false);
        await running.query('commit');
        expect(await next).toBeGreaterThan(0);
      } finally {
        await running.query('rollback').catch(() => undefined);
        running.release();
      }
      expect(await waiters()).toBe(0);
      expect(brief(await matches(officerA, a, `&advisory=${greenId}`))).toEqual(want);
    },
  );

  it('shows the sector coordinator the organisations concerned, and no one else', async () => {
    const greenId = await advisoryId('TEST-GREEN');
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/sector/advisories/${greenId}/affected`,
      headers: { ...coordinator.headers(), 'accept-language': 'en' },
    });
    expect(r.statusCode, r.body).toBe(200);
    const rows = (
      r.json().items as Array<{
        org: { slug: string };
        systems: number;
        components: number;
        pending_review: number;
      }>
    )
      .map((x) => [x.org.slug, x.systems, x.components, x.pending_review])
      .sort();
    // A: MON-A and MON-A2, name matches nobody has reviewed (LODASH-OLD was removed).
    // B: GW-B (certain) and MP-B (a model match to review); MON-B was rejected.
    expect(rows).toEqual(
      [
        [a.slug, 2, 0, 2],
        [b.slug, 2, 0, 1],
      ].sort(),
    );
    expect((await call(officerB, 'GET', `/api/v1/sector/advisories/${greenId}/affected`)).statusCode).toBe(
      403,
    );
  });

  it('matches the KEV catalogue: a finding that carries its CVE for certain, the product by name possibly', async () => {
    const kevText = readFileSync(corpus('advisories', 'kev', 'known_exploited_vulnerabilities.json'), 'utf8');
    const kev = await importFile(sector, 'kev', kevText, { type: 'application/json' });
    expect(kev.status, kev.body).toBe('succeeded');
    for (const [org, auth, body] of [
      [
        a,
        officerA,
        { key: 'WIN-A', name: 'Workstations A', vendor: 'Microsoft', product: 'Windows', version: '10' },
      ],
      [b, officerB, { key: 'LOG-B', name: 'Log server B', hostnames: ['log-b'] }],
    ] as const) {
      const r = await call(auth, 'POST', `/api/v1/orgs/${org.slug}/inventory/systems`, body);
      expect(r.statusCode, r.body).toBe(201);
    }
    const scan = await importFile(
      b,
      'scan',
      'source,host,rule,title,severity,cves\ntest,log-b,L4J,Log4Shell,critical,CVE-2021-44228\n',
      { type: 'text/csv', query: '&format=csv', auth: officerB },
    );
    expect(scan.status, scan.body).toBe('succeeded');
    await runMatch(t.runtime.ctx, {});
    const kevOf = async (auth: string, org: OrgFixture) => {
      const r = await call(auth, 'GET', `/api/v1/orgs/${org.slug}/kev-matches?limit=500`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json().items as Array<{
        cve: string;
        system: { key: string };
        basis: string;
        confidence: string;
      }>;
    };
    // The catalogue's entries for Microsoft Windows, counted from the file itself.
    const catalogue = JSON.parse(kevText) as {
      vulnerabilities: Array<{ cveID: string; vendorProject: string; product: string }>;
    };
    const windows = catalogue.vulnerabilities
      .filter(
        (v) =>
          v.vendorProject.trim().toLowerCase() === 'microsoft' &&
          v.product.trim().toLowerCase() === 'windows',
      )
      .map((v) => v.cveID)
      .sort();
    expect(windows.length).toBeGreaterThan(100);
    const ofA = await kevOf(officerA, a);
    expect(
      ofA.every((m) => m.system.key === 'WIN-A' && m.basis === 'name' && m.confidence === 'possible'),
    ).toBe(true);
    expect(ofA.map((m) => m.cve).sort()).toEqual(windows);
    expect(await kevOf(officerB, b)).toMatchObject([
      { cve: 'CVE-2021-44228', system: { key: 'LOG-B' }, basis: 'finding', confidence: 'certain' },
    ]);
  });

  it("refuses another organisation's matches and reviews", async () => {
    const ofA = (await matches(officerA, a))[0] as Match;
    expect((await call(officerB, 'GET', `/api/v1/orgs/${a.slug}/advisory-matches`)).statusCode).toBe(403);
    const cross = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${b.slug}/advisory-matches/${ofA.id}/review`,
      headers: { ...officerBPerson.headers(), 'accept-language': 'en' },
      payload: { decision: 'confirmed' },
    });
    expect(cross.statusCode).toBe(404);
    const direct = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [b.id] }, async (tx) => {
      const seen = await sql<{
        n: number;
      }>`select count(*)::int as n from advisory_matches where org_id = ${a.id}`.execute(tx.q);
      const matched = await sql<{ n: number }>`select vaern_advisory_match(null, null) as n`.execute(tx.q);
      return [seen.rows[0]?.n, matched.rows[0]?.n];
    });
    // Row-level security hides A's matches; the matching function does nothing outside jobs.
    expect(direct).toEqual([0, 0]);
  });

  it('compares CPE names attribute by attribute in SQL exactly as the identity library does (NISTIR 7696)', async () => {
    // Every pair of these values, in each attribute the SQL compares (all but vendor, product, version).
    const values = ['*', '-', 'windows', 'linux', 'win*', '*dows', '?indows', 'x64', 'sp1'];
    const positions = CPE_ATTRIBUTES.map((name, i) => [name, i] as const).filter(
      ([name]) => !['vendor', 'product', 'version'].includes(name),
    );
    const cpe = (at: number, value: string) =>
      `cpe:2.3:${CPE_ATTRIBUTES.map((name, i) => (i === at ? value : name === 'part' ? 'a' : name === 'vendor' ? 'acme' : name === 'product' ? 'gw' : '*')).join(':')}`;
    const pairs: Array<[string, string]> = [];
    for (const [name, at] of positions) {
      const domain = name === 'part' ? ['a', 'h', 'o', '*'] : values;
      for (const source of domain)
        for (const target of domain) pairs.push([cpe(at, source), cpe(at, target)]);
    }
    const expected = pairs.map(([source, target]) => {
      const s = parseCpe(source);
      const t2 = parseCpe(target);
      if (!s || !t2) throw new Error(`unparsable pair ${source} ${target}`);
      // An item's CPE with wildcards names no product (UNDEFINED): no match, as matchCpe says.
      return positions.some(([name]) =>
        ['DISJOINT', 'UNDEFINED'].includes(compareAttribute(s[name], t2[name])),
      );
    });
    const r = await sql<{ d: boolean }>`
      select vaern_cpe_disjoint(p.s, p.t) as d
      from jsonb_to_recordset(${JSON.stringify(pairs.map(([s2, t2], n) => ({ s: s2, t: t2, n })))}::jsonb)
        as p(s text, t text, n int)
      order by p.n`.execute(t.runtime.ctx.db.kysely);
    expect(r.rows.map((x) => x.d)).toEqual(expected);
    expect(expected.filter(Boolean).length).toBeGreaterThan(100);
    expect(expected.filter((d) => !d).length).toBeGreaterThan(100);
  });

  it('matches by CPE only where no attribute conflicts: hardware of the same name is not the application', async () => {
    for (const body of [
      { key: 'GW-HW', name: 'Gateway appliance', cpe: 'cpe:2.3:h:examplemed:gateway:2.1.0:*:*:*:*:*:*:*' },
      {
        key: 'GW-LNX',
        name: 'Gateway on Linux',
        cpe: 'cpe:2.3:a:examplemed:gateway:2.1.0:*:*:*:*:linux:*:*',
      },
    ]) {
      const r = await call(officerB, 'POST', `/api/v1/orgs/${b.slug}/inventory/systems`, body);
      expect(r.statusCode, r.body).toBe(201);
    }
    await runMatch(t.runtime.ctx, { orgId: b.id });
    const greenId = await advisoryId('TEST-GREEN');
    const found = brief(await matches(officerB, b, `&advisory=${greenId}`)).filter((m) => m.includes(':GW-'));
    expect(found).toEqual([
      'TEST-GREEN system:GW-B cpe certain in_range',
      'TEST-GREEN system:GW-LNX cpe certain in_range',
    ]);
  });

  it('rematches an organisation by itself when its inventory changes (the queued job, no manual run)', async () => {
    const greenId = await advisoryId('TEST-GREEN');
    const monA = () =>
      matches(officerA, a, `&advisory=${greenId}`).then((items) =>
        brief(items).filter((m) => m.includes(':MON-A ')),
      );
    expect(await monA()).toEqual(['TEST-GREEN system:MON-A name likely in_range']);
    // B.07 is outside "<= B.06": the job the edit queued removes the match.
    const patched = await call(officerA, 'PATCH', `/api/v1/orgs/${a.slug}/inventory/systems/MON-A`, {
      version: 'B.07',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    await expect.poll(monA, { timeout: 30_000, interval: 100 }).toEqual([]);
  });

  it("removes a deleted system's matches with it, at once and only its own", async () => {
    const greenId = await advisoryId('TEST-GREEN');
    const before = brief(await matches(officerA, a, `&advisory=${greenId}`));
    expect(before).toContain('TEST-GREEN system:MON-A2 name likely in_range');
    const removed = await call(officerA, 'DELETE', `/api/v1/orgs/${a.slug}/inventory/systems/MON-A2`);
    expect(removed.statusCode, removed.body).toBe(204);
    // No matching has run since: the system's rows went with it, the others stay.
    expect(brief(await matches(officerA, a, `&advisory=${greenId}`))).toEqual(
      before.filter((m) => !m.includes('MON-A2')),
    );
    const orphans = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from advisory_matches m
        where not exists (select 1 from inventory_systems s where s.org_id = m.org_id and s.id = m.system_id)`.execute(
        tx.q,
      );
      return r.rows[0]?.n;
    });
    expect(orphans).toBe(0);
  });

  it("reports the advisory's product status on each match; fixed and not affected products leave the affected list", async () => {
    // Each product a package of its own (certain matches, none to review) with one CSAF
    // product_status. The last three carry two statuses over two vulnerabilities: the match
    // reports the gravest (affected, under investigation, fixed, not affected).
    const pkg = (name: string, range: string, pid: string) =>
      branch('Status Test', name, 'product_version_range', range, pid, { purl: `pkg:npm/${name}` });
    const doc = advisory({
      id: 'TEST-STATUS',
      tlp: 'WHITE',
      branches: [
        pkg('status-affected', 'vers:npm/<2.0.0', 'P-AFFECTED'),
        pkg('status-fixed', 'vers:npm/>=2.0.0', 'P-FIXED'),
        pkg('status-not-affected', 'vers:npm/>=1.0.0', 'P-NOT-AFFECTED'),
        pkg('status-investigated', 'vers:npm/<=3.0.0', 'P-INVESTIGATED'),
        pkg('status-fixed-and-affected', 'vers:npm/>=1.0.0', 'P-FIXED-AFFECTED'),
        pkg('status-fixed-and-investigated', 'vers:npm/>=1.0.0', 'P-FIXED-INVESTIGATED'),
        pkg('status-not-affected-and-fixed', 'vers:npm/>=1.0.0', 'P-NOT-AFFECTED-FIXED'),
      ],
      vulnerabilities: [
        {
          cve: 'CVE-2099-0101',
          product_status: {
            known_affected: ['P-AFFECTED'],
            fixed: ['P-FIXED', 'P-FIXED-AFFECTED', 'P-FIXED-INVESTIGATED'],
            known_not_affected: ['P-NOT-AFFECTED', 'P-NOT-AFFECTED-FIXED'],
            under_investigation: ['P-INVESTIGATED'],
          },
        },
        {
          cve: 'CVE-2099-0102',
          product_status: {
            known_affected: ['P-FIXED-AFFECTED'],
            fixed: ['P-NOT-AFFECTED-FIXED'],
            under_investigation: ['P-FIXED-INVESTIGATED'],
          },
        },
      ],
    });
    // C runs every product: the ones still open on one system, the settled ones on another.
    // D runs only the fixed and the not affected one.
    const c = await createOrg(t, { kind: 'region' });
    const d = await createOrg(t, { kind: 'hospital' });
    const officerC = await createToken(t, c.slug, 'security_officer');
    const officerD = await createToken(t, d.slug, 'security_officer');
    const inventories: Array<[OrgFixture, string, Record<string, string[]>]> = [
      [
        c,
        officerC,
        {
          OPEN: [
            'status-affected@1.0.0',
            'status-investigated@3.0.0',
            'status-fixed-and-affected@1.0.0',
            'status-fixed-and-investigated@1.0.0',
          ],
          SETTLED: ['status-fixed@2.0.0', 'status-not-affected@1.5.0', 'status-not-affected-and-fixed@1.0.0'],
        },
      ],
      [d, officerD, { SETTLED: ['status-fixed@2.1.0', 'status-not-affected@1.0.0'] }],
    ];
    for (const [org, auth, systems] of inventories) {
      for (const [system, packages] of Object.entries(systems)) {
        const s = await call(auth, 'POST', `/api/v1/orgs/${org.slug}/inventory/systems`, {
          key: system,
          name: `${system} system`,
        });
        expect(s.statusCode, s.body).toBe(201);
        for (const p of packages) {
          const r = await call(auth, 'POST', `/api/v1/orgs/${org.slug}/inventory/components`, {
            key: p.split('@')[0],
            system,
            purl: `pkg:npm/${p}`,
          });
          expect(r.statusCode, r.body).toBe(201);
        }
      }
      // The index knows the new identities before the advisory arrives.
      await runMatch(t.runtime.ctx, { orgId: org.id });
    }
    const imported = await importAdvisory(doc);
    expect(imported.status, imported.body).toBe('succeeded');
    // Every item is matched, whatever the advisory says of its product.
    expect(JSON.parse(imported.body).matches).toBe(9);
    const id = await advisoryId('TEST-STATUS');

    const statuses = async (auth: string, org: OrgFixture) =>
      (await matches(auth, org, `&advisory=${id}`))
        .map((m) => {
          expect(m).toMatchObject({ basis: 'purl', confidence: 'certain', needs_review: false });
          return `${m.system.key} ${m.item.key} ${m.product.product_id} ${m.product_status}`;
        })
        .sort();
    expect(await statuses(officerC, c)).toEqual([
      'OPEN status-affected P-AFFECTED affected',
      'OPEN status-fixed-and-affected P-FIXED-AFFECTED affected',
      'OPEN status-fixed-and-investigated P-FIXED-INVESTIGATED under_investigation',
      'OPEN status-investigated P-INVESTIGATED under_investigation',
      'SETTLED status-fixed P-FIXED fixed',
      'SETTLED status-not-affected P-NOT-AFFECTED not_affected',
      'SETTLED status-not-affected-and-fixed P-NOT-AFFECTED-FIXED fixed',
    ]);
    expect(await statuses(officerD, d)).toEqual([
      'SETTLED status-fixed P-FIXED fixed',
      'SETTLED status-not-affected P-NOT-AFFECTED not_affected',
    ]);

    // The sector coordinator's affected list counts affected and under investigation only: C
    // with its open system and four components, D (fixed and not affected alone) not at all.
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/sector/advisories/${id}/affected`,
      headers: { ...coordinator.headers(), 'accept-language': 'en' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items).toEqual([
      {
        org: expect.objectContaining({ slug: c.slug }),
        systems: 1,
        components: 4,
        certain: 4,
        pending_review: 0,
      },
    ]);
  });
});
