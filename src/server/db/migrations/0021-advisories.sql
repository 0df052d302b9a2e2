-- Advisories (issue 6, module advisories, docs/advisories.md): CSAF 2.0 documents and advisories
-- written by hand, with their products, the vulnerabilities they describe and each product's
-- status per vulnerability.
--
-- Sector-wide reference data (DESIGN.md, "Sharing and ownership"): no org_id. Who reads: every
-- signed-in actor an advisory of TLP:CLEAR or TLP:GREEN; one above GREEN only its audience (the
-- organisations in advisory_audience; for TLP:AMBER also their child organisations, as TLP 2.0
-- defines AMBER), and the operator. Who writes: only an `advisory` import of the sector unit,
-- the way kev and epss imports write (0016): vaern_reference_writer() names a running import of
-- the sector unit that the request's scope contains, and only the import's own steps set it.

create or replace function vaern_reference_writer() returns boolean
  language sql stable parallel safe
  as $$
    select exists (
      select 1
      from imports i join organisations o on o.id = i.org_id
      where i.id = nullif(current_setting('app.reference_import', true), '')::uuid
        and vaern_sees_org(i.org_id)
        and o.kind = 'sector_unit'
        and i.kind in ('kev', 'epss', 'advisory')
        and i.status = 'running')
  $$;

create table advisories (
  id uuid primary key default gen_random_uuid(),
  -- With the tracking id, the advisory's identity: a newer revision updates the same row.
  publisher_namespace text not null check (length(publisher_namespace) between 1 and 500),
  tracking_id text not null check (length(tracking_id) between 1 and 200),
  source text not null check (source in ('csaf', 'manual')),
  version text not null check (length(version) between 1 and 100),
  status text not null check (status in ('draft', 'interim', 'final')),
  category text not null check (length(category) between 1 and 200),
  title text not null check (length(title) between 1 and 1000),
  publisher_name text not null check (length(publisher_name) between 1 and 500),
  tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  -- The label the document carried (TLP 1.0 for CSAF 2.0), null when the importer gave it.
  tlp_original text check (length(tlp_original) <= 50),
  initial_release timestamptz not null,
  current_release timestamptz not null,
  summary text check (length(summary) <= 100000),
  -- The highest CVSS base score of its vulnerabilities, for lists.
  cvss_max numeric(3, 1) check (cvss_max between 0 and 10),
  -- The document as published, and the SHA-256 of its bytes (null for one written by hand).
  document jsonb,
  sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
  import_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (publisher_namespace, tracking_id)
);
create index advisories_current_release on advisories (current_release desc, id);

-- Who may read an advisory above TLP:GREEN.
create table advisory_audience (
  advisory_id uuid not null references advisories (id) on delete cascade,
  org_id uuid not null references organisations (id),
  primary key (advisory_id, org_id)
);
create index advisory_audience_org on advisory_audience (org_id);

-- The vulnerabilities an advisory describes (the vulnerabilities module's table).
create table advisory_vulnerabilities (
  advisory_id uuid not null references advisories (id) on delete cascade,
  vulnerability_id uuid not null references vulnerabilities (id),
  -- The CVE id, or the first of the document's own ids when it has none.
  ref text not null check (length(ref) between 1 and 200),
  title text check (length(title) <= 1000),
  cvss_score numeric(3, 1) check (cvss_score between 0 and 10),
  cvss_vector text check (length(cvss_vector) <= 200),
  primary key (advisory_id, vulnerability_id)
);
create index advisory_vulnerabilities_vulnerability on advisory_vulnerabilities (vulnerability_id);

-- The advisory's products (its product tree, one row per product id) with the identity keys the
-- matching reads (advisories/identity: vendor and product name keys, package URL identity).
create table advisory_products (
  advisory_id uuid not null references advisories (id) on delete cascade,
  product_id text not null check (length(product_id) between 1 and 1000),
  name text not null check (length(name) between 1 and 2000),
  vendor text check (length(vendor) <= 500),
  product text check (length(product) <= 1000),
  -- The version or range text as the document gives it (product_version[_range]).
  version_text text check (length(version_text) <= 1000),
  model_numbers text[] not null default '{}',
  cpe text check (length(cpe) <= 2000),
  purl text check (length(purl) <= 2000),
  vendor_key text,
  product_key text,
  purl_key text,
  -- How the version text was read: every version, a range (advisory_product_ranges), text that
  -- could not be read with one clear meaning, or no version at all.
  range_state text not null check (range_state in ('all', 'parsed', 'unparsed', 'none')),
  range_scheme text check (range_scheme in ('generic', 'semver')),
  range jsonb,
  primary key (advisory_id, product_id)
);
create index advisory_products_names on advisory_products (vendor_key, product_key);
create index advisory_products_purl on advisory_products (purl_key) where purl_key is not null;

-- A parsed range as intervals of sortable version keys (identity/versions.ts), so that a match
-- is a comparison in SQL. Exact versions are closed single-point intervals; a null end is open.
create table advisory_product_ranges (
  advisory_id uuid not null,
  product_id text not null,
  n int not null,
  lower_key text collate "C",
  lower_inclusive boolean not null,
  upper_key text collate "C",
  upper_inclusive boolean not null,
  primary key (advisory_id, product_id, n),
  foreign key (advisory_id, product_id) references advisory_products (advisory_id, product_id)
    on delete cascade
);

-- What the advisory says of each product for each vulnerability (CSAF product_status).
create table advisory_product_status (
  advisory_id uuid not null,
  product_id text not null,
  vulnerability_id uuid not null,
  status text not null check (status in ('first_affected', 'first_fixed', 'fixed', 'known_affected',
    'known_not_affected', 'last_affected', 'recommended', 'under_investigation')),
  primary key (advisory_id, product_id, vulnerability_id, status),
  foreign key (advisory_id, product_id) references advisory_products (advisory_id, product_id)
    on delete cascade,
  foreign key (advisory_id, vulnerability_id) references advisory_vulnerabilities (advisory_id, vulnerability_id)
    on delete cascade
);
create index advisory_product_status_vulnerability on advisory_product_status (vulnerability_id);

-- Row-level security ----------------------------------------------------------------------------

-- Whether the request may read an advisory of label p_tlp (see the top). A reviewed definer
-- function: it reads the audience of every organisation (a child organisation of an AMBER
-- audience is not in it) and answers only this yes or no.
create function vaern_advisory_visible(p_advisory uuid, p_tlp text) returns boolean
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select p_tlp in ('CLEAR', 'GREEN') or vaern_is_operator()
        or exists (select 1 from advisory_audience a
                   where a.advisory_id = p_advisory
                     and (vaern_sees_org(a.org_id)
                          or (p_tlp = 'AMBER' and exists (select 1 from organisations c
                                                          where c.parent_id = a.org_id
                                                            and vaern_sees_org(c.id)))))
  $$;
alter function vaern_advisory_visible(uuid, text) owner to vaern_definer;
revoke all on function vaern_advisory_visible(uuid, text) from public;
grant execute on function vaern_advisory_visible(uuid, text) to vaern_app;

alter table advisories enable row level security;
alter table advisories force row level security;
create policy advisories_read on advisories for select to vaern_app
  using (vaern_advisory_visible(id, tlp) or (select vaern_reference_writer()));
create policy advisories_insert on advisories for insert to vaern_app
  with check ((select vaern_reference_writer()));
create policy advisories_update on advisories for update to vaern_app
  using ((select vaern_reference_writer())) with check ((select vaern_reference_writer()));
create policy advisories_delete on advisories for delete to vaern_app
  using ((select vaern_reference_writer()));
create policy advisories_definer on advisories to vaern_definer using (true) with check (true);
grant select, insert, update, delete on advisories to vaern_app;
grant select, insert, update, delete on advisories to vaern_definer;

-- The audience: an organisation reads the rows that name it. What an advisory says (its
-- vulnerabilities, products, ranges, statuses) is read with the advisory: the policy's sub-select
-- on advisories is itself under the advisories policy.
alter table advisory_audience enable row level security;
alter table advisory_audience force row level security;
create policy advisory_audience_read on advisory_audience for select to vaern_app
  using (vaern_sees_org(org_id) or (select vaern_reference_writer()));
create policy advisory_audience_insert on advisory_audience for insert to vaern_app
  with check ((select vaern_reference_writer()));
create policy advisory_audience_delete on advisory_audience for delete to vaern_app
  using ((select vaern_reference_writer()));
create policy advisory_audience_definer on advisory_audience to vaern_definer using (true) with check (true);
grant select, insert, delete on advisory_audience to vaern_app;
grant select, insert, update, delete on advisory_audience to vaern_definer;

do $$
declare
  t text;
begin
  foreach t in array array['advisory_vulnerabilities', 'advisory_products', 'advisory_product_ranges',
                           'advisory_product_status'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy %I on %I for select to vaern_app
                      using (exists (select 1 from advisories a where a.id = advisory_id))', t || '_read', t);
    execute format('create policy %I on %I for insert to vaern_app
                      with check ((select vaern_reference_writer()))', t || '_insert', t);
    execute format('create policy %I on %I for update to vaern_app
                      using ((select vaern_reference_writer())) with check ((select vaern_reference_writer()))',
                   t || '_update', t);
    execute format('create policy %I on %I for delete to vaern_app
                      using ((select vaern_reference_writer()))', t || '_delete', t);
    execute format('create policy %I on %I to vaern_definer using (true) with check (true)',
                   t || '_definer', t);
    execute format('grant select, insert, update, delete on %I to vaern_app, vaern_definer', t);
  end loop;
end
$$;
