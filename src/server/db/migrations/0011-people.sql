-- People management (issue 3): invitations, password reset and set-up links, and the reviewed
-- SECURITY DEFINER steps an organisation admin needs to manage another person's account.
--
-- Why definer functions: vaern_app may only update its own users row and read its own sessions
-- (0001), and users_guard (0005/0006) forbids it to change deactivated_at, failed_logins,
-- locked_until or to clear mfa_enabled_at. An admin managing a member needs exactly those steps,
-- so each is a small function owned by vaern_definer that re-checks in SQL that the target is a
-- member of an organisation of the request (vaern_org_ids()) and is not a platform administrator
-- (unless the caller is one, or the operator). The application's policy (modules/people/policy.ts)
-- adds the escalation guard on top (every organisation of the target must be one the actor
-- administers), using vaern_people_target to see the target's organisations.

-- Invitations: organisation-owned ------------------------------------------------------------

create table invitations (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  email text not null check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
  name text check (length(name) between 1 and 200),
  roles text[] not null check (
    cardinality(roles) >= 1
    and roles <@ array['admin', 'security_officer', 'system_owner', 'management', 'auditor', 'member',
                       'sector_coordinator']::text[]),
  locale text not null check (locale in ('da', 'en')),
  -- SHA-256 (hex) of the random token in the link; the token itself is never stored.
  token_hash text not null,
  invited_by uuid references users (id),
  -- Who invited, as shown in the list (a person's name, or the operator's label).
  invited_by_label text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references users (id),
  revoked_at timestamptz,
  primary key (org_id, id),
  unique (org_id, token_hash)
);
create index invitations_token on invitations (token_hash);
create index invitations_list on invitations (org_id, created_at desc, id desc);
create index invitations_email on invitations (org_id, email);

alter table invitations enable row level security;
alter table invitations force row level security;
create policy invitations_tenant on invitations to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy invitations_definer on invitations to vaern_definer using (true) with check (true);
grant select, insert, update on invitations to vaern_app;
grant select, insert, update, delete on invitations to vaern_definer;

-- The invitation behind a link, while it can still be accepted (public lookup, before any actor).
create function vaern_invitation_lookup(p_token_hash text)
  returns table (org_id uuid, org_slug text, org_name text, id uuid, email text, name text, roles text[],
                 locale text, expires_at timestamptz, account_exists boolean)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select i.org_id, o.slug, o.name, i.id, i.email, i.name, i.roles, i.locale, i.expires_at,
           exists (select 1 from users u where u.email = i.email and u.deactivated_at is null)
    from invitations i join organisations o on o.id = i.org_id
    where i.token_hash = p_token_hash and i.accepted_at is null and i.revoked_at is null
      and i.expires_at > now()
  $$;

-- Accepts an invitation once, atomically: the UPDATE that marks it accepted takes the row lock,
-- so of two parallel accepts exactly one finds it still pending. With p_user (a signed-in person)
-- that person's e-mail must be the invited one; without, a new account is created from the
-- invitation (or a deactivated one, never a platform administrator, is re-activated with the new
-- password and without its old second factor). Returns no row when the link is no longer valid.
create function vaern_invitation_accept(p_token_hash text, p_user uuid, p_name text, p_password_hash text)
  returns table (org_id uuid, invitation_id uuid, user_id uuid, email text, roles text[],
                 account_created boolean)
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
  #variable_conflict use_column
  declare
    inv invitations%rowtype;
    uid uuid;
    existing users%rowtype;
    created boolean := false;
  begin
    update invitations i set accepted_at = now()
      where i.token_hash = p_token_hash and i.accepted_at is null and i.revoked_at is null
        and i.expires_at > now()
      returning i.* into inv;
    if not found then
      return;
    end if;
    if p_user is not null then
      select u.id into uid from users u
        where u.id = p_user and u.email = inv.email and u.deactivated_at is null;
      if uid is null then
        raise exception 'the invitation belongs to another account' using errcode = '42501';
      end if;
    else
      if p_name is null or p_password_hash is null then
        raise exception 'a new account needs a name and a password' using errcode = '22023';
      end if;
      select * into existing from users u where u.email = inv.email;
      if not found then
        insert into users (email, name, password_hash, locale)
          values (inv.email, p_name, p_password_hash, inv.locale) returning users.id into uid;
      elsif existing.deactivated_at is not null and not existing.platform_admin then
        update users u set name = p_name, password_hash = p_password_hash, deactivated_at = null,
               failed_logins = 0, locked_until = null, mfa_secret = null, mfa_enabled_at = null,
               mfa_pending_secret = null, mfa_last_step = null
          where u.id = existing.id;
        delete from recovery_codes r where r.user_id = existing.id;
        update sessions s set revoked_at = now() where s.user_id = existing.id and s.revoked_at is null;
        uid := existing.id;
      else
        raise exception 'an account with this e-mail exists' using errcode = '23505';
      end if;
      created := true;
    end if;
    update invitations i set accepted_by = uid where i.org_id = inv.org_id and i.id = inv.id;
    insert into memberships (org_id, user_id, role)
      select inv.org_id, uid, r from unnest(inv.roles) r
      on conflict do nothing;
    return query select inv.org_id, inv.id, uid, inv.email, inv.roles, created;
  end $$;

-- Reset and set-up links: readable by no application role ------------------------------------

create table password_resets (
  token_hash text primary key,
  user_id uuid not null references users (id),
  -- 'reset': asked for by the person; 'admin_reset': an admin cleared the password;
  -- 'setup': an account was created for the person (no password yet).
  purpose text not null check (purpose in ('reset', 'admin_reset', 'setup')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index password_resets_user on password_resets (user_id);
alter table password_resets enable row level security;
alter table password_resets force row level security;
create policy password_resets_definer on password_resets to vaern_definer using (true) with check (true);
grant select, insert, update, delete on password_resets to vaern_definer;

-- The person asked for a reset link: issued only for an active account; returns the person
-- (to write the mail) or no row, and the caller answers the same either way.
create function vaern_reset_request(p_email text, p_token_hash text, p_ttl_minutes integer)
  returns table (user_id uuid, email text, name text, locale text, expires_at timestamptz)
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
  #variable_conflict use_column
  declare
    u users%rowtype;
    expires timestamptz := now() + make_interval(mins => least(greatest(p_ttl_minutes, 10), 10080));
  begin
    select * into u from users where email = lower(p_email) and deactivated_at is null;
    if not found then
      return;
    end if;
    -- A new link replaces every earlier one of the person.
    update password_resets set used_at = now() where user_id = u.id and used_at is null;
    insert into password_resets (token_hash, user_id, purpose, expires_at)
      values (p_token_hash, u.id, 'reset', expires);
    return query select u.id, u.email, u.name, u.locale, expires;
  end $$;

-- A link issued by an admin ('admin_reset', 'setup') for a member of one of the request's
-- organisations who is not a platform administrator (unless the caller is one or the operator).
-- Returns its expiry, or null when the target is out of reach.
create function vaern_reset_issue(p_user uuid, p_token_hash text, p_purpose text, p_ttl_minutes integer)
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
        and exists (select 1 from memberships m
                    where m.user_id = u.id and m.org_id = any (vaern_org_ids()) and m.pending_import is null)
    ) then
      return null;
    end if;
    update password_resets set used_at = now() where user_id = p_user and used_at is null;
    insert into password_resets (token_hash, user_id, purpose, expires_at)
      values (p_token_hash, p_user, p_purpose, expires);
    return expires;
  end $$;

-- Uses a link once: sets the new password hash, clears the lockout, ends every session.
-- Returns the person, or no row when the link is unknown, expired, used or the account inactive.
create function vaern_reset_consume(p_token_hash text, p_password_hash text)
  returns table (user_id uuid, email text, purpose text)
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
  #variable_conflict use_column
  declare
    r password_resets%rowtype;
    mail text;
  begin
    update password_resets set used_at = now()
      where token_hash = p_token_hash and used_at is null and expires_at > now()
      returning * into r;
    if not found then
      return;
    end if;
    update users set password_hash = p_password_hash, failed_logins = 0, locked_until = null
      where id = r.user_id and deactivated_at is null
      returning users.email into mail;
    if mail is null then
      return;
    end if;
    update sessions set revoked_at = now() where user_id = r.user_id and revoked_at is null;
    return query select r.user_id, mail, r.purpose;
  end $$;

-- Member management ----------------------------------------------------------------------------

-- The target of a management step: whether they are a platform administrator and every
-- organisation they belong to, so that the policy can refuse an admin of one organisation
-- acting on a person who also belongs to another. Answers only for a member of one of the
-- request's organisations.
create function vaern_people_target(p_user uuid)
  returns table (platform_admin boolean, org_ids uuid[])
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select u.platform_admin,
           coalesce((select array_agg(distinct m.org_id) from memberships m where m.user_id = u.id), '{}')
    from users u
    where u.id = p_user
      and exists (select 1 from memberships m
                  where m.user_id = u.id and m.org_id = any (vaern_org_ids()) and m.pending_import is null)
  $$;

-- Clears a member's second factor (seed, enrolment, recovery codes) and/or password, and ends
-- all their sessions. Returns the number of sessions ended, or null when the target is out of
-- reach (not a member of the request's organisations, or a platform administrator).
create function vaern_member_reset(p_user uuid, p_mfa boolean, p_password boolean)
  returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
  declare
    n integer;
  begin
    if not exists (
      select 1 from users u
      where u.id = p_user
        and (not u.platform_admin or vaern_is_platform_admin() or vaern_is_operator())
        and exists (select 1 from memberships m
                    where m.user_id = u.id and m.org_id = any (vaern_org_ids()) and m.pending_import is null)
    ) then
      return null;
    end if;
    if p_mfa then
      update users set mfa_secret = null, mfa_enabled_at = null, mfa_pending_secret = null,
                       mfa_last_step = null
        where id = p_user;
      delete from recovery_codes where user_id = p_user;
    end if;
    if p_password then
      update users set password_hash = null where id = p_user;
    end if;
    update sessions set revoked_at = now() where user_id = p_user and revoked_at is null;
    get diagnostics n = row_count;
    return n;
  end $$;

-- Takes a leaver out of one organisation of the request: removes all their memberships there,
-- ends all their sessions at once, and deactivates the account when they then belong nowhere
-- and are not a platform administrator. No row when the target is not a member there.
create function vaern_member_offboard(p_org uuid, p_user uuid)
  returns table (removed_roles text[], sessions_revoked integer, account_deactivated boolean)
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
  declare
    removed text[];
    n integer;
    deactivated boolean := false;
  begin
    if not (p_org = any (vaern_org_ids())) then
      return;
    end if;
    if exists (select 1 from users u where u.id = p_user and u.platform_admin)
       and not (vaern_is_platform_admin() or vaern_is_operator()) then
      return;
    end if;
    with gone as (
      delete from memberships m where m.org_id = p_org and m.user_id = p_user returning m.role
    )
    select array_agg(role order by role) into removed from gone;
    if removed is null then
      return;
    end if;
    update sessions set revoked_at = now() where user_id = p_user and revoked_at is null;
    get diagnostics n = row_count;
    if not exists (select 1 from memberships m where m.user_id = p_user) then
      update users set deactivated_at = now()
        where id = p_user and not platform_admin and deactivated_at is null;
      deactivated := exists (select 1 from users u where u.id = p_user and u.deactivated_at is not null);
    end if;
    return query select removed, n, deactivated;
  end $$;

alter function vaern_invitation_lookup(text) owner to vaern_definer;
alter function vaern_invitation_accept(text, uuid, text, text) owner to vaern_definer;
alter function vaern_reset_request(text, text, integer) owner to vaern_definer;
alter function vaern_reset_issue(uuid, text, text, integer) owner to vaern_definer;
alter function vaern_reset_consume(text, text) owner to vaern_definer;
alter function vaern_people_target(uuid) owner to vaern_definer;
alter function vaern_member_reset(uuid, boolean, boolean) owner to vaern_definer;
alter function vaern_member_offboard(uuid, uuid) owner to vaern_definer;
revoke all on function vaern_invitation_lookup(text) from public;
revoke all on function vaern_invitation_accept(text, uuid, text, text) from public;
revoke all on function vaern_reset_request(text, text, integer) from public;
revoke all on function vaern_reset_issue(uuid, text, text, integer) from public;
revoke all on function vaern_reset_consume(text, text) from public;
revoke all on function vaern_people_target(uuid) from public;
revoke all on function vaern_member_reset(uuid, boolean, boolean) from public;
revoke all on function vaern_member_offboard(uuid, uuid) from public;
grant execute on function vaern_invitation_lookup(text) to vaern_app;
grant execute on function vaern_invitation_accept(text, uuid, text, text) to vaern_app;
grant execute on function vaern_reset_request(text, text, integer) to vaern_app;
grant execute on function vaern_reset_issue(uuid, text, text, integer) to vaern_app;
grant execute on function vaern_reset_consume(text, text) to vaern_app;
grant execute on function vaern_people_target(uuid) to vaern_app;
grant execute on function vaern_member_reset(uuid, boolean, boolean) to vaern_app;
grant execute on function vaern_member_offboard(uuid, uuid) to vaern_app;
