-- A scan import's work before its switch (issue 5; docs/vulnerabilities.md, "How a scan is merged").
--
-- The import framework's merge slices (at most 5,000 staged items each, each its own short
-- transaction) type, deduplicate and map the scan's items into these tables; the switch then only
-- writes findings, in statements of at most 20,000 rows. Nobody reads them but the import itself:
-- the findings stay as they were until the switch. Rows of one import live from its first merge
-- slice until just after its switch (or its failure); like the staged rows they are UNLOGGED, and
-- an import interrupted by a crash starts over and clears what an earlier run left.

-- The scan's items, one per (kind, identity): the first listing's values, every listing's CVE ids.
-- `seq` numbers them in file order (with gaps where a later listing merged into an earlier one):
-- the switch takes them 20,000 numbers at a time.
create unlogged table scan_import_items (
  org_id uuid not null,
  import_id uuid not null,
  kind text not null check (kind in ('finding', 'fact')),
  fingerprint text not null,
  seq integer not null,
  row_no integer not null,
  family text not null,
  host text not null,
  port integer,
  protocol text,
  rule text not null,
  host_ip inet,
  host_fqdn text,
  host_name text,
  title text not null,
  severity text not null,
  cvss numeric,
  cvss_vector text,
  cves text[] not null,
  description text,
  solution text,
  evidence text,
  location_file text,
  location_line integer,
  -- open, or suppressed when the tool says so (SARIF)
  state text not null,
  -- Exploitation of its CVEs (KEV, the highest EPSS score and percentile), for the due date.
  in_kev boolean not null,
  epss numeric,
  epss_percentile numeric,
  primary key (org_id, import_id, kind, fingerprint),
  foreign key (org_id, import_id) references imports (org_id, id) on delete cascade
);
create unique index scan_import_items_seq on scan_import_items (org_id, import_id, seq);

-- Each host of the scan with the identifiers it was given (the smallest of each, as text, over all
-- its items) and the system it maps to (vaern_findings_system_for), or the system given with the
-- import (pinned). `mapped` is false while the identifiers changed since the last mapping.
create unlogged table scan_import_hosts (
  org_id uuid not null,
  import_id uuid not null,
  host text not null,
  ip text,
  fqdn text,
  hname text,
  system_id uuid,
  pinned boolean not null,
  mapped boolean not null,
  primary key (org_id, import_id, host),
  foreign key (org_id, import_id) references imports (org_id, id) on delete cascade
);

-- The scope of the scan: its (scanner family, host) pairs, informational items included.
create unlogged table scan_import_scope (
  org_id uuid not null,
  import_id uuid not null,
  family text not null,
  host text not null,
  primary key (org_id, import_id, family, host),
  foreign key (org_id, import_id) references imports (org_id, id) on delete cascade
);

do $$
declare
  t text;
begin
  foreach t in array array['scan_import_items', 'scan_import_hosts', 'scan_import_scope'] loop
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

-- The switch's statements probe these tables by key, and the planner must know their size: never
-- analysed, a table of 100,000 work rows is taken for one row, and a lookup by (org, import) plus
-- a filter, repeated for every finding, looks as cheap as a probe by the whole key (it took
-- minutes). The switch analyses them once they are complete (vaern_scan_import_analyze), and only
-- the columns the statements look up carry statistics, which keeps that short.
alter table scan_import_items
  alter column row_no set statistics 0, alter column family set statistics 0, alter column port set statistics 0,
  alter column protocol set statistics 0, alter column rule set statistics 0, alter column host_ip set statistics 0,
  alter column host_fqdn set statistics 0, alter column host_name set statistics 0, alter column title set statistics 0,
  alter column severity set statistics 0, alter column cvss set statistics 0, alter column cvss_vector set statistics 0,
  alter column cves set statistics 0, alter column description set statistics 0, alter column solution set statistics 0,
  alter column evidence set statistics 0, alter column location_file set statistics 0,
  alter column location_line set statistics 0, alter column state set statistics 0, alter column in_kev set statistics 0,
  alter column epss set statistics 0, alter column epss_percentile set statistics 0;

-- ANALYZE needs the tables' owner; the application role may ask for exactly this.
create function vaern_scan_import_analyze() returns void
  language plpgsql security definer set search_path = pg_catalog, public
  as $$
  begin
    analyze scan_import_items;
    analyze scan_import_hosts;
    analyze scan_import_scope;
  end
  $$;
revoke all on function vaern_scan_import_analyze() from public;
grant execute on function vaern_scan_import_analyze() to vaern_app;

-- An organisation's SLA as vaern_findings_recompute_due (0018) reads it: its row without the key
-- and the time, or the defaults.
create function vaern_findings_sla(p_org uuid) returns jsonb
  language sql stable
  as $$
    select coalesce((select to_jsonb(v) - 'org_id' - 'updated_at' from vulnerability_sla v where v.org_id = p_org),
                    vaern_findings_default_sla())
  $$;
grant execute on function vaern_findings_sla(uuid) to vaern_app;

-- The days to fix of one finding under the SLA `p`, exactly as vaern_findings_recompute_due (0018)
-- computes them: the days for its severity on its system's criticality ('unassessed' without
-- one), capped when a CVE is in KEV or its EPSS reaches a threshold; null when the SLA sets none.
-- The scan import's switch writes each finding once, its due date included, with it.
create function vaern_findings_due_days(p jsonb, p_severity text, p_criticality text, p_in_kev boolean,
                                        p_epss numeric, p_pct numeric) returns integer
  language sql immutable
  as $$
    select case when b.days is null then null else least(
             b.days,
             case when p_in_kev then (p ->> 'kev_max_days')::int end,
             case when p_epss >= (p ->> 'epss_score_threshold')::numeric
                    or p_pct >= (p ->> 'epss_percentile_threshold')::numeric
                  then (p ->> 'epss_max_days')::int end) end
    from (select (p -> 'days' -> p_severity ->> coalesce(p_criticality, 'unassessed'))::int as days) b
  $$;
grant execute on function vaern_findings_due_days(jsonb, text, text, boolean, numeric, numeric) to vaern_app;
