-- A re-scan writes only the findings that change (issue 5; docs/vulnerabilities.md, "How a scan
-- is merged").
--
-- A re-scan sees most findings again unchanged. Writing each of them only to note that it was
-- seen (last_seen_at, last_import_id) cost a new row version and an entry in every index per
-- finding. Instead the scan records, once per (scanner family, host) of its scope, when it
-- scanned it: an unfinished finding (open, in progress, risk accepted, suppressed) of a scanned
-- scope that the scan did not close was seen by it, so its last sighting is the later of its own
-- `last_seen_at` and its scope's `last_scanned_at`, unless its state changed after that scan
-- (a person who reopens a fixed finding; the scan that closed it did not see it). Every write
-- that changes a finding's state first stores the sighting so derived in `last_seen_at`.

create table scan_scopes (
  org_id uuid not null references organisations (id),
  family text not null,
  host text not null,
  last_import_id uuid not null,
  last_scanned_at timestamptz not null,
  primary key (org_id, family, host)
);
alter table scan_scopes enable row level security;
alter table scan_scopes force row level security;
create policy scan_scopes_tenant on scan_scopes to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy scan_scopes_definer on scan_scopes to vaern_definer using (true) with check (true);
grant select, insert, update, delete on scan_scopes to vaern_app, vaern_definer;

-- The scopes scanned so far: the last import of each (family, host) its findings name.
insert into scan_scopes (org_id, family, host, last_import_id, last_scanned_at)
select distinct on (f.org_id, f.family, f.host) f.org_id, f.family, f.host, f.last_import_id, f.last_seen_at
from findings f
where f.last_import_id is not null
order by f.org_id, f.family, f.host, f.last_seen_at desc;

-- When a finding was last seen by a scan: its own `last_seen_at`, or the last scan of its scope
-- when that saw it (above). `p_*` are the finding's columns, `p_scanned_at` its scope's
-- last_scanned_at (null: never scanned).
create function vaern_findings_last_seen(p_state text, p_last_seen_at timestamptz,
                                         p_state_changed_at timestamptz, p_scanned_at timestamptz)
  returns timestamptz
  language sql immutable
  as $$
    select case when p_state in ('open', 'in_progress', 'risk_accepted', 'suppressed')
                     and p_scanned_at > p_last_seen_at
                     and (p_state_changed_at is null or p_scanned_at >= p_state_changed_at)
                then p_scanned_at else p_last_seen_at end
  $$;
grant execute on function vaern_findings_last_seen(text, timestamptz, timestamptz, timestamptz) to vaern_app;

-- As in 0018, but "the findings one scan import saw" (p_import) now also counts the unfinished
-- findings of the scopes that import was the last to scan: a re-scan no longer writes
-- last_import_id on the findings it sees unchanged.
create or replace function vaern_findings_recompute_due(p_org uuid, p_import uuid default null) returns integer
  language plpgsql
  as $$
  declare
    changed integer;
  begin
    with sla as (
      select coalesce(to_jsonb(v) - 'org_id' - 'updated_at', vaern_findings_default_sla()) as p
      from (select 1) one left join vulnerability_sla v on v.org_id = p_org),
    x as (
      select f.org_id, f.id,
             exists (select 1 from kev_entries k where k.cve = any (f.cves)) as in_kev,
             (select max(e.epss) from epss_scores e where e.cve = any (f.cves)) as epss,
             (select max(e.percentile) from epss_scores e where e.cve = any (f.cves)) as pct,
             (sla.p -> 'days' -> f.severity ->> coalesce(sy.criticality, 'unassessed'))::int as base_days,
             sla.p
      from findings f cross join sla
      left join inventory_systems sy on sy.org_id = f.org_id and sy.id = f.system_id
      where f.org_id = p_org and f.state in ('open', 'in_progress', 'risk_accepted', 'suppressed')
        and (p_import is null or f.last_import_id = p_import
             or exists (select 1 from scan_scopes s where s.org_id = f.org_id and s.family = f.family
                          and s.host = f.host and s.last_import_id = p_import))),
    due as (
      select x.org_id, x.id, x.in_kev, x.epss, x.pct,
             case when x.base_days is null then null else least(
               x.base_days,
               case when x.in_kev then (x.p ->> 'kev_max_days')::int end,
               case when x.epss >= (x.p ->> 'epss_score_threshold')::numeric
                      or x.pct >= (x.p ->> 'epss_percentile_threshold')::numeric
                    then (x.p ->> 'epss_max_days')::int end) end as days
      from x),
    upd as (
      update findings f set in_kev = d.in_kev, epss = d.epss, epss_percentile = d.pct,
        due_on = (f.first_seen_at at time zone 'UTC')::date + d.days
      from due d
      where f.org_id = d.org_id and f.id = d.id
        and (f.in_kev, f.epss, f.epss_percentile, f.due_on)
            is distinct from (d.in_kev, d.epss, d.pct, (f.first_seen_at at time zone 'UTC')::date + d.days)
      returning 1)
    select count(*) into changed from upd;
    return changed;
  end
  $$;
