-- CPE 2.3 names compared attribute by attribute in the matching (issue 6: "CPE 2.3, NISTIR
-- 7695/7696 attribute matching with version bounds").
--
-- Until now the matching's CPE basis compared the vendor and product of the two names only, so
-- cpe:2.3:a:acme:gateway:*:*:*:*:*:windows:*:* matched an item whose CPE names linux as its target
-- software, and an application matched hardware of the same name. Now a CPE candidate is dropped
-- when any attribute but the vendor, the product (equal already) and the version is DISJOINT under
-- NISTIR 7696 section 6.1, as the library's compareAttribute does (identity/cpe.ts): ANY (*) on
-- either side never conflicts (on the item's side the match is then partial), NA (-) equals only
-- NA, a value with wildcards (* or ? at its ends) covers the texts it matches, other values must
-- be equal (case-insensitively). An item's CPE that has wildcards itself is not a name of a
-- product (UNDEFINED in 7696) and does not match by CPE. The version stays with the advisory's
-- version ranges (advisory_product_ranges, which hold the product tree's versions and bounds), as
-- before. A name with an escaped character (a backslash) is compared by vendor and product only,
-- as the keys of 0022 already leave names with an escaped colon to the name keys.

-- Whether one attribute value of an advisory's CPE (the source) and of an item's (the target) are
-- DISJOINT; both lower-case, unescaped formatted-string fields. Internal, immutable.
create function vaern_cpe_value_disjoint(s text, t text) returns boolean
  language sql immutable parallel safe set search_path = pg_catalog, public
  as $$
    select case
             when t <> '*' and t ~ '[*?]' then true
             when s = '*' or t = '*' then false
             when s = '-' or t = '-' then s <> t
             when s ~ '[*?]' then
               not (t like replace(replace(replace(replace(s, '%', '\%'), '_', '\_'), '*', '%'), '?', '_'))
             else s <> t
           end
  $$;

-- Whether two CPE 2.3 formatted strings are DISJOINT in part, update, edition, language,
-- software edition, target software, target hardware or other. False when either is not a
-- well-formed 13-field name without escapes (then vendor and product decide, as before).
create function vaern_cpe_disjoint(p_source text, p_target text) returns boolean
  language sql immutable parallel safe set search_path = pg_catalog, public
  as $$
    select coalesce(bool_or(vaern_cpe_value_disjoint(split_part(lower(p_source), ':', n),
                                                     split_part(lower(p_target), ':', n))), false)
    from unnest(array[3, 7, 8, 9, 10, 11, 12, 13]) as n
    where p_source ~* '^cpe:2\.3:' and p_target ~* '^cpe:2\.3:'
      and strpos(p_source, '\') = 0 and strpos(p_target, '\') = 0
      and array_length(string_to_array(p_source, ':'), 1) = 13
      and array_length(string_to_array(p_target, ':'), 1) = 13
  $$;

-- 0039's matching statement (vaern_advisory_match_rows since 0043), its CPE candidates filtered by
-- vaern_cpe_disjoint; nothing else changed. Owner and rights stay (create or replace).
create or replace function vaern_advisory_match_rows(p_advisory uuid, p_org uuid) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
  set work_mem = '128MB'
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
        where (ap.purl_key is null or i.purl_key is null) and not vaern_cpe_disjoint(ap.cpe, i.cpe)
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
        where (p_org is null or c.org_id = p_org)
          and (c.imported_by is null
               or not exists (select 1 from imports im
                              where im.org_id = c.org_id and im.id = c.imported_by
                                and im.status in ('queued', 'running', 'failed')))
        union
        select s.org_id, 'system', s.id, s.id, pi.id
        from judged j
        join product_identities pi on pi.id = j.identity_id
        join inventory_systems s
          on vaern_identity_hash(s.vendor, s.product, s.model_number, s.version, s.cpe, s.purl) = pi.hash
         and (s.vendor is not null or s.cpe is not null or s.purl is not null)
        where (p_org is null or s.org_id = p_org)
          and (s.imported_by is null
               or not exists (select 1 from imports im
                              where im.org_id = s.org_id and im.id = s.imported_by
                                and im.status in ('queued', 'running', 'failed')))
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
        where j.version_status <> 'out_of_range'
          and (a.tlp in ('CLEAR', 'GREEN')
               or exists (select 1 from advisory_audience au
                          where au.advisory_id = a.id
                            and (au.org_id = it.org_id
                                 or (a.tlp = 'AMBER'
                                     and au.org_id = (select o.parent_id from organisations o
                                                      where o.id = it.org_id)))))
      ), gone as (
        -- The scope's stored matches that no longer hold (the result and the deleted rows are
        -- disjoint, so the two statements never touch one row).
        delete from advisory_matches m
        where (p_advisory is null or m.advisory_id = p_advisory) and (p_org is null or m.org_id = p_org)
          and (m.org_id, m.advisory_id, m.product_id, m.item_type, m.item_id) not in
              (select r.org_id, r.advisory_id, r.product_id, r.item_type, r.item_id from result r)
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
