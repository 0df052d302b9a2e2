-- Platform settings: values a platform administrator tunes for the whole instance (lifetimes of
-- invitation and reset links, the longest auditor grant). The keys, their types, bounds and
-- defaults live in code (modules/settings/registry.ts); a key without a row has its default.
-- Not organisation-owned and holding no secrets: every request may read them, only a platform
-- administrator or the operator may write them.

create table platform_settings (
  key text primary key check (key ~ '^[a-z][a-z0-9_]{1,62}$'),
  value jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by jsonb not null
);
alter table platform_settings enable row level security;
alter table platform_settings force row level security;
create policy platform_settings_read on platform_settings for select to vaern_app using (true);
create policy platform_settings_insert on platform_settings for insert to vaern_app
  with check (vaern_is_platform_admin() or vaern_is_operator());
create policy platform_settings_update on platform_settings for update to vaern_app
  using (vaern_is_platform_admin() or vaern_is_operator())
  with check (vaern_is_platform_admin() or vaern_is_operator());
create policy platform_settings_definer on platform_settings to vaern_definer using (true) with check (true);
grant select, insert, update on platform_settings to vaern_app;
grant select, insert, update, delete on platform_settings to vaern_definer;
