-- Vulnerability findings (module `vulnerabilities`, docs/vulnerabilities.md).
--
-- One finding identity, independent of the scan and of the inventory: the organisation and the
-- SHA-256 (`fingerprint`, computed by the import) of scanner family + normalised host + scanner
-- rule + port + protocol. Those parts are kept as columns too, for reading; the system a finding
-- belongs to is an attribute that follows the inventory (mapped from the host's identifiers,
-- re-mapped when the inventory changes) and never changes the identity; CVE ids are attributes.
--
-- The state says where the follow-up stands: open, in_progress, risk_accepted (by someone with
-- the management role, with a reason and an expiry), false_positive (with a reason), fixed (a
-- re-scan of its scope no longer found it: closed_by_import_id says which), suppressed (SARIF
-- results the tool reports as suppressed).

create table findings (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  family text not null check (length(family) between 1 and 100),
  -- Lower-case host name or address; for code findings (SARIF) the system's key.
  host text not null check (length(host) between 1 and 300),
  port integer check (port between 0 and 65535),
  protocol text check (length(protocol) <= 20),
  rule text not null check (length(rule) between 1 and 2000),
  -- The identifiers the scanner gave for the host, for mapping to the inventory.
  host_ip inet,
  host_fqdn text check (length(host_fqdn) <= 300),
  host_name text check (length(host_name) <= 300),
  system_id uuid,
  -- The system was given with the import (SARIF's --system): it stays, whatever the inventory says.
  system_pinned boolean not null default false,
  title text not null check (length(title) between 1 and 1000),
  severity text not null check (severity in ('info', 'low', 'medium', 'high', 'critical')),
  severity_rank smallint generated always as (
    case severity when 'critical' then 1 when 'high' then 2 when 'medium' then 3 when 'low' then 4 else 5 end
  ) stored,
  cvss numeric(3, 1) check (cvss between 0 and 10),
  cvss_vector text check (length(cvss_vector) <= 200),
  cves text[] not null default '{}',
  description text check (length(description) <= 20000),
  solution text check (length(solution) <= 20000),
  evidence text check (length(evidence) <= 20000),
  location_file text check (length(location_file) <= 2000),
  location_line integer,
  state text not null default 'open'
    check (state in ('open', 'in_progress', 'risk_accepted', 'false_positive', 'fixed', 'suppressed')),
  state_reason text check (length(state_reason) <= 2000),
  state_changed_at timestamptz,
  -- A risk acceptance: who approved it (a person with the management role) and until when.
  accepted_by uuid references users (id),
  accepted_until date,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  first_import_id uuid,
  last_import_id uuid,
  closed_at timestamptz,
  closed_by_import_id uuid,
  -- The SLA's due date (vaern_findings_due): from when it was first seen, by severity, the
  -- system's criticality and whether its CVEs are exploited (KEV, high EPSS). Null: no deadline
  -- (severity info, or the SLA sets none).
  due_on date,
  -- Exploitation of its CVEs when the due date was last computed: in KEV; the highest EPSS.
  in_kev boolean not null default false,
  epss numeric check (epss between 0 and 1),
  epss_percentile numeric check (epss_percentile between 0 and 1),
  reopened_count integer not null default 0,
  reopened_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, fingerprint),
  check ((state = 'risk_accepted') = (accepted_until is not null)),
  foreign key (org_id, system_id) references inventory_systems (org_id, id) on delete set null (system_id)
);
-- A re-scan's scope: (family, host).
create index findings_scope on findings (org_id, family, host);
-- Lists: by state and severity, by system.
create index findings_state on findings (org_id, state, severity_rank, id);
create index findings_system on findings (org_id, system_id, severity_rank, id) where system_id is not null;
-- Advisories and KEV/EPSS look findings up by CVE.
create index findings_cves on findings using gin (cves);

create index findings_due on findings (org_id, due_on) where state in ('open', 'in_progress');

-- The organisation's SLA (docs/vulnerabilities.md): days to fix by severity × the system's
-- criticality (`unassessed` for findings on no system or a system not assessed), tightened for
-- exploited vulnerabilities: a CVE in KEV is due within `kev_max_days` at most, one whose EPSS
-- score or percentile reaches the thresholds within `epss_max_days` at most. One row per
-- organisation; without a row the defaults below apply (vaern_findings_sla).
create table vulnerability_sla (
  org_id uuid primary key references organisations (id),
  days jsonb not null,
  kev_max_days integer not null check (kev_max_days between 1 and 365),
  epss_max_days integer not null check (epss_max_days between 1 and 365),
  epss_score_threshold numeric not null check (epss_score_threshold between 0 and 1),
  epss_percentile_threshold numeric not null check (epss_percentile_threshold between 0 and 1),
  updated_at timestamptz not null default now()
);

-- The default SLA, the one place it is written down.
create function vaern_findings_default_sla() returns jsonb
  language sql immutable
  as $$
    select '{"days": {
       "critical": {"critical": 7, "high": 14, "medium": 30, "low": 30, "unassessed": 14},
       "high": {"critical": 14, "high": 30, "medium": 60, "low": 90, "unassessed": 30},
       "medium": {"critical": 30, "high": 60, "medium": 90, "low": 180, "unassessed": 90},
       "low": {"critical": 90, "high": 180, "medium": 180, "low": 365, "unassessed": 180}},
     "kev_max_days": 7, "epss_max_days": 14, "epss_score_threshold": 0.1,
     "epss_percentile_threshold": 0.95}'::jsonb
  $$;

-- Recomputes the exploitation flags and due dates of one organisation's unfinished findings
-- (set-based; after an SLA change, new KEV or EPSS data, a change of criticality), or only of those
-- one scan import saw (p_import). Runs as the caller (row-level security applies); returns how
-- many changed.
create function vaern_findings_recompute_due(p_org uuid, p_import uuid default null) returns integer
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
        and (p_import is null or f.last_import_id = p_import)),
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
grant execute on function vaern_findings_recompute_due(uuid, uuid) to vaern_app;
grant execute on function vaern_findings_default_sla() to vaern_app;

-- Daily figures per organisation and severity, kept as findings change (scans and people) so
-- that the trend and the dashboard never count the findings themselves on a page load:
-- `open_total` is the number unfinished (open, in progress, risk accepted, suppressed) at the end
-- of the day as last written, `opened`/`closed` what that day's scans brought and proved fixed.
create table finding_daily_counts (
  org_id uuid not null references organisations (id),
  day date not null,
  severity text not null check (severity in ('info', 'low', 'medium', 'high', 'critical')),
  open_total integer not null default 0,
  opened integer not null default 0,
  closed integer not null default 0,
  primary key (org_id, day, severity)
);
create index findings_first_import on findings (org_id, first_import_id);

-- Rewrites today's open totals of one organisation from its findings (an index-only count by
-- state and severity) and adds what the caller says today brought: JSON {severity: [opened, closed]}.
create function vaern_findings_count_day(p_org uuid, p_delta jsonb) returns void
  language sql
  as $$
    insert into finding_daily_counts as d (org_id, day, severity, open_total, opened, closed)
    select p_org, (now() at time zone 'UTC')::date, s.severity,
           coalesce((select count(*) from findings f where f.org_id = p_org and f.severity = s.severity
                       and f.state in ('open', 'in_progress', 'risk_accepted', 'suppressed')), 0),
           coalesce((p_delta -> s.severity ->> 0)::int, 0), coalesce((p_delta -> s.severity ->> 1)::int, 0)
    from unnest(array['info', 'low', 'medium', 'high', 'critical']) as s(severity)
    on conflict (org_id, day, severity) do update set open_total = excluded.open_total,
      opened = d.opened + excluded.opened, closed = d.closed + excluded.closed
  $$;
grant execute on function vaern_findings_count_day(uuid, jsonb) to vaern_app;

-- The system a host maps to (docs/vulnerabilities.md, "Mapping hosts to systems"): exact FQDN,
-- then host name, then IP address, then the most specific IP range; ties to the smallest key.
-- COALESCE evaluates its lookups in order and stops at the first match, so the range scan runs
-- only for hosts nothing else matched. Runs as the caller: row-level security applies.
create function vaern_findings_system_for(p_org uuid, p_host text, p_ip inet, p_fqdn text, p_name text)
  returns uuid
  language sql stable
  as $$
    select coalesce(
      (select sy.id from inventory_systems sy
        where sy.org_id = p_org and sy.fqdns && array_remove(array[p_fqdn, p_host], null)
        order by sy.key limit 1),
      (select sy.id from inventory_systems sy
        where sy.org_id = p_org
          and sy.hostnames && array_remove(array[p_name, p_host, split_part(p_fqdn, '.', 1)], null)
        order by sy.key limit 1),
      (select sy.id from inventory_systems sy
        where sy.org_id = p_org and p_ip is not null and sy.ip_addresses @> array[p_ip::cidr]
        order by sy.key limit 1),
      (select sy.id from inventory_systems sy
         cross join lateral (select max(masklen(a)) as len from unnest(sy.ip_addresses) a
                             where p_ip is not null and a >>= p_ip) r
        where sy.org_id = p_org and p_ip is not null and r.len is not null
        order by r.len desc, sy.key limit 1))
  $$;
grant execute on function vaern_findings_system_for(uuid, text, inet, text, text) to vaern_app;

-- Maps an organisation's findings to systems again after its inventory changed (the system is an
-- attribute that follows the inventory; pinned ones stay). One lookup per distinct host.
-- Returns how many findings changed system.
create function vaern_findings_remap(p_org uuid) returns integer
  language plpgsql
  as $$
  declare
    changed integer;
  begin
    with hosts as (
      select host, min(host_ip::text)::inet as ip, min(host_fqdn) as fqdn, min(host_name) as hname
      from findings where org_id = p_org and not system_pinned group by host),
    mapped as (select h.host, vaern_findings_system_for(p_org, h.host, h.ip, h.fqdn, h.hname) as system_id
               from hosts h),
    upd as (
      update findings f set system_id = m.system_id, updated_at = now()
      from mapped m
      where f.org_id = p_org and not f.system_pinned and f.host = m.host
        and f.system_id is distinct from m.system_id
      returning 1)
    select count(*) into changed from upd;
    return changed;
  end
  $$;
grant execute on function vaern_findings_remap(uuid) to vaern_app;

-- Informational items (Nessus severity 0, OpenVAS "Log") are facts about a host, not findings:
-- kept here, per identity, with what the scanner last said.
create table scan_host_facts (
  org_id uuid not null references organisations (id),
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  family text not null check (length(family) between 1 and 100),
  host text not null check (length(host) between 1 and 300),
  port integer check (port between 0 and 65535),
  protocol text check (length(protocol) <= 20),
  rule text not null check (length(rule) between 1 and 2000),
  title text not null check (length(title) between 1 and 1000),
  evidence text check (length(evidence) <= 20000),
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  last_import_id uuid,
  primary key (org_id, fingerprint)
);
create index scan_host_facts_host on scan_host_facts (org_id, host);

-- Mapping hosts to systems looks up the inventory's identifiers by value.
create index inventory_systems_fqdns on inventory_systems using gin (fqdns);
create index inventory_systems_hostnames on inventory_systems using gin (hostnames);
create index inventory_systems_ips on inventory_systems using gin (ip_addresses);

do $$
declare
  t text;
begin
  foreach t in array array['findings', 'scan_host_facts', 'vulnerability_sla', 'finding_daily_counts'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy %I on %I to vaern_app
                      using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id))', t || '_tenant', t);
    execute format('create policy %I on %I to vaern_definer using (true) with check (true)',
                   t || '_definer', t);
    execute format('grant select, insert, update, delete on %I to vaern_app, vaern_definer', t);
  end loop;
end
$$;
