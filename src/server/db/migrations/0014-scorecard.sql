-- The live audit scorecard (issue 4, module scorecard) and management's yearly confirmation of
-- the inventory. The criteria's exact definitions are in docs/scorecard.md; the per-system
-- flags behind every figure are computed in ONE place, vaern_scorecard_systems below, which the
-- organisation's own scorecard, its evidence lists, the daily snapshots and the sector view all
-- read, so that a figure and its evidence can never disagree.

-- Management's confirmation of the inventory (signed as DESIGN.md describes) -------------------
--
-- Append-only: vaern_app may read and insert, never update or delete. `snapshot` is the exact
-- canonical JSON text that was signed (text, not jsonb, so that its bytes and therefore its
-- SHA-256 survive storage unchanged).

create table inventory_confirmations (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  signer_id uuid not null references users (id),
  signer_name text not null check (length(signer_name) between 1 and 200),
  signer_email text not null check (length(signer_email) between 3 and 254),
  signed_at timestamptz not null,
  statement text check (length(statement) between 1 and 2000),
  systems integer not null check (systems >= 0),
  health_data_systems integer not null check (health_data_systems >= 0),
  snapshot text not null,
  snapshot_sha256 text not null check (snapshot_sha256 ~ '^[0-9a-f]{64}$'),
  primary key (org_id, id)
);
create index inventory_confirmations_recent on inventory_confirmations (org_id, signed_at desc, id desc);

alter table inventory_confirmations enable row level security;
alter table inventory_confirmations force row level security;
-- A confirmation is bound to its time: an auditor's data period applies (0012's convention).
create policy inventory_confirmations_read on inventory_confirmations for select to vaern_app
  using (vaern_sees_org(org_id) and vaern_in_data_period(org_id, signed_at));
create policy inventory_confirmations_insert on inventory_confirmations for insert to vaern_app
  with check (vaern_sees_org(org_id));
create policy inventory_confirmations_definer on inventory_confirmations to vaern_definer
  using (true) with check (true);
grant select, insert on inventory_confirmations to vaern_app, vaern_definer;

-- Daily snapshots of an organisation's scorecard (the trend) -----------------------------------
--
-- One row per organisation and day, written by the daily job or on demand; writing a day again
-- replaces that day's figures (upsert). Never deleted by the application.

create table scorecard_snapshots (
  org_id uuid not null references organisations (id),
  day date not null,
  criteria jsonb not null check (jsonb_typeof(criteria) = 'array'),
  computed_at timestamptz not null default now(),
  primary key (org_id, day)
);

alter table scorecard_snapshots enable row level security;
alter table scorecard_snapshots force row level security;
create policy scorecard_snapshots_read on scorecard_snapshots for select to vaern_app
  using (vaern_sees_org(org_id) and vaern_in_data_period(org_id, day::timestamp at time zone 'UTC'));
create policy scorecard_snapshots_insert on scorecard_snapshots for insert to vaern_app
  with check (vaern_sees_org(org_id));
create policy scorecard_snapshots_update on scorecard_snapshots for update to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy scorecard_snapshots_definer on scorecard_snapshots to vaern_definer
  using (true) with check (true);
grant select, insert, update on scorecard_snapshots to vaern_app, vaern_definer;

-- The per-system flags behind every criterion ---------------------------------------------------
--
-- For the systems of p_orgs that are visible (never a row of an import that has not succeeded,
-- 0013's vaern_inventory_live: the definer paths below bypass the read policy that hides such
-- rows, so the filter is explicit here): whether each
-- system counts towards a criterion's denominator and whether it meets it. "Critical" means
-- criticality critical or high. A linking organisation's row for a shared system (shared_org_id
-- set) is that organisation's own system with its own criticality and baseline for its use, so
-- it counts like any other of its systems; the owner's record counts for the owner.
-- SECURITY INVOKER and plain SQL: PostgreSQL inlines it into the caller's query, and under
-- vaern_app row-level security still applies. p_patch_days: criterion 7's window in days;
-- p_test_months: the window of criteria 8 and 10 in months.
create function vaern_scorecard_systems(p_orgs uuid[], p_patch_days integer, p_test_months integer)
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
           coalesce(s.patch_status = 'current' and s.patch_confirmed_on >= current_date - p_patch_days, false),
           coalesce(s.contingency_plan
                    and s.contingency_tested_on >= (current_date - make_interval(months => p_test_months))::date,
                    false),
           coalesce(s.restore_procedure, false),
           coalesce(s.restore_result = 'success'
                    and s.restore_tested_on >= (current_date - make_interval(months => p_test_months))::date,
                    false)
    from inventory_systems s
    where s.org_id = any (p_orgs) and vaern_inventory_live(s.org_id, s.imported_by)
  $$;

-- Every figure of the scorecard for each organisation of p_orgs, in one pass over its systems,
-- with the time of its latest inventory confirmation. An organisation without systems gets a
-- row of zeros. SECURITY INVOKER (row-level security applies under vaern_app).
create function vaern_scorecard_counts(p_orgs uuid[], p_patch_days integer, p_test_months integer)
  returns table (org_id uuid, systems bigint, health_data bigint, health_data_assessed bigint,
                 critical bigint, c5 bigint, c6 bigint, c7 bigint, c8 bigint, c9 bigint, c10 bigint,
                 confirmed_at timestamptz)
  language sql stable
  as $$
    select o.id,
           count(s.id),
           count(*) filter (where s.health_data),
           count(*) filter (where s.health_data and s.c2),
           count(*) filter (where s.critical),
           count(*) filter (where s.critical and s.c5),
           count(*) filter (where s.critical and s.c6),
           count(*) filter (where s.c7),
           count(*) filter (where s.critical and s.c8),
           count(*) filter (where s.critical and s.c9),
           count(*) filter (where s.critical and s.c10),
           (select max(c.signed_at) from inventory_confirmations c where c.org_id = o.id)
    from unnest(p_orgs) as o (id)
    left join vaern_scorecard_systems(p_orgs, p_patch_days, p_test_months) s on s.org_id = o.id
    group by o.id
  $$;

-- The sector coordinator's view (DESIGN.md, "Sharing and ownership": each organisation's
-- scorecard figures for the sector coordinator) ---------------------------------------------
--
-- Both functions answer only when p_sector_unit is one of the request's organisations AND is a
-- sector unit, exactly as vaern_sector_contacts (0009); the database cannot see roles, so the
-- application's policy (scorecard/policy.ts) must first have checked that the caller is
-- sector_coordinator there and scoped the request to exactly that organisation.

-- Every organisation's figures, computed live (one grouped pass over the systems of the page's
-- organisations), paged by slug: at most p_limit organisations after p_after_slug.
create function vaern_sector_scorecards(p_sector_unit uuid, p_patch_days integer, p_test_months integer,
                                        p_after_slug text, p_limit integer)
  returns table (org_id uuid, org_slug text, org_name text, org_kind text, systems bigint,
                 health_data bigint, health_data_assessed bigint, critical bigint, c5 bigint, c6 bigint,
                 c7 bigint, c8 bigint, c9 bigint, c10 bigint, confirmed_at timestamptz)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    with page as (
      select o.id, o.slug, o.name, o.kind
      from organisations o
      where p_sector_unit = any (vaern_org_ids())
        and exists (select 1 from organisations s where s.id = p_sector_unit and s.kind = 'sector_unit')
        and (p_after_slug is null or o.slug > p_after_slug)
      order by o.slug
      limit least(greatest(p_limit, 1), 501)
    )
    select p.id, p.slug, p.name, p.kind, c.systems, c.health_data, c.health_data_assessed, c.critical,
           c.c5, c.c6, c.c7, c.c8, c.c9, c.c10, c.confirmed_at
    from page p
    join vaern_scorecard_counts((select coalesce(array_agg(id), '{}') from page), p_patch_days, p_test_months) c
      on c.org_id = p.id
    order by p.slug
  $$;

-- The "critical and shared" map. Systems are plotted by criticality against the number of
-- organisations that depend on them: a record's owner plus every organisation whose own row
-- links to it (shared_org_id/shared_system_id). A link row is not a point of its own: its
-- organisation is counted on the record it links to, and its own criticality for its use
-- raises the record's `highest` criticality. Only records their owner offers to the sector
-- (`shared`) are named (p_buckets false: one row per shared record, paged by organisations
-- desc, highest rank, owner slug, key); every other system with a criticality is counted, not
-- named (p_buckets true: one row per criticality × organisations with the number of systems),
-- because a sector view never shows another organisation's unshared detail.
create function vaern_sector_critical_shared(p_sector_unit uuid, p_buckets boolean,
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
      where l.shared_system_id is not null and vaern_inventory_live(l.org_id, l.imported_by)
        and exists (select 1 from allowed)
      group by l.shared_org_id, l.shared_system_id
    ),
    points as (
      select s.org_id, s.id, s.key, s.name, s.vendor, s.product, s.shared, s.criticality,
             least(s.criticality_rank, coalesce(k.best_rank, 5))::integer as highest_rank,
             1 + coalesce(k.users, 0) as organisations
      from inventory_systems s
      left join links k on k.shared_org_id = s.org_id and k.shared_system_id = s.id
      where exists (select 1 from allowed) and vaern_inventory_live(s.org_id, s.imported_by)
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

alter function vaern_sector_scorecards(uuid, integer, integer, text, integer) owner to vaern_definer;
alter function vaern_sector_critical_shared(uuid, boolean, bigint, integer, text, text, integer) owner to vaern_definer;
revoke all on function vaern_sector_scorecards(uuid, integer, integer, text, integer) from public;
revoke all on function vaern_sector_critical_shared(uuid, boolean, bigint, integer, text, text, integer) from public;
grant execute on function vaern_sector_scorecards(uuid, integer, integer, text, integer) to vaern_app;
grant execute on function vaern_sector_critical_shared(uuid, boolean, bigint, integer, text, text, integer) to vaern_app;
