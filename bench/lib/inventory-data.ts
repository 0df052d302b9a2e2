import { sql } from 'kysely';
import type { AppContext } from '../../src/server/context.js';
import { withTenant } from '../../src/server/db/tenant.js';

/*
 * Systems for the list benchmark, written set-based: one `insert … select from generate_series`
 * per organisation, in the operator's scope (row-level security applies; the operator may write
 * any organisation's rows). Each property comes from its own hash of the row number
 * (hashint4, the same on both engines), so that no property follows the key order and the
 * figures do not depend on the order in which the rows were written.
 *
 * The spread (per organisation of N systems):
 *   key          one of ten department prefixes + the row number (EPJ-000001 … FYS-100000)
 *   name         "<area> <kind> [Kardiologi ]<n>": areas Journal, Laboratorie, Billeddiagnostik,
 *                Medicinering, Administration (a fifth each, so `journal` finds ~N/5); one row in
 *                a thousand carries "Kardiologi" (so `kardio` finds ~N/1000)
 *   criticality  critical 5 %, high 15 %, medium 35 %, low 25 %, not assessed 20 %
 *   health data  50 %; legacy 8 %; medical device 14.3 % (~1/7, with vendor and model)
 *   baseline     each item recorded as in place for 60–85 %, as not in place or not recorded for the
 *                rest; confirmation and test dates spread over the last 60–540 days, so that the
 *                date-dependent gaps (patch, contingency, restore test) are partly in, partly out
 *   sharing      the neighbour's first 100 systems are shared; one system in a thousand of the
 *                measured organisation is the local use of one of them
 */

export const SEARCH_RARE = 'kardio';
export const SEARCH_COMMON = 'journal';

/** The measured organisation's systems (`neighbour` set: link some to its shared systems). */
export async function insertSystems(
  ctx: AppContext,
  o: { orgId: string; count: number; neighbour?: { orgId: string; shared: number } },
): Promise<number> {
  const link = o.neighbour;
  const scope = { orgIds: link ? [o.orgId, link.orgId] : [o.orgId], operator: true };
  return withTenant(ctx.db.kysely, scope, async (tx) => {
    const r = await sql`
      insert into inventory_systems (org_id, key, name, health_data, health_data_categories, criticality,
        assessed_by, assessed_on, mtd_hours, rto_hours, rpo_hours, legacy, medical_device, vendor, product,
        model_number, version, hosting, hostnames, ip_addresses, fqdns, mfa, mfa_on, segmented, segmented_on,
        patch_status, patch_confirmed_on, endpoint_protection, endpoint_protection_on, backup, backup_on,
        contingency_plan, contingency_tested_on, restore_procedure, restore_tested_on, restore_result,
        shared_org_id, shared_system_id)
      select ${o.orgId}::uuid, k.key,
        (array['Journal', 'Laboratorie', 'Billeddiagnostik', 'Medicinering', 'Administration'])[1 + h.u2 % 5]
          || ' ' || (array['system', 'server', 'portal', 'database', 'modul', 'gateway', 'klient', 'arkiv',
                           'integration', 'platform', 'station', 'tjeneste'])[1 + h.u3 % 12]
          || case when h.u19 = 0 then ' Kardiologi' else '' end || ' ' || g.i,
        h.u4 < 500, case when h.u4 < 500 then array['journal', 'billeder'] else '{}' end,
        case when h.u5 < 50 then 'critical' when h.u5 < 200 then 'high' when h.u5 < 550 then 'medium'
             when h.u5 < 800 then 'low' end,
        case when h.u5 < 800 then 'Anne Holm' end,
        case when h.u5 < 800 then current_date - h.u6 % 400 end,
        1 + h.u6 % 48, 1 + h.u6 % 24, 0.25, h.u7 < 80, h.u8 < 143,
        case when h.u8 < 143 then 'Acme Medical' else 'Leverandør A/S' end,
        case when h.u8 < 143 then (array['Infusionspumpe', 'Patientmonitor', 'Ultralyd', 'Respirator'])[1 + h.u9 % 4]
             else 'Produkt ' || h.u9 % 300 end,
        case when h.u8 < 143 then 'P-' || h.u9 % 40 end,
        (h.u9 % 9) || '.' || (h.u9 % 4),
        (array['Regionalt datacenter', 'Lokalt', 'Leverandørens sky'])[1 + h.u10 % 3],
        array[lower(k.key), lower(k.key) || '-b'],
        array[('10.' || (g.i >> 16) % 256 || '.' || (g.i >> 8) % 256 || '.' || g.i % 256 || '/32')::cidr],
        array[lower(k.key) || '.region.example.dk'],
        case when h.u10 < 700 then true when h.u10 < 800 then false end,
        case when h.u10 < 800 then current_date - h.u11 % 300 end,
        case when h.u11 < 600 then true when h.u11 < 750 then false end,
        case when h.u11 < 750 then current_date - h.u12 % 300 end,
        case when h.u12 < 650 then 'current' when h.u12 < 850 then 'behind' end,
        case when h.u12 < 850 then current_date - h.u13 % 60 end,
        case when h.u13 < 800 then true when h.u13 < 900 then false end,
        case when h.u13 < 900 then current_date - h.u14 % 200 end,
        case when h.u14 < 850 then true when h.u14 < 920 then false end,
        case when h.u14 < 920 then current_date - h.u15 % 200 end,
        case when h.u15 < 600 then true when h.u15 < 800 then false end,
        case when h.u15 < 600 then current_date - h.u16 % 540 end,
        h.u16 < 700,
        case when h.u17 < 900 then current_date - h.u18 % 500 end,
        case when h.u17 < 700 then 'success' when h.u17 < 850 then 'partial' when h.u17 < 900 then 'failed' end,
        s.org_id, s.id
      from generate_series(1, ${o.count}::int) as g(i)
      cross join lateral (select ${sql.raw(hashes(19))}) as h
      cross join lateral (select (array['EPJ', 'LAB', 'RAD', 'MED', 'ADM', 'OPS', 'NET', 'IOT', 'PAT', 'FYS'])[1 + h.u1 % 10]
                                 || '-' || lpad(g.i::text, 6, '0') as key) as k
      left join lateral (select n.org_id, n.id from inventory_systems n
                         where ${
                           link
                             ? sql`g.i % 1000 = 7 and n.org_id = ${link.orgId}::uuid
                           and n.key = 'NB-' || lpad((1 + g.i / 1000 % ${link.shared}::int)::text, 6, '0')`
                             : sql`false`
                         }
                        ) as s on true`.execute(tx.q);
    return Number(r.numAffectedRows ?? 0n);
  });
}

/** The neighbouring organisation's systems: keys NB-…, names "Nabo …", the first `shared` shared. */
export async function insertNeighbourSystems(
  ctx: AppContext,
  o: { orgId: string; count: number; shared: number },
): Promise<number> {
  return withTenant(ctx.db.kysely, { orgIds: [o.orgId], operator: true }, async (tx) => {
    const r = await sql`
      insert into inventory_systems (org_id, key, name, health_data, criticality, legacy, medical_device,
        mfa, backup, shared)
      select ${o.orgId}::uuid, 'NB-' || lpad(g.i::text, 6, '0'), 'Nabo journal kardiologi ' || g.i,
        h.u1 < 500, (array['critical', 'high', 'medium', 'low'])[1 + h.u2 % 4], h.u3 < 80, h.u4 < 143,
        h.u5 < 700, h.u6 < 850, g.i <= ${o.shared}::int
      from generate_series(1, ${o.count}::int) as g(i)
      cross join lateral (select ${sql.raw(hashes(6))}) as h`.execute(tx.q);
    return Number(r.numAffectedRows ?? 0n);
  });
}

/** `u1 … un`: independent values 0–999 from the row number `g.i`. */
function hashes(n: number): string {
  return Array.from(
    { length: n },
    (_, j) => `((hashint4(g.i * ${n} + ${j})::bigint + 2147483648) % 1000)::int as u${j + 1}`,
  ).join(', ');
}
