-- The re-mapping after an inventory change computes the hosts' systems once and reads the
-- organisation's findings once (issue 5; docs/vulnerabilities.md, "Mapping hosts to systems").
--
-- vaern_findings_remap (0054) joined the findings with the mapped hosts through CTEs that the
-- planner inlined. Right after a scan, before the findings were analysed (they were believed to be
-- one row), it planned the findings as the outer side of a nested loop and computed the whole
-- mapping (vaern_findings_systems_for, inlined too) again for every finding: on the embedded
-- database 22 to 93 s for 6,000 findings on 300 hosts (measured 2026-11-25 with EXPLAIN ANALYZE: the
-- mapping ran 6,000 times). Here the hosts and their systems are materialised, the systems as one
-- JSON object that each finding looks its host up in, in a single pass over the organisation's
-- findings, whatever the statistics say. Same result: every host that is not pinned gets the system
-- the documented order gives it now, or none.
create or replace function vaern_findings_remap(p_org uuid) returns integer
  language plpgsql
  as $$
  declare
    changed integer;
  begin
    with hosts as materialized (
      select host, min(host_ip::text)::inet as ip, min(host_fqdn) as fqdn, min(host_name) as hname
      from findings where org_id = p_org and not system_pinned group by host),
    mapped as materialized (
      select coalesce(jsonb_object_agg(m.host, m.system_id), '{}') as systems
      from (select array_agg(host) as hosts, array_agg(ip) as ips, array_agg(fqdn) as fqdns,
                   array_agg(hname) as names from hosts) a
      cross join lateral vaern_findings_systems_for(p_org, a.hosts, a.ips, a.fqdns, a.names) m),
    upd as (
      update findings f set system_id = (m.systems ->> f.host)::uuid, updated_at = now()
      from mapped m
      where f.org_id = p_org and not f.system_pinned
        and f.system_id is distinct from (m.systems ->> f.host)::uuid
      returning 1)
    select count(*) into changed from upd;
    return changed;
  end
  $$;
