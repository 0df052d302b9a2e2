import { sql } from 'kysely';
import type { AppContext } from '../../src/server/context.js';
import { withTenant } from '../../src/server/db/tenant.js';

/*
 * The scanned organisation's inventory for `bench:import --systems N`, written set-based in the
 * operator's scope. System i carries scanned host i (host-0000i.bench.example.dk, 10.a.b.10 with
 * a = i >> 8 and b = i & 255) in one of the four documented ways, in turn: its FQDN, its host name
 * (the FQDN's first label), its address, or a /30 range around it. Every tenth system, and every
 * system past the scanned hosts, carries names and an address no host has. Every system also has
 * its own FQDN or host name, so that the inventory's names are as many as its systems.
 */

/** Inserts the systems; returns how many scanned hosts they map (the rest stay unmapped). */
export async function insertScanSystems(
  ctx: AppContext,
  o: { orgId: string; systems: number; hosts: number },
): Promise<number> {
  await withTenant(ctx.db.kysely, { orgIds: [o.orgId], operator: true }, async (tx) => {
    await sql`
      insert into inventory_systems (org_id, key, name, criticality, fqdns, hostnames, ip_addresses)
      select ${o.orgId}::uuid, 'SYS-' || lpad(g.i::text, 6, '0'), 'System ' || g.i,
        (array['critical', 'high', 'medium', 'low'])[1 + g.i % 4],
        case when x.way = 0 then array[x.host || '.bench.example.dk'] else array['sys-' || g.i || '.region.example.dk'] end,
        case when x.way = 1 then array[x.host] else array['sys-' || g.i] end,
        case when x.way = 2 then array[(x.net || '.10/32')::cidr]
             when x.way = 3 then array[(x.net || '.8/30')::cidr]
             else array[('172.16.' || (g.i >> 8) % 256 || '.' || g.i % 256 || '/32')::cidr] end
      from generate_series(0, ${o.systems}::int - 1) as g(i)
      cross join lateral (
        select case when g.i % 10 = 9 or g.i >= ${o.hosts}::int then -1 else g.i % 4 end as way,
               'host-' || lpad(g.i::text, 5, '0') as host,
               '10.' || (g.i >> 8) % 256 || '.' || g.i % 256 as net) x`.execute(tx.q);
  });
  const mapped = Math.min(o.systems, o.hosts);
  return mapped - Math.floor(mapped / 10);
}
