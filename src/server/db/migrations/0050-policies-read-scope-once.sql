-- Row-level security reads the transaction's scope once per statement, not once per row.
--
-- Most policies said `vaern_sees_org(org_id)`. PostgreSQL inlines that function, and what it
-- inlines is `org_id = any (coalesce(nullif(current_setting('app.org_ids', true), ''), '{}')::uuid[])`:
-- the setting is stable, not constant, so the text of every organisation in scope was parsed into
-- a uuid[] again for every row the statement read or wrote. With one organisation that is about
-- 4 µs a row; a sector coordinator or a region sees many organisations, and with 26 in scope it
-- was about 16 µs a row. Measured on 2026-11-24 (2 cores, PostgreSQL 15): counting the 20,482
-- systems of 26 organisations among 50,000 took 343-410 ms under the old policy and 26-27 ms
-- under the new one.
--
-- The new expression has the same meaning: `(select vaern_org_ids())` is a sub-select without
-- references to the row, which PostgreSQL evaluates once per statement (an init plan) and hands
-- to every row as a parameter; the settings cannot change during a statement. The cast keeps it
-- an array comparison (`= any (array)`) rather than a comparison with each row of a sub-select.
--
-- Every policy is rewritten where it stands: the simple calls `vaern_sees_org(<column>)` and the
-- direct `= any (vaern_org_ids())` of a few policies. Nothing else of a policy changes (its
-- command, roles and the rest of its expressions). The test "reads the scope once per statement"
-- (test/tenancy/rls.test.ts) keeps later migrations to the same form.
do $$
declare
  p record;
  sees constant text := 'vaern_sees_org\(([a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?)\)';
  sees_once constant text := '(\1 = ANY ((SELECT vaern_org_ids())::uuid[]) OR (SELECT vaern_is_operator()))';
  ids constant text := 'ANY \(vaern_org_ids\(\)\)';
  ids_once constant text := 'ANY ((SELECT vaern_org_ids())::uuid[])';
  stmt text;
begin
  for p in
    select schemaname, tablename, policyname, qual, with_check from pg_policies
    where schemaname = 'public'
      and (coalesce(qual, '') || ' ' || coalesce(with_check, '')) ~ '(vaern_sees_org\(|ANY \(vaern_org_ids\(\)\))'
  loop
    stmt := format('alter policy %I on %I.%I', p.policyname, p.schemaname, p.tablename);
    if p.qual is not null then
      stmt := stmt || ' using (' || regexp_replace(regexp_replace(p.qual, sees, sees_once, 'g'), ids, ids_once, 'g') || ')';
    end if;
    if p.with_check is not null then
      stmt := stmt || ' with check ('
        || regexp_replace(regexp_replace(p.with_check, sees, sees_once, 'g'), ids, ids_once, 'g') || ')';
    end if;
    execute stmt;
  end loop;
  if exists (
    select 1 from pg_policies
    where schemaname = 'public'
      and (coalesce(qual, '') || ' ' || coalesce(with_check, '')) ~ '(vaern_sees_org\(|ANY \(vaern_org_ids\(\)\))'
  ) then
    raise exception 'a policy still reads the scope per row';
  end if;
end
$$;
