-- An organisation's matching runs one at a time, and the daily run alone, so that a run never
-- writes back what an older snapshot saw.
--
-- Every change to an inventory queues a run for its organisation, so two changes in a row (a bulk
-- edit, an import after a hand edit) could start two runs that overlap. The one whose snapshot was
-- older could commit last and leave, for an item changed in between, the match its snapshot
-- computed (or the lack of one) until the next run: a component moved into an advisory's range
-- could stay unlisted until the daily run.
--
-- Now each run first takes transaction locks, always in this order (so that no two runs wait on
-- each other in a circle; removals take only the matches lock of 0043/0062, which comes last):
--   1. 'vaern:advisory_match_run': exclusively for a run over every advisory and organisation (the
--      daily run), shared by every other run. The daily run waits for the runs under way, and
--      they wait for it; an advisory's run in its import waits only for the daily run.
--   2. 'vaern:advisory_match_org:<id>': exclusively by a run for one organisation. Its next run
--      waits, and its statements then start after the earlier run committed.
--   3. The matches lock, shared, as before.
-- An advisory's run and an organisation's run still overlap (an advisory is stored in a request
-- and must not wait for the sector's inventories); the daily run repairs what they miss.
create or replace function vaern_advisory_match(p_advisory uuid, p_org uuid) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public, pg_temp
  as $$
    begin
      if not vaern_is_operator() then return 0; end if;
      if p_advisory is null and p_org is null then
        perform pg_advisory_xact_lock(hashtextextended('vaern:advisory_match_run', 0));
      else
        perform pg_advisory_xact_lock_shared(hashtextextended('vaern:advisory_match_run', 0));
      end if;
      if p_org is not null then
        perform pg_advisory_xact_lock(hashtextextended('vaern:advisory_match_org:' || p_org::text, 0));
      end if;
      perform vaern_advisory_matches_lock(false);
      return vaern_advisory_match_rows(p_advisory, p_org);
    end
  $$;
