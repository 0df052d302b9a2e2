-- Platform core: tenancy helpers, organisations, users, memberships, sessions, API tokens,
-- the audit trail, stored files and imports.
--
-- Ownership rules (DESIGN.md, "Sharing and ownership"): every organisation-owned table carries
-- org_id in its primary key, unique constraints and foreign keys, and has ENABLE + FORCE
-- row-level security with USING and WITH CHECK. Policies for vaern_app read the request's
-- context (set by withTenant); vaern_definer is the owner of the few reviewed SECURITY DEFINER
-- functions and of maintenance work (backup, restore), and sees every row.

-- Request context ----------------------------------------------------------------------------

create function vaern_org_ids() returns uuid[]
  language sql stable parallel safe
  as $$ select coalesce(nullif(current_setting('app.org_ids', true), ''), '{}')::uuid[] $$;

create function vaern_user_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

create function vaern_is_platform_admin() returns boolean
  language sql stable parallel safe
  as $$ select coalesce(current_setting('app.platform_admin', true), '') = 'true' $$;

create function vaern_is_operator() returns boolean
  language sql stable parallel safe
  as $$ select coalesce(current_setting('app.operator', true), '') = 'true' $$;

create function vaern_sees_org(org uuid) returns boolean
  language sql stable parallel safe
  as $$ select org = any (vaern_org_ids()) or vaern_is_operator() $$;

-- Organisations: the sector directory, readable by every signed-in actor --------------------

create table organisations (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  name text not null check (length(name) between 1 and 200),
  kind text not null check (kind in ('sector_unit', 'region', 'hospital', 'municipality', 'practice',
                                     'pharmacy', 'supplier', 'other')),
  parent_id uuid references organisations (id),
  region_id uuid references organisations (id),
  created_at timestamptz not null default now(),
  check (parent_id is null or parent_id <> id)
);
alter table organisations enable row level security;
alter table organisations force row level security;
create policy organisations_read on organisations for select to vaern_app using (true);
create policy organisations_write on organisations for insert to vaern_app
  with check (vaern_is_platform_admin() or vaern_is_operator());
create policy organisations_update on organisations for update to vaern_app
  using (vaern_is_platform_admin() or vaern_is_operator())
  with check (vaern_is_platform_admin() or vaern_is_operator());
create policy organisations_definer on organisations to vaern_definer using (true) with check (true);
grant select, insert, update on organisations to vaern_app;
grant select, insert, update, delete on organisations to vaern_definer;

-- Users: people; an identity belongs to no single organisation -------------------------------

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
  name text not null check (length(name) between 1 and 200),
  password_hash text,
  mfa_secret text,
  mfa_enabled_at timestamptz,
  platform_admin boolean not null default false,
  locale text not null default 'da' check (locale in ('da', 'en')),
  failed_logins integer not null default 0,
  locked_until timestamptz,
  deactivated_at timestamptz,
  created_at timestamptz not null default now(),
  unique (email)
);

create table memberships (
  org_id uuid not null references organisations (id),
  user_id uuid not null references users (id),
  role text not null check (role in ('admin', 'security_officer', 'system_owner', 'management', 'auditor',
                                     'member', 'sector_coordinator')),
  created_at timestamptz not null default now(),
  primary key (org_id, user_id, role)
);
create index memberships_user on memberships (user_id);
alter table memberships enable row level security;
alter table memberships force row level security;
create policy memberships_tenant on memberships to vaern_app
  using (vaern_sees_org(org_id) or user_id = vaern_user_id())
  with check (vaern_sees_org(org_id));
create policy memberships_definer on memberships to vaern_definer using (true) with check (true);
grant select, insert, update, delete on memberships to vaern_app, vaern_definer;

alter table users enable row level security;
alter table users force row level security;
create policy users_read on users for select to vaern_app
  using (id = vaern_user_id() or vaern_is_platform_admin() or vaern_is_operator()
         or exists (select 1 from memberships m where m.user_id = users.id and m.org_id = any (vaern_org_ids())));
create policy users_insert on users for insert to vaern_app
  with check (vaern_is_platform_admin() or vaern_is_operator() or cardinality(vaern_org_ids()) > 0);
create policy users_update on users for update to vaern_app
  using (id = vaern_user_id() or vaern_is_platform_admin() or vaern_is_operator())
  with check (id = vaern_user_id() or vaern_is_platform_admin() or vaern_is_operator());
create policy users_definer on users to vaern_definer using (true) with check (true);
grant select, insert, update on users to vaern_app;
grant select, insert, update, delete on users to vaern_definer;

create table recovery_codes (
  user_id uuid not null references users (id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  primary key (user_id, code_hash)
);
alter table recovery_codes enable row level security;
alter table recovery_codes force row level security;
create policy recovery_codes_self on recovery_codes to vaern_app
  using (user_id = vaern_user_id() or vaern_is_operator())
  with check (user_id = vaern_user_id() or vaern_is_operator());
create policy recovery_codes_definer on recovery_codes to vaern_definer using (true) with check (true);
grant select, insert, update, delete on recovery_codes to vaern_app, vaern_definer;

-- Sessions: a person's browser sessions (never backed up) -----------------------------------

create table sessions (
  id uuid primary key default gen_random_uuid(),
  token_hash text not null unique,
  user_id uuid not null references users (id),
  -- 'password' = password given, MFA still to do; 'enrol' = MFA must be enrolled first; 'full'
  stage text not null check (stage in ('password', 'enrol', 'full')),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text,
  user_agent text
);
create index sessions_user on sessions (user_id);
alter table sessions enable row level security;
alter table sessions force row level security;
create policy sessions_self on sessions to vaern_app
  using (user_id = vaern_user_id() or vaern_is_operator())
  with check (user_id = vaern_user_id() or vaern_is_operator());
create policy sessions_definer on sessions to vaern_definer using (true) with check (true);
grant select, insert, update, delete on sessions to vaern_app, vaern_definer;

-- API tokens: machine clients, one organisation and one role --------------------------------

create table api_tokens (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  role text not null check (role in ('security_officer', 'system_owner', 'auditor', 'member')),
  token_hash text not null,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  primary key (org_id, id),
  unique (org_id, token_hash)
);
create unique index api_tokens_active_name on api_tokens (org_id, name) where revoked_at is null;
create index api_tokens_hash on api_tokens (token_hash);
alter table api_tokens enable row level security;
alter table api_tokens force row level security;
create policy api_tokens_tenant on api_tokens to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy api_tokens_definer on api_tokens to vaern_definer using (true) with check (true);
grant select, insert, update on api_tokens to vaern_app;
grant select, insert, update, delete on api_tokens to vaern_definer;

-- Authentication lookups: the only reads that happen before an actor is known ---------------

create function vaern_auth_user_by_email(p_email text)
  returns table (id uuid, email text, name text, password_hash text, mfa_enabled boolean,
                 platform_admin boolean, locale text, failed_logins integer, locked_until timestamptz,
                 deactivated_at timestamptz)
  language sql stable security definer set search_path = public
  as $$
    select u.id, u.email, u.name, u.password_hash, u.mfa_enabled_at is not null, u.platform_admin,
           u.locale, u.failed_logins, u.locked_until, u.deactivated_at
    from users u where u.email = lower(p_email)
  $$;

create function vaern_auth_record_login(p_user uuid, p_ok boolean, p_max_failures integer,
                                        p_lock_seconds integer)
  returns void
  language sql volatile security definer set search_path = public
  as $$
    update users set
      failed_logins = case when p_ok then 0 else failed_logins + 1 end,
      locked_until = case
        when p_ok then null
        when failed_logins + 1 >= p_max_failures then now() + make_interval(secs => p_lock_seconds)
        else locked_until end
    where id = p_user
  $$;

create function vaern_auth_session(p_token_hash text)
  returns table (id uuid, user_id uuid, stage text, csrf_token text, created_at timestamptz,
                 last_seen_at timestamptz, expires_at timestamptz)
  language sql stable security definer set search_path = public
  as $$
    select s.id, s.user_id, s.stage, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at
    from sessions s join users u on u.id = s.user_id
    where s.token_hash = p_token_hash and s.revoked_at is null and s.expires_at > now()
      and u.deactivated_at is null
  $$;

create function vaern_auth_token(p_token_hash text)
  returns table (org_id uuid, id uuid, name text, role text)
  language sql volatile security definer set search_path = public
  as $$
    update api_tokens t set last_used_at = now()
    where t.token_hash = p_token_hash and t.revoked_at is null
      and (t.expires_at is null or t.expires_at > now())
    returning t.org_id, t.id, t.name, t.role
  $$;

-- Audit trail: one hash chain per organisation, and one for the platform (the nil uuid) -----

create table audit_log (
  org_id uuid not null,
  seq bigint not null check (seq >= 1),
  at timestamptz not null,
  actor jsonb not null,
  action text not null,
  target_type text,
  target_id text,
  before jsonb,
  after jsonb,
  prev_hash text not null,
  hash text not null,
  primary key (org_id, seq)
);
create index audit_log_at on audit_log (org_id, at);

create table audit_heads (
  org_id uuid primary key,
  seq bigint not null,
  hash text not null
);

create function vaern_sees_chain(chain uuid) returns boolean
  language sql stable parallel safe
  as $$ select vaern_sees_org(chain)
            or (chain = '00000000-0000-0000-0000-000000000000' and vaern_is_platform_admin()) $$;

alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy audit_log_read on audit_log for select to vaern_app using (vaern_sees_chain(org_id));
-- Any actor appends to its organisations' chains and to the platform chain (logins, sessions).
create policy audit_log_append on audit_log for insert to vaern_app
  with check (vaern_sees_org(org_id) or org_id = '00000000-0000-0000-0000-000000000000');
create policy audit_log_definer on audit_log to vaern_definer using (true) with check (true);
grant select, insert on audit_log to vaern_app;
grant select, insert on audit_log to vaern_definer;

alter table audit_heads enable row level security;
alter table audit_heads force row level security;
create policy audit_heads_tenant on audit_heads to vaern_app
  using (vaern_sees_org(org_id) or org_id = '00000000-0000-0000-0000-000000000000')
  with check (vaern_sees_org(org_id) or org_id = '00000000-0000-0000-0000-000000000000');
create policy audit_heads_definer on audit_heads to vaern_definer using (true) with check (true);
grant select, insert, update on audit_heads to vaern_app;
grant select, insert, update, delete on audit_heads to vaern_definer;

-- The trail is append-only for everyone, the owner included; only a superuser who disables the
-- triggers can alter it, and `vaern audit verify` detects that.
create function vaern_audit_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'the audit trail is append-only' using errcode = '42501';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function vaern_audit_immutable();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function vaern_audit_immutable();

-- Stored files: uploads streamed into the database in chunks --------------------------------

create table files (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  name text not null,
  content_type text not null,
  size bigint not null default 0,
  sha256 text,
  complete boolean not null default false,
  created_by jsonb not null,
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
create table file_chunks (
  org_id uuid not null,
  file_id uuid not null,
  n integer not null,
  data bytea not null,
  primary key (org_id, file_id, n),
  foreign key (org_id, file_id) references files (org_id, id) on delete cascade
);
alter table files enable row level security;
alter table files force row level security;
create policy files_tenant on files to vaern_app using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy files_definer on files to vaern_definer using (true) with check (true);
alter table file_chunks enable row level security;
alter table file_chunks force row level security;
create policy file_chunks_tenant on file_chunks to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy file_chunks_definer on file_chunks to vaern_definer using (true) with check (true);
grant select, insert, update, delete on files, file_chunks to vaern_app, vaern_definer;

-- Imports: one row per import, whatever the register or scanner -----------------------------

create table imports (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  kind text not null,
  file_id uuid,
  options jsonb not null default '{}',
  status text not null check (status in ('queued', 'running', 'succeeded', 'refused', 'failed')),
  phase text,
  rows integer not null default 0,
  processed integer not null default 0,
  created integer not null default 0,
  updated integer not null default 0,
  unchanged integer not null default 0,
  errors integer not null default 0,
  error_list jsonb not null default '[]',
  extra jsonb not null default '{}',
  created_by jsonb not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (org_id, id),
  foreign key (org_id, file_id) references files (org_id, id)
);
alter table imports enable row level security;
alter table imports force row level security;
create policy imports_tenant on imports to vaern_app using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy imports_definer on imports to vaern_definer using (true) with check (true);
grant select, insert, update, delete on imports to vaern_app, vaern_definer;

-- Every SECURITY DEFINER function belongs to vaern_definer and is callable by vaern_app only.
alter function vaern_auth_user_by_email(text) owner to vaern_definer;
alter function vaern_auth_record_login(uuid, boolean, integer, integer) owner to vaern_definer;
alter function vaern_auth_session(text) owner to vaern_definer;
alter function vaern_auth_token(text) owner to vaern_definer;
revoke all on function vaern_auth_user_by_email(text) from public;
revoke all on function vaern_auth_record_login(uuid, boolean, integer, integer) from public;
revoke all on function vaern_auth_session(text) from public;
revoke all on function vaern_auth_token(text) from public;
grant execute on function vaern_auth_user_by_email(text) to vaern_app;
grant execute on function vaern_auth_record_login(uuid, boolean, integer, integer) to vaern_app;
grant execute on function vaern_auth_session(text) to vaern_app;
grant execute on function vaern_auth_token(text) to vaern_app;
