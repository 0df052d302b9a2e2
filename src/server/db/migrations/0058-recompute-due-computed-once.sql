-- The due dates' recomputation computes each finding's due date once (issue 5;
-- docs/vulnerabilities.md, "SLA and due dates").
--
-- vaern_findings_recompute_due (0052) wrote its per-finding values through CTEs that the planner
-- inlined into the UPDATE. Right after a scan, before the findings were analysed (they were
-- believed to be one row), the join could be planned as a nested loop that computed every
-- finding's values again for each finding: 16 s for 6,000 findings on the embedded database
-- (measured 2026-11-25, the re-mapping job after a scan, which recomputes the due dates). Here the
-- values are materialised once and the findings updated by their ids. Same result.
create or replace function vaern_findings_recompute_due(p_org uuid, p_finding uuid default null) returns integer
  language plpgsql
  as $$
  declare
    changed integer;
  begin
    with x as materialized (
      select f.org_id, f.id, f.first_seen_at,
             exists (select 1 from kev_entries k where k.cve = any (f.cves)) as in_kev,
             (select max(e.epss) from epss_scores e where e.cve = any (f.cves)) as epss,
             (select max(e.percentile) from epss_scores e where e.cve = any (f.cves)) as pct,
             f.severity, sy.criticality, f.in_kev as was_kev, f.epss as was_epss,
             f.epss_percentile as was_pct, f.due_on as was_due
      from findings f
      left join inventory_systems sy on sy.org_id = f.org_id and sy.id = f.system_id
      where f.org_id = p_org and f.state in ('open', 'in_progress', 'risk_accepted', 'suppressed')
        and (p_finding is null or f.id = p_finding)),
    due as materialized (
      select d.* from (
        select x.id, x.in_kev, x.epss, x.pct, x.was_kev, x.was_epss, x.was_pct, x.was_due,
               (x.first_seen_at at time zone 'UTC')::date
                 + vaern_findings_due_days(sla.p, x.severity, x.criticality, x.in_kev, x.epss, x.pct) as due_on
        from x cross join (select vaern_findings_sla(p_org) as p offset 0) sla) d
      where (d.was_kev, d.was_epss, d.was_pct, d.was_due) is distinct from (d.in_kev, d.epss, d.pct, d.due_on)),
    upd as (
      update findings f set in_kev = d.in_kev, epss = d.epss, epss_percentile = d.pct, due_on = d.due_on
      from due d
      where f.org_id = p_org and f.id = d.id
        and (f.in_kev, f.epss, f.epss_percentile, f.due_on) is distinct from (d.in_kev, d.epss, d.pct, d.due_on)
      returning 1)
    select count(*) into changed from upd;
    return changed;
  end
  $$;
