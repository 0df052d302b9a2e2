import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, type OrgFixture } from '../../../../test/factories.js';
import { type FinishedImport, uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

/**
 * Hosts mapped to systems (docs/vulnerabilities.md, "Mapping hosts to systems"; migration 0054):
 * the set-based mapping against the documented rules read literally, one host at a time, over
 * generated inventories whose names, addresses and ranges overlap (ties, nested ranges, IPv4 and
 * IPv6); and a scan's findings following the inventory when it changes.
 */

interface System {
  key: string;
  fqdns: string[];
  hostnames: string[];
  ips: string[];
}
interface Host {
  host: string;
  ip: string | null;
  fqdn: string | null;
  hname: string | null;
}

/** An address or range as its bits (v4: 32, v6: 128) and prefix length. */
function bits(value: string): { bits: string; len: number } {
  const [addr = '', len] = value.split('/');
  let out: string;
  if (addr.includes(':')) {
    const [left = '', right = ''] = addr.split('::');
    const l = left ? left.split(':') : [];
    const r = right ? right.split(':') : [];
    const groups = addr.includes('::') ? [...l, ...Array(8 - l.length - r.length).fill('0'), ...r] : l;
    out = groups.map((g) => Number.parseInt(g, 16).toString(2).padStart(16, '0')).join('');
  } else {
    out = addr
      .split('.')
      .map((o) => Number(o).toString(2).padStart(8, '0'))
      .join('');
  }
  return { bits: out, len: len === undefined ? out.length : Number(len) };
}

const contains = (range: string, ip: string) => {
  const r = bits(range);
  const i = bits(ip);
  return (
    r.bits.length === i.bits.length && r.len <= i.len && r.bits.slice(0, r.len) === i.bits.slice(0, r.len)
  );
};
const sameAddress = (a: string, ip: string) => {
  const x = bits(a);
  const y = bits(ip);
  return x.bits === y.bits && x.len === y.len;
};
const smallestKey = (systems: System[]) => systems.map((s) => s.key).sort()[0] ?? null;

/** The documented order, one host at a time: the first rule that matches, ties to the smallest key. */
function expected(systems: System[], h: Host): string | null {
  const byFqdn = systems.filter((s) => s.fqdns.some((f) => f === h.fqdn || f === h.host));
  if (byFqdn.length > 0) return smallestKey(byFqdn);
  const names = [h.hname, h.host, h.fqdn?.split('.')[0]].filter((n) => n != null);
  const byName = systems.filter((s) => s.hostnames.some((n) => names.includes(n)));
  if (byName.length > 0) return smallestKey(byName);
  const ip = h.ip;
  if (ip === null) return null;
  const byAddress = systems.filter((s) => s.ips.some((a) => sameAddress(a, ip)));
  if (byAddress.length > 0) return smallestKey(byAddress);
  const ranged = systems
    .map((s) => ({
      key: s.key,
      len: Math.max(-1, ...s.ips.filter((a) => contains(a, ip)).map((a) => bits(a).len)),
    }))
    .filter((s) => s.len >= 0)
    .sort((a, b) => b.len - a.len || (a.key < b.key ? -1 : 1));
  return ranged[0]?.key ?? null;
}

const NAMES = ['app1', 'app2', 'db1', 'web'];
const FQDNS = ['app1.a.dk', 'app2.a.dk', 'db1.b.dk', 'web.b.dk', 'app1.b.dk'];
const HOST_IPS = [
  '10.0.0.1',
  '10.0.0.2',
  '10.0.0.5',
  '10.0.0.9',
  '10.0.1.5',
  '192.168.1.1',
  '2001:db8::5',
  '2001:db8::1:1',
];
const RANGES = [
  '10.0.0.0/29',
  '10.0.0.0/30',
  '10.0.0.4/30',
  '10.0.0.0/24',
  '10.0.0.0/16',
  '10.0.0.8/31',
  '0.0.0.0/0',
];
const RANGES6 = ['2001:db8::/32', '2001:db8::/64', '2001:db8::4/126', '2001:db8::1:0/112'];

const systemsArb = fc.uniqueArray(
  fc.record({
    key: fc.constantFrom('K1', 'K2', 'K3', 'K4', 'K5', 'K6', 'K7', 'K8'),
    fqdns: fc.subarray(FQDNS, { maxLength: 2 }),
    hostnames: fc.subarray(NAMES, { maxLength: 2 }),
    ips: fc.subarray([...HOST_IPS, ...RANGES, ...RANGES6], { maxLength: 3 }),
  }),
  { selector: (s) => s.key, maxLength: 8 },
);
const hostsArb = fc.uniqueArray(
  fc.record({
    host: fc.constantFrom(...NAMES, ...FQDNS, ...HOST_IPS),
    ip: fc.option(fc.constantFrom(...HOST_IPS)),
    fqdn: fc.option(fc.constantFrom(...FQDNS)),
    hname: fc.option(fc.constantFrom(...NAMES)),
  }),
  { selector: (h) => h.host, minLength: 1, maxLength: 10 },
);

/** A scan of 300 hosts (m0000 to m0299, 10.40.0.0 to 10.40.1.43), 20 findings each: two merge slices. */
function lateScan(): string {
  const hosts = Array.from({ length: 300 }, (_, h) => {
    const name = `m${String(h).padStart(4, '0')}`;
    const items = Array.from(
      { length: 20 },
      (_, n) =>
        `<ReportItem port="443" protocol="tcp" severity="2" pluginID="${740_000 + n}" pluginName="Check ${n}"></ReportItem>`,
    );
    return `<ReportHost name="${name}"><HostProperties><tag name="host-ip">10.40.${h >> 8}.${h & 255}</tag></HostProperties>\n${items.join('\n')}\n</ReportHost>`;
  });
  return `<?xml version="1.0"?>\n<NessusClientData_v2><Report name="r">\n${hosts.join('\n')}\n</Report></NessusClientData_v2>`;
}

/** The organisation's findings that `query` selects (up to 500): each one's host and system key. */
async function findingsOf(t: TestApp, slug: string, auth: string, query: string) {
  const r = await t.inject({
    method: 'GET',
    url: `/api/v1/orgs/${slug}/findings?limit=500${query ? `&${query}` : ''}`,
    headers: { authorization: auth },
  });
  expect(r.statusCode, r.body).toBe(200);
  return (r.json().items as Array<{ host: string; system: { key: string } | null }>).map((f) => ({
    host: f.host,
    system: f.system?.key ?? null,
  }));
}

describe.each(engines())('host mapping on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let officer: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `mapping-${engine}`, kind: 'region' });
    officer = await createToken(t, org.slug, 'security_officer');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('follows the documented order and ties, whatever the inventory (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(systemsArb, hostsArb, async (systems, hosts) => {
        const got = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, async (tx) => {
          for (const s of systems)
            await sql`insert into inventory_systems (org_id, key, name, fqdns, hostnames, ip_addresses)
              values (${org.id}, ${s.key}, ${s.key}, ${s.fqdns}::text[], ${s.hostnames}::text[],
                      ${s.ips}::cidr[])`.execute(tx.q);
          const r = await sql<{ host: string; key: string | null }>`
            select m.host, s.key from vaern_findings_systems_for(${org.id}::uuid,
              ${hosts.map((h) => h.host)}::text[], ${hosts.map((h) => h.ip)}::inet[],
              ${hosts.map((h) => h.fqdn)}::text[], ${hosts.map((h) => h.hname)}::text[]) m
            left join inventory_systems s on s.org_id = ${org.id} and s.id = m.system_id`.execute(tx.q);
          await sql`delete from inventory_systems where org_id = ${org.id}`.execute(tx.q);
          return Object.fromEntries(r.rows.map((row) => [row.host, row.key]));
        });
        expect(got).toEqual(Object.fromEntries(hosts.map((h) => [h.host, expected(systems, h)])));
      }),
      { numRuns: 150 },
    );
  });

  // A system written while the file is merged (here by a trigger in the last merge slice, after
  // the first slice mapped m0000 to nothing): the slices' mapping is stale, and no re-mapping was
  // asked for (the system was written directly); the switch sees the change and asks for one.
  it('follows an inventory change made while the file was merged', async () => {
    const o = await createOrg(t, { slug: `mapping-late-${engine}`, kind: 'region' });
    const auth = await createToken(t, o.slug, 'security_officer');
    const body = lateScan();
    const db = t.runtime.ctx.db.kysely;
    await sql`create function test_late_system() returns trigger language plpgsql as $$
      begin
        insert into inventory_systems (org_id, key, name, hostnames) values (new.org_id, 'LATE', 'Late', '{m0000}')
        on conflict do nothing;
        return new;
      end $$`.execute(db);
    await sql`create trigger test_late_system before insert on scan_import_items for each row
      when (new.org_id = ${sql.lit(o.id)}::uuid and new.host = 'm0299') execute function test_late_system()`.execute(
      db,
    );
    try {
      const done = await uploadImport<FinishedImport & { new: number; unmapped_hosts: number }>(t, o, auth, {
        kind: 'scan',
        query: 'name=late&format=nessus',
        contentType: 'application/xml',
        body,
      });
      // m0000 was mapped in the first slice, before the system existed.
      expect(done).toMatchObject({ status: 'succeeded', new: 6000, unmapped_hosts: 300 });
    } finally {
      await sql`drop trigger test_late_system on scan_import_items`.execute(db);
      await sql`drop function test_late_system()`.execute(db);
    }
    const systemsOf = async () => (await findingsOf(t, o.slug, auth, 'system=LATE')).map((f) => f.host);
    await expect.poll(systemsOf, { timeout: 30_000, interval: 100 }).toEqual(Array(20).fill('m0000'));
  });

  // A system deleted while the file is merged (here by a trigger in the last merge slice, after
  // that slice mapped m0299 to it): the switch writes the host's findings as unmapped instead of
  // failing the import on the foreign key, and the re-mapping after it gives them the system that
  // the inventory gives the host now (by its address, a way below its name).
  it('writes the findings of a host whose system was deleted while the file was merged', async () => {
    const o = await createOrg(t, { slug: `mapping-gone-${engine}`, kind: 'region' });
    const auth = await createToken(t, o.slug, 'security_officer');
    for (const payload of [
      { key: 'GONE', name: 'Deleted during the import', hostnames: ['m0299'] },
      { key: 'ADDR', name: 'By address', ip_addresses: ['10.40.1.43'] },
    ]) {
      const r = await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${o.slug}/inventory/systems`,
        headers: { authorization: auth },
        payload,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const db = t.runtime.ctx.db.kysely;
    await sql`create function test_gone_system() returns trigger language plpgsql as $$
      begin
        delete from inventory_systems where org_id = new.org_id and key = 'GONE';
        return new;
      end $$`.execute(db);
    await sql`create trigger test_gone_system before insert on scan_import_items for each row
      when (new.org_id = ${sql.lit(o.id)}::uuid and new.host = 'm0299') execute function test_gone_system()`.execute(
      db,
    );
    try {
      const done = await uploadImport<
        FinishedImport & { new: number; unmapped_hosts: number; unmapped_host_names: string[] }
      >(t, o, auth, {
        kind: 'scan',
        query: 'name=gone&format=nessus',
        contentType: 'application/xml',
        body: lateScan(),
      });
      expect(done).toMatchObject({ status: 'succeeded', new: 6000, unmapped_hosts: 300 });
      expect(done.unmapped_host_names).toContain('m0299');
    } finally {
      await sql`drop trigger test_gone_system on scan_import_items`.execute(db);
      await sql`drop function test_gone_system()`.execute(db);
    }
    const systemsOf = async () => (await findingsOf(t, o.slug, auth, 'host=m0299')).map((f) => f.system);
    await expect.poll(systemsOf, { timeout: 30_000, interval: 100 }).toEqual(Array(20).fill('ADDR'));
  });

  it("moves a scan's findings to the system the inventory now gives their host", async () => {
    const body = readFileSync(corpus('scans', 'nessus/nessus_v_unknown.xml'), 'utf8');
    const done = await uploadImport<FinishedImport & { unmapped_host_names: string[] }>(t, org, officer, {
      kind: 'scan',
      query: 'name=report&format=nessus',
      contentType: 'application/xml',
      body,
    });
    expect(done.status).toBe('succeeded');
    // No system yet: every host is unmapped; qa3app09 is 10.31.112.29.
    expect(done.unmapped_host_names).toContain('qa3app09');
    const systemOf = async (host: string) => {
      const items = await findingsOf(t, org.slug, officer, '');
      return [...new Set(items.filter((f) => f.host === host).map((f) => f.system))];
    };
    expect(await systemOf('qa3app09')).toEqual([null]);
    const created = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/inventory/systems`,
      headers: { authorization: officer },
      payload: { key: 'LAB', name: 'Lab network', ip_addresses: ['10.31.112.0/24'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    await expect.poll(() => systemOf('qa3app09'), { timeout: 30_000, interval: 100 }).toEqual(['LAB']);
  });
});
