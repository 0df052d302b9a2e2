-- Hosts mapped to systems as one set (issue 5; docs/vulnerabilities.md, "Mapping hosts to systems").
--
-- vaern_findings_system_for mapped one host per call: four sub-selects, each ordered by the
-- system's key, the last one reading every system's address ranges. Against an inventory of 5,000
-- systems it took 6.5 ms a host: 32 s for a scan of 5,000 hosts, in every merge slice and every
-- re-mapping (measured 2026-11-24, PostgreSQL 15, 2 cores). Here the organisation's systems are
-- read once per call, their names and addresses joined with all the hosts by equality, and the
-- ranges that contain an address found as its prefixes (at most 33 for IPv4, 129 for IPv6), not by
-- testing every range against every host. The order and the ties are the documented ones:
-- exact FQDN, then host name, then exact IP address, then the most specific range; ties to the
-- smallest key. Runs as the caller: row-level security applies.
create function vaern_findings_systems_for(p_org uuid, p_hosts text[], p_ips inet[], p_fqdns text[],
  p_names text[])
  returns table (host text, system_id uuid)
  language sql stable
  as $$
    with h as (
      select u.host, u.ip, u.fqdn, u.hname
      from unnest(p_hosts, p_ips, p_fqdns, p_names) as u(host, ip, fqdn, hname)),
    sy as materialized (
      select s.id, s.key, s.fqdns, s.hostnames, s.ip_addresses from inventory_systems s
      where s.org_id = p_org),
    -- What a host is called: (1) its FQDN or name, for the systems' FQDNs; (2) its short name, its
    -- name or its FQDN's first label, for the systems' host names.
    called as (
      select h.host, 1 as way, v from h cross join lateral unnest(array[h.fqdn, h.host]) v
      where v is not null
      union all
      select h.host, 2, v from h
      cross join lateral unnest(array[h.hname, h.host, split_part(h.fqdn, '.', 1)]) v
      where v is not null),
    names as (
      select 1 as way, n, sy.id, sy.key from sy cross join unnest(sy.fqdns) n
      union all
      select 2, n, sy.id, sy.key from sy cross join unnest(sy.hostnames) n),
    addrs as (select a, sy.id, sy.key from sy cross join unnest(sy.ip_addresses) a),
    exact as (
      select c.host, c.way, names.key, names.id
      from called c join names on names.way = c.way and names.n = c.v
      union all
      -- (3) the address exactly.
      select h.host, 3, addrs.key, addrs.id from h join addrs on addrs.a = h.ip::cidr),
    matched as (select distinct on (e.host) e.host, e.id from exact e order by e.host, e.way, e.key),
    -- (4) For a host nothing else matched: the longest range that contains its address.
    ranged as (
      select distinct on (h.host) h.host, addrs.id
      from h cross join lateral generate_series(0, masklen(h.ip)) len
      join addrs on addrs.a = set_masklen(h.ip::cidr, len)
      where h.ip is not null and not exists (select 1 from matched m where m.host = h.host)
      order by h.host, len desc, addrs.key)
    select h.host, coalesce(m.id, r.id)
    from h left join matched m on m.host = h.host left join ranged r on r.host = h.host
  $$;
grant execute on function vaern_findings_systems_for(uuid, text[], inet[], text[], text[]) to vaern_app;

-- Re-mapping after the inventory changed: one call for all the organisation's hosts.
create or replace function vaern_findings_remap(p_org uuid) returns integer
  language plpgsql
  as $$
  declare
    changed integer;
  begin
    with hosts as (
      select host, min(host_ip::text)::inet as ip, min(host_fqdn) as fqdn, min(host_name) as hname
      from findings where org_id = p_org and not system_pinned group by host),
    mapped as (
      select m.host, m.system_id
      from (select array_agg(host) as hosts, array_agg(ip) as ips, array_agg(fqdn) as fqdns,
                   array_agg(hname) as names from hosts) a
      cross join lateral vaern_findings_systems_for(p_org, a.hosts, a.ips, a.fqdns, a.names) m),
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

drop function vaern_findings_system_for(uuid, text, inet, text, text);

-- A scan's host keeps its system's criticality from when it was mapped: the switch reads it with
-- the host for each finding's due date, instead of looking the system up again for every finding
-- (100,000 probes of inventory_systems for a scan of 100,000 findings). A criticality changed
-- while the file is merged is caught by the switch (inputsChangedSince, scan-merge.ts).
alter table scan_import_hosts add column criticality text;
