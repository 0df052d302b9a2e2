-- Hardening after review.
--
-- 1. Sign-in attempts are claimed atomically BEFORE the password or code is checked, so parallel
--    guesses cannot outrun the lockout, and a lock that ran out starts a fresh count.
-- 2. A new user row may not be a platform administrator unless a platform administrator or the
--    operator creates it (the update guard of 0005 now covers inserts too).
-- 3. Memberships: a person still reads their own memberships everywhere, but writes (insert,
--    update, delete) are limited to the organisations in the request's scope.

create function vaern_auth_claim_attempt(p_user uuid, p_max_failures integer, p_lock_seconds integer)
  returns boolean
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    -- The new count is computed from the row being updated (not from a subquery's snapshot),
    -- so concurrent claims on one account serialise on its row lock and each sees the last.
    with claimed as (
      update users set
        failed_logins = case when locked_until is not null and locked_until <= now() then 1
                             else failed_logins + 1 end,
        locked_until = case
          when (case when locked_until is not null and locked_until <= now() then 1
                     else failed_logins + 1 end) >= p_max_failures
            then now() + make_interval(secs => p_lock_seconds)
          end
      where id = p_user and (locked_until is null or locked_until <= now())
      returning 1
    )
    select exists (select 1 from claimed)
  $$;
alter function vaern_auth_claim_attempt(uuid, integer, integer) owner to vaern_definer;
revoke all on function vaern_auth_claim_attempt(uuid, integer, integer) from public;
grant execute on function vaern_auth_claim_attempt(uuid, integer, integer) to vaern_app;

create or replace function vaern_users_guard() returns trigger language plpgsql as $$
begin
  if current_user <> 'vaern_app' or vaern_is_platform_admin() or vaern_is_operator() then
    return new;
  end if;
  if tg_op = 'INSERT' then
    if new.platform_admin or new.deactivated_at is not null or new.failed_logins <> 0
       or new.locked_until is not null then
      raise exception 'only a platform administrator may create a user like this' using errcode = '42501';
    end if;
  elsif new.platform_admin is distinct from old.platform_admin
     or new.email is distinct from old.email
     or new.deactivated_at is distinct from old.deactivated_at
     or new.failed_logins is distinct from old.failed_logins
     or new.locked_until is distinct from old.locked_until
     or (old.mfa_enabled_at is not null and new.mfa_enabled_at is null) then
    raise exception 'only a platform administrator may change this part of a user' using errcode = '42501';
  end if;
  return new;
end $$;
create trigger users_guard_insert before insert on users for each row execute function vaern_users_guard();

drop policy memberships_tenant on memberships;
create policy memberships_read on memberships for select to vaern_app
  using (vaern_sees_org(org_id) or user_id = vaern_user_id());
create policy memberships_insert on memberships for insert to vaern_app
  with check (vaern_sees_org(org_id));
create policy memberships_update on memberships for update to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy memberships_delete on memberships for delete to vaern_app
  using (vaern_sees_org(org_id));

alter function vaern_auth_user_by_email(text) set search_path = pg_catalog, public;
alter function vaern_auth_record_login(uuid, boolean, integer, integer) set search_path = pg_catalog, public;
alter function vaern_auth_session(text) set search_path = pg_catalog, public;
alter function vaern_auth_token(text) set search_path = pg_catalog, public;

-- A right password whose second factor is still to come gives its claimed attempt back, so that
-- the count reflects wrong answers only; a lock already set stays.
create function vaern_auth_release_attempt(p_user uuid)
  returns void
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    update users set failed_logins = greatest(failed_logins - 1, 0)
    where id = p_user and locked_until is null
  $$;
alter function vaern_auth_release_attempt(uuid) owner to vaern_definer;
revoke all on function vaern_auth_release_attempt(uuid) from public;
grant execute on function vaern_auth_release_attempt(uuid) to vaern_app;
