-- Subscriptions and in-app notifications for alerts (issue 6; docs/alerts.md, "Subscriptions and
-- notifications").
--
-- alert_subscriptions: organisation-owned, one row per person per organisation: the channels
-- ('app', 'email'; none = nothing by subscription) and the filters (minimum severity, kinds,
-- only when the organisation is affected). Kinds: 'advisory' (an alert issued from an advisory:
-- a vulnerability in products) and 'general' (an alert without an advisory: a campaign, an
-- attack under way). "Only when affected" applies to advisory alerts: they count only when the
-- advisory's matching found the organisation affected (as vaern_advisory_affected counts it);
-- general alerts are governed by the kinds alone. Each person reads and writes only their own
-- row (the request's user). Without a row the default applies: the organisation's security
-- officers get the app and e-mail for every alert, everyone else nothing.
--
-- Machine clients subscribe through the organisation's webhook endpoints (0026), which gain the
-- same filters (kinds, only affected) beside their minimum severity; the admin or security
-- officer who manages the endpoints sets them.
--
-- alert_deliveries gains the channel 'app': one in-app notification per (alert, organisation,
-- person), written as delivered (sent_at) at publication, with read_at when the person read it.
-- Only that person reads and marks it (user_id = the request's user), so a TLP:RED notification
-- stays the named person's.
--
-- Publication and the coordinator's preview resolve the same set (vaern_alert_reach), so the
-- preview's counts are what publication stores: organisations, named people, people reached by
-- subscription, e-mails and in-app notifications. TLP:RED: no subscriptions, no duty address,
-- only the named people (each by e-mail and in the app).

create table alert_subscriptions (
  org_id uuid not null references organisations (id),
  user_id uuid not null references users (id),
  channels text[] not null check (channels <@ array['app', 'email']::text[]),
  min_severity text not null default 'low' check (min_severity in ('low', 'medium', 'high', 'critical')),
  kinds text[] not null default array['advisory', 'general']::text[]
    check (kinds <@ array['advisory', 'general']::text[]),
  only_affected boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index alert_subscriptions_user on alert_subscriptions (user_id);

alter table alert_subscriptions enable row level security;
alter table alert_subscriptions force row level security;
create policy alert_subscriptions_own on alert_subscriptions to vaern_app
  using (vaern_sees_org(org_id) and user_id = vaern_user_id())
  with check (vaern_sees_org(org_id) and user_id = vaern_user_id());
create policy alert_subscriptions_definer on alert_subscriptions to vaern_definer using (true) with check (true);
grant select, insert, update, delete on alert_subscriptions to vaern_app;
grant select, insert, update, delete on alert_subscriptions to vaern_definer;

-- Webhook endpoints: the same filters as a person's subscription.
alter table alert_webhooks
  add column kinds text[] not null default array['advisory', 'general']::text[]
    check (kinds <@ array['advisory', 'general']::text[]),
  add column only_affected boolean not null default false;
grant update (min_severity, kinds, only_affected) on alert_webhooks to vaern_app;

alter table alert_deliveries
  drop constraint alert_deliveries_channel_check,
  add constraint alert_deliveries_channel_check check (channel in ('email', 'webhook', 'app')),
  add constraint alert_deliveries_app_recipient check (channel <> 'app' or recipient = user_id::text),
  add column read_at timestamptz;
create index alert_deliveries_app on alert_deliveries (user_id, org_id, created_at desc, id) where channel = 'app';
create index alert_deliveries_app_unread on alert_deliveries (user_id, org_id) where channel = 'app' and read_at is null;

create policy alert_deliveries_app_read on alert_deliveries for select to vaern_app
  using (channel = 'app' and user_id = vaern_user_id() and vaern_sees_org(org_id));
create policy alert_deliveries_app_mark on alert_deliveries for update to vaern_app
  using (channel = 'app' and user_id = vaern_user_id() and vaern_sees_org(org_id))
  with check (channel = 'app' and user_id = vaern_user_id() and vaern_sees_org(org_id));

-- The rank of a severity, for "at least".
create function vaern_alert_severity_rank(p_severity text) returns integer
  language sql immutable parallel safe
  as $$ select array_position(array['low', 'medium', 'high', 'critical'], p_severity) $$;

-- Whom an alert reaches, set-based: rows (org, null) for each recipient organisation with its duty
-- address (null under TLP:RED or when it has none), and (org, user) for each person reached, with
-- whether they were named and whether they get an in-app notification and an e-mail. Named
-- people always get both. Subscribers: members (not deactivated, not pending an import) of a
-- recipient organisation whose subscription, or the default, matches the alert's severity, kind
-- (advisory when p_advisory is set, else general) and, for an advisory alert with "only
-- affected", whose organisation the advisory affects. Never under TLP:RED. Internal: called only
-- by the definer functions below, which check the caller.
create function vaern_alert_reach(p_sector_unit uuid, p_tlp text, p_severity text, p_kinds text[],
                                  p_regions uuid[], p_advisory uuid, p_affected boolean, p_orgs uuid[],
                                  p_people jsonb)
  returns table (r_org uuid, r_user uuid, r_named boolean, r_app boolean, r_email boolean, r_address text)
  language sql stable set search_path = pg_catalog, public
  as $$
    with aud as (
      select * from vaern_alert_resolve(p_sector_unit, p_tlp, p_kinds, p_regions, p_advisory, p_affected, p_orgs,
                                        p_people)
    ), orgs as (
      select a.r_org from aud a where a.r_user is null
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
             or s.org_id in (select f.org_id from vaern_advisory_affected(p_advisory, p_sector_unit) f))
    ), people as (
      select x.org_id, x.user_id, bool_or(x.named) as named, bool_or(x.app) as app, bool_or(x.email) as email
      from (select a.r_org as org_id, a.r_user as user_id, true as named, true as app, true as email
            from aud a where a.r_user is not null
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

-- The coordinator's preview now needs the alert's severity (subscriptions filter by it).
drop function vaern_alert_preview(uuid, text, text[], uuid[], uuid, boolean, uuid[], jsonb);
drop function vaern_alert_publish(uuid);

-- For the coordinator: whom an alert would reach, storing nothing. The counts are exactly the rows
-- vaern_alert_publish writes: recipient organisations, named people, people reached only by
-- subscription, e-mail deliveries (duty addresses, named people, subscribers by e-mail) and in-app
-- notifications.
create function vaern_alert_preview(p_sector_unit uuid, p_tlp text, p_severity text, p_kinds text[],
                                    p_regions uuid[], p_advisory uuid, p_affected boolean, p_orgs uuid[],
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
    from vaern_alert_reach(p_sector_unit, p_tlp, p_severity, p_kinds, p_regions, p_advisory, p_affected, p_orgs,
                           p_people) r
    where vaern_alert_sector_ok(p_sector_unit)
  $$;

-- Publishes a stored alert once: resolves whom it reaches from its stored rules and writes the
-- recipients, the named people, the e-mail deliveries (duty addresses, named people, subscribers
-- by e-mail) and the in-app notifications (delivered at once). Only for the sector unit that
-- wrote it; a second call writes nothing. Returns the counts vaern_alert_preview gives.
create function vaern_alert_publish(p_alert uuid)
  returns table (organisations integer, people integer, subscribers integer, emails integer,
                 notifications integer)
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    with a as (
      select * from alerts
      where id = p_alert and vaern_alert_sector_ok(sector_unit_id)
        and not exists (select 1 from alert_recipients r where r.alert_id = p_alert)
    ), aud as (
      select r.*, a.tlp
      from a, vaern_alert_reach(a.sector_unit_id, a.tlp, a.severity, a.audience_kinds, a.audience_regions,
                                a.advisory_id, a.audience_affected, a.audience_orgs, a.audience_people) r
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

-- Webhook deliveries of a published alert: one per endpoint of each recipient organisation whose
-- filters the alert passes (minimum severity, kind, only affected); never for TLP:RED.
create or replace function vaern_alert_webhooks_enqueue(p_alert uuid) returns integer
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    with ins as (
      insert into alert_deliveries (org_id, alert_id, channel, recipient, user_id, address, next_attempt_at)
      select w.org_id, a.id, 'webhook', 'webhook:' || w.id, null, w.url, now()
      from alerts a
      join alert_recipients r on r.alert_id = a.id
      join alert_webhooks w on w.org_id = r.org_id
      where a.id = p_alert and a.tlp <> 'RED' and vaern_alert_sector_ok(a.sector_unit_id)
        and vaern_alert_severity_rank(a.severity) >= vaern_alert_severity_rank(w.min_severity)
        and (case when a.advisory_id is null then 'general' else 'advisory' end) = any (w.kinds)
        and (not w.only_affected or a.advisory_id is null
             or w.org_id in (select f.org_id from vaern_advisory_affected(a.advisory_id, a.sector_unit_id) f))
      on conflict do nothing
      returning 1
    )
    select count(*)::int from ins
  $$;

do $$
declare
  f text;
begin
  foreach f in array array['vaern_alert_reach(uuid, text, text, text[], uuid[], uuid, boolean, uuid[], jsonb)',
                           'vaern_alert_preview(uuid, text, text, text[], uuid[], uuid, boolean, uuid[], jsonb)',
                           'vaern_alert_publish(uuid)'] loop
    execute format('alter function %s owner to vaern_definer', f);
    execute format('revoke all on function %s from public', f);
  end loop;
  foreach f in array array['vaern_alert_preview(uuid, text, text, text[], uuid[], uuid, boolean, uuid[], jsonb)',
                           'vaern_alert_publish(uuid)'] loop
    execute format('grant execute on function %s to vaern_app', f);
  end loop;
end
$$;
