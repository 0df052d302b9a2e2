-- The sector coordinator's live board of an alert (issue 6; docs/alerts.md, "The board"): per
-- recipient organisation whether its mail went out, its first and latest answer, and how far it
-- was escalated; and per alert the counts and the median time to acknowledge (first answer of an
-- organisation after the alert was issued). Answers are organisation-owned, so the board reads
-- them through reviewed definer functions that answer only for alerts the caller's sector unit
-- wrote (vaern_alert_sector_ok: the sector unit is in the request's scope).

create function vaern_alert_board(p_alert uuid)
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
    where a.id = p_alert and vaern_alert_sector_ok(a.sector_unit_id)
    order by l.answered_at is not null, o.name
  $$;

-- Per alert of the sector unit: recipients, how many answered, and the median seconds from issue
-- to an organisation's first answer (null while nobody answered).
create function vaern_alert_summaries(p_sector_unit uuid, p_alerts uuid[])
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
    where a.id = any (p_alerts) and a.sector_unit_id = p_sector_unit and vaern_alert_sector_ok(p_sector_unit)
    group by a.id
  $$;

alter function vaern_alert_board(uuid) owner to vaern_definer;
alter function vaern_alert_summaries(uuid, uuid[]) owner to vaern_definer;
revoke all on function vaern_alert_board(uuid) from public;
revoke all on function vaern_alert_summaries(uuid, uuid[]) from public;
grant execute on function vaern_alert_board(uuid) to vaern_app;
grant execute on function vaern_alert_summaries(uuid, uuid[]) to vaern_app;
