-- A deleted component takes its advisory matches with it, as a deleted system does (0043).
--
-- Until now only the organisation's re-matching job removed a deleted component's matches. A
-- matching statement whose snapshot still held the component could also write its match back
-- after another run had removed it: that run's insert finds no row to conflict with. Until the
-- next run the match named a component that no longer exists; the organisation's list of matches
-- answered 500 (the item has no key) and the coordinator's affected list counted the component.
-- Seen in CI: match.test.ts, a rematch job that started before the delete racing the test's own.
--
-- The same transaction-level lock as for systems closes it: matching holds it shared; removing
-- components takes it exclusively after the rows are gone and deletes their matches in one
-- statement. A matching run that read the component commits first and its matches are then
-- deleted; one that starts later waits and reads the inventory without it.
create function vaern_advisory_matches_component_gone() returns trigger
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    begin
      perform vaern_advisory_matches_lock(true);
      delete from advisory_matches m using gone g
      where m.org_id = g.org_id and m.item_type = 'component' and m.item_id = g.id;
      return null;
    end
  $$;
alter function vaern_advisory_matches_component_gone() owner to vaern_definer;
revoke all on function vaern_advisory_matches_component_gone() from public;
create trigger inventory_components_matches_gone after delete on inventory_components
  referencing old table as gone for each statement execute function vaern_advisory_matches_component_gone();

-- Matches left behind by components deleted before this migration (as vaern_definer, whose
-- policies see every organisation's rows; the migration holds its membership for this transaction).
set local role vaern_definer;
delete from advisory_matches m
where m.item_type = 'component'
  and not exists (select 1 from inventory_components c where c.org_id = m.org_id and c.id = m.item_id);
reset role;
