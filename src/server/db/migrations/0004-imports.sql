-- The import framework: progress columns on imports, the generic staging table every register
-- stages its validated rows in, and the one reviewed lookup the users register needs.
--
-- files, file_chunks and imports themselves were created in 0001-core.sql.

-- Progress that the CLI and the API read while an import runs: bytes of the stored file read so
-- far, out of its size (the row count is only known at the end of the file).
alter table imports add column bytes_read bigint not null default 0;
alter table imports add column bytes_total bigint not null default 0;
-- The uploaded file's name, kept with the import: a refused file's upload is deleted.
alter table imports add column file_name text;
create index imports_recent on imports (org_id, created_at desc, id desc);

-- Staged rows: one per data row of an import's file, validated, not yet visible in any register.
-- `data` is null for a row with errors (staged only for its key, so that duplicate keys are
-- reported too); a refused import's rows are deleted, an applied import's rows after the apply.
create table import_rows (
  org_id uuid not null,
  import_id uuid not null,
  row_no integer not null check (row_no >= 1),
  key text,
  data jsonb,
  primary key (org_id, import_id, row_no),
  foreign key (org_id, import_id) references imports (org_id, id) on delete cascade
);
create index import_rows_key on import_rows (org_id, import_id, key) where key is not null;
alter table import_rows enable row level security;
alter table import_rows force row level security;
create policy import_rows_tenant on import_rows to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy import_rows_definer on import_rows to vaern_definer using (true) with check (true);
grant select, insert, update, delete on import_rows to vaern_app, vaern_definer;

-- The users register gives existing people a membership in the importing organisation. An
-- organisation admin may create users and memberships, but row-level security only lets them see
-- people who are already members of their organisations, so the import cannot find the id of a
-- person who so far belongs elsewhere. This function answers exactly that, for one import of the
-- caller's own organisation and nothing else: for each valid staged row of a users import (its key
-- is the e-mail, lower case), the id of the person with that e-mail and the role the row asks for.
-- An id reveals nothing by itself (the person's row stays invisible under RLS); what the caller
-- learns is whether an address has an account, which adding a member by e-mail discloses anyway.
-- It joins inside, so the caller's insert needs no join whose size the planner cannot know.
create function vaern_users_import_members(p_org uuid, p_import uuid)
  returns table (user_id uuid, role text)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select u.id, r.data ->> 'role'
    from import_rows r join users u on u.email = r.key
    where r.org_id = p_org and r.import_id = p_import and r.data is not null
      and vaern_sees_org(p_org)
  $$;
alter function vaern_users_import_members(uuid, uuid) owner to vaern_definer;
revoke all on function vaern_users_import_members(uuid, uuid) from public;
grant execute on function vaern_users_import_members(uuid, uuid) to vaern_app;
