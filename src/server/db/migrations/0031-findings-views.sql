-- Findings' views fast over 10 million findings (issue 5; docs/vulnerabilities.md, "Views at scale").

-- Rebuilds one organisation's daily figures (finding_daily_counts) for the days p_from…p_to from
-- its findings: a finding counts as unfinished from the day it was first seen until the day it was
-- fixed (closed_at) or marked a false positive (state_changed_at); `opened` counts the findings
-- first seen that day, `closed` those fixed that day. For a backfill (figures of days before
-- they were kept) or a repair; imports and state changes keep today's row with
-- vaern_findings_count_day. Runs as the caller (row-level security applies); returns the rows written.
create function vaern_findings_refresh_days(p_org uuid, p_from date, p_to date) returns integer
  language sql
  as $$
    with f as (
      select severity, (first_seen_at at time zone 'UTC')::date as a,
             case when state = 'fixed' then (closed_at at time zone 'UTC')::date
                  when state = 'false_positive' then (coalesce(state_changed_at, first_seen_at) at time zone 'UTC')::date
             end as b,
             state = 'fixed' as fixed
      from findings where org_id = p_org),
    ev as (
      select severity, a as day, 1 as delta, 1 as opened, 0 as closed from f
      union all
      select severity, b, -1, 0, fixed::int from f where b is not null),
    per as (
      select severity, day, sum(delta) as delta, sum(opened) as opened, sum(closed) as closed
      from ev group by severity, day),
    base as (select severity, sum(delta) as n from per where day < p_from group by severity),
    days as (
      select d::date as day, s.severity
      from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') d
      cross join unnest(array['info', 'low', 'medium', 'high', 'critical']) as s(severity)),
    x as (
      select d.day, d.severity,
             coalesce(b.n, 0) + sum(coalesce(p.delta, 0)) over (partition by d.severity order by d.day) as open_total,
             coalesce(p.opened, 0) as opened, coalesce(p.closed, 0) as closed
      from days d left join per p on p.day = d.day and p.severity = d.severity
      left join base b on b.severity = d.severity),
    w as (
      insert into finding_daily_counts as c (org_id, day, severity, open_total, opened, closed)
      select p_org, x.day, x.severity, x.open_total, x.opened, x.closed from x
      on conflict (org_id, day, severity) do update set open_total = excluded.open_total,
        opened = excluded.opened, closed = excluded.closed
      returning 1)
    select count(*)::int from w
  $$;
grant execute on function vaern_findings_refresh_days(uuid, date, date) to vaern_app;

-- Indexes for the lists (findings-queries.ts, listFindings). A page is read as one short walk per
-- (state, severity): `state = S and severity_rank = R order by id`, merged worst first. The
-- state index carries the columns the cheap filters need (overdue, KEV, unmapped, system) so
-- that a walk that skips rows skips them in the index, and the daily figures count from it alone.
drop index findings_state;
create index findings_state on findings (org_id, state, severity_rank, id) include (due_on, in_kev, system_id);
-- New since a scan: the findings it saw first, worst first.
drop index findings_first_import;
create index findings_first_import on findings (org_id, first_import_id, severity_rank, id);
-- The scope of a re-scan is (family, host); the list's host filter and the re-mapping read by host.
drop index findings_scope;
create index findings_scope on findings (org_id, host, family);
-- Hosts that map to no system, in order (GET …/findings/unmapped-hosts).
create index findings_unmapped on findings (org_id, host) where system_id is null;

-- A large table: vacuum (and so the visibility map the index-only counts rely on) after 2 % of
-- its rows changed rather than 20 %.
alter table findings set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.02);

-- The dashboard's figures per day and severity, beside the open total: open or in progress and
-- overdue, open or in progress with a CVE in KEV (as of the last count that day).
alter table finding_daily_counts add column overdue integer not null default 0,
  add column kev_open integer not null default 0;

-- Open or in-progress findings per system and severity, with how many are overdue, as of the last
-- count (the dashboard's top systems; the list by system). Rewritten whole by
-- vaern_findings_count_day.
create table finding_system_counts (
  org_id uuid not null references organisations (id),
  system_id uuid not null,
  severity text not null check (severity in ('info', 'low', 'medium', 'high', 'critical')),
  open_total integer not null,
  overdue integer not null,
  primary key (org_id, system_id, severity),
  foreign key (org_id, system_id) references inventory_systems (org_id, id) on delete cascade
);
alter table finding_system_counts enable row level security;
alter table finding_system_counts force row level security;
create policy finding_system_counts_tenant on finding_system_counts to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy finding_system_counts_definer on finding_system_counts to vaern_definer using (true) with check (true);
grant select, insert, update, delete on finding_system_counts to vaern_app, vaern_definer;

-- Rewrites today's figures of one organisation from its findings and adds what the caller says
-- today brought: JSON {severity: [opened, closed]}. Called by every scan import, every change of
-- a finding's state, after due dates are recomputed (scans, SLA, KEV, EPSS, the daily job) and
-- after the re-mapping. One pass over the state index alone (index-only; no row-level check per
-- finding: a definer function that answers only for an organisation the caller sees), so that
-- it stays well under a second at 3 million findings.
drop function vaern_findings_count_day(uuid, jsonb);
create function vaern_findings_count_day(p_org uuid, p_delta jsonb) returns void
  language plpgsql security definer set search_path = pg_catalog, public
  as $$
    declare
      severities constant text[] := array['critical', 'high', 'medium', 'low', 'info'];
    begin
      if not vaern_sees_org(p_org) then
        raise exception 'vaern_findings_count_day: organisation not visible' using errcode = '42501';
      end if;
      with c as (
        select f.system_id, f.severity_rank, grouping(f.system_id) as all_systems,
               count(*)::int as open_total,
               (count(*) filter (where f.state in ('open', 'in_progress')))::int as open_now,
               (count(*) filter (where f.state in ('open', 'in_progress') and f.due_on < current_date))::int as overdue,
               (count(*) filter (where f.state in ('open', 'in_progress') and f.in_kev))::int as kev_open
        from findings f
        where f.org_id = p_org and f.state in ('open', 'in_progress', 'risk_accepted', 'suppressed')
        group by grouping sets ((f.severity_rank), (f.system_id, f.severity_rank))),
      days as (
        insert into finding_daily_counts as d (org_id, day, severity, open_total, opened, closed, overdue, kev_open)
        select p_org, (now() at time zone 'UTC')::date, s.severity, coalesce(c.open_total, 0),
               coalesce((p_delta -> s.severity ->> 0)::int, 0), coalesce((p_delta -> s.severity ->> 1)::int, 0),
               coalesce(c.overdue, 0), coalesce(c.kev_open, 0)
        from unnest(severities) with ordinality as s(severity, rank)
        left join c on c.all_systems = 1 and c.severity_rank = s.rank
        on conflict (org_id, day, severity) do update set open_total = excluded.open_total,
          opened = d.opened + excluded.opened, closed = d.closed + excluded.closed,
          overdue = excluded.overdue, kev_open = excluded.kev_open),
      systems as (
        select c.system_id, severities[c.severity_rank] as severity, c.open_now, c.overdue from c
        where c.all_systems = 0 and c.system_id is not null and c.open_now > 0),
      gone as (
        delete from finding_system_counts x where x.org_id = p_org
          and not exists (select 1 from systems y where y.system_id = x.system_id and y.severity = x.severity))
      insert into finding_system_counts as x (org_id, system_id, severity, open_total, overdue)
      select p_org, y.system_id, y.severity, y.open_now, y.overdue from systems y
      on conflict (org_id, system_id, severity) do update set open_total = excluded.open_total,
        overdue = excluded.overdue
        where (x.open_total, x.overdue) is distinct from (excluded.open_total, excluded.overdue);
    end
  $$;
alter function vaern_findings_count_day(uuid, jsonb) owner to vaern_definer;
revoke all on function vaern_findings_count_day(uuid, jsonb) from public;
grant execute on function vaern_findings_count_day(uuid, jsonb) to vaern_app;

-- Today's figures once now, with the new columns and per system (the next scan, state change or
-- the daily job would otherwise fill them only then). As the operator, through the function.
select set_config('app.operator', 'true', false);
set role vaern_app;
select vaern_findings_count_day(o.id, '{}'::jsonb) from organisations o
  where exists (select 1 from finding_daily_counts d where d.org_id = o.id);
reset role;
select set_config('app.operator', '', false);

-- The ids of p_org's findings that carry the CVE p_cve (the list's `cve` filter); none when the
-- caller does not see p_org. Array containment is not leakproof, so under row-level security the
-- GIN index cannot answer `cves @> array[…]` (it scanned the whole organisation: seconds at
-- 3 million findings); this reviewed definer function reads the index, the list then reads those
-- rows by id under its usual policies.
create function vaern_findings_with_cve(p_org uuid, p_cve text) returns setof uuid
  language plpgsql stable security definer set search_path = pg_catalog, public
  as $$
    begin
      if not vaern_sees_org(p_org) then return; end if;
      return query select f.id from findings f where f.cves @> array[p_cve] and f.org_id = p_org;
    end
  $$;
alter function vaern_findings_with_cve(uuid, text) owner to vaern_definer;
revoke all on function vaern_findings_with_cve(uuid, text) from public;
grant execute on function vaern_findings_with_cve(uuid, text) to vaern_app;
