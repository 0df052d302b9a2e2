-- An advisory's matches computed inside the import that stores it (issue 6: ingest to affected
-- list well under a second). Until now the import's commit queued a matching job, so a new
-- advisory was visible for a while without its affected list, and every advisory paid a second
-- trip through the job queue.
--
-- vaern_advisory_match (0022) runs for the operator only: it writes every organisation's matches.
-- This reviewed definer function lets the import's own switch run it for the one advisory that
-- switch stored: the advisory must carry the import id the transaction opened for reference
-- writes (openReferenceWrites) and that import must belong to an organisation in the caller's
-- scope. Any other call returns null and changes nothing. The operator setting holds for the
-- match only and is put back before the function returns (an error aborts the transaction, and
-- with it the setting).
create function vaern_advisory_match_imported(p_advisory uuid) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    declare
      was text := current_setting('app.operator', true);
      n integer;
    begin
      if not exists (
        select 1 from advisories a join imports i on i.id = a.import_id
        where a.id = p_advisory
          and a.import_id::text = coalesce(current_setting('app.reference_import', true), '')
          and i.org_id = any (vaern_org_ids())
      ) then
        return null;
      end if;
      perform set_config('app.operator', 'true', true);
      n := vaern_advisory_match(p_advisory, null);
      perform set_config('app.operator', coalesce(was, ''), true);
      return n;
    end
  $$;

alter function vaern_advisory_match_imported(uuid) owner to vaern_definer;
revoke all on function vaern_advisory_match_imported(uuid) from public;
grant execute on function vaern_advisory_match_imported(uuid) to vaern_app;
