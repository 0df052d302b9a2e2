-- Issue 6 (docs/alerts.md, docs/advisories.md): three corrections.
--
-- 1. TLP:RED alert rows. Until now alerts_read (0023, 0033) let every member and API token of the
--    issuing organisation, and every member of the sector unit, read the alerts row of a RED
--    alert, its body included. TLP is access control (DESIGN.md, "TLP:RED reaches only named
--    people"): a RED alert's row is now readable only by the named people (through their own
--    recipient row, as before), the issuing organisation's admins and security officers (an
--    organisation's alert), the sector unit's coordinators (a sector alert) and the operator scope
--    (the delivery and escalation jobs). Other labels are unchanged. alert_recipients, alert_people
--    and alert_answers of a RED alert were already only the named people's (0023).
--
-- 2. Who answers for an organisation: vaern_alert_may_answer is the one rule the app, the answer
--    links and the e-mails use: an active person who is, in that organisation, its admin, security
--    officer or management, or a person named on the alert there. A person who may not answer gets
--    an e-mail with a link to the alert's page instead of an answer link, and an older answer link
--    of theirs is refused.
--
-- 3. Imports run inside a request (runImportNow: an advisory written by hand) hold a lease,
--    imports.inline_lease_until, renewed while the request runs. An import still queued or running
--    whose lease has passed was left by a process that died; the job imports.recover_inline marks
--    it failed (as the job runner marks a failed run). Imports run by the job queue have no lease:
--    pg-boss expires and retries their job.

-- 1 -------------------------------------------------------------------------------------------

-- Whether the request is a person holding one of p_roles in p_org, with p_org in its scope. Reads
-- memberships under their own policy (a person sees their own rows). API tokens have no person.
create function vaern_has_role(p_org uuid, p_roles text[]) returns boolean
  language sql stable parallel safe set search_path = pg_catalog, public
  as $$
    select p_org is not null and p_org = any (vaern_org_ids()) and vaern_user_id() is not null
       and exists (select 1 from memberships m
                   where m.org_id = p_org and m.user_id = vaern_user_id() and m.role = any (p_roles))
  $$;

alter policy alerts_read on alerts
  using (vaern_is_operator()
         or (tlp <> 'RED' and (vaern_sees_org(sector_unit_id) or vaern_sees_org(issuer_org_id)))
         or (tlp = 'RED' and (vaern_has_role(sector_unit_id, array['sector_coordinator'])
                              or vaern_has_role(issuer_org_id, array['admin', 'security_officer'])))
         or exists (select 1 from alert_recipients r where r.alert_id = alerts.id));

-- 2 -------------------------------------------------------------------------------------------

-- Whether p_user may answer p_alert for p_org. Security invoker: in a person's request it sees
-- their own memberships and naming; the operator scope (delivery jobs) sees all.
create function vaern_alert_may_answer(p_org uuid, p_alert uuid, p_user uuid) returns boolean
  language sql stable parallel safe set search_path = pg_catalog, public
  as $$
    select p_user is not null
       and exists (select 1 from users u where u.id = p_user and u.deactivated_at is null)
       and exists (select 1 from memberships m
                   where m.org_id = p_org and m.user_id = p_user and m.pending_import is null
                     and (m.role in ('admin', 'security_officer', 'management')
                          or exists (select 1 from alert_people p
                                     where p.org_id = p_org and p.alert_id = p_alert and p.user_id = p_user)))
  $$;

-- 3 -------------------------------------------------------------------------------------------

alter table imports add column inline_lease_until timestamptz;
create index imports_inline_stale on imports (inline_lease_until)
  where inline_lease_until is not null and status in ('queued', 'running');
