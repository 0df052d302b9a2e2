import { sql } from 'kysely';
import type { AppContext } from '../../src/server/context.js';
import { withTenant } from '../../src/server/db/tenant.js';

/*
 * A sector for the scorecard benchmark, written set-based in the operator's scope (row-level
 * security applies; the operator may write any organisation's rows): organisations of every kind,
 * their systems, the sector unit's shared national systems and the other organisations' local use
 * of them (link rows), management's inventory confirmations and signed vulnerability reports.
 * One statement per table, whatever the number of organisations.
 *
 * Each property comes from its own hash (hashint8, the same on both engines) of the organisation's
 * and the row's number, so that organisations differ from each other and no property follows the
 * key order. Each organisation has a maturity (0–999) that moves its baseline: some are nearly
 * complete (and pass criteria), most have the gaps the audit found.
 *
 * The spread (the generated organisations; the sector unit and the measured region are created
 * by the caller):
 *   kinds        4 regions (1,500–2,500 systems each), 40 hospitals (300–700), 98 municipalities
 *                (80–200), 600 general practices (4–15), 200 pharmacies (3–10), 40 suppliers
 *                (10–40), the rest `other` (5–30): about 50,000 systems for 998 organisations
 *   criticality  critical 6 %, high 14 %, medium 30 %, low 30 %, not assessed 20 %
 *   health data  about 55 %; legacy 8 %; medical device ~12 % (mostly in regions and hospitals)
 *   baseline     each item in place for 40–95 % of an organisation's systems (its maturity), else
 *                not in place or not recorded; confirmation and test dates spread over the last
 *                0–540 days, so that the windows of criteria 7, 8 and 10 cut through them
 *   sharing      the sector unit owns NATIONAL_SYSTEMS shared national systems; every generated
 *                organisation links its first least(25, 1 + systems / 40) rows to them
 *   signatures   ~70 % of organisations have confirmed their inventory (signed 0–540 days ago),
 *                ~50 % have a signed vulnerability report (0–200 days ago)
 */

export const NATIONAL_SYSTEMS = 25;

const KINDS: ReadonlyArray<{ kind: string; prefix: string; orgs: number; lo: number; hi: number }> = [
  { kind: 'region', prefix: 'region', orgs: 4, lo: 1500, hi: 2500 },
  { kind: 'hospital', prefix: 'hospital', orgs: 40, lo: 300, hi: 700 },
  { kind: 'municipality', prefix: 'kommune', orgs: 98, lo: 80, hi: 200 },
  { kind: 'practice', prefix: 'praksis', orgs: 600, lo: 4, hi: 15 },
  { kind: 'pharmacy', prefix: 'apotek', orgs: 200, lo: 3, hi: 10 },
  { kind: 'supplier', prefix: 'leverandor', orgs: 40, lo: 10, hi: 40 },
  { kind: 'other', prefix: 'anden', orgs: 16, lo: 5, hi: 30 },
];

/** How many organisations insertSector writes. */
export const GENERATED_ORGANISATIONS = KINDS.reduce((n, k) => n + k.orgs, 0);

/** `u1 … un`: independent values 0–999 from the organisation's number `o.n` and the row's `g.i`. */
function hashes(n: number, row: string): string {
  return Array.from(
    { length: n },
    (_, j) =>
      `((hashint8((o.n::bigint * 1000003 + ${row}) * ${n} + ${j})::bigint + 2147483648) % 1000)::int as u${j + 1}`,
  ).join(', ');
}

export interface SectorFigures {
  organisations: number;
  systems: number;
  links: number;
  confirmations: number;
  reports: number;
}

/**
 * The sector around `sectorUnitId` (an existing organisation of kind sector_unit): its national
 * systems, GENERATED_ORGANISATIONS organisations with their systems, confirmations and reports.
 * `signerId`: an existing person recorded as signer (bench data only).
 */
export async function insertSector(
  ctx: AppContext,
  o: { sectorUnitId: string; signerId: string },
): Promise<SectorFigures> {
  return withTenant(ctx.db.kysely, { orgIds: [o.sectorUnitId], operator: true }, async (tx) => {
    const kinds = JSON.stringify(KINDS);
    const orgs = await sql`
      insert into organisations (slug, name, kind)
      select k.prefix || '-' || lpad(g.i::text, 3, '0'),
             initcap(k.prefix) || ' ' || g.i, k.kind
      from jsonb_to_recordset(${kinds}::jsonb) as k(kind text, prefix text, orgs int, lo int, hi int)
      cross join lateral generate_series(1, k.orgs) as g(i)`.execute(tx.q);

    // The sector unit's national systems: critical or high, health data, shared.
    await sql`
      insert into inventory_systems (org_id, key, name, health_data, health_data_categories, criticality,
        assessed_by, assessed_on, vendor, product, hosting, hostnames, fqdns, mfa, mfa_on, segmented,
        segmented_on, patch_status, patch_confirmed_on, contingency_plan, contingency_tested_on,
        restore_procedure, restore_tested_on, restore_result, shared)
      select ${o.sectorUnitId}::uuid, 'NAT-' || lpad(g.i::text, 3, '0'),
        (array['Fælles Medicinkort', 'Sundhedsjournalen', 'Nationalt Patientindeks', 'Vaccinationsregister',
               'MitID-broker', 'Sundhedsdatanettet', 'E-recept'])[1 + g.i % 7] || ' ' || g.i,
        true, array['journal', 'medicin'], case when g.i % 3 = 0 then 'high' else 'critical' end,
        'National koordinator', current_date - (g.i * 11) % 300,
        'Sundhedsdatastyrelsen', 'National platform ' || g.i, 'Statens datacenter',
        array['nat-' || g.i], array['nat-' || g.i || '.sundhed.example.dk'],
        true, current_date - g.i * 7, g.i % 5 <> 0, current_date - g.i * 5,
        'current', current_date - g.i, true, current_date - g.i * 13, true, current_date - g.i * 9,
        case when g.i % 6 = 0 then 'partial' else 'success' end, true
      from generate_series(1, ${NATIONAL_SYSTEMS}::int) as g(i)`.execute(tx.q);

    // Every generated organisation's systems, in one statement. o.n numbers the organisations,
    // o.size is the organisation's number of systems, o.m its maturity.
    const systems = await sql`
      with orgs as (
        select x.id, x.n, x.kind,
               k.lo + ((hashint8(x.n::bigint * 7919)::bigint + 2147483648) % (k.hi - k.lo + 1))::int as size,
               ((hashint8(x.n::bigint * 104729 + 1)::bigint + 2147483648) % 1000)::int as m
        from (select id, kind, split_part(slug, '-', 1) as prefix, row_number() over (order by slug) as n
              from organisations where kind <> 'sector_unit' and slug ~ '-[0-9]{3}$') x
        join jsonb_to_recordset(${kinds}::jsonb) as k(kind text, prefix text, orgs int, lo int, hi int)
          on k.prefix = x.prefix
      ),
      national as (
        select id, key, row_number() over (order by key) as j from inventory_systems
        where org_id = ${o.sectorUnitId}::uuid and shared
      )
      insert into inventory_systems (org_id, key, name, health_data, health_data_categories, criticality,
        assessed_by, assessed_on, mtd_hours, rto_hours, rpo_hours, legacy, medical_device, vendor, product,
        model_number, version, hosting, hostnames, fqdns, mfa, mfa_on, segmented, segmented_on,
        patch_status, patch_confirmed_on, endpoint_protection, endpoint_protection_on, backup, backup_on,
        contingency_plan, contingency_tested_on, restore_procedure, restore_tested_on, restore_result,
        shared_org_id, shared_system_id)
      select o.id, k.key,
        case when nat.id is not null then 'Lokal brug af ' || nat.key
             else (array['Journal', 'Laboratorie', 'Billeddiagnostik', 'Medicinering', 'Administration',
                         'Booking', 'Telemedicin'])[1 + h.u2 % 7] || ' '
                  || (array['system', 'server', 'portal', 'database', 'modul', 'gateway', 'klient', 'arkiv',
                            'integration', 'platform'])[1 + h.u3 % 10] || ' ' || g.i end,
        h.u4 < 550, case when h.u4 < 550 then array['journal'] else '{}' end,
        case when h.u5 < 60 then 'critical' when h.u5 < 200 then 'high' when h.u5 < 500 then 'medium'
             when h.u5 < 800 + o.m / 5 - 100 then 'low' end,
        case when h.u5 < 800 + o.m / 5 - 100 then 'Systemejer ' || (h.u6 % 40) end,
        case when h.u5 < 800 + o.m / 5 - 100 then current_date - h.u6 % 400 end,
        1 + h.u6 % 48, 1 + h.u6 % 24, 0.25, h.u7 < 80,
        o.kind in ('region', 'hospital') and h.u8 < 250,
        case when o.kind in ('region', 'hospital') and h.u8 < 250 then 'Acme Medical' else 'Leverandør A/S' end,
        case when o.kind in ('region', 'hospital') and h.u8 < 250
             then (array['Infusionspumpe', 'Patientmonitor', 'Ultralyd', 'Respirator'])[1 + h.u9 % 4]
             else 'Produkt ' || h.u9 % 300 end,
        case when o.kind in ('region', 'hospital') and h.u8 < 250 then 'P-' || h.u9 % 40 end,
        (h.u9 % 9) || '.' || (h.u9 % 4),
        (array['Regionalt datacenter', 'Lokalt', 'Leverandørens sky'])[1 + h.u10 % 3],
        array[lower(k.key)], array[lower(k.key) || '.' || o.n || '.example.dk'],
        -- The baseline: in place for 40 % (maturity 0) to 95 % (maturity 999) of the systems.
        case when h.u10 < 400 + o.m * 55 / 100 then true when h.u10 < 950 then false end,
        case when h.u10 < 950 then current_date - h.u11 % 300 end,
        case when h.u11 < 400 + o.m * 55 / 100 then true when h.u11 < 950 then false end,
        case when h.u11 < 950 then current_date - h.u12 % 300 end,
        case when h.u12 < 400 + o.m * 55 / 100 then 'current' when h.u12 < 950 then 'behind' end,
        case when h.u12 < 950 then current_date - (h.u13 % (20 + (1000 - o.m) / 10)) end,
        case when h.u13 < 450 + o.m / 2 then true when h.u13 < 950 then false end,
        case when h.u13 < 950 then current_date - h.u14 % 200 end,
        case when h.u14 < 500 + o.m * 45 / 100 then true when h.u14 < 960 then false end,
        case when h.u14 < 960 then current_date - h.u15 % 200 end,
        case when h.u15 < 400 + o.m * 55 / 100 then true when h.u15 < 950 then false end,
        case when h.u15 < 400 + o.m * 55 / 100 then current_date - h.u16 % (380 + (1000 - o.m) / 6) end,
        h.u16 < 400 + o.m * 55 / 100,
        case when h.u17 < 950 then current_date - h.u18 % (380 + (1000 - o.m) / 6) end,
        case when h.u17 < 400 + o.m * 55 / 100 then 'success' when h.u17 < 900 then 'partial'
             when h.u17 < 950 then 'failed' end,
        case when nat.id is not null then ${o.sectorUnitId}::uuid end, nat.id
      from orgs o
      cross join lateral generate_series(1, o.size) as g(i)
      cross join lateral (select ${sql.raw(hashes(18, 'g.i'))}) as h
      cross join lateral (select (array['EPJ', 'LAB', 'RAD', 'MED', 'ADM', 'OPS', 'NET', 'IOT'])[1 + h.u1 % 8]
                                 || '-' || lpad(g.i::text, 5, '0') as key) as k
      left join national nat
        on g.i <= least(${NATIONAL_SYSTEMS}::int, 1 + o.size / 40)
       and nat.j = 1 + (g.i + o.n) % ${NATIONAL_SYSTEMS}::int`.execute(tx.q);

    const links = await sql<{ n: string }>`select count(*) as n from inventory_systems
      where shared_org_id = ${o.sectorUnitId}::uuid`.execute(tx.q);

    // Management's confirmations of the inventory (~70 % of the organisations).
    const confirmations = await sql`
      insert into inventory_confirmations (org_id, signer_id, signer_name, signer_email, signed_at, systems,
        health_data_systems, snapshot, snapshot_sha256)
      select o.id, ${o.signerId}::uuid, 'Bench Ledelse', 'ledelse@bench.example.dk',
             now() - make_interval(days => u.h % 540), 0, 0, '{}', encode(sha256('{}'::bytea), 'hex')
      from organisations o
      cross join lateral (select ((hashint8(hashtext(o.slug)::bigint)::bigint + 2147483648) % 1000)::int as h) u
      where o.kind <> 'sector_unit' and o.slug ~ '-[0-9]{3}$' and u.h < 700`.execute(tx.q);

    // Signed vulnerability management reports (~50 %): the quarter of the signing day.
    const reports = await sql`
      insert into vulnerability_reports (org_id, quarter, lang, signer_id, signer_name, signer_email,
        signed_at, sha256, size, pdf)
      select o.id, to_char(t.at, 'YYYY-"Q"Q'), 'da', ${o.signerId}::uuid, 'Bench Ledelse',
             'ledelse@bench.example.dk', t.at, encode(sha256('%PDF-'::bytea), 'hex'), 5, '%PDF-'::bytea
      from organisations o
      cross join lateral (select ((hashint8(hashtext(o.slug)::bigint + 17)::bigint + 2147483648) % 1000)::int as h) u
      cross join lateral (select now() - make_interval(days => u.h % 200) as at) t
      where o.kind <> 'sector_unit' and o.slug ~ '-[0-9]{3}$' and u.h < 500`.execute(tx.q);

    return {
      organisations: Number(orgs.numAffectedRows ?? 0n),
      systems: Number(systems.numAffectedRows ?? 0n) + NATIONAL_SYSTEMS,
      links: Number(links.rows[0]?.n ?? 0),
      confirmations: Number(confirmations.numAffectedRows ?? 0n),
      reports: Number(reports.numAffectedRows ?? 0n),
    };
  });
}
