-- Matching runs one at a time, so that a run never writes back what an older snapshot saw.
--
-- Two runs for the same organisation (an inventory change queues one each time; the daily run and
-- an advisory's run cover it too) could overlap: the one whose snapshot was older could commit
-- last and leave, for an item changed in between, the match its snapshot computed, until the next
-- run. Now each run takes an exclusive transaction lock of its own before it reads anything; the
-- next waits, and its statements start after the earlier run committed, so they see both that
-- run's matches and every inventory change committed before. Removing systems, components or
-- advisories still takes only the other lock (0043, 0062), which runs hold shared as before: the
-- run lock is always taken first, so the two cannot wait on each other in a circle.
create or replace function vaern_advisory_match(p_advisory uuid, p_org uuid) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    begin
      if not vaern_is_operator() then return 0; end if;
      perform pg_advisory_xact_lock(hashtextextended('vaern:advisory_match_run', 0));
      perform vaern_advisory_matches_lock(false);
      return vaern_advisory_match_rows(p_advisory, p_org);
    end
  $$;
