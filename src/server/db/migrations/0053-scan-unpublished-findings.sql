-- On the embedded database a scan import writes its new findings while the file is merged, each
-- merge slice in its own short transaction, and publishes all of them at once when its switch
-- commits (issue 5; docs/vulnerabilities.md, "How a scan is merged"; decision 012).
--
-- PGlite is one session: a transaction holds it, and every other request waits until it ends.
-- A switch that inserted 100,000 new findings held it for about 7 s. Now the new findings go in
-- with the merge slices (at most 5,000 rows a transaction) but stay unpublished: a finding whose
-- first import is listed here is seen by nobody but that import's own statements, which name it
-- in the setting `app.scan_import`. The switch removes the import's row: its commit publishes every
-- finding it inserted, in one step. A failed import deletes them (the import's discard), and an
-- import that starts over after a crash deletes what its earlier run left.
--
-- A PostgreSQL server holds the switch's transaction open while the file is read instead
-- (decision 011) and never lists an import here; there the list is empty and the check costs one
-- sub-select per statement (an init plan), not per row.

create table scan_unpublished (
  org_id uuid not null references organisations (id),
  import_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (org_id, import_id),
  -- Not cascading: removing the listing publishes the import's findings.
  foreign key (org_id, import_id) references imports (org_id, id)
);
alter table scan_unpublished enable row level security;
alter table scan_unpublished force row level security;
create policy scan_unpublished_tenant on scan_unpublished to vaern_app
  using (org_id = any ((select vaern_org_ids())::uuid[]) or (select vaern_is_operator()))
  with check (org_id = any ((select vaern_org_ids())::uuid[]) or (select vaern_is_operator()));
create policy scan_unpublished_definer on scan_unpublished to vaern_definer using (true) with check (true);
grant select, insert, update, delete on scan_unpublished to vaern_app, vaern_definer;

-- The imports whose findings are not published yet, except the one this transaction writes for
-- (`app.scan_import`, set by the scan switch only).
create function vaern_unpublished_imports() returns uuid[]
  language sql stable
  as $$
    select coalesce(array_agg(u.import_id), '{}') from scan_unpublished u
    where u.import_id::text is distinct from nullif(current_setting('app.scan_import', true), '')
  $$;
grant execute on function vaern_unpublished_imports() to vaern_app, vaern_definer;

-- Restrictive: it narrows what the tenant and definer policies allow, for reading and writing.
-- A finding of a person (no first import) or of a published import passes.
--
-- `coalesce(first_import_id, first_import_id)` is the column, hidden from the planner's statistics
-- on purpose. Right after a first import every finding has the same first import; from the
-- column's statistics (one distinct value) the planner concluded that `first_import_id <> $x`
-- holds for no row, estimated one finding for every statement on them, and planned a re-scan's
-- closing of 4,000 findings as a nested loop over all of them (29 s on PGlite, against 0.1 s).
-- Without statistics it assumes the condition holds for nearly every row, which it does.
create policy findings_published on findings as restrictive to vaern_app, vaern_definer
  using (first_import_id is null
         or coalesce(first_import_id, first_import_id) <> all ((select vaern_unpublished_imports())::uuid[]))
  with check (first_import_id is null
              or coalesce(first_import_id, first_import_id) <> all ((select vaern_unpublished_imports())::uuid[]));
