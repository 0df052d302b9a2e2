-- Matching advisories against every inventory (issue 6, docs/advisories.md "Matching").
--
-- product_identities: the sector-wide, de-duplicated index of the product identities the
-- inventories carry (a component, or a system that names its own vendor, product, model, version,
-- CPE or package URL), each with its match keys (advisories/identity/keys.ts). Reference data
-- (DESIGN.md): every signed-in actor may read it; it names products, never who runs them. Rows
-- come only through vaern_product_identities_add, for the operator and jobs.
--
-- advisory_matches: organisation-owned, one row per (advisory product, inventory item) that the
-- advisory may concern, with its basis, confidence and version status; written only by the
-- reviewed definer function vaern_advisory_match, read under row-level security by the
-- organisation. advisory_match_reviews: an organisation's decisions on uncertain matches,
-- remembered when matches are computed again.

-- The identity of a product as an inventory item writes it: what links an item to its index row.
create function vaern_identity_hash(p_vendor text, p_product text, p_model text, p_version text,
                                    p_cpe text, p_purl text) returns text
  language sql immutable parallel safe
  as $$
    select md5(concat_ws(chr(31), coalesce(btrim(p_vendor), ''), coalesce(btrim(p_product), ''),
                         coalesce(btrim(p_model), ''), coalesce(btrim(p_version), ''),
                         coalesce(btrim(p_cpe), ''), coalesce(btrim(p_purl), '')))
  $$;

create table product_identities (
  id uuid primary key default gen_random_uuid(),
  hash text not null unique,
  vendor text,
  product text,
  model_number text,
  version text,
  cpe text,
  purl text,
  vendor_key text,
  product_key text,
  model_key text,
  purl_key text,
  cpe_vendor text,
  cpe_product text,
  version_generic text collate "C",
  version_semver text collate "C",
  created_at timestamptz not null default now()
);
create index product_identities_names on product_identities (vendor_key, product_key);
create index product_identities_purl on product_identities (purl_key) where purl_key is not null;
create index product_identities_cpe on product_identities (cpe_vendor, cpe_product) where cpe_vendor is not null;

-- The inventories' items found by their identity (the matching's last step).
create index inventory_components_identity on inventory_components
  (vaern_identity_hash(vendor, product, model_number, version, cpe, purl));
create index inventory_systems_identity on inventory_systems
  (vaern_identity_hash(vendor, product, model_number, version, cpe, purl))
  where vendor is not null or cpe is not null or purl is not null;

alter table product_identities enable row level security;
alter table product_identities force row level security;
create policy product_identities_read on product_identities for select to vaern_app using (true);
create policy product_identities_definer on product_identities to vaern_definer using (true) with check (true);
grant select on product_identities to vaern_app;
grant select, insert, update, delete on product_identities to vaern_definer;

-- The CPE's vendor and product on the advisory side too (the formatted string's 4th and 5th
-- fields; a CPE with an escaped colon there is left to the name keys).
alter table advisory_products
  add column cpe_vendor text generated always as (
    case when cpe ~* '^cpe:2\.3:[aho]:' and cpe !~ '\\:' and split_part(cpe, ':', 4) not in ('*', '-', '')
         then lower(split_part(cpe, ':', 4)) end) stored,
  add column cpe_product text generated always as (
    case when cpe ~* '^cpe:2\.3:[aho]:' and cpe !~ '\\:' and split_part(cpe, ':', 5) not in ('*', '-', '')
         then lower(split_part(cpe, ':', 5)) end) stored;
create index advisory_products_cpe on advisory_products (cpe_vendor, cpe_product) where cpe_vendor is not null;

create table advisory_matches (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  advisory_id uuid not null references advisories (id) on delete cascade,
  product_id text not null,
  item_type text not null check (item_type in ('component', 'system')),
  item_id uuid not null,
  -- The system concerned: the component's system, or the system itself.
  system_id uuid not null,
  identity_id uuid not null references product_identities (id),
  basis text not null check (basis in ('purl', 'cpe', 'model', 'name')),
  confidence text not null check (confidence in ('certain', 'likely', 'possible')),
  version_status text not null check (version_status in ('in_range', 'unknown')),
  -- What the advisory says of the product (the gravest of its statuses over the vulnerabilities):
  -- affected, under_investigation, fixed, not_affected; null when it says nothing.
  product_status text check (product_status in ('affected', 'under_investigation', 'fixed', 'not_affected')),
  matched_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, advisory_id, product_id, item_type, item_id),
  foreign key (org_id, system_id) references inventory_systems (org_id, id) on delete cascade
);
create index advisory_matches_advisory on advisory_matches (advisory_id, org_id);

create table advisory_match_reviews (
  org_id uuid not null references organisations (id),
  advisory_id uuid not null references advisories (id) on delete cascade,
  product_id text not null,
  item_type text not null check (item_type in ('component', 'system')),
  item_id uuid not null,
  decision text not null check (decision in ('confirmed', 'rejected')),
  note text check (length(note) <= 2000),
  reviewed_by uuid not null,
  reviewed_at timestamptz not null default now(),
  primary key (org_id, advisory_id, product_id, item_type, item_id)
);

do $$
declare
  t text;
begin
  foreach t in array array['advisory_matches', 'advisory_match_reviews'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy %I on %I to vaern_app using (vaern_sees_org(org_id))
                      with check (vaern_sees_org(org_id))', t || '_tenant', t);
    execute format('create policy %I on %I to vaern_definer using (true) with check (true)',
                   t || '_definer', t);
  end loop;
end
$$;
-- Matches are computed, never written by a request; reviews are the organisation's own.
grant select on advisory_matches to vaern_app;
grant select, insert, update, delete on advisory_matches to vaern_definer;
grant select, insert, update, delete on advisory_match_reviews to vaern_app, vaern_definer;

-- Index maintenance (operator and jobs only) ---------------------------------------------------

-- Items' identities not yet in the index (of one organisation's inventory, or of all when p_org is
-- null), at most p_limit, for the caller to key and add.
create function vaern_product_identities_missing(p_org uuid, p_limit integer)
  returns table (hash text, vendor text, product text, model_number text, version text, cpe text, purl text)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select distinct on (i.hash) i.hash, i.vendor, i.product, i.model_number, i.version, i.cpe, i.purl
    from (
      select vaern_identity_hash(c.vendor, c.product, c.model_number, c.version, c.cpe, c.purl) as hash,
             c.vendor, c.product, c.model_number, c.version, c.cpe, c.purl
      from inventory_components c
      where p_org is null or c.org_id = p_org
      union all
      select vaern_identity_hash(s.vendor, s.product, s.model_number, s.version, s.cpe, s.purl),
             s.vendor, s.product, s.model_number, s.version, s.cpe, s.purl
      from inventory_systems s
      where (s.vendor is not null or s.cpe is not null or s.purl is not null)
        and (p_org is null or s.org_id = p_org)
    ) i
    where vaern_is_operator()
      and not exists (select 1 from product_identities p where p.hash = i.hash)
    order by i.hash
    limit p_limit
  $$;

-- Adds keyed identities (a JSON array of product_identities' columns but id); returns how many.
create function vaern_product_identities_add(p_rows jsonb) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    declare
      n integer;
    begin
      if not vaern_is_operator() then return 0; end if;
      insert into product_identities (hash, vendor, product, model_number, version, cpe, purl,
        vendor_key, product_key, model_key, purl_key, cpe_vendor, cpe_product, version_generic, version_semver)
      select r.hash, r.vendor, r.product, r.model_number, r.version, r.cpe, r.purl, r.vendor_key,
             r.product_key, r.model_key, r.purl_key, r.cpe_vendor, r.cpe_product, r.version_generic,
             r.version_semver
      from jsonb_to_recordset(p_rows) as r(hash text, vendor text, product text, model_number text,
        version text, cpe text, purl text, vendor_key text, product_key text, model_key text,
        purl_key text, cpe_vendor text, cpe_product text, version_generic text, version_semver text)
      where r.hash = vaern_identity_hash(r.vendor, r.product, r.model_number, r.version, r.cpe, r.purl)
      on conflict (hash) do nothing;
      get diagnostics n = row_count;
      return n;
    end
  $$;

-- The model-number pattern of CSAF (a leading part, `?` one character, `*` any) as LIKE, over
-- keys (identity/models.ts: upper case, without whitespace, `-` and `_`).
create function vaern_model_like(p_model text) returns text
  language sql immutable parallel safe
  as $$
    select replace(replace(replace(replace(replace(
             regexp_replace(upper(normalize(p_model, NFKC)), '[[:space:]_-]+', '', 'g'),
             '\', '\\'), '%', '\%'), '_', '\_'), '?', '_'), '*', '%') || '%'
  $$;

-- Matching -------------------------------------------------------------------------------------

-- Whether an advisory of label p_tlp reaches organisation p_org (TLP 2.0 as DESIGN.md defines it:
-- CLEAR and GREEN the sector; above, its audience; AMBER also the audience's child organisations).
-- Only organisations it reaches are matched: a match would tell of the advisory.
create function vaern_advisory_reaches(p_advisory uuid, p_tlp text, p_org uuid) returns boolean
  language sql stable parallel safe
  as $$
    select p_tlp in ('CLEAR', 'GREEN')
        or exists (select 1 from advisory_audience a
                   where a.advisory_id = p_advisory
                     and (a.org_id = p_org
                          or (p_tlp = 'AMBER'
                              and a.org_id = (select o.parent_id from organisations o where o.id = p_org))))
  $$;

-- Computes the matches of one advisory (p_advisory) or of all advisories, for one organisation
-- (p_org) or all, and replaces what was stored for that scope; returns how many matches there are.
-- The rules (identity/match.ts, as set-based SQL over the index): a package URL on both sides
-- decides alone (same identity); else a CPE on both sides (same vendor and product); else the
-- vendor keys must agree and, when the advisory lists model numbers and the item has one, a model
-- must cover it; else the product keys must agree. The version: every version, or the item's
-- version key inside one of the advisory's intervals; unknown when either side cannot say; an
-- item outside the range is not a match. Confidence: purl or cpe with a decided version certain,
-- else likely; model or name with a decided version likely, else possible.
create function vaern_advisory_match(p_advisory uuid, p_org uuid) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    declare
      n integer;
    begin
      if not vaern_is_operator() then return 0; end if;
      with ap as (
        select p.* from advisory_products p where p_advisory is null or p.advisory_id = p_advisory
      ), idents as (
        select pi.* from product_identities pi
        where p_org is null
           or exists (select 1 from inventory_components c
                      where c.org_id = p_org
                        and vaern_identity_hash(c.vendor, c.product, c.model_number, c.version, c.cpe, c.purl) = pi.hash)
           or exists (select 1 from inventory_systems s
                      where s.org_id = p_org and (s.vendor is not null or s.cpe is not null or s.purl is not null)
                        and vaern_identity_hash(s.vendor, s.product, s.model_number, s.version, s.cpe, s.purl) = pi.hash)
      ), cand as (
        select ap.advisory_id, ap.product_id, i.id as identity_id, 'purl' as basis, 1 as rank
        from ap join idents i on i.purl_key = ap.purl_key
        union all
        select ap.advisory_id, ap.product_id, i.id, 'cpe', 2
        from ap join idents i on i.cpe_vendor = ap.cpe_vendor and i.cpe_product = ap.cpe_product
        where ap.purl_key is null or i.purl_key is null
        union all
        select ap.advisory_id, ap.product_id, i.id, 'model', 3
        from ap join idents i on i.vendor_key = ap.vendor_key
        where cardinality(ap.model_numbers) > 0 and i.model_key is not null
          and (ap.purl_key is null or i.purl_key is null)
          and (ap.cpe_vendor is null or i.cpe_vendor is null)
          and exists (select 1 from unnest(ap.model_numbers) m where i.model_key like vaern_model_like(m))
        union all
        select ap.advisory_id, ap.product_id, i.id, 'name', 4
        from ap join idents i on i.vendor_key = ap.vendor_key and i.product_key = ap.product_key
        where not (cardinality(ap.model_numbers) > 0 and i.model_key is not null)
          and (ap.purl_key is null or i.purl_key is null)
          and (ap.cpe_vendor is null or i.cpe_vendor is null)
      ), best as (
        select distinct on (c.advisory_id, c.product_id, c.identity_id) c.*
        from cand c order by c.advisory_id, c.product_id, c.identity_id, c.rank
      ), judged as (
        select b.advisory_id, b.product_id, b.identity_id, b.basis,
               case
                 when ap.range_state = 'all' then 'in_range'
                 when ap.range_state <> 'parsed' then 'unknown'
                 when (case when ap.range_scheme = 'semver' then i.version_semver else i.version_generic end) is null
                   then 'unknown'
                 when exists (
                   select 1 from advisory_product_ranges r,
                     lateral (select case when ap.range_scheme = 'semver' then i.version_semver
                                          else i.version_generic end as v) k
                   where r.advisory_id = ap.advisory_id and r.product_id = ap.product_id
                     and (r.lower_key is null or k.v > r.lower_key or (r.lower_inclusive and k.v = r.lower_key))
                     and (r.upper_key is null or k.v < r.upper_key or (r.upper_inclusive and k.v = r.upper_key)))
                   then 'in_range'
                 else 'out_of_range'
               end as version_status,
               (select case
                         when bool_or(s.status in ('known_affected', 'first_affected', 'last_affected')) then 'affected'
                         when bool_or(s.status = 'under_investigation') then 'under_investigation'
                         when bool_or(s.status in ('fixed', 'first_fixed')) then 'fixed'
                         when bool_or(s.status = 'known_not_affected') then 'not_affected'
                       end
                from advisory_product_status s
                where s.advisory_id = ap.advisory_id and s.product_id = ap.product_id) as product_status
        from best b
        join ap on ap.advisory_id = b.advisory_id and ap.product_id = b.product_id
        join idents i on i.id = b.identity_id
      ), items as (
        select c.org_id, 'component' as item_type, c.id as item_id, c.system_id, pi.id as identity_id
        from judged j
        join product_identities pi on pi.id = j.identity_id
        join inventory_components c
          on vaern_identity_hash(c.vendor, c.product, c.model_number, c.version, c.cpe, c.purl) = pi.hash
        where (p_org is null or c.org_id = p_org) and vaern_inventory_live(c.org_id, c.imported_by)
        union
        select s.org_id, 'system', s.id, s.id, pi.id
        from judged j
        join product_identities pi on pi.id = j.identity_id
        join inventory_systems s
          on vaern_identity_hash(s.vendor, s.product, s.model_number, s.version, s.cpe, s.purl) = pi.hash
         and (s.vendor is not null or s.cpe is not null or s.purl is not null)
        where (p_org is null or s.org_id = p_org) and vaern_inventory_live(s.org_id, s.imported_by)
      )
      , result as (
        select it.org_id, j.advisory_id, j.product_id, it.item_type, it.item_id, it.system_id,
               j.identity_id, j.basis,
               case
                 when j.basis in ('purl', 'cpe') then case when j.version_status = 'unknown' then 'likely' else 'certain' end
                 else case when j.version_status = 'unknown' then 'possible' else 'likely' end
               end as confidence,
               j.version_status, j.product_status
        from judged j
        join items it on it.identity_id = j.identity_id
        join advisories a on a.id = j.advisory_id
        where j.version_status <> 'out_of_range' and vaern_advisory_reaches(a.id, a.tlp, it.org_id)
      ), gone as (
        -- The scope's stored matches that no longer hold (the result and the deleted rows are
        -- disjoint, so the two statements never touch one row).
        delete from advisory_matches m
        where (p_advisory is null or m.advisory_id = p_advisory) and (p_org is null or m.org_id = p_org)
          and not exists (select 1 from result r
                          where r.org_id = m.org_id and r.advisory_id = m.advisory_id
                            and r.product_id = m.product_id and r.item_type = m.item_type
                            and r.item_id = m.item_id)
        returning 1
      ), kept as (
        insert into advisory_matches (org_id, advisory_id, product_id, item_type, item_id, system_id,
                                      identity_id, basis, confidence, version_status, product_status)
        select org_id, advisory_id, product_id, item_type, item_id, system_id, identity_id, basis,
               confidence, version_status, product_status
        from result
        on conflict (org_id, advisory_id, product_id, item_type, item_id) do update
          set system_id = excluded.system_id, identity_id = excluded.identity_id, basis = excluded.basis,
              confidence = excluded.confidence, version_status = excluded.version_status,
              product_status = excluded.product_status, matched_at = now()
          where (advisory_matches.basis, advisory_matches.confidence, advisory_matches.version_status,
                 advisory_matches.product_status, advisory_matches.system_id)
                is distinct from (excluded.basis, excluded.confidence, excluded.version_status,
                                  excluded.product_status, excluded.system_id)
        returning 1
      )
      -- Both data-modifying parts run to completion whether or not this reads them.
      select count(*) into n from result;
      return n;
    end
  $$;

-- For the sector coordinator: the organisations an advisory concerns, with counts. Answers only
-- when p_sector_unit is the sector unit and in the caller's scope (policy.ts checks the role).
create function vaern_advisory_affected(p_advisory uuid, p_sector_unit uuid)
  returns table (org_id uuid, systems integer, components integer, certain integer, pending integer)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select m.org_id, count(distinct m.system_id)::int,
           count(*) filter (where m.item_type = 'component')::int,
           count(*) filter (where m.confidence = 'certain')::int,
           count(*) filter (where m.confidence <> 'certain' and r.decision is null)::int
    from advisory_matches m
    left join advisory_match_reviews r
      on r.org_id = m.org_id and r.advisory_id = m.advisory_id and r.product_id = m.product_id
     and r.item_type = m.item_type and r.item_id = m.item_id
    where m.advisory_id = p_advisory
      and p_sector_unit = any (vaern_org_ids())
      and exists (select 1 from organisations s where s.id = p_sector_unit and s.kind = 'sector_unit')
      and coalesce(r.decision, 'confirmed') <> 'rejected'
      and coalesce(m.product_status, 'affected') in ('affected', 'under_investigation')
    group by m.org_id
  $$;

-- KEV: the Known Exploited Vulnerabilities catalogue names a vendor and product, no versions.
-- The match keys of its names (from the identity library; the job writes them after every KEV
-- import) are reference data like the index. An organisation's KEV matches are read when asked
-- for, not stored: a system whose findings carry a KEV CVE is concerned for certain (basis
-- finding); an item whose identity has an entry's vendor and product keys possibly (basis name).
-- A common product (Windows: 150 entries) on many items would otherwise be millions of rows.
create table kev_product_keys (
  cve text primary key references kev_entries (cve) on delete cascade,
  vendor_key text not null,
  product_key text not null
);
create index kev_product_keys_names on kev_product_keys (vendor_key, product_key);
alter table kev_product_keys enable row level security;
alter table kev_product_keys force row level security;
create policy kev_product_keys_read on kev_product_keys for select to vaern_app using (true);
create policy kev_product_keys_definer on kev_product_keys to vaern_definer using (true) with check (true);
grant select on kev_product_keys to vaern_app;
grant select, insert, update, delete on kev_product_keys to vaern_definer;

-- Replaces the keys of the catalogue's names (operator and jobs): a JSON array of {cve,
-- vendor_key, product_key}; entries without both keys are left out. Returns how many are kept.
create function vaern_kev_keys_replace(p_keys jsonb) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    declare
      n integer;
    begin
      if not vaern_is_operator() then return 0; end if;
      delete from kev_product_keys k
      where not exists (select 1 from jsonb_to_recordset(p_keys) as r(cve text, vendor_key text, product_key text)
                        where r.cve = k.cve and r.vendor_key is not null and r.product_key is not null);
      insert into kev_product_keys (cve, vendor_key, product_key)
      select r.cve, r.vendor_key, r.product_key
      from jsonb_to_recordset(p_keys) as r(cve text, vendor_key text, product_key text)
      join kev_entries e on e.cve = r.cve
      where r.vendor_key is not null and r.product_key is not null
      on conflict (cve) do update set vendor_key = excluded.vendor_key, product_key = excluded.product_key
        where (kev_product_keys.vendor_key, kev_product_keys.product_key)
              is distinct from (excluded.vendor_key, excluded.product_key);
      select count(*) into n from kev_product_keys;
      return n;
    end
  $$;

do $$
declare
  f text;
begin
  foreach f in array array['vaern_product_identities_missing(uuid, integer)', 'vaern_product_identities_add(jsonb)',
                           'vaern_advisory_match(uuid, uuid)', 'vaern_advisory_affected(uuid, uuid)',
                           'vaern_kev_keys_replace(jsonb)'] loop
    execute format('alter function %s owner to vaern_definer', f);
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to vaern_app', f);
  end loop;
end
$$;
