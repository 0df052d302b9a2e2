import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../test/databases.js';
import { startTestApp, type TestApp } from '../../test/server.js';
import { withTenant } from '../server/db/tenant.js';
import { checkCpe, checkPurl } from '../server/modules/inventory/fields.js';
import {
  DEMO_CONTACTS,
  DEMO_INVITATIONS,
  DEMO_ORGS,
  DEMO_PEOPLE,
  DEMO_SECTOR_SLUG,
  DEMO_TOTP_SECRET,
  DEMO_USERS,
  DemoAlreadyLoadedError,
  type DemoLogin,
  seedDemo,
} from './demo.js';
import { DEMO_SHARED, demoInventory } from './demo-inventory.js';

describe.each(engines())('the demo seed (%s)', (engine) => {
  let t: TestApp;
  let logins: DemoLogin[];
  /** Session cookies by e-mail, from the sign-in test. */
  const sessions = new Map<string, string>();
  beforeAll(async () => {
    t = await startTestApp(engine);
    ({ logins } = await seedDemo(t.runtime.ctx));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Signs in through the API, with the demo TOTP code where MFA is required; the session cookie. */
  const signIn = async (login: DemoLogin, remoteAddress: string): Promise<string> => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      payload: { email: login.email, password: login.password },
    });
    expect(res.statusCode, login.email).toBe(200);
    const first = res.json() as { next: string; csrf_token: string };
    const cookie = `vaern_session=${res.cookies.find((c) => c.name === 'vaern_session')?.value}`;
    expect(first.next, login.email).toBe(login.totpSecret ? 'mfa' : 'done');
    if (first.next !== 'mfa') return cookie;
    const totp = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), digits: 6, period: 30 });
    const verified = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      remoteAddress,
      headers: { cookie, 'x-csrf-token': first.csrf_token },
      payload: { code: totp.generate() },
    });
    expect(verified.statusCode, login.email).toBe(200);
    return `vaern_session=${verified.cookies.find((c) => c.name === 'vaern_session')?.value}`;
  };

  it('builds the sector: unit, five regions with hospitals, and the smaller organisations', async () => {
    const res = await t.asOperator('GET', '/api/v1/orgs?limit=500');
    const orgs = (
      res.json() as {
        items: Array<{ slug: string; kind: string; parent: string | null; region: string | null }>;
      }
    ).items;
    expect(orgs).toHaveLength(DEMO_ORGS.length);
    expect(orgs.find((o) => o.slug === DEMO_SECTOR_SLUG)?.kind).toBe('sector_unit');
    const regions = orgs.filter((o) => o.kind === 'region');
    expect(regions.map((o) => o.slug).sort()).toEqual([
      'region-hovedstaden',
      'region-midtjylland',
      'region-nordjylland',
      'region-sjaelland',
      'region-syddanmark',
    ]);
    for (const r of regions) {
      expect(
        orgs.some((o) => o.kind === 'hospital' && o.parent === r.slug),
        r.slug,
      ).toBe(true);
    }
    for (const kind of ['municipality', 'practice', 'pharmacy']) {
      const some = orgs.filter((o) => o.kind === kind);
      expect(some.length, kind).toBeGreaterThan(0);
      for (const o of some)
        expect(
          regions.map((r) => r.slug),
          o.slug,
        ).toContain(o.region);
    }
    expect(orgs.some((o) => o.kind === 'supplier')).toBe(true);
  });

  it('returns one login per role, a TOTP secret exactly for the roles that require MFA', () => {
    const roles = logins.map((l) => l.role);
    for (const role of [
      'platform_admin',
      'sector_coordinator',
      'admin',
      'security_officer',
      'system_owner',
      'management',
      'auditor',
      'member',
    ]) {
      expect(roles).toContain(role);
    }
    const mfa = ['platform_admin', 'sector_coordinator', 'admin', 'security_officer', 'management'];
    for (const l of logins) expect(l.totpSecret !== undefined, l.email).toBe(mfa.includes(l.role));
  });

  it('records every change in the audit trail as the operator "seed"', async () => {
    const rows = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const r = await sql<{ action: string; n: number }>`
        select action, count(*)::int as n from audit_log
        where actor->>'type' = 'operator' and actor->>'name' = 'seed' group by action`.execute(tx.q);
      return Object.fromEntries(r.rows.map((x) => [x.action, x.n]));
    });
    expect(rows).toEqual({
      'organisation.create': DEMO_ORGS.length,
      'user.create': DEMO_USERS.length + DEMO_PEOPLE.length,
      'membership.add': DEMO_USERS.filter((u) => u.membership).length + DEMO_PEOPLE.length,
      'contact.create': DEMO_CONTACTS.length,
      'user.mfa_enable': logins.filter((l) => l.totpSecret).length,
      'auditor_grant.create': DEMO_USERS.filter((u) => u.grant).length,
      'invitation.create': DEMO_INVITATIONS.length,
      // The inventory is set-based: one entry per organisation with the counts (demo-inventory.ts).
      'inventory.seed': DEMO_ORGS.length,
    });
  });

  it('every demo login signs in through the API, with the demo TOTP code where MFA is required', async () => {
    for (const [i, login] of logins.entries()) {
      const remoteAddress = `127.0.1.${i + 1}`;
      const cookie = await signIn(login, remoteAddress);
      sessions.set(login.email, cookie);
      const session = await t.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        remoteAddress,
        headers: { cookie },
      });
      expect(session.statusCode, login.email).toBe(200);
      const body = session.json() as {
        stage: string;
        user: { platform_admin: boolean };
        memberships: Array<{ org: string; roles: string[]; access_until: string | null }>;
      };
      expect(body.stage).toBe('full');
      if (login.role === 'platform_admin') expect(body.user.platform_admin).toBe(true);
      else if (login.via === 'grant') {
        // The external auditor's access ends by itself, and covers this year's records only.
        expect(body.memberships).toEqual([
          expect.objectContaining({
            org: login.org,
            roles: ['auditor'],
            access_until: expect.any(String),
            data_period: { from: `${new Date().getUTCFullYear()}-01-01`, to: null },
          }),
        ]);
      } else
        expect(body.memberships).toEqual([
          expect.objectContaining({
            org: login.org,
            roles: [login.role],
            access_until: null,
            data_period: null,
          }),
        ]);
    }
  });

  it('gives every organisation contacts on .example domains, some overdue in the sector view', async () => {
    const coordinator = logins.find((l) => l.role === 'sector_coordinator');
    if (!coordinator) throw new Error('no sector coordinator among the demo logins');
    // Its session from the sign-in test: the same TOTP code cannot be used twice.
    const cookie = sessions.get(coordinator.email);
    if (!cookie) throw new Error('the sector coordinator has no session: see the sign-in test');
    type Item = { org: { slug: string }; role: string; phone: string; email: string; overdue: boolean };
    const sector = async (query: string) => {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/sector/contacts?limit=500${query}`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(200);
      return (res.json() as { items: Item[] }).items;
    };
    const all = await sector('');
    expect(all).toHaveLength(DEMO_CONTACTS.length);
    for (const org of DEMO_ORGS) {
      const roles = all.filter((c) => c.org.slug === org.slug).map((c) => c.role);
      expect(roles, org.slug).toContain('security_officer');
      expect(roles, org.slug).toContain('it_on_call');
    }
    for (const c of all) {
      expect(c.email, c.email).toMatch(/^[a-z.]+@[a-z-]+\.example$/);
      expect(c.phone, c.phone).toMatch(/^\+45( \d\d){4}$/);
    }
    const overdue = await sector('&overdue=true');
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.length).toBeLessThan(all.length / 4);
    expect(overdue.every((c) => c.overdue)).toBe(true);
    expect(overdue.length).toBe(all.filter((c) => c.overdue).length);
  });

  it('loads a live inventory: hundreds of systems per region, legacy systems and medical devices', async () => {
    const operator = { orgIds: [], operator: true };
    const rows = await withTenant(t.runtime.ctx.db.kysely, operator, async (tx) => {
      const r = await sql<{
        slug: string;
        kind: string;
        systems: number;
        legacy: number;
        devices: number;
        imported: number;
      }>`
        select o.slug, o.kind, count(s.id)::int as systems,
               count(s.id) filter (where s.legacy)::int as legacy,
               count(s.id) filter (where s.medical_device)::int as devices,
               count(s.id) filter (where s.imported_by is not null)::int as imported
        from organisations o left join inventory_systems s on s.org_id = o.id
        group by o.slug, o.kind order by o.slug`.execute(tx.q);
      return r.rows;
    });
    expect(rows).toHaveLength(DEMO_ORGS.length);
    for (const r of rows) {
      // Every organisation has an inventory, created as live rows (never an unfinished import's).
      expect(r.systems, r.slug).toBeGreaterThan(0);
      expect(r.imported, r.slug).toBe(0);
      if (r.kind === 'hospital') expect(r.systems, r.slug).toBeGreaterThanOrEqual(24);
    }
    const regions = rows.filter((r) => r.kind === 'region');
    expect(regions).toHaveLength(5);
    for (const r of regions) {
      expect(r.systems, r.slug).toBeGreaterThanOrEqual(200);
      expect(r.legacy, r.slug).toBeGreaterThan(0);
      expect(r.devices, r.slug).toBeGreaterThan(0);
      // The same through the API's filters, as the operator.
      for (const filter of ['legacy', 'medical_device']) {
        const res = await t.asOperator(
          'GET',
          `/api/v1/orgs/${r.slug}/inventory/systems?${filter}=true&limit=5`,
        );
        expect(res.statusCode, `${r.slug} ${filter}`).toBe(200);
        const items = (res.json() as { items: Array<Record<string, unknown>> }).items;
        expect(items, `${r.slug} ${filter}`).toHaveLength(5);
        expect(items.every((i) => i[filter] === true)).toBe(true);
      }
    }
    // The audit entry of each organisation counts what was loaded.
    const entries = await withTenant(t.runtime.ctx.db.kysely, operator, async (tx) => {
      const r = await sql<{ slug: string; systems: number }>`
        select o.slug, (a.after->>'systems')::int as systems from audit_log a
        join organisations o on o.id = a.org_id where a.action = 'inventory.seed'`.execute(tx.q);
      return new Map(r.rows.map((x) => [x.slug, x.systems]));
    });
    for (const r of rows) expect(entries.get(r.slug), r.slug).toBe(r.systems);
  });

  it('gives every component and system a valid CPE 2.3 name and package URL, and processes their systems', async () => {
    const found = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const ids = await sql<{ cpe: string | null; purl: string | null }>`
        select cpe, purl from inventory_components union all select cpe, purl from inventory_systems`.execute(
        tx.q,
      );
      const legacyOs = await sql<{ n: number }>`
        select count(*)::int as n from inventory_components
        where cpe = 'cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*'`.execute(tx.q);
      const processes = await sql<{ slug: string; processes: number; unused: number }>`
        select o.slug, count(p.id)::int as processes,
               count(p.id) filter (where not exists (select 1 from inventory_dependencies d
                 where d.org_id = p.org_id and d.from_process_id = p.id and d.to_type = 'system'))::int as unused
        from organisations o join inventory_processes p on p.org_id = o.id
        where o.kind = 'region' group by o.slug`.execute(tx.q);
      return { ids: ids.rows, legacyOs: legacyOs.rows[0]?.n ?? 0, processes: processes.rows };
    });
    const cpes = found.ids.flatMap((r) => (r.cpe ? [r.cpe] : []));
    const purls = found.ids.flatMap((r) => (r.purl ? [r.purl] : []));
    expect(cpes.length).toBeGreaterThan(500);
    expect(purls.length).toBeGreaterThan(50);
    for (const c of new Set(cpes)) expect(() => checkCpe(c), c).not.toThrow();
    for (const p of new Set(purls)) expect(() => checkPurl(p), p).not.toThrow();
    expect(found.legacyOs).toBeGreaterThan(0);
    expect(found.processes).toHaveLength(5);
    for (const p of found.processes) {
      expect(p.processes, p.slug).toBeGreaterThanOrEqual(10);
      expect(p.unused, p.slug).toBe(0);
    }
  });

  it('generates the same inventory from the same day, a different one per organisation', () => {
    const day = new Date('2026-03-01T12:00:00Z');
    const org = {
      slug: 'region-sjaelland',
      kind: 'region' as const,
      domain: 'regionsjaelland.example',
      owners: [],
    };
    const other = { ...org, slug: 'region-syddanmark', domain: 'rsyd.example' };
    expect(demoInventory(org, day, 1)).toEqual(demoInventory(org, day, 1));
    const a = demoInventory(org, day, 1).systems.map((s) => [s.key, s.criticality, s.mfa]);
    const b = demoInventory(other, day, 1).systems.map((s) => [s.key, s.criticality, s.mfa]);
    expect(a).not.toEqual(b);
  });

  it('links three or more organisations to each shared system, each with its own assessment', async () => {
    expect(DEMO_SHARED.length).toBeGreaterThanOrEqual(2);
    const links = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const r = await sql<{
        owner: string;
        key: string;
        shared: boolean;
        organisations: number;
        criticalities: number;
      }>`
        select o.slug as owner, s.key, s.shared, count(distinct l.org_id)::int as organisations,
               count(distinct coalesce(l.criticality, '-'))::int as criticalities
        from inventory_systems s join organisations o on o.id = s.org_id
        left join inventory_systems l on l.shared_org_id = s.org_id and l.shared_system_id = s.id
        where s.shared group by o.slug, s.key, s.shared order by o.slug, s.key`.execute(tx.q);
      return r.rows;
    });
    expect(links.map((l) => `${l.owner}/${l.key}`).sort()).toEqual(
      DEMO_SHARED.map((s) => `${s.org}/${s.key}`).sort(),
    );
    for (const l of links) {
      const expected = DEMO_SHARED.find((s) => s.org === l.owner && s.key === l.key);
      expect(l.organisations, l.key).toBeGreaterThanOrEqual(3);
      expect(l.organisations, l.key).toBe(expected?.linkedBy.length);
    }
    // The links carry their own criticality for their use, not the owner's.
    expect(links.some((l) => l.criticalities > 1)).toBe(true);
    // The owner sees how many organisations link to its record; a linking organisation sees the
    // record inside its own system.
    const owner = await t.asOperator('GET', '/api/v1/orgs/region-hovedstaden/inventory/systems/EPJ');
    expect(owner.statusCode).toBe(200);
    expect(owner.json()).toMatchObject({ shared: true, linked_by: 4 });
    const linking = await t.asOperator('GET', '/api/v1/orgs/rigshospitalet/inventory/systems/FMK');
    expect(linking.statusCode).toBe(200);
    expect(linking.json()).toMatchObject({
      shared_system: { owner: { slug: DEMO_SECTOR_SLUG }, key: 'FMK', name: 'Fælles Medicinkort (FMK)' },
    });
  });

  it("shows Region Hovedstaden's security officer a scorecard with failed and passed criteria", async () => {
    const officer = logins.find((l) => l.role === 'security_officer' && l.org === 'region-hovedstaden');
    if (!officer) throw new Error('no security officer of Region Hovedstaden among the demo logins');
    const cookie = sessions.get(officer.email);
    if (!cookie) throw new Error('the security officer has no session: see the sign-in test');
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/orgs/region-hovedstaden/scorecard',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      inventory: { systems: number; health_data_systems: number; critical_systems: number };
      criteria: Array<{ n: number; status: string }>;
    };
    expect(body.inventory.systems).toBeGreaterThanOrEqual(200);
    expect(body.inventory.health_data_systems).toBeGreaterThan(0);
    expect(body.inventory.critical_systems).toBeGreaterThan(0);
    const status = Object.fromEntries(body.criteria.map((c) => [c.n, c.status]));
    // No confirmation by management is seeded; MFA is the region's strength, restore tests its gap.
    expect(status[1]).toBe('failed');
    expect(status[5]).toBe('passed');
    expect(status[10]).toBe('failed');
    expect(Object.values(status)).toContain('passed');
    expect(Object.values(status)).toContain('failed');
  });

  it('refuses to load twice', async () => {
    await expect(seedDemo(t.runtime.ctx)).rejects.toBeInstanceOf(DemoAlreadyLoadedError);
  });
});
