-- Alerts written by an organisation to its own subscribers (issue 6; docs/alerts.md, "Alerts from
-- an organisation"). Besides the sector coordinator (alerts.sector_unit_id), an organisation's
-- admin or security officer writes an alert whose issuer is the organisation itself
-- (alerts.issuer_org_id; exactly one of the two is set). Its audience is never rules over the
-- sector, only:
--
-- * the organisation itself: its people by their subscriptions (or the default: the security
--   officers) and its duty address;
-- * when chosen (audience_children) and only under TLP:CLEAR, GREEN or AMBER, its child
--   organisations (parent_id = the issuer; a region's hospitals), the same way;
-- * named people, who count only when they are members of the organisation itself. TLP:RED takes
--   only them (and the organisation as their recipient row), no subscriber, no duty address;
--   TLP:AMBER+STRICT never leaves the organisation.
--
-- An organisation can therefore never address an organisation outside itself and its children:
-- vaern_alert_org_resolve below reads nothing else, whatever the stored row says, and the checks
-- on alerts refuse sector rules (kinds, regions, advisory, explicit organisations) on such a row.
-- Publication, preview, webhooks, the board and the summaries answer for an organisation's alert
-- only when the issuer is in the request's scope (vaern_alert_org_ok), as they answer for a sector
-- alert only for a sector unit in scope (vaern_alert_sector_ok, unchanged).
--
-- The subscriber logic of vaern_alert_reach (0028) moves unchanged into vaern_alert_reach_set,
-- which both kinds of alert use, so an organisation's preview and publication count exactly what
-- the coordinator's do.

alter table alerts
  alter column sector_unit_id drop not null,
  add column issuer_org_id uuid references organisations (id),
  add column audience_children boolean not null default false,
  add constraint alerts_one_issuer check ((sector_unit_id is null) <> (issuer_org_id is null)),
  add constraint alerts_org_audience check (
    issuer_org_id is null
    or (advisory_id is null and audience_kinds = '{}' and audience_regions = '{}' and not audience_affected
        and audience_orgs = '{}')),
  add constraint alerts_children_label check (
    not audience_children or (issuer_org_id is not null and tlp in ('CLEAR', 'GREEN', 'AMBER')));
create index alerts_issuer on alerts (issuer_org_id, created_at desc, id) where issuer_org_id is not null;

-- Read by the sector unit or the organisation that wrote it, and by its recipients.
alter policy alerts_read on alerts
  using (vaern_sees_org(sector_unit_id) or vaern_sees_org(issuer_org_id)
         or exists (select 1 from alert_recipients r where r.alert_id = alerts.id));
alter policy alerts_insert on alerts
  with check ((sector_unit_id is not null and vaern_sees_org(sector_unit_id)
               and exists (select 1 from organisations o where o.id = sector_unit_id and o.kind = 'sector_unit'))
              or (issuer_org_id is not null and issuer_org_id = any (vaern_org_ids())));

-- Whether the request acts for p_org (an organisation issuing to its own subscribers).
create function vaern_alert_org_ok(p_org uuid) returns boolean
  language sql stable parallel safe
  as $$ select p_org is not null and p_org = any (vaern_org_ids()) $$;

-- Whom an alert reaches given its resolved recipients: p_orgs the recipient organisations (named
-- people's included), p_people the named people as [{"org_id", "user_id"}] (already checked).
-- The body of vaern_alert_reach (0028) unchanged; p_scope is the sector unit for the advisory's
-- matching ("only affected"), null for an organisation's alert (which has no advisory). Internal.
create function vaern_alert_reach_set(p_tlp text, p_severity text, p_advisory uuid, p_scope uuid,
                                      p_orgs uuid[], p_people jsonb)
  returns table (r_org uuid, r_user uuid, r_named boolean, r_app boolean, r_email boolean, r_address text)
  language sql stable set search_path = pg_catalog, public
  as $$
    with orgs as (
      select distinct x.r_org from unnest(p_orgs) as x(r_org)
    ), named as (
      select distinct p.org_id, p.user_id from jsonb_to_recordset(p_people) as p(org_id uuid, user_id uuid)
    ), members as (
      select m.org_id, m.user_id, bool_or(m.role = 'security_officer') as officer
      from memberships m join orgs o on o.r_org = m.org_id
      where p_tlp <> 'RED' and m.pending_import is null
      group by m.org_id, m.user_id
    ), subs as (
      select m.org_id, m.user_id,
             coalesce(s.channels, case when m.officer then array['app', 'email']::text[] else '{}'::text[] end)
               as channels,
             coalesce(s.min_severity, 'low') as min_severity,
             coalesce(s.kinds, array['advisory', 'general']::text[]) as kinds,
             coalesce(s.only_affected, false) as only_affected
      from members m
      join users u on u.id = m.user_id and u.deactivated_at is null
      left join alert_subscriptions s on s.org_id = m.org_id and s.user_id = m.user_id
    ), matched as (
      select s.org_id, s.user_id, 'app' = any (s.channels) as app, 'email' = any (s.channels) as email
      from subs s
      where cardinality(s.channels) > 0
        and vaern_alert_severity_rank(p_severity) >= vaern_alert_severity_rank(s.min_severity)
        and (case when p_advisory is null then 'general' else 'advisory' end) = any (s.kinds)
        and (not s.only_affected or p_advisory is null
             or s.org_id in (select f.org_id from vaern_advisory_affected(p_advisory, p_scope) f))
    ), people as (
      select x.org_id, x.user_id, bool_or(x.named) as named, bool_or(x.app) as app, bool_or(x.email) as email
      from (select n.org_id, n.user_id, true as named, true as app, true as email from named n
            union all
            select m.org_id, m.user_id, false, m.app, m.email from matched m) x
      group by x.org_id, x.user_id
    )
    select o.r_org, null::uuid, false, false, false, case when p_tlp <> 'RED' then d.email end
    from orgs o left join alert_duty_addresses d on d.org_id = o.r_org
    union all
    select p.org_id, p.user_id, p.named, p.app, p.email, u.email
    from people p join users u on u.id = p.user_id
  $$;

-- The sector coordinator's reach (0028), now through vaern_alert_reach_set; same signature, same rows.
create or replace function vaern_alert_reach(p_sector_unit uuid, p_tlp text, p_severity text, p_kinds text[],
                                             p_regions uuid[], p_advisory uuid, p_affected boolean, p_orgs uuid[],
                                             p_people jsonb)
  returns table (r_org uuid, r_user uuid, r_named boolean, r_app boolean, r_email boolean, r_address text)
  language sql stable set search_path = pg_catalog, public
  as $$
    with aud as (
      select * from vaern_alert_resolve(p_sector_unit, p_tlp, p_kinds, p_regions, p_advisory, p_affected, p_orgs,
                                        p_people)
    )
    select s.* from vaern_alert_reach_set(
      p_tlp, p_severity, p_advisory, p_sector_unit,
      array(select a.r_org from aud a where a.r_user is null),
      (select coalesce(jsonb_agg(jsonb_build_object('org_id', a.r_org, 'user_id', a.r_user)), '[]'::jsonb)
       from aud a where a.r_user is not null)) s
  $$;

-- An organisation's audience: rows (org, null) for recipient organisations and (org, user) for
-- named people. The issuer itself unless TLP:RED (then only when a named person remains); its
-- children (parent_id) only when p_children and under CLEAR, GREEN or AMBER; named people only
-- when they are members of the issuer itself and not deactivated, whatever organisation they were
-- named in. Nothing else, ever. Internal.
create function vaern_alert_org_resolve(p_issuer uuid, p_tlp text, p_children boolean, p_people jsonb)
  returns table (r_org uuid, r_user uuid)
  language sql stable set search_path = pg_catalog, public
  as $$
    with people as (
      select distinct p.user_id
      from jsonb_to_recordset(p_people) as p(org_id uuid, user_id uuid)
      join users u on u.id = p.user_id and u.deactivated_at is null
      where p.org_id = p_issuer
        and exists (select 1 from memberships m where m.org_id = p_issuer and m.user_id = p.user_id)
    ), orgs as (
      select p_issuer as id where p_tlp <> 'RED' or exists (select 1 from people)
      union
      select c.id from organisations c
      where p_children and p_tlp in ('CLEAR', 'GREEN', 'AMBER') and c.parent_id = p_issuer
    )
    select id, null::uuid from orgs
    union all
    select p_issuer, user_id from people
  $$;

-- Whom an organisation's alert reaches (subscriptions apply as for the sector's). Internal.
create function vaern_alert_org_reach(p_issuer uuid, p_tlp text, p_severity text, p_children boolean,
                                      p_people jsonb)
  returns table (r_org uuid, r_user uuid, r_named boolean, r_app boolean, r_email boolean, r_address text)
  language sql stable set search_path = pg_catalog, public
  as $$
    with aud as (select * from vaern_alert_org_resolve(p_issuer, p_tlp, p_children, p_people))
    select s.* from vaern_alert_reach_set(
      p_tlp, p_severity, null, null,
      array(select a.r_org from aud a where a.r_user is null),
      (select coalesce(jsonb_agg(jsonb_build_object('org_id', a.r_org, 'user_id', a.r_user)), '[]'::jsonb)
       from aud a where a.r_user is not null)) s
  $$;

-- For an organisation's admin or security officer: whom its alert would reach, storing nothing;
-- exactly the rows vaern_alert_publish writes for it. Only for an issuer in the request's scope.
create function vaern_alert_org_preview(p_issuer uuid, p_tlp text, p_severity text, p_children boolean,
                                        p_people jsonb)
  returns table (organisations integer, people integer, subscribers integer, emails integer,
                 notifications integer)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select count(*) filter (where r.r_user is null)::int,
           count(*) filter (where r.r_named)::int,
           count(*) filter (where r.r_user is not null and not r.r_named)::int,
           count(*) filter (where (r.r_user is null and r.r_address is not null) or r.r_email)::int,
           count(*) filter (where r.r_app)::int
    from vaern_alert_org_reach(p_issuer, p_tlp, p_severity, p_children, p_people) r
    where vaern_alert_org_ok(p_issuer)
  $$;

-- Publishes a stored alert once (0028), now for either issuer: a sector alert through its rules
-- (vaern_alert_reach) when its sector unit is in scope, an organisation's through
-- vaern_alert_org_reach when the organisation is in scope. A second call writes nothing.
create or replace function vaern_alert_publish(p_alert uuid)
  returns table (organisations integer, people integer, subscribers integer, emails integer,
                 notifications integer)
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    with a as (
      select * from alerts
      where id = p_alert
        and (vaern_alert_sector_ok(sector_unit_id) or vaern_alert_org_ok(issuer_org_id))
        and not exists (select 1 from alert_recipients r where r.alert_id = p_alert)
    ), aud as (
      select r.*, a.tlp
      from a, vaern_alert_reach(a.sector_unit_id, a.tlp, a.severity, a.audience_kinds, a.audience_regions,
                                a.advisory_id, a.audience_affected, a.audience_orgs, a.audience_people) r
      where a.sector_unit_id is not null
      union all
      select r.*, a.tlp
      from a, vaern_alert_org_reach(a.issuer_org_id, a.tlp, a.severity, a.audience_children, a.audience_people) r
      where a.issuer_org_id is not null
    ), rec as (
      insert into alert_recipients (org_id, alert_id, tlp)
      select r_org, p_alert, tlp from aud where r_user is null
      returning 1
    ), ppl as (
      insert into alert_people (org_id, alert_id, user_id, tlp)
      select r_org, p_alert, r_user, tlp from aud where r_named
      returning 1
    ), del as (
      insert into alert_deliveries (org_id, alert_id, channel, recipient, user_id, address, sent_at)
      select x.r_org, p_alert, 'email', 'duty', null, x.r_address, null::timestamptz
      from aud x where x.r_user is null and x.r_address is not null
      union all
      select x.r_org, p_alert, 'email', x.r_user::text, x.r_user, x.r_address, null
      from aud x where x.r_email
      union all
      select x.r_org, p_alert, 'app', x.r_user::text, x.r_user, x.r_address, now()
      from aud x where x.r_app
      returning 1
    )
    -- Every data-modifying part runs to completion whether or not this reads it.
    select count(*) filter (where r_user is null)::int,
           count(*) filter (where r_named)::int,
           count(*) filter (where r_user is not null and not r_named)::int,
           count(*) filter (where (r_user is null and r_address is not null) or r_email)::int,
           count(*) filter (where r_app)::int
    from aud
  $$;

-- Webhook deliveries of a published alert (0028), for either issuer in scope.
create or replace function vaern_alert_webhooks_enqueue(p_alert uuid) returns integer
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    with ins as (
      insert into alert_deliveries (org_id, alert_id, channel, recipient, user_id, address, next_attempt_at)
      select w.org_id, a.id, 'webhook', 'webhook:' || w.id, null, w.url, now()
      from alerts a
      join alert_recipients r on r.alert_id = a.id
      join alert_webhooks w on w.org_id = r.org_id
      where a.id = p_alert and a.tlp <> 'RED'
        and (vaern_alert_sector_ok(a.sector_unit_id) or vaern_alert_org_ok(a.issuer_org_id))
        and vaern_alert_severity_rank(a.severity) >= vaern_alert_severity_rank(w.min_severity)
        and (case when a.advisory_id is null then 'general' else 'advisory' end) = any (w.kinds)
        and (not w.only_affected or a.advisory_id is null
             or w.org_id in (select f.org_id from vaern_advisory_affected(a.advisory_id, a.sector_unit_id) f))
      on conflict do nothing
      returning 1
    )
    select count(*)::int from ins
  $$;

-- The board (0027), for the sector unit or the organisation that wrote the alert.
create or replace function vaern_alert_board(p_alert uuid)
  returns table (org_id uuid, slug text, name text, kind text, mails integer, mails_sent integer,
                 first_answer_at timestamptz, last_status text, last_answer_at timestamptz,
                 last_note text, answers integer, escalation integer)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select r.org_id, o.slug, o.name, o.kind,
           (select count(*) from alert_deliveries d
            where d.org_id = r.org_id and d.alert_id = r.alert_id and d.channel = 'email')::int,
           (select count(*) from alert_deliveries d
            where d.org_id = r.org_id and d.alert_id = r.alert_id and d.channel = 'email'
              and d.sent_at is not null)::int,
           f.first_at, l.status, l.answered_at, l.note, f.n,
           (select max(e.level) from alert_escalations e where e.org_id = r.org_id and e.alert_id = r.alert_id)::int
    from alerts a
    join alert_recipients r on r.alert_id = a.id
    join organisations o on o.id = r.org_id
    left join lateral (select min(x.answered_at) as first_at, count(*)::int as n from alert_answers x
                       where x.org_id = r.org_id and x.alert_id = r.alert_id) f on true
    left join lateral (select x.status, x.answered_at, x.note from alert_answers x
                       where x.org_id = r.org_id and x.alert_id = r.alert_id
                       order by x.answered_at desc, x.id desc limit 1) l on true
    where a.id = p_alert and (vaern_alert_sector_ok(a.sector_unit_id) or vaern_alert_org_ok(a.issuer_org_id))
    order by l.answered_at is not null, o.name
  $$;

-- Per alert of the issuer (0027): p_sector_unit (the name kept; create or replace keeps names) is
-- the sector unit or the organisation that wrote the alerts, in the request's scope.
create or replace function vaern_alert_summaries(p_sector_unit uuid, p_alerts uuid[])
  returns table (alert_id uuid, recipients integer, answered integer, median_ack_seconds double precision)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select a.id, count(r.org_id)::int, count(f.first_at)::int,
           percentile_cont(0.5) within group (order by extract(epoch from f.first_at - a.created_at))
             filter (where f.first_at is not null)
    from alerts a
    left join alert_recipients r on r.alert_id = a.id
    left join lateral (select min(x.answered_at) as first_at from alert_answers x
                       where x.org_id = r.org_id and x.alert_id = r.alert_id) f on true
    where a.id = any (p_alerts)
      and ((a.sector_unit_id = p_sector_unit and vaern_alert_sector_ok(p_sector_unit))
           or (a.issuer_org_id = p_sector_unit and vaern_alert_org_ok(p_sector_unit)))
    group by a.id
  $$;

do $$
declare
  f text;
begin
  foreach f in array array['vaern_alert_reach_set(text, text, uuid, uuid, uuid[], jsonb)',
                           'vaern_alert_org_resolve(uuid, text, boolean, jsonb)',
                           'vaern_alert_org_reach(uuid, text, text, boolean, jsonb)',
                           'vaern_alert_org_preview(uuid, text, text, boolean, jsonb)'] loop
    execute format('alter function %s owner to vaern_definer', f);
    execute format('revoke all on function %s from public', f);
  end loop;
  execute 'grant execute on function vaern_alert_org_preview(uuid, text, text, boolean, jsonb) to vaern_app';
end
$$;
