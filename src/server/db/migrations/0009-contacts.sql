-- Contacts directory (strategy initiative 1.4): per organisation the people to call, with the
-- date someone last verified each entry. Organisation-owned, under row-level security.

create table contacts (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  role text not null check (role in ('security_officer', 'dpo', 'it_on_call', 'crisis_staff')),
  name text not null check (length(name) between 1 and 200),
  phone text check (length(phone) <= 40),
  email text check (length(email) <= 254),
  notes text check (length(notes) <= 2000),
  verified_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index contacts_list on contacts (org_id, role, name, id);

alter table contacts enable row level security;
alter table contacts force row level security;
create policy contacts_tenant on contacts to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy contacts_definer on contacts to vaern_definer using (true) with check (true);
grant select, insert, update, delete on contacts to vaern_app, vaern_definer;

-- The sector coordinator's view of every organisation's contacts (DESIGN.md, "Sharing and
-- ownership": an explicit, reviewed path). Row-level security confines vaern_app to the request's
-- organisations, so this function, owned by vaern_definer, reads across them. It answers only
-- when p_sector_unit is one of the request's organisations AND is a sector unit; the database
-- cannot see roles, so the application's policy (contacts/policy.ts) must first have checked that
-- the caller is sector_coordinator there and scoped the request to exactly that organisation.
-- Otherwise it returns no rows. Paged by (slug, role, name, id); overdue = never verified or
-- verified more than 12 months ago.
create function vaern_sector_contacts(p_sector_unit uuid, p_overdue_only boolean,
                                      p_after_slug text, p_after_role text, p_after_name text,
                                      p_after_id uuid, p_limit integer)
  returns table (org_id uuid, org_slug text, org_name text, id uuid, role text, name text, phone text,
                 email text, notes text, verified_on text, overdue boolean, created_at timestamptz,
                 updated_at timestamptz)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select c.org_id, o.slug, o.name, c.id, c.role, c.name, c.phone, c.email, c.notes,
           to_char(c.verified_on, 'YYYY-MM-DD'),
           (c.verified_on is null or c.verified_on < (current_date - interval '12 months')::date),
           c.created_at, c.updated_at
    from contacts c join organisations o on o.id = c.org_id
    where p_sector_unit = any (vaern_org_ids())
      and exists (select 1 from organisations s where s.id = p_sector_unit and s.kind = 'sector_unit')
      and (not p_overdue_only
           or c.verified_on is null or c.verified_on < (current_date - interval '12 months')::date)
      and (p_after_slug is null
           or (o.slug, c.role, c.name, c.id) > (p_after_slug, p_after_role, p_after_name, p_after_id))
    order by o.slug, c.role, c.name, c.id
    limit least(greatest(p_limit, 1), 501)
  $$;
alter function vaern_sector_contacts(uuid, boolean, text, text, text, uuid, integer) owner to vaern_definer;
revoke all on function vaern_sector_contacts(uuid, boolean, text, text, text, uuid, integer) from public;
grant execute on function vaern_sector_contacts(uuid, boolean, text, text, text, uuid, integer) to vaern_app;
