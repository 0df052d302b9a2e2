-- Alerts (varsler; issue 6, module alerts, docs/alerts.md): written by the sector unit's
-- coordinator, optionally from an advisory, with a TLP 2.0 label, a severity and an audience.
--
-- alerts: sector-wide objects (no org_id), with the audience rules as the coordinator wrote them.
-- Read by the sector unit that wrote one and by its recipients (through alert_recipients, under
-- that table's policy), never by anyone else.
-- alert_recipients: organisation-owned, one row per recipient organisation; alert_people: one row
-- per named person, in the organisation the coordinator named them in. Both are written only by
-- the reviewed definer function vaern_alert_publish. TLP:RED (DESIGN.md): the rows of a RED alert
-- are visible only to the named people themselves, so neither an organisation's other members nor
-- its API tokens learn of it.
-- alert_answers: the organisation's answers, every one kept (history).
-- alert_deliveries: one row per (alert, recipient, channel) with a stable id (the e-mail's
-- Message-ID), written by vaern_alert_publish, read and marked sent by the delivery job
-- (operator scope).
-- alert_duty_addresses: each organisation's duty address, which receives every alert addressed to
-- the organisation except TLP:RED.

create table alert_duty_addresses (
  org_id uuid primary key references organisations (id),
  email text not null check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
  updated_by uuid references users (id),
  updated_at timestamptz not null default now()
);

create table alerts (
  id uuid primary key default gen_random_uuid(),
  sector_unit_id uuid not null references organisations (id),
  advisory_id uuid references advisories (id),
  title text not null check (length(title) between 1 and 500),
  body text not null check (length(body) between 1 and 50000),
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  recommended_action text check (length(recommended_action) <= 10000),
  tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  -- The audience rules as written: organisation kinds, regions (a region organisation: itself and
  -- the organisations whose region it is), the organisations matched as affected by the advisory,
  -- explicit organisations, and named people as [{"org_id", "user_id"}].
  audience_kinds text[] not null default '{}',
  audience_regions uuid[] not null default '{}',
  audience_affected boolean not null default false,
  audience_orgs uuid[] not null default '{}',
  audience_people jsonb not null default '[]',
  created_by uuid not null references users (id),
  created_at timestamptz not null default now(),
  check (not audience_affected or advisory_id is not null)
);
create index alerts_created on alerts (created_at desc, id);

create table alert_recipients (
  org_id uuid not null references organisations (id),
  alert_id uuid not null references alerts (id),
  -- The alert's label, kept here so that the policy decides without reading alerts.
  tlp text not null,
  created_at timestamptz not null default now(),
  primary key (org_id, alert_id)
);
create index alert_recipients_alert on alert_recipients (alert_id);

create table alert_people (
  org_id uuid not null,
  alert_id uuid not null,
  user_id uuid not null references users (id),
  tlp text not null,
  primary key (org_id, alert_id, user_id),
  foreign key (org_id, alert_id) references alert_recipients (org_id, alert_id)
);
create index alert_people_user on alert_people (user_id);

create table alert_answers (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  alert_id uuid not null,
  status text not null check (status in ('received', 'assessing', 'affected', 'not_affected', 'mitigated')),
  note text check (length(note) <= 4000),
  -- Who: a person (from the app or their link), an API token, or the duty address's link.
  answered_by_user uuid references users (id),
  answered_by text not null check (length(answered_by) between 1 and 300),
  via text not null check (via in ('app', 'link')),
  answered_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, alert_id) references alert_recipients (org_id, alert_id)
);
create index alert_answers_alert on alert_answers (org_id, alert_id, answered_at desc, id);

create table alert_deliveries (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  alert_id uuid not null,
  channel text not null check (channel in ('email')),
  -- 'duty' for the duty address, else the named person's user id.
  recipient text not null,
  user_id uuid references users (id),
  address text not null,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  last_error text,
  sent_at timestamptz,
  primary key (org_id, id),
  unique (org_id, alert_id, recipient, channel),
  foreign key (org_id, alert_id) references alert_recipients (org_id, alert_id),
  check ((recipient = 'duty') = (user_id is null))
);
create index alert_deliveries_unsent on alert_deliveries (alert_id) where sent_at is null;

-- Row-level security ----------------------------------------------------------------------------

alter table alert_duty_addresses enable row level security;
alter table alert_duty_addresses force row level security;
create policy alert_duty_addresses_tenant on alert_duty_addresses to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy alert_duty_addresses_definer on alert_duty_addresses to vaern_definer using (true) with check (true);
grant select, insert, update, delete on alert_duty_addresses to vaern_app, vaern_definer;

-- A named person reads their own rows; the organisation reads the others unless the alert is RED.
alter table alert_people enable row level security;
alter table alert_people force row level security;
create policy alert_people_read on alert_people for select to vaern_app
  using (vaern_is_operator() or (vaern_sees_org(org_id) and (user_id = vaern_user_id() or tlp <> 'RED')));
create policy alert_people_definer on alert_people to vaern_definer using (true) with check (true);
grant select on alert_people to vaern_app;
grant select, insert, update, delete on alert_people to vaern_definer;

-- A recipient organisation reads its row; of a RED alert only when the request is a named person's.
alter table alert_recipients enable row level security;
alter table alert_recipients force row level security;
create policy alert_recipients_read on alert_recipients for select to vaern_app
  using (vaern_is_operator()
         or (vaern_sees_org(org_id)
             and (tlp <> 'RED'
                  or exists (select 1 from alert_people p
                             where p.org_id = alert_recipients.org_id and p.alert_id = alert_recipients.alert_id
                               and p.user_id = vaern_user_id()))));
create policy alert_recipients_definer on alert_recipients to vaern_definer using (true) with check (true);
grant select on alert_recipients to vaern_app;
grant select, insert, update, delete on alert_recipients to vaern_definer;

-- The sector unit that wrote an alert, and its recipients (under alert_recipients' policy).
alter table alerts enable row level security;
alter table alerts force row level security;
create policy alerts_read on alerts for select to vaern_app
  using (vaern_sees_org(sector_unit_id)
         or exists (select 1 from alert_recipients r where r.alert_id = alerts.id));
create policy alerts_insert on alerts for insert to vaern_app
  with check (vaern_sees_org(sector_unit_id)
              and exists (select 1 from organisations o where o.id = sector_unit_id and o.kind = 'sector_unit'));
create policy alerts_definer on alerts to vaern_definer using (true) with check (true);
grant select, insert on alerts to vaern_app;
grant select, insert, update, delete on alerts to vaern_definer;

-- Answers: the recipient organisation's own (a RED alert's only for its named people).
alter table alert_answers enable row level security;
alter table alert_answers force row level security;
create policy alert_answers_tenant on alert_answers to vaern_app
  using (vaern_sees_org(org_id)
         and exists (select 1 from alert_recipients r where r.org_id = alert_answers.org_id
                                                     and r.alert_id = alert_answers.alert_id))
  with check (vaern_sees_org(org_id)
              and exists (select 1 from alert_recipients r where r.org_id = alert_answers.org_id
                                                          and r.alert_id = alert_answers.alert_id));
create policy alert_answers_definer on alert_answers to vaern_definer using (true) with check (true);
grant select, insert on alert_answers to vaern_app;
grant select, insert, update, delete on alert_answers to vaern_definer;

-- Deliveries carry addresses: only the operator scope (the delivery job) reads and marks them.
alter table alert_deliveries enable row level security;
alter table alert_deliveries force row level security;
create policy alert_deliveries_operator on alert_deliveries to vaern_app
  using (vaern_is_operator()) with check (vaern_is_operator());
create policy alert_deliveries_definer on alert_deliveries to vaern_definer using (true) with check (true);
grant select, update on alert_deliveries to vaern_app;
grant select, insert, update, delete on alert_deliveries to vaern_definer;

-- Audience resolution ---------------------------------------------------------------------------

-- The audience of rules under a label: rows (org, null) for recipient organisations and (org,
-- user) for named people. Organisations: those of the given kinds; the given regions and the
-- organisations whose region they are; those advisory matching found affected (not rejected, as
-- vaern_advisory_affected counts them); the explicit ones. TLP (DESIGN.md): RED takes none of
-- these; AMBER adds their child organisations; AMBER+STRICT, GREEN and CLEAR take them as they
-- are. Named people count only when they are members of the organisation they were named in and
-- not deactivated; their organisations are recipients too (under every label). Internal: called
-- only by the definer functions below, which check the caller.
create function vaern_alert_resolve(p_sector_unit uuid, p_tlp text, p_kinds text[], p_regions uuid[],
                                    p_advisory uuid, p_affected boolean, p_orgs uuid[], p_people jsonb)
  returns table (r_org uuid, r_user uuid)
  language sql stable set search_path = pg_catalog, public
  as $$
    with base as (
      select o.id from organisations o
      where p_tlp <> 'RED'
        and (o.kind = any (p_kinds) or o.id = any (p_regions) or o.region_id = any (p_regions)
             or o.id = any (p_orgs))
      union
      select f.org_id from vaern_advisory_affected(p_advisory, p_sector_unit) f
      where p_tlp <> 'RED' and p_affected and p_advisory is not null
    ), orgs as (
      select id from base
      union
      select c.id from organisations c join base b on c.parent_id = b.id where p_tlp = 'AMBER'
    ), people as (
      select distinct p.org_id, p.user_id
      from jsonb_to_recordset(p_people) as p(org_id uuid, user_id uuid)
      join users u on u.id = p.user_id and u.deactivated_at is null
      where exists (select 1 from memberships m where m.org_id = p.org_id and m.user_id = p.user_id)
    )
    select id, null::uuid from orgs
    union
    select org_id, null::uuid from people
    union all
    select org_id, user_id from people
  $$;

-- Whether the request acts for p_sector_unit, a sector unit in its scope.
create function vaern_alert_sector_ok(p_sector_unit uuid) returns boolean
  language sql stable parallel safe
  as $$
    select p_sector_unit = any (vaern_org_ids())
       and exists (select 1 from organisations s where s.id = p_sector_unit and s.kind = 'sector_unit')
  $$;

-- For the coordinator: how many organisations and people rules would reach, storing nothing.
create function vaern_alert_preview(p_sector_unit uuid, p_tlp text, p_kinds text[], p_regions uuid[],
                                    p_advisory uuid, p_affected boolean, p_orgs uuid[], p_people jsonb)
  returns table (organisations integer, people integer)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select count(*) filter (where r.r_user is null)::int, count(*) filter (where r.r_user is not null)::int
    from vaern_alert_resolve(p_sector_unit, p_tlp, p_kinds, p_regions, p_advisory, p_affected, p_orgs,
                             p_people) r
    where vaern_alert_sector_ok(p_sector_unit)
  $$;

-- Publishes a stored alert once: resolves its audience from its stored rules and writes the
-- recipients, the named people and the e-mail deliveries (the duty address of every recipient
-- organisation unless RED; every named person). Only for the sector unit that wrote it; a second
-- call writes nothing. Returns the counts of recipient organisations and named people.
create function vaern_alert_publish(p_alert uuid)
  returns table (organisations integer, people integer)
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    with a as (
      select * from alerts
      where id = p_alert and vaern_alert_sector_ok(sector_unit_id)
        and not exists (select 1 from alert_recipients r where r.alert_id = p_alert)
    ), aud as (
      select r.r_org, r.r_user, a.tlp
      from a, vaern_alert_resolve(a.sector_unit_id, a.tlp, a.audience_kinds, a.audience_regions, a.advisory_id,
                                  a.audience_affected, a.audience_orgs, a.audience_people) r
    ), rec as (
      insert into alert_recipients (org_id, alert_id, tlp)
      select r_org, p_alert, tlp from aud where r_user is null
      returning 1
    ), ppl as (
      insert into alert_people (org_id, alert_id, user_id, tlp)
      select r_org, p_alert, r_user, tlp from aud where r_user is not null
      returning 1
    ), del as (
      insert into alert_deliveries (org_id, alert_id, channel, recipient, user_id, address)
      select d.org_id, p_alert, 'email', 'duty', null, d.email
      from aud x join alert_duty_addresses d on d.org_id = x.r_org
      where x.r_user is null and x.tlp <> 'RED'
      union all
      select x.r_org, p_alert, 'email', x.r_user::text, x.r_user, u.email
      from aud x join users u on u.id = x.r_user
      where x.r_user is not null
      returning 1
    )
    -- Every data-modifying part runs to completion whether or not this reads it.
    select count(*) filter (where r_user is null)::int, count(*) filter (where r_user is not null)::int
    from aud
  $$;

-- An answer link names a delivery (its id, signed by the application): the organisation, alert and
-- person it answers for. The application verifies the signature before it asks.
create function vaern_alert_link(p_delivery uuid)
  returns table (org_id uuid, alert_id uuid, recipient text, user_id uuid, address text)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select d.org_id, d.alert_id, d.recipient, d.user_id, d.address from alert_deliveries d where d.id = p_delivery
  $$;

do $$
declare
  f text;
begin
  foreach f in array array['vaern_alert_resolve(uuid, text, text[], uuid[], uuid, boolean, uuid[], jsonb)',
                           'vaern_alert_preview(uuid, text, text[], uuid[], uuid, boolean, uuid[], jsonb)',
                           'vaern_alert_publish(uuid)', 'vaern_alert_link(uuid)'] loop
    execute format('alter function %s owner to vaern_definer', f);
    execute format('revoke all on function %s from public', f);
  end loop;
  foreach f in array array['vaern_alert_preview(uuid, text, text[], uuid[], uuid, boolean, uuid[], jsonb)',
                           'vaern_alert_publish(uuid)', 'vaern_alert_link(uuid)'] loop
    execute format('grant execute on function %s to vaern_app', f);
  end loop;
end
$$;
