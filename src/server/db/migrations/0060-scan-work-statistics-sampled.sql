-- The switch of a scan import analyses its work tables once they are complete (0030,
-- vaern_scan_import_analyze): the planner must know that they hold 100,000 rows, not one, and
-- roughly how many distinct identities and hosts. PostgreSQL samples 300 rows per unit of the
-- statistics target: at the default of 100 that is 30,000 work rows, each fingerprint among them
-- compared in a sort, and it ran in the switch's transaction while nothing else of the switch
-- could go on (190-280 ms for 110,000 work rows, measured 2026-11-25 in psql). A target of 10
-- samples 3,000 rows, which tells the sizes and the spread of identities and hosts as well as
-- the statements need (20-24 ms). Columns set to 0 in 0030 stay without statistics.
create or replace function vaern_scan_import_analyze() returns void
  language plpgsql security definer set search_path = pg_catalog, public
  set default_statistics_target = 10
  as $$
  begin
    analyze scan_import_items;
    analyze scan_import_hosts;
    analyze scan_import_scope;
  end
  $$;
