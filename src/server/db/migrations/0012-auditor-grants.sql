-- Auditor grants: an organisation grants a named person read-only access to itself (the role
-- `auditor`) during an access window, optionally limited to the records of a data period.
--
-- Access: the application (modules/auth/resolve.ts, loadUserActor) reads the person's grants on
-- every request and adds role `auditor` in each organisation whose grant is active now
-- (starts_at <= now() < ends_at, not revoked). Nothing has to run when a window ends or a grant
-- is revoked: the next request simply finds no active grant.
--
-- Data period: a grant-holder with no standing membership in the organisation sees only the
-- records of the period. withTenant puts the request's periods into the transaction-local setting
-- `app.data_periods`, a JSON object {org id: [from | null, to | null]} of ISO dates (both days
-- inclusive, in UTC); an organisation absent from it, or an empty setting, is unrestricted.
-- vaern_in_data_period(org, at) answers whether a moment lies inside the period of that
-- organisation, so row-level security enforces the period underneath the application's filters.
--
-- CONVENTION for every module: each organisation-owned table whose rows are bound to a time (an
-- audit entry's `at`, a finding's first_seen, an incident's reported_at, a risk assessment's
-- assessed_at …) adds `and vaern_in_data_period(org_id, <that column>)` to the USING clause of
-- its vaern_app read policy, as audit_log does below. Tables without a natural time (the
-- inventory as it is now, contacts) stay unrestricted by the period.

create table auditor_grants (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  user_id uuid not null references users (id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  data_from date,
  data_to date,
  note text check (length(note) between 1 and 2000),
  granted_by jsonb not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by jsonb,
  primary key (org_id, id),
  check (ends_at > starts_at),
  check (data_from is null or data_to is null or data_from <= data_to)
);
create index auditor_grants_list on auditor_grants (org_id, created_at, id);
create index auditor_grants_user on auditor_grants (user_id, ends_at);

alter table auditor_grants enable row level security;
alter table auditor_grants force row level security;
create policy auditor_grants_tenant on auditor_grants to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
-- The grantee reads their own grants while their actor is built (before any organisation is in
-- scope); reading only.
create policy auditor_grants_grantee on auditor_grants for select to vaern_app
  using (user_id = vaern_user_id());
create policy auditor_grants_definer on auditor_grants to vaern_definer using (true) with check (true);
-- No delete for the application: a revoked or expired grant stays as the record of who had access.
grant select, insert, update on auditor_grants to vaern_app;
grant select, insert, update, delete on auditor_grants to vaern_definer;

-- An organisation sees the people it has granted access to (name and e-mail on its list of
-- grants), as it sees its members.
create policy users_read_grantee on users for select to vaern_app
  using (exists (select 1 from auditor_grants g
                 where g.user_id = users.id and g.org_id = any (vaern_org_ids())));

-- The data period of the request (see above). Stable and cheap when the setting is empty, which
-- it is for everyone but grant-holders with a period.
create function vaern_in_data_period(org uuid, at timestamptz) returns boolean
  language sql stable parallel safe
  as $$
    select coalesce(current_setting('app.data_periods', true), '') in ('', '{}')
        or coalesce((
             select (p ->> 0 is null or at >= (p ->> 0)::date::timestamp at time zone 'UTC')
                and (p ->> 1 is null or at < ((p ->> 1)::date + 1)::timestamp at time zone 'UTC')
             from (select current_setting('app.data_periods', true)::jsonb -> org::text) as s (p)
             where jsonb_typeof(p) = 'array'), true)
  $$;

-- The audit trail is the first time-bound table to adopt the period.
drop policy audit_log_read on audit_log;
create policy audit_log_read on audit_log for select to vaern_app
  using (vaern_sees_chain(org_id) and vaern_in_data_period(org_id, "at"));

-- Set-up links for accounts created by a grant. vaern_reset_issue (0011) issues a link only for a
-- member of one of the request's organisations; a person created for an auditor grant belongs to
-- no organisation. This repeats 0011's function unchanged and adds one case: a 'setup' link for
-- an account that has never had a password, belongs to no organisation and holds a live
-- (unrevoked, not yet ended) grant of one of the request's organisations. An account that has a
-- password or a membership elsewhere is never reachable through a grant, so a granting
-- organisation cannot take over an existing account. Keep the two in step when 0011's changes.
create or replace function vaern_reset_issue(p_user uuid, p_token_hash text, p_purpose text, p_ttl_minutes integer)
  returns timestamptz
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
  declare
    expires timestamptz := now() + make_interval(mins => least(greatest(p_ttl_minutes, 10), 10080));
  begin
    if p_purpose not in ('admin_reset', 'setup') then
      raise exception 'unknown purpose %', p_purpose using errcode = '22023';
    end if;
    if not exists (
      select 1 from users u
      where u.id = p_user and u.deactivated_at is null
        and (not u.platform_admin or vaern_is_platform_admin() or vaern_is_operator())
        and (exists (select 1 from memberships m
                     where m.user_id = u.id and m.org_id = any (vaern_org_ids()) and m.pending_import is null)
             or (p_purpose = 'setup' and u.password_hash is null and not u.platform_admin
                 and not exists (select 1 from memberships m where m.user_id = u.id)
                 and exists (select 1 from auditor_grants g
                             where g.user_id = u.id and g.org_id = any (vaern_org_ids())
                               and g.revoked_at is null and g.ends_at > now())))
    ) then
      return null;
    end if;
    update password_resets set used_at = now() where user_id = p_user and used_at is null;
    insert into password_resets (token_hash, user_id, purpose, expires_at)
      values (p_token_hash, p_user, p_purpose, expires);
    return expires;
  end $$;
