-- The scorecard's reads without a function call per system (bench:inventory, 1,000 organisations).
--
-- 0013's vaern_inventory_live is a scalar SQL function with a sub-select, which PostgreSQL never
-- inlines: called once per row it costs about 20 µs, 1 s for an organisation of 50,000 imported
-- systems (its scorecard, its evidence, every sector page that holds it, the daily job). Written
-- out as the same condition, PostgreSQL checks the unfinished imports once per statement (a hashed
-- sub-plan). Same results; the bodies are 0019's vaern_scorecard_systems and 0014's
-- vaern_sector_critical_shared with only that condition written out.

create or replace function vaern_scorecard_systems(p_orgs uuid[], p_patch_days integer, p_test_months integer)
  returns table (org_id uuid, id uuid, key text, name text, criticality text, criticality_rank smallint,
                 health_data boolean, critical boolean,
                 c2 boolean, c5 boolean, c6 boolean, c7 boolean, c8 boolean, c9 boolean, c10 boolean)
  language sql stable
  as $$
    select s.org_id, s.id, s.key, s.name, s.criticality, s.criticality_rank, s.health_data,
           coalesce(s.criticality in ('critical', 'high'), false),
           s.criticality is not null,
           coalesce(s.mfa, false),
           coalesce(s.segmented, false),
           coalesce(s.patch_status = 'current' and s.patch_confirmed_on >= current_date - p_patch_days, false)
             and not exists (select 1 from findings f
                             where f.org_id = s.org_id and f.system_id = s.id
                               and f.state in ('open', 'in_progress') and f.severity in ('critical', 'high')
                               and f.due_on < current_date),
           coalesce(s.contingency_plan
                    and s.contingency_tested_on >= (current_date - make_interval(months => p_test_months))::date,
                    false),
           coalesce(s.restore_procedure, false),
           coalesce(s.restore_result = 'success'
                    and s.restore_tested_on >= (current_date - make_interval(months => p_test_months))::date,
                    false)
    from inventory_systems s
    where s.org_id = any (p_orgs)
      and (s.imported_by is null
           or not exists (select 1 from imports i
                          where i.org_id = s.org_id and i.id = s.imported_by
                            and i.status in ('queued', 'running', 'failed')))
  $$;

create or replace function vaern_sector_critical_shared(p_sector_unit uuid, p_buckets boolean,
                                             p_after_orgs bigint, p_after_rank integer,
                                             p_after_slug text, p_after_key text, p_limit integer)
  returns table (org_id uuid, org_slug text, org_name text, system_id uuid, key text, name text,
                 vendor text, product text, owner_criticality text, highest_criticality text,
                 highest_rank integer, organisations bigint, systems bigint)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    with allowed as (
      select 1 where p_sector_unit = any (vaern_org_ids())
        and exists (select 1 from organisations s where s.id = p_sector_unit and s.kind = 'sector_unit')
    ),
    links as (
      select l.shared_org_id, l.shared_system_id, count(distinct l.org_id) as users,
             min(l.criticality_rank) as best_rank
      from inventory_systems l
      where l.shared_system_id is not null and (l.imported_by is null
             or not exists (select 1 from imports i
                            where i.org_id = l.org_id and i.id = l.imported_by
                              and i.status in ('queued', 'running', 'failed')))
        and exists (select 1 from allowed)
      group by l.shared_org_id, l.shared_system_id
    ),
    points as (
      select s.org_id, s.id, s.key, s.name, s.vendor, s.product, s.shared, s.criticality,
             least(s.criticality_rank, coalesce(k.best_rank, 5))::integer as highest_rank,
             1 + coalesce(k.users, 0) as organisations
      from inventory_systems s
      left join links k on k.shared_org_id = s.org_id and k.shared_system_id = s.id
      where exists (select 1 from allowed) and (s.imported_by is null
             or not exists (select 1 from imports i
                            where i.org_id = s.org_id and i.id = s.imported_by
                              and i.status in ('queued', 'running', 'failed')))
        and s.shared_org_id is null
        and (s.shared or s.criticality is not null or k.users is not null)
    ),
    ranked as (
      select p.*, case p.highest_rank when 1 then 'critical' when 2 then 'high' when 3 then 'medium'
                                      when 4 then 'low' end as highest
      from points p
    )
    select null::uuid, null::text, null::text, null::uuid, null::text, null::text, null::text, null::text,
           null::text, r.highest, r.highest_rank, r.organisations, count(*)
    from ranked r
    where p_buckets
    group by r.highest, r.highest_rank, r.organisations
    union all
    (select r.org_id, o.slug, o.name, r.id, r.key, r.name, r.vendor, r.product, r.criticality, r.highest,
            r.highest_rank, r.organisations, 1::bigint
     from ranked r join organisations o on o.id = r.org_id
     where not p_buckets and r.shared
       and (p_after_slug is null
            or r.organisations < p_after_orgs
            or (r.organisations = p_after_orgs
                and (r.highest_rank > p_after_rank
                     or (r.highest_rank = p_after_rank
                         and (o.slug > p_after_slug or (o.slug = p_after_slug and r.key > p_after_key))))))
     order by r.organisations desc, r.highest_rank, o.slug, r.key
     limit least(greatest(p_limit, 1), 501))
  $$;
