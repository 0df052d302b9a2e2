-- Once a scan import's switch has committed, its work rows (0030, 0040) are removed: 100,000
-- rows of a large scan, deleted 5,000 per transaction (clearWork in scan-merge.ts), left as dead
-- rows and index entries for VACUUM, and on the embedded database each of those transactions
-- holds up every other request. Usually no other import is under way: then the work tables hold
-- this import's rows only and are emptied at once. An import of another organisation, or any
-- other transaction, that uses the tables holds a lock on them, and a lock taken with NOWAIT
-- fails then (the caller deletes row by row as before); rows that another import committed
-- and reads later are looked for by key before anything is emptied. TRUNCATE is not subject to
-- row-level security, hence the checks: the caller must see the organisation, and every row
-- must be this import's.
grant truncate on scan_import_items, scan_import_hosts, scan_import_scope, scan_import_texts
  to vaern_definer;

create function vaern_scan_import_clear(p_org uuid, p_import uuid) returns boolean
  language plpgsql security definer set search_path = pg_catalog, public
  as $$
  begin
    if p_org is null or p_import is null or not vaern_sees_org(p_org) then return false; end if;
    begin
      lock table scan_import_items, scan_import_hosts, scan_import_scope, scan_import_texts
        in access exclusive mode nowait;
    exception when lock_not_available then
      return false;
    end;
    -- Another import's row sorts before or after this import's in each primary key, which
    -- begins with (org_id, import_id): two probes of the index per table.
    if exists (select 1 from scan_import_items where (org_id, import_id) < (p_org, p_import))
       or exists (select 1 from scan_import_items where (org_id, import_id) > (p_org, p_import))
       or exists (select 1 from scan_import_hosts where (org_id, import_id) < (p_org, p_import))
       or exists (select 1 from scan_import_hosts where (org_id, import_id) > (p_org, p_import))
       or exists (select 1 from scan_import_scope where (org_id, import_id) < (p_org, p_import))
       or exists (select 1 from scan_import_scope where (org_id, import_id) > (p_org, p_import))
       or exists (select 1 from scan_import_texts where (org_id, import_id) < (p_org, p_import))
       or exists (select 1 from scan_import_texts where (org_id, import_id) > (p_org, p_import)) then
      return false;
    end if;
    truncate scan_import_items, scan_import_hosts, scan_import_scope, scan_import_texts;
    return true;
  end
  $$;
alter function vaern_scan_import_clear(uuid, uuid) owner to vaern_definer;
revoke all on function vaern_scan_import_clear(uuid, uuid) from public;
grant execute on function vaern_scan_import_clear(uuid, uuid) to vaern_app;
