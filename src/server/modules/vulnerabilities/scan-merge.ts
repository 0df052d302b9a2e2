import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import { type ImportJob, stagedRows } from '../imports/framework.js';

/**
 * The SQL of a scan import's switch (docs/vulnerabilities.md), set-based over the staged items:
 * one transaction maps the scan's hosts to systems, merges its findings, closes those of its
 * scope that it no longer has and keeps its informational items as host facts.
 */

/** At most this many unmapped host names are listed in a summary (all are counted). */
export const UNMAPPED_LIST_CAP = 1000;

const staged = (job: ImportJob) =>
  stagedRows(job, {
    kind: 'text',
    fingerprint: 'text',
    family: 'text',
    host: 'text',
    port: 'integer',
    protocol: 'text',
    rule: 'text',
    host_ip: 'text',
    host_fqdn: 'text',
    host_name: 'text',
    title: 'text',
    severity: 'text',
    cvss: 'numeric',
    cvss_vector: 'text',
    cves: 'jsonb',
    description: 'text',
    solution: 'text',
    evidence: 'text',
    location_file: 'text',
    location_line: 'integer',
    suppressed: 'boolean',
  });

export async function systemExists(tx: Tx, orgId: string, key: string): Promise<boolean> {
  const r = await sql<{ id: string }>`
    select id from inventory_systems where org_id = ${orgId} and key = ${key}`.execute(tx.q);
  return r.rows.length > 0;
}

/**
 * The switch reads the staged items once into temporary tables (private to the transaction,
 * dropped at its end, analysed so that the statements after plan for their real size):
 *
 * - `scan_items`: every staged item, typed;
 * - `scan_findings`: the file's findings, one per identity (a finding listed twice merges into
 *   one: the first listing's values, every listing's CVE ids);
 * - `scan_hosts`: each host of the file (informational items included: a host whose findings are
 *   all gone was still scanned) with its system: the one given with the import (pinned: SARIF
 *   findings belong to it), else vaern_findings_system_for (migration 0018: exact FQDN, then host
 *   name, then IP address, then the most specific IP range);
 * - `scan_scope`: the scope of the scan, the (family, host) pairs of scan_items.
 *
 * Each is indexed on what the statements look up: right after a large import the planner takes
 * the findings table for nearly empty (its statistics lag), and would otherwise join row by row
 * through a scan (a re-scan of 100,000 findings spent 143 s closing).
 */
async function prepare(tx: Tx, job: ImportJob): Promise<void> {
  const org = job.org.id;
  const system = typeof job.options.system === 'string' ? job.options.system : null;
  await sql`create temporary table scan_items on commit drop as select * from ${staged(job)} st`.execute(
    tx.q,
  );
  await sql`create temporary table scan_findings on commit drop as
    with cves as (
      select i.fingerprint, array_agg(distinct c order by c) as cve_list
      from scan_items i cross join lateral jsonb_array_elements_text(i.cves) c
      where i.kind = 'finding' group by i.fingerprint)
    select distinct on (i.fingerprint) i.*, coalesce(c.cve_list, '{}') as cve_list
    from scan_items i left join cves c on c.fingerprint = i.fingerprint
    where i.kind = 'finding' order by i.fingerprint, i.row_no`.execute(tx.q);
  await sql`create temporary table scan_hosts on commit drop as
    with hosts as (
      select host, min(host_ip)::inet as ip, min(host_fqdn) as fqdn, min(host_name) as hname
      from scan_items group by host),
    given as (select id from inventory_systems where org_id = ${org} and key = ${system})
    select h.host, (select id from given) is not null as pinned,
           coalesce((select id from given), vaern_findings_system_for(${org}::uuid, h.host, h.ip, h.fqdn, h.hname))
             as system_id
    from hosts h`.execute(tx.q);
  // Lookups by identity and host: whatever the planner guesses for the findings (statistics lag
  // behind a large import), a probe stays an index probe.
  await sql`create temporary table scan_scope on commit drop as
    select distinct family, host from scan_items`.execute(tx.q);
  await sql`create index on scan_scope (family, host)`.execute(tx.q);
  await sql`create index on scan_findings (fingerprint)`.execute(tx.q);
  await sql`create index on scan_hosts (host)`.execute(tx.q);
  await sql`analyze scan_items`.execute(tx.q);
  await sql`analyze scan_findings`.execute(tx.q);
  await sql`analyze scan_hosts`.execute(tx.q);
  await sql`analyze scan_scope`.execute(tx.q);
}

export interface ScanMergeResult {
  new: number;
  stillOpen: number;
  reopened: number;
  closed: number;
  unmappedHosts: number;
  unmappedHostNames: string[];
}

/** The switch of a scan import, in the framework's one transaction. */
export async function mergeScan(tx: Tx, job: ImportJob): Promise<ScanMergeResult> {
  const org = job.org.id;
  const importId = job.importId;
  // Classify against the findings as they were (every CTE reads the same snapshot), then merge.
  await prepare(tx, job);
  const merged = await sql<{ severity: string; new: number; still_open: number; reopened: number }>`
    with s as (select * from scan_findings),
    prior as (select f.fingerprint, f.state from findings f join s on s.fingerprint = f.fingerprint
              where f.org_id = ${org}),
    upsert as (
      insert into findings as f (org_id, fingerprint, family, host, port, protocol, rule, host_ip, host_fqdn,
        host_name, system_id, system_pinned, title, severity, cvss, cvss_vector, cves, description, solution, evidence,
        location_file, location_line, state, first_import_id, last_import_id)
      select ${org}, s.fingerprint, s.family, s.host, s.port, s.protocol, s.rule, s.host_ip::inet, s.host_fqdn,
             s.host_name, m.system_id, m.pinned, s.title, s.severity, s.cvss, s.cvss_vector, s.cve_list, s.description,
             s.solution, s.evidence, s.location_file, s.location_line,
             case when s.suppressed then 'suppressed' else 'open' end, ${importId}::uuid, ${importId}::uuid
      from s left join scan_hosts m on m.host = s.host
      on conflict (org_id, fingerprint) do update set
        host_ip = excluded.host_ip, host_fqdn = excluded.host_fqdn, host_name = excluded.host_name,
        system_id = excluded.system_id, system_pinned = excluded.system_pinned, title = excluded.title, severity = excluded.severity,
        cvss = excluded.cvss, cvss_vector = excluded.cvss_vector, cves = excluded.cves,
        description = excluded.description, solution = excluded.solution, evidence = excluded.evidence,
        location_file = excluded.location_file, location_line = excluded.location_line,
        last_seen_at = now(), last_import_id = excluded.last_import_id, updated_at = now(),
        -- Back after a fix: open again (or suppressed, when the tool says so). A suppression
        -- follows the tool both ways; a person's decision (in progress, accepted, false
        -- positive) stays.
        state = case
          when f.state = 'fixed' then excluded.state
          when f.state = 'suppressed' and excluded.state = 'open' then 'open'
          when f.state in ('open', 'in_progress') and excluded.state = 'suppressed' then 'suppressed'
          else f.state end,
        state_changed_at = case
          when f.state = 'fixed' or (f.state = 'suppressed') <> (excluded.state = 'suppressed')
               and f.state in ('open', 'in_progress', 'suppressed') then now()
          else f.state_changed_at end,
        closed_at = case when f.state = 'fixed' then null else f.closed_at end,
        closed_by_import_id = case when f.state = 'fixed' then null else f.closed_by_import_id end,
        reopened_count = f.reopened_count + (f.state = 'fixed')::int,
        reopened_at = case when f.state = 'fixed' then now() else f.reopened_at end
      returning 1)
    select s.severity,
           count(*) filter (where p.fingerprint is null)::int as new,
           count(*) filter (where p.state is not null and p.state <> 'fixed')::int as still_open,
           count(*) filter (where p.state = 'fixed')::int as reopened,
           (select count(*) from upsert)::int as written
    from s left join prior p on p.fingerprint = s.fingerprint
    group by s.severity`.execute(tx.q);

  const closed = await sql<{ severity: string; n: number }>`
    with closing as (
    update findings f set state = 'fixed', state_changed_at = now(), closed_at = now(),
      closed_by_import_id = ${importId}::uuid, updated_at = now(),
      -- A risk accepted for what is now gone ends with it (the audit trail keeps the decision).
      state_reason = null, accepted_by = null, accepted_until = null
    where f.org_id = ${org}
      and exists (select 1 from scan_scope sc where sc.family = f.family and sc.host = f.host)
      and f.state in ('open', 'in_progress', 'risk_accepted', 'suppressed')
      and not exists (select 1 from scan_findings s where s.fingerprint = f.fingerprint)
    returning f.severity)
    select severity, count(*)::int as n from closing group by severity`.execute(tx.q);

  await sql`
    with facts as (select distinct on (fingerprint) * from scan_items where kind = 'fact' order by fingerprint, row_no)
    insert into scan_host_facts as h (org_id, fingerprint, family, host, port, protocol, rule, title, evidence,
      last_import_id)
    select ${org}, fingerprint, family, host, port, protocol, rule, title, evidence, ${importId}::uuid from facts
    on conflict (org_id, fingerprint) do update set title = excluded.title, evidence = excluded.evidence,
      last_seen_at = now(), last_import_id = excluded.last_import_id`.execute(tx.q);

  const unmapped = await sql<{ host: string; total: number }>`
    select host, count(*) over ()::int as total from scan_hosts where system_id is null
    order by host limit ${UNMAPPED_LIST_CAP}`.execute(tx.q);

  // Due dates of the findings this scan saw (new, still open, back).
  await sql`select vaern_findings_recompute_due(${org}::uuid, ${importId}::uuid)`.execute(tx.q);

  // Today's figures: what this scan opened (new and back) and closed, by severity.
  const delta: Record<string, [number, number]> = {};
  for (const r of merged.rows) delta[r.severity] = [r.new + r.reopened, 0];
  for (const r of closed.rows) delta[r.severity] = [delta[r.severity]?.[0] ?? 0, r.n];
  await sql`select vaern_findings_count_day(${org}::uuid, ${JSON.stringify(delta)}::jsonb)`.execute(tx.q);

  const sum = (key: 'new' | 'still_open' | 'reopened') => merged.rows.reduce((n, r) => n + r[key], 0);
  return {
    new: sum('new'),
    stillOpen: sum('still_open'),
    reopened: sum('reopened'),
    closed: closed.rows.reduce((n, r) => n + r.n, 0),
    unmappedHosts: unmapped.rows[0]?.total ?? 0,
    unmappedHostNames: unmapped.rows.map((r) => r.host),
  };
}
