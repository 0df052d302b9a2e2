import { sql } from 'kysely';
import type { AppContext } from '../../src/server/context.js';
import { withTenant } from '../../src/server/db/tenant.js';
import { progress, secondsSince } from './report.js';

/*
 * The sector's findings for bench:findings, written set-based in the operator's scope: ORGS
 * organisations of very different sizes (one big region with 30 % of the findings, the others
 * by 1/k), one system per 1,000 findings (at least 5) with a criticality, four hosts per system
 * (one host in 20 maps to no system), and SCANS weekly scans per organisation (imports of kind
 * `scan`, the last one today). Each finding was first seen by one scan (half by the first),
 * has a severity, a state (fixed ones closed by a later scan), at most one CVE (1 in 53 of them in
 * KEV), and the due date the default SLA gives it (vaern_findings_default_sla). Rows are small:
 * short titles, no descriptions.
 *
 * A finding's id is the first half of its fingerprint (a version-4 uuid, as random as gen_random_uuid's), and
 * each organisation's rows are written in that order, so that the primary key and the identity
 * index are appended to rather than written at random (the load would otherwise take hours).
 * The findings' secondary indexes are dropped for the load and created again from their own
 * definitions (pg_indexes), then the table is vacuumed and analysed as autovacuum would; the
 * daily figures are then written by the product's functions: vaern_findings_refresh_days for the
 * past days, vaern_findings_count_day for today (what each import and state change calls).
 */

export const ORGS = 200;
export const SCANS = 18;
export const BIG_SHARE = 0.3;
export const BIG_SLUG = 'region-bench';
export const SECTOR_SLUG = 'sektorenheden';

/** How many findings each organisation gets: the big region first, then 1/k of the rest. */
export function orgSizes(total: number): number[] {
  const big = Math.round(total * BIG_SHARE);
  const weights = Array.from({ length: ORGS - 1 }, (_, i) => 1 / (i + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const rest = weights.map((w) => Math.max(1, Math.floor(((total - big) * w) / sum)));
  const short = total - big - rest.reduce((a, b) => a + b, 0);
  rest[0] = (rest[0] ?? 0) + short;
  return [big, ...rest];
}

const TITLES = [
  'OpenSSL outdated',
  'TLS 1.0 enabled',
  'SMB signing not required',
  'Apache httpd outdated',
  'SSH weak MAC algorithms',
  'Windows update missing',
  'Java SE outdated',
  'PHP outdated',
  'OpenSSH outdated',
  'RDP without NLA',
  'Self-signed certificate',
  'SNMP default community',
  'Tomcat outdated',
  'IIS version disclosure',
  'jQuery outdated',
  'Log4j remote code execution',
  'Print spooler enabled',
  'NTP mode 6 enabled',
  'Oracle DB outdated',
  'VMware ESXi outdated',
];

export interface Generated {
  findings: number;
  organisations: number;
  systems: number;
  generate_s: number;
  /** The big region's id, its busiest system's key, one of its hosts, its last scan. */
  big: { id: string; system: string; host: string; lastScan: string };
}

export async function generateFindings(ctx: AppContext, total: number): Promise<Generated> {
  const started = performance.now();
  const operator = { orgIds: [], operator: true };
  const sizes = orgSizes(total);
  const orgIds = await withTenant(ctx.db.kysely, operator, async (tx) => {
    await sql`insert into organisations (slug, name, kind) values (${SECTOR_SLUG}, 'Sektorenheden', 'sector_unit')`.execute(
      tx.q,
    );
    const r = await sql<{ id: string }>`
      insert into organisations (slug, name, kind)
      select case when g = 1 then ${BIG_SLUG} else 'org-' || lpad(g::text, 3, '0') end,
             case when g = 1 then 'Region Bench' else 'Organisation ' || g end,
             case when g = 1 then 'region' else (array['region', 'hospital', 'municipality', 'practice', 'pharmacy'])[1 + g % 5] end
      from generate_series(1, ${ORGS}::int) g order by g
      returning id`.execute(tx.q);
    const ids = r.rows.map((row) => row.id);
    // Systems: one per 1,000 findings, at least 5; criticality 10 % critical, 20 % high,
    // 30 % medium, 25 % low, 15 % not assessed.
    await sql`
      insert into inventory_systems (org_id, key, name, criticality)
      select o.id, 'SYS-' || lpad(g::text, 5, '0'), 'System ' || g,
             case when g % 20 < 2 then 'critical' when g % 20 < 6 then 'high' when g % 20 < 12 then 'medium'
                  when g % 20 < 17 then 'low' end
      from unnest(${ids}::uuid[], ${sizes.map((n) => Math.max(5, Math.round(n / 1000)))}::int[]) as o(id, systems)
      cross join lateral generate_series(1, o.systems) g`.execute(tx.q);
    // Weekly scans, the last one today.
    await sql`
      insert into imports (org_id, kind, status, created_by, created_at, finished_at, rows, processed)
      select o.id, 'scan', 'succeeded', '{"kind": "operator"}'::jsonb,
             now() - ((${SCANS - 1} - k) * interval '7 days') - interval '1 hour',
             now() - ((${SCANS - 1} - k) * interval '7 days') - interval '50 minutes', 0, 0
      from unnest(${ids}::uuid[]) as o(id) cross join generate_series(0, ${SCANS - 1}) k`.execute(tx.q);
    return ids;
  });
  progress(`${ORGS} organisations, systems and scans (${secondsSince(started)} s)`);

  const kysely = ctx.db.kysely;
  const indexes = await sql<{ name: string; def: string }>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = current_schema() and i.tablename = 'findings'
      and not exists (select 1 from pg_constraint c where c.conrelid = 'findings'::regclass and c.conname = i.indexname)
    order by i.indexname`.execute(kysely);
  for (const ix of indexes.rows) await sql`drop index ${sql.ref(ix.name)}`.execute(kysely);

  for (let o = 0; o < ORGS; o++) {
    const orgId = orgIds[o] ?? '';
    const n = sizes[o] ?? 0;
    const systems = Math.max(5, Math.round(n / 1000));
    const hosts = systems * 4;
    await withTenant(ctx.db.kysely, operator, async (tx) => {
      await sql`select set_config('work_mem', '512MB', true)`.execute(tx.q);
      await sql`
        with imps as (
          select array_agg(id order by finished_at) as ids, array_agg(finished_at order by finished_at) as ats
          from imports where org_id = ${orgId} and kind = 'scan'),
        sys as (
          select id, criticality, row_number() over (order by key) as no
          from inventory_systems where org_id = ${orgId}),
        sla as (
          select s.key as severity, c.key as crit, c.value::int as days
          from jsonb_each(vaern_findings_default_sla() -> 'days') s cross join jsonb_each_text(s.value) c),
        g as (
          select j, j % ${hosts} as host_no, j / ${hosts} as rule_no,
                 abs(hashint4(j * 31 + ${o})) % 100 as sev_p, abs(hashint4(j * 17 + ${o} * 7 + 1)) % 100 as st_p,
                 abs(hashint4(j * 13 + ${o} * 3 + 2)) % 100 as fi_p, abs(hashint4(j * 7 + ${o} + 3)) as r
          from generate_series(0, ${n - 1}::int) j),
        x as (
          select g.*,
                 case when sev_p < 2 then 'info' when sev_p < 27 then 'low' when sev_p < 67 then 'medium'
                      when sev_p < 90 then 'high' else 'critical' end as severity,
                 case when fi_p < 50 then 0 else (fi_p - 50) * ${SCANS} / 50 end as fi,
                 case when host_no % 20 = 19 then null else host_no % ${systems} + 1 end as sys_no,
                 case when r % 10 < 7 then r / 10 % 8000 end as cve_no,
                 case when host_no % 4 = 3 then 'openvas' else 'nessus' end as family,
                 'h' || host_no || '.o' || ${o} || '.example.dk' as host,
                 (10000 + rule_no * 7 + host_no % 7)::text as rule,
                 (array[443, 80, 22, 3389, 445, 8080, null, null])[1 + rule_no % 8] as port
          from g),
        y as (
          select x.*,
                 case when st_p < 38 or fi = ${SCANS - 1} then 'open' when st_p < 43 then 'in_progress'
                      when st_p < 46 then 'risk_accepted' when st_p < 48 then 'false_positive'
                      when st_p < 49 then 'suppressed' else 'fixed' end as state,
                 -- The scan that closed a fixed one (0-based), after the one that found it.
                 fi + 1 + (r / 100000) % greatest(1, ${SCANS - 1} - fi) as ci,
                 sys.id as system_id, sys.criticality as crit,
                 cve_no is not null and cve_no < 150 as in_kev,
                 imps.ids, imps.ats,
                 md5(${o} || '/' || family || '/' || host || '/' || rule || '/' || coalesce(port, -1)) as h
          from x cross join imps left join sys on sys.no = x.sys_no)
        insert into findings (org_id, id, fingerprint, family, host, port, protocol, rule, host_ip, host_fqdn,
          system_id, title, severity, cvss, cves, state, state_changed_at, accepted_until, first_seen_at,
          last_seen_at, first_import_id, last_import_id, closed_at, closed_by_import_id, due_on, in_kev,
          created_at, updated_at)
        select ${orgId},
               (substr(y.h, 1, 12) || '4' || substr(y.h, 14, 3) || '8' || substr(y.h, 18, 15))::uuid,
               y.h || md5(rule || '/' || host), family, host, port, case when port is not null then 'tcp' end, rule,
               ('10.' || (host_no / 65536 % 256) || '.' || (host_no / 256 % 256) || '.' || (host_no % 256))::inet,
               host, system_id,
               (${TITLES}::text[])[1 + rule_no % ${TITLES.length}] || ' ' || rule, y.severity,
               case y.severity when 'critical' then 9.8 when 'high' then 7.5 when 'medium' then 5.3
                 when 'low' then 3.1 end,
               case when cve_no is null then '{}'::text[]
                    else array['CVE-' || (2015 + cve_no % 11) || '-' || (1000 + cve_no)] end,
               state,
               case when state = 'fixed' then ats[ci + 1] when state <> 'open' then ats[fi + 1] + interval '1 day' end,
               case when state = 'risk_accepted' then current_date + 30 + r % 300 end,
               ats[fi + 1],
               case when state = 'fixed' then ats[ci] else ats[${SCANS}] end,
               ids[fi + 1],
               case when state = 'fixed' then ids[ci] else ids[${SCANS}] end,
               case when state = 'fixed' then ats[ci + 1] end,
               case when state = 'fixed' then ids[ci + 1] end,
               (ats[fi + 1] at time zone 'UTC')::date
                 + least(sla.days, case when in_kev then 7 end),
               in_kev, ats[fi + 1], now()
        from y left join sla on sla.severity = y.severity and sla.crit = coalesce(y.crit, 'unassessed')
        order by y.h`.execute(tx.q);
    });
    if (o === 0 || o % 20 === 19) progress(`findings: ${o + 1} organisations (${secondsSince(started)} s)`);
  }

  await kysely.connection().execute(async (c) => {
    await sql`set maintenance_work_mem = '1GB'`.execute(c);
    for (const ix of indexes.rows) {
      const t = performance.now();
      await sql.raw(ix.def).execute(c);
      progress(`index ${ix.name} (${secondsSince(t)} s)`);
    }
    await sql`vacuum (analyze) findings`.execute(c);
    await sql`analyze`.execute(c);
    await sql`reset maintenance_work_mem`.execute(c);
  });
  progress(`indexes, vacuum and analyze (${secondsSince(started)} s)`);

  // The daily figures, by the product's functions; the last scan's summary as the import writes it.
  for (const orgId of orgIds) {
    await withTenant(ctx.db.kysely, operator, async (tx) => {
      await sql`select vaern_findings_refresh_days(${orgId}::uuid, current_date - ${SCANS * 7}::int, current_date)`.execute(
        tx.q,
      );
      await sql`select vaern_findings_count_day(${orgId}::uuid, '{}'::jsonb)`.execute(tx.q);
    });
  }
  // Each organisation's last scan: what it found new, saw again and closed (one pass).
  await withTenant(ctx.db.kysely, operator, async (tx) => {
    await sql`
      with last as (
        select distinct on (org_id) org_id, id from imports where kind = 'scan' order by org_id, finished_at desc),
      s as (
        select l.org_id, l.id, count(*) filter (where f.first_import_id = l.id)::int as new,
               count(*) filter (where f.last_import_id = l.id)::int as seen,
               count(*) filter (where f.closed_by_import_id = l.id)::int as closed
        from findings f join last l on l.org_id = f.org_id group by l.org_id, l.id)
      update imports i set extra = jsonb_build_object('new', s.new, 'still_open', s.seen - s.new,
          'reopened', 0, 'closed', s.closed, 'informational', 0, 'unmapped_hosts', 0),
        rows = s.seen, processed = s.seen
      from s where i.org_id = s.org_id and i.id = s.id`.execute(tx.q);
  });
  await sql`analyze finding_daily_counts`.execute(kysely);
  await sql`analyze imports`.execute(kysely);
  const generateS = secondsSince(started);
  progress(`daily figures and scan summaries (${generateS} s)`);

  const bigId = orgIds[0] ?? '';
  const facts = await withTenant(ctx.db.kysely, operator, async (tx) => {
    const counted = await sql<{ n: number }>`select count(*)::int as n from findings`.execute(tx.q);
    const system = await sql<{ key: string }>`
      select s.key from inventory_systems s where s.org_id = ${bigId} order by s.key limit 1`.execute(tx.q);
    const host = await sql<{ host: string }>`
      select host from findings where org_id = ${bigId} and system_id is not null limit 1`.execute(tx.q);
    const scan = await sql<{ id: string }>`
      select id from imports where org_id = ${bigId} and kind = 'scan' order by finished_at desc limit 1`.execute(
      tx.q,
    );
    const systems = await sql<{ n: number }>`select count(*)::int as n from inventory_systems`.execute(tx.q);
    return {
      findings: counted.rows[0]?.n ?? 0,
      systems: systems.rows[0]?.n ?? 0,
      system: system.rows[0]?.key ?? '',
      host: host.rows[0]?.host ?? '',
      lastScan: scan.rows[0]?.id ?? '',
    };
  });
  return {
    findings: facts.findings,
    organisations: ORGS,
    systems: facts.systems,
    generate_s: generateS,
    big: { id: bigId, system: facts.system, host: facts.host, lastScan: facts.lastScan },
  };
}
