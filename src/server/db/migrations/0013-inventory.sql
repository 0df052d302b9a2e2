-- Inventory of critical systems (issue 4, strategy initiative 1.1): the organisation's business
-- processes, IT systems, their components, suppliers, and the dependencies between them.
-- Every register row has a key chosen by the organisation, unique within it and its register.
-- Organisation-owned, under row-level security; the inventory has no natural time, so the
-- auditor's data period does not restrict it (0012).
--
-- Imported rows (imported_by). A register import inserts its new rows before the switch, slice
-- by slice, each marked with the import that brings it (imported_by). Row-level security hides
-- a row while its import is queued, running or failed; the framework marks the import succeeded
-- in the switch's own transaction, and that is the switch: publishing 50,000 rows costs no UPDATE
-- of them (on the embedded database such an UPDATE held the server for over three seconds). A
-- failed import's rows are deleted by the reviewed definer function vaern_inventory_discard,
-- since vaern_app cannot see them. Rows created through the API have no mark; the mark stays on
-- imported rows as the record of the import that created them. The policies compare the mark
-- with the unfinished imports of the request's organisations, read once per statement;
-- vaern_inventory_live says the same for one row, for the definer paths that bypass the policies.

-- Shared systems. A system used by many organisations (a national patient-record platform, an
-- EHR vendor's hosted service) is one record, owned by one organisation, which marks it
-- `shared`: offered to the sector. Another organisation records its own use of it as a system
-- row of its own (its key, owner, criticality and baseline for its use) whose shared_org_id and
-- shared_system_id point at the shared record: that row is the link. Row-level security never
-- shows one organisation's rows to another, so the linking organisation reads the shared
-- record only through vaern_inventory_shared_records (its identity: owner organisation, key,
-- name, vendor, product, version, identifiers; never the owner's criticality or baseline), and
-- only while it links to it and the owner keeps it shared. Looking a shared record up by its
-- reference (`<owner slug>/<key>`) to link to it goes through vaern_inventory_find_shared,
-- which answers only for records marked shared. The owner learns how many organisations link
-- to each of its records through vaern_inventory_shared_link_counts (the count, not who).
-- A shared record that others link to cannot be deleted (foreign key, RESTRICT); if its owner
-- stops sharing it, the links stay but show nothing of it any more.

-- Keys: 1–100 characters, no surrounding spaces, no control characters and no "/" (which
-- separates the owner's slug from the key in a shared-system reference).
create function vaern_inventory_key_ok(k text) returns boolean
  language sql immutable parallel safe
  as $$ select length(k) between 1 and 100 and k = btrim(k) and strpos(k, '/') = 0 and k !~ '[[:cntrl:]]' $$;

-- Whether an organisation's row is visible: created by hand, or by an import that finished
-- (an import that failed has its rows deleted; a refused one never has any). For the reviewed
-- definer paths, which bypass the read policy (scorecard, shared systems). The policies below
-- say the same with the unfinished imports as one uncorrelated sub-select, which PostgreSQL
-- evaluates once per statement (an InitPlan), not once per row.
create function vaern_inventory_live(p_org uuid, p_import uuid) returns boolean
  language sql stable parallel safe
  as $$
    select p_import is null
        or not exists (select 1 from imports i
                       where i.org_id = p_org and i.id = p_import and i.status in ('queued', 'running', 'failed'))
  $$;

-- Business processes ---------------------------------------------------------------------------

create table inventory_processes (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  key text not null check (vaern_inventory_key_ok(key)),
  name text not null check (length(name) between 1 and 200),
  -- Importance for patient treatment, on the same four-level scale as a system's criticality.
  importance text check (importance in ('critical', 'high', 'medium', 'low')),
  description text check (length(description) <= 2000),
  imported_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, key)
);
create index inventory_processes_name on inventory_processes (org_id, name, key);

-- Suppliers ------------------------------------------------------------------------------------

create table inventory_suppliers (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  key text not null check (vaern_inventory_key_ok(key)),
  name text not null check (length(name) between 1 and 200),
  contact_name text check (length(contact_name) <= 200),
  contact_email text check (contact_email = lower(contact_email) and length(contact_email) <= 254),
  contact_phone text check (length(contact_phone) <= 40),
  notes text check (length(notes) <= 2000),
  imported_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, key)
);
create index inventory_suppliers_name on inventory_suppliers (org_id, name, key);

-- Systems --------------------------------------------------------------------------------------

create table inventory_systems (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  key text not null check (vaern_inventory_key_ok(key)),
  name text not null check (length(name) between 1 and 200),
  -- The person who owns the system (a member of the organisation when it was set).
  owner_id uuid references users (id),
  health_data boolean not null default false,
  health_data_categories text[] not null default '{}',
  -- The documented four-level scale (docs/inventory.md); null: not assessed yet.
  criticality text check (criticality in ('critical', 'high', 'medium', 'low')),
  criticality_rank smallint generated always as (
    case criticality when 'critical' then 1 when 'high' then 2 when 'medium' then 3 when 'low' then 4 else 5 end
  ) stored,
  assessed_by text check (length(assessed_by) <= 200),
  assessed_on date,
  mtd_hours numeric(10, 2) check (mtd_hours >= 0),
  rto_hours numeric(10, 2) check (rto_hours >= 0),
  rpo_hours numeric(10, 2) check (rpo_hours >= 0),
  legacy boolean not null default false,
  medical_device boolean not null default false,
  -- A device's (or product's) identity directly on the system, so that a system registered
  -- without components can still be matched against advisories.
  vendor text check (length(vendor) <= 200),
  product text check (length(product) <= 200),
  model_number text check (length(model_number) <= 200),
  version text check (length(version) <= 100),
  cpe text check (length(cpe) <= 500),
  purl text check (length(purl) <= 500),
  hosting text check (length(hosting) <= 200),
  -- What scanners see.
  hostnames text[] not null default '{}',
  ip_addresses cidr[] not null default '{}',
  fqdns text[] not null default '{}',
  -- The technical baseline: each item with the date it was last confirmed and an evidence note.
  -- null: not recorded (a gap).
  mfa boolean,
  mfa_on date,
  mfa_note text check (length(mfa_note) <= 2000),
  segmented boolean,
  segmented_on date,
  segmented_note text check (length(segmented_note) <= 2000),
  patch_status text check (patch_status in ('current', 'behind')),
  patch_confirmed_on date,
  patch_note text check (length(patch_note) <= 2000),
  endpoint_protection boolean,
  endpoint_protection_on date,
  endpoint_protection_note text check (length(endpoint_protection_note) <= 2000),
  backup boolean,
  backup_on date,
  backup_note text check (length(backup_note) <= 2000),
  contingency_plan boolean,
  contingency_tested_on date,
  contingency_note text check (length(contingency_note) <= 2000),
  restore_procedure boolean,
  restore_procedure_link text check (length(restore_procedure_link) <= 2000),
  restore_procedure_note text check (length(restore_procedure_note) <= 2000),
  restore_tested_on date,
  restore_result text check (restore_result in ('success', 'partial', 'failed')),
  restore_test_note text check (length(restore_test_note) <= 2000),
  -- Offered to the sector as a shared record that other organisations may link to.
  shared boolean not null default false,
  -- Set on a linking organisation's row: the shared record (of another organisation) it uses.
  shared_org_id uuid,
  shared_system_id uuid,
  imported_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, key),
  check ((shared_org_id is null) = (shared_system_id is null)),
  check (shared_org_id is null or shared_org_id <> org_id),
  check (not (shared and shared_org_id is not null)),
  foreign key (shared_org_id, shared_system_id) references inventory_systems (org_id, id)
);
-- The list's sort orders and filters (keyset paging over 100,000 systems per organisation).
create index inventory_systems_name on inventory_systems (org_id, name, key);
create index inventory_systems_criticality on inventory_systems (org_id, criticality_rank, key);
create index inventory_systems_legacy on inventory_systems (org_id, key) where legacy;
create index inventory_systems_device on inventory_systems (org_id, key) where medical_device;
create index inventory_systems_links on inventory_systems (shared_org_id, shared_system_id)
  where shared_system_id is not null;

-- Components: what a system is built from (SBOMs attach them later) --------------------------

create table inventory_components (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  key text not null check (vaern_inventory_key_ok(key)),
  system_id uuid not null,
  vendor text check (length(vendor) <= 200),
  product text check (length(product) <= 200),
  version text check (length(version) <= 100),
  model_number text check (length(model_number) <= 200),
  cpe text check (length(cpe) <= 500),
  purl text check (length(purl) <= 500),
  imported_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, key),
  foreign key (org_id, system_id) references inventory_systems (org_id, id) on delete cascade
);
create index inventory_components_system on inventory_components (org_id, system_id, key);

-- Dependencies: process → system, system → system, system → supplier ---------------------------

create table inventory_dependencies (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  from_type text not null check (from_type in ('process', 'system')),
  from_process_id uuid,
  from_system_id uuid,
  to_type text not null check (to_type in ('system', 'supplier')),
  to_system_id uuid,
  to_supplier_id uuid,
  imported_by uuid,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique nulls not distinct (org_id, from_process_id, from_system_id, to_system_id, to_supplier_id),
  check ((from_type = 'process') = (from_process_id is not null)),
  check ((from_type = 'system') = (from_system_id is not null)),
  check ((to_type = 'system') = (to_system_id is not null)),
  check ((to_type = 'supplier') = (to_supplier_id is not null)),
  check (not (from_type = 'process' and to_type = 'supplier')),
  check (from_system_id is null or to_system_id is null or from_system_id <> to_system_id),
  foreign key (org_id, from_process_id) references inventory_processes (org_id, id) on delete cascade,
  foreign key (org_id, from_system_id) references inventory_systems (org_id, id) on delete cascade,
  foreign key (org_id, to_system_id) references inventory_systems (org_id, id) on delete cascade,
  foreign key (org_id, to_supplier_id) references inventory_suppliers (org_id, id) on delete cascade
);
create index inventory_dependencies_from_system on inventory_dependencies (org_id, from_system_id)
  where from_system_id is not null;
create index inventory_dependencies_to_system on inventory_dependencies (org_id, to_system_id)
  where to_system_id is not null;
create index inventory_dependencies_to_supplier on inventory_dependencies (org_id, to_supplier_id)
  where to_supplier_id is not null;

-- Row-level security: the organisation's own rows, those of unfinished imports hidden ---------------

do $$
declare
  t text;
  live constant text := '(imported_by is null or imported_by <> all (array(
      select i.id from imports i where i.status in (''queued'', ''running'', ''failed'')
        and (i.org_id = any (vaern_org_ids()) or vaern_is_operator()))))';
begin
  foreach t in array array['inventory_processes', 'inventory_suppliers', 'inventory_systems',
                           'inventory_components', 'inventory_dependencies'] loop
    -- No statistics for the mark: with one import's 50,000 rows all carrying the same id, the
    -- planner would take "imported_by is not one of the unfinished imports" to match no row and
    -- sort the whole table instead of reading a page along an index. The defaults estimate well.
    execute format('alter table %I alter column imported_by set statistics 0', t);
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy %I on %I for select to vaern_app
                      using (vaern_sees_org(org_id) and %s)', t || '_read', t, live);
    execute format('create policy %I on %I for insert to vaern_app
                      with check (vaern_sees_org(org_id))', t || '_insert', t);
    execute format('create policy %I on %I for update to vaern_app
                      using (vaern_sees_org(org_id) and %s)
                      with check (vaern_sees_org(org_id) and %s)', t || '_update', t, live, live);
    execute format('create policy %I on %I for delete to vaern_app
                      using (vaern_sees_org(org_id) and %s)', t || '_delete', t, live);
    execute format('create policy %I on %I to vaern_definer using (true) with check (true)',
                   t || '_definer', t);
    execute format('grant select, insert, update, delete on %I to vaern_app, vaern_definer', t);
  end loop;
end
$$;

-- Shared systems: the reviewed paths across organisations (see the top of this file) ---------

-- Resolves shared-system references `<owner slug>/<key>` for p_org (one of the request's
-- organisations) to the shared records' ids. Answers only for records their owner marked
-- shared, never for p_org's own records, and nothing when p_org is not in the request's scope.
create function vaern_inventory_find_shared(p_org uuid, p_refs text[])
  returns table (ref text, shared_org_id uuid, shared_system_id uuid)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select r.ref, s.org_id, s.id
    from unnest(p_refs) as r (ref)
    join organisations o on o.slug = split_part(r.ref, '/', 1)
    join inventory_systems s on s.org_id = o.id and s.key = substr(r.ref, strpos(r.ref, '/') + 1)
    where vaern_sees_org(p_org) and strpos(r.ref, '/') > 0
      and s.shared and vaern_inventory_live(s.org_id, s.imported_by) and s.org_id <> p_org
  $$;

-- The shared records that p_org's systems p_ids link to, as p_org may see them: their identity,
-- not the owner's assessment. Nothing when p_org is not in scope or the owner stopped sharing.
create function vaern_inventory_shared_records(p_org uuid, p_ids uuid[])
  returns table (system_id uuid, owner_id uuid, owner_slug text, owner_name text, key text, name text,
                 vendor text, product text, model_number text, version text, cpe text, purl text,
                 hosting text, legacy boolean, medical_device boolean)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select l.id, o.id, o.slug, o.name, s.key, s.name, s.vendor, s.product, s.model_number, s.version,
           s.cpe, s.purl, s.hosting, s.legacy, s.medical_device
    from inventory_systems l
    join inventory_systems s on s.org_id = l.shared_org_id and s.id = l.shared_system_id
    join organisations o on o.id = s.org_id
    where vaern_sees_org(p_org) and l.org_id = p_org and l.id = any (p_ids)
      and vaern_inventory_live(l.org_id, l.imported_by)
      and s.shared and vaern_inventory_live(s.org_id, s.imported_by)
  $$;

-- For the owner p_org: how many organisations link to each of its systems p_ids.
create function vaern_inventory_shared_link_counts(p_org uuid, p_ids uuid[])
  returns table (system_id uuid, organisations bigint)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select l.shared_system_id, count(distinct l.org_id)
    from inventory_systems l
    where vaern_sees_org(p_org) and l.shared_org_id = p_org and l.shared_system_id = any (p_ids)
      and vaern_inventory_live(l.org_id, l.imported_by)
    group by l.shared_system_id
  $$;

-- A failed import's rows (of p_org) go: no one could ever see them.
create function vaern_inventory_discard(p_org uuid, p_import uuid)
  returns void
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    begin
      if not vaern_sees_org(p_org) then return; end if;
      -- Only the rows of an import that has not succeeded (hidden ones): never the records of a
      -- finished import, which the organisation sees as its own.
      if not exists (select 1 from imports where org_id = p_org and id = p_import
                                              and status in ('queued', 'running', 'failed')) then
        return;
      end if;
      delete from inventory_dependencies where org_id = p_org and imported_by = p_import;
      delete from inventory_components where org_id = p_org and imported_by = p_import;
      delete from inventory_systems where org_id = p_org and imported_by = p_import;
      delete from inventory_suppliers where org_id = p_org and imported_by = p_import;
      delete from inventory_processes where org_id = p_org and imported_by = p_import;
    end
  $$;

alter function vaern_inventory_find_shared(uuid, text[]) owner to vaern_definer;
alter function vaern_inventory_shared_records(uuid, uuid[]) owner to vaern_definer;
alter function vaern_inventory_shared_link_counts(uuid, uuid[]) owner to vaern_definer;
alter function vaern_inventory_discard(uuid, uuid) owner to vaern_definer;
revoke all on function vaern_inventory_find_shared(uuid, text[]) from public;
revoke all on function vaern_inventory_shared_records(uuid, uuid[]) from public;
revoke all on function vaern_inventory_shared_link_counts(uuid, uuid[]) from public;
revoke all on function vaern_inventory_discard(uuid, uuid) from public;
grant execute on function vaern_inventory_find_shared(uuid, text[]) to vaern_app;
grant execute on function vaern_inventory_shared_records(uuid, uuid[]) to vaern_app;
grant execute on function vaern_inventory_shared_link_counts(uuid, uuid[]) to vaern_app;
grant execute on function vaern_inventory_discard(uuid, uuid) to vaern_app;
