-- People may update their own users row (name, language, password, MFA enrolment), but never the
-- columns that grant or withdraw privilege: platform_admin, e-mail (the login), deactivation, the
-- lockout counters, or switching an enrolled second factor off. Those change only for a platform
-- administrator, the instance operator, or the reviewed SECURITY DEFINER functions (vaern_definer).

create function vaern_users_guard() returns trigger language plpgsql as $$
begin
  if current_user = 'vaern_app' and not (vaern_is_platform_admin() or vaern_is_operator()) and (
       new.platform_admin is distinct from old.platform_admin
    or new.email is distinct from old.email
    or new.deactivated_at is distinct from old.deactivated_at
    or new.failed_logins is distinct from old.failed_logins
    or new.locked_until is distinct from old.locked_until
    or (old.mfa_enabled_at is not null and new.mfa_enabled_at is null)
  ) then
    raise exception 'only a platform administrator may change this part of a user' using errcode = '42501';
  end if;
  return new;
end $$;

create trigger users_guard before update on users for each row execute function vaern_users_guard();
