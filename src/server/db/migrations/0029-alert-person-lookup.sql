-- Named people for TLP:RED alerts (issue 6, docs/alerts.md "Choosing named people"): the sector
-- coordinator finds one person of another organisation by their exact e-mail address, to name
-- them in an alert's audience. Row-level security lets the coordinator see only the sector unit's
-- own members, so this reviewed definer function answers the one question and nothing more:
--
-- * only for a sector unit in the caller's scope (vaern_alert_sector_ok, 0023), so only the
--   sector coordinator's requests get an answer (the application checks the role first);
-- * only for an exact address (case-insensitive, as users.email is stored in lower case): no
--   pattern, no prefix, no listing; an unknown or deactivated person gives no rows;
-- * only what naming needs: the person's id and name, and the organisations they are a member of
--   (the rule vaern_alert_resolve applies to named people), never their roles or other details.
create function vaern_alert_person_lookup(p_sector_unit uuid, p_email text)
  returns table (user_id uuid, name text, org_id uuid, org_slug text, org_name text, org_kind text)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select distinct u.id, u.name, o.id, o.slug, o.name, o.kind
    from users u
    join memberships m on m.user_id = u.id
    join organisations o on o.id = m.org_id
    where vaern_alert_sector_ok(p_sector_unit)
      and u.email = lower(btrim(p_email))
      and u.deactivated_at is null
    order by o.name, o.id
  $$;
alter function vaern_alert_person_lookup(uuid, text) owner to vaern_definer;
revoke all on function vaern_alert_person_lookup(uuid, text) from public;
grant execute on function vaern_alert_person_lookup(uuid, text) to vaern_app;
