-- Escalation of unanswered alerts (issue 6; docs/alerts.md, "Escalation"): a recipient
-- organisation that has not answered an alert within the platform setting
-- `alert_escalation_minutes` is reminded through its security officers, and after
-- `alert_escalation_management_minutes` through its management, each person by e-mail with an
-- answer link of their own. Never for TLP:RED (DESIGN.md: RED reaches only the named people).
-- Each step once per organisation and alert, recorded here (organisation-owned).

create table alert_escalations (
  org_id uuid not null,
  alert_id uuid not null,
  level smallint not null check (level in (1, 2)),
  escalated_at timestamptz not null,
  people integer not null check (people >= 0),
  primary key (org_id, alert_id, level),
  foreign key (org_id, alert_id) references alert_recipients (org_id, alert_id)
);
alter table alert_escalations enable row level security;
alter table alert_escalations force row level security;
create policy alert_escalations_tenant on alert_escalations for select to vaern_app
  using (vaern_sees_org(org_id));
create policy alert_escalations_definer on alert_escalations to vaern_definer using (true) with check (true);
grant select on alert_escalations to vaern_app;
grant select, insert, update, delete on alert_escalations to vaern_definer;

-- The escalation steps due at p_now (operator and jobs only): records each step and adds an
-- e-mail delivery per person it reaches (security officers for step 1, management for step 2).
-- Returns the steps taken: organisation, alert, level and how many people.
create function vaern_alert_escalate(p_now timestamptz, p_officer_minutes integer, p_management_minutes integer)
  returns table (org_id uuid, alert_id uuid, level smallint, people integer)
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
    begin
      if not vaern_is_operator() then return; end if;
      return query
      with due as (
        select r.org_id, r.alert_id, lv.level
        from alert_recipients r
        cross join (values (1::smallint, p_officer_minutes), (2::smallint, p_management_minutes)) lv(level, minutes)
        where r.tlp <> 'RED'
          and r.created_at <= p_now - make_interval(mins => lv.minutes)
          and not exists (select 1 from alert_answers a where a.org_id = r.org_id and a.alert_id = r.alert_id)
          and not exists (select 1 from alert_escalations e
                          where e.org_id = r.org_id and e.alert_id = r.alert_id and e.level = lv.level)
      ), reached as (
        select distinct d.org_id, d.alert_id, d.level, u.id as user_id, u.email
        from due d
        join memberships m on m.org_id = d.org_id
          and m.role = case d.level when 1 then 'security_officer' else 'management' end
        join users u on u.id = m.user_id and u.deactivated_at is null
      ), steps as (
        insert into alert_escalations as e (org_id, alert_id, level, escalated_at, people)
        select d.org_id, d.alert_id, d.level, p_now,
               (select count(*) from reached x
                where x.org_id = d.org_id and x.alert_id = d.alert_id and x.level = d.level)::int
        from due d
        returning e.org_id, e.alert_id, e.level, e.people
      ), mails as (
        insert into alert_deliveries (org_id, alert_id, channel, recipient, user_id, address)
        select x.org_id, x.alert_id, 'email', 'escalation-' || x.level || ':' || x.user_id, x.user_id, x.email
        from reached x
        on conflict do nothing
        returning 1
      )
      select s.org_id, s.alert_id, s.level, s.people from steps s;
    end
  $$;
alter function vaern_alert_escalate(timestamptz, integer, integer) owner to vaern_definer;
revoke all on function vaern_alert_escalate(timestamptz, integer, integer) from public;
grant execute on function vaern_alert_escalate(timestamptz, integer, integer) to vaern_app;
