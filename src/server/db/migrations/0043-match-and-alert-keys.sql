-- Stored matches and alert deliveries without a row lock on their parent per row (issue 6: an
-- advisory's ingest to its affected list under 200 ms at p99; an alert to 10,000 organisations
-- queued in under 1 s).
--
-- A foreign-key check locks the parent row (SELECT … FOR KEY SHARE) once per inserted row: a
-- write to the parent's tuple and its page. Measured on the bench databases: the 4,552 matches of
-- the GE advisory ICSMA-20-343-01 lock 4,552 systems and the advisory 4,552 times; publishing an
-- alert to 10,000 organisations locks 10,000 organisations, the alert 10,000 times and, for
-- 20,000 deliveries, 10,000 recipient rows twice.
--
-- advisory_matches: the advisory and the system stay parents in effect. A match is written only by
-- vaern_advisory_match (and the functions that call it), from the advisory and the system it has
-- just read in the same statement; removing either removes its matches by the statement triggers
-- below, in one set-based delete instead of a cascade per row. The race a key's lock closed (a
-- system deleted while a matching statement that read it is still running) is closed by one
-- transaction-level advisory lock: the matching takes it shared, removing a system or an advisory
-- takes it exclusively. Whichever comes second waits for the first to commit and then sees it
-- (READ COMMITTED: each statement of these functions reads anew).
alter table advisory_matches
  drop constraint advisory_matches_advisory_id_fkey,
  drop constraint advisory_matches_org_id_system_id_fkey;

-- Two more costs per stored match, measured on the same 4,552 rows (warm, PostgreSQL 15): a third
-- index (advisory_id, org_id) that the unique key serves as well once it leads with the advisory
-- (about 12 ms), and a random id from gen_random_uuid (about 11 ms, and scattered writes in the
-- (org_id, id) key). The unique key now leads with the advisory (the organisation's own reads go
-- through the primary key's org_id); ids come from a sequence, laid out as a version-8 UUID so the
-- API's id stays a UUID. An id says nothing but "this match": row-level security decides who
-- may read it, as before.
alter table advisory_matches
  drop constraint advisory_matches_org_id_advisory_id_product_id_item_type_it_key,
  add constraint advisory_matches_item unique (advisory_id, org_id, product_id, item_type, item_id);
drop index advisory_matches_advisory;
create sequence advisory_match_ids;
alter sequence advisory_match_ids owner to vaern_definer;
alter table advisory_matches alter column id
  set default ('00000000-0000-8000-8000-' || lpad(to_hex(nextval('advisory_match_ids')), 12, '0'))::uuid;

alter function vaern_advisory_match(uuid, uuid) rename to vaern_advisory_match_rows;
revoke all on function vaern_advisory_match_rows(uuid, uuid) from public, vaern_app;

-- The lock between matching and removing what matches point at. Internal.
create function vaern_advisory_matches_lock(p_exclusive boolean) returns void
  language plpgsql volatile set search_path = pg_catalog, public
  as $$
    begin
      if p_exclusive then
        perform pg_advisory_xact_lock(hashtextextended('vaern:advisory_matches', 0));
      else
        perform pg_advisory_xact_lock_shared(hashtextextended('vaern:advisory_matches', 0));
      end if;
    end
  $$;

-- 0039's matching (now vaern_advisory_match_rows), under the shared lock; same signature, same
-- rights (operator scope only), same result.
create function vaern_advisory_match(p_advisory uuid, p_org uuid) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    begin
      if not vaern_is_operator() then return 0; end if;
      perform vaern_advisory_matches_lock(false);
      return vaern_advisory_match_rows(p_advisory, p_org);
    end
  $$;

create function vaern_advisory_matches_system_gone() returns trigger
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    begin
      perform vaern_advisory_matches_lock(true);
      delete from advisory_matches m using gone g where m.org_id = g.org_id and m.system_id = g.id;
      return null;
    end
  $$;
create trigger inventory_systems_matches_gone after delete on inventory_systems
  referencing old table as gone for each statement execute function vaern_advisory_matches_system_gone();

create function vaern_advisory_matches_advisory_gone() returns trigger
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    begin
      perform vaern_advisory_matches_lock(true);
      delete from advisory_matches m using gone g where m.advisory_id = g.id;
      return null;
    end
  $$;
create trigger advisories_matches_gone after delete on advisories
  referencing old table as gone for each statement execute function vaern_advisory_matches_advisory_gone();

do $$
declare
  f text;
begin
  foreach f in array array['vaern_advisory_matches_lock(boolean)', 'vaern_advisory_match(uuid, uuid)',
                           'vaern_advisory_matches_system_gone()', 'vaern_advisory_matches_advisory_gone()'] loop
    execute format('alter function %s owner to vaern_definer', f);
    execute format('revoke all on function %s from public', f);
  end loop;
end
$$;
grant execute on function vaern_advisory_match(uuid, uuid) to vaern_app;

-- Alerts: organisations, alerts and alert recipients are never deleted (no grant lets the
-- application delete them, and no function does), and recipients and deliveries are written only
-- by the reviewed publishing functions, from the alert and organisations they read in the same
-- statement. The keys below therefore guarded nothing but cost a lock each. The application may
-- still update a delivery's progress; its update right is narrowed to exactly those columns, so
-- that it can never move a delivery to another alert or organisation. The keys to users stay (a
-- person named on an alert or subscribed is few rows, and users are deactivated, not deleted).
alter table alert_deliveries drop constraint alert_deliveries_org_id_alert_id_fkey;
alter table alert_recipients
  drop constraint alert_recipients_org_id_fkey,
  drop constraint alert_recipients_alert_id_fkey;
revoke update on alert_deliveries from vaern_app;
grant update (sent_at, attempts, last_error, next_attempt_at, read_at, dead_at) on alert_deliveries to vaern_app;
