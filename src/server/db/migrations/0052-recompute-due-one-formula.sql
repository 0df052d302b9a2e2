-- Due dates from one formula, and for one finding when only one is new.
--
-- vaern_findings_recompute_due wrote the SLA formula out a second time (beside
-- vaern_findings_due_days, which the scan import's switch uses, migration 0030); it now reads the
-- organisation's SLA with vaern_findings_sla and the days with vaern_findings_due_days, so the two
-- cannot drift apart. Its second parameter was an import (nothing passed one since migration 0041
-- made re-scans record their scopes); it is now a finding: with it only that finding is computed
-- (a penetration-test finding entered by hand recomputed every unfinished finding of its
-- organisation). Without it, as before: every unfinished finding of the organisation.
drop function vaern_findings_recompute_due(uuid, uuid);
create function vaern_findings_recompute_due(p_org uuid, p_finding uuid default null) returns integer
  language plpgsql
  as $$
  declare
    changed integer;
  begin
    with x as (
      select f.org_id, f.id, f.first_seen_at,
             exists (select 1 from kev_entries k where k.cve = any (f.cves)) as in_kev,
             (select max(e.epss) from epss_scores e where e.cve = any (f.cves)) as epss,
             (select max(e.percentile) from epss_scores e where e.cve = any (f.cves)) as pct,
             f.severity, sy.criticality
      from findings f
      left join inventory_systems sy on sy.org_id = f.org_id and sy.id = f.system_id
      where f.org_id = p_org and f.state in ('open', 'in_progress', 'risk_accepted', 'suppressed')
        and (p_finding is null or f.id = p_finding)),
    due as (
      select x.org_id, x.id, x.in_kev, x.epss, x.pct,
             (x.first_seen_at at time zone 'UTC')::date
               + vaern_findings_due_days(sla.p, x.severity, x.criticality, x.in_kev, x.epss, x.pct) as due_on
      from x cross join (select vaern_findings_sla(p_org) as p offset 0) sla),
    upd as (
      update findings f set in_kev = d.in_kev, epss = d.epss, epss_percentile = d.pct, due_on = d.due_on
      from due d
      where f.org_id = d.org_id and f.id = d.id
        and (f.in_kev, f.epss, f.epss_percentile, f.due_on) is distinct from (d.in_kev, d.epss, d.pct, d.due_on)
      returning 1)
    select count(*) into changed from upd;
    return changed;
  end
  $$;
grant execute on function vaern_findings_recompute_due(uuid, uuid) to vaern_app;
