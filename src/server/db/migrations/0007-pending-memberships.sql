-- The users register's atomic switch, cheap enough for the embedded database.
--
-- An import of many people used to insert every membership in its last, atomic transaction; on
-- PGlite each row's foreign-key checks made that one statement block the server for over a
-- second at 50,000 rows. Now the memberships are inserted beforehand, slice by slice, marked
-- with the import that brings them (pending_import) and invisible to every reader through
-- row-level security; the switch clears the mark in one UPDATE, which changes no key and so
-- runs no foreign-key check. A failed import deletes its pending rows.

alter table memberships add column pending_import uuid;
create index memberships_pending on memberships (org_id, pending_import) where pending_import is not null;

drop policy memberships_read on memberships;
create policy memberships_read on memberships for select to vaern_app
  using ((vaern_sees_org(org_id) or user_id = vaern_user_id()) and pending_import is null);

-- The staged rows of one slice of an import, with the ids of the people they name (see
-- vaern_users_import_members in 0004 for why this is a reviewed definer function).
create function vaern_users_import_members(p_org uuid, p_import uuid, p_after integer, p_up_to integer)
  returns table (user_id uuid, role text)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select u.id, r.data ->> 'role'
    from import_rows r join users u on u.email = r.key
    where r.org_id = p_org and r.import_id = p_import and r.data is not null
      and r.row_no > p_after and r.row_no <= p_up_to
      and vaern_sees_org(p_org)
  $$;

-- The switch: makes an import's pending memberships visible at once; returns how many.
create function vaern_import_publish_memberships(p_org uuid, p_import uuid)
  returns bigint
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    with published as (
      update memberships set pending_import = null
      where org_id = p_org and pending_import = p_import and vaern_sees_org(p_org)
      returning 1
    )
    select count(*) from published
  $$;

-- A failed import's pending memberships go.
create function vaern_import_discard_memberships(p_org uuid, p_import uuid)
  returns void
  language sql volatile security definer set search_path = pg_catalog, public
  as $$
    delete from memberships where org_id = p_org and pending_import = p_import and vaern_sees_org(p_org)
  $$;

alter function vaern_users_import_members(uuid, uuid, integer, integer) owner to vaern_definer;
alter function vaern_import_publish_memberships(uuid, uuid) owner to vaern_definer;
alter function vaern_import_discard_memberships(uuid, uuid) owner to vaern_definer;
revoke all on function vaern_users_import_members(uuid, uuid, integer, integer) from public;
revoke all on function vaern_import_publish_memberships(uuid, uuid) from public;
revoke all on function vaern_import_discard_memberships(uuid, uuid) from public;
grant execute on function vaern_users_import_members(uuid, uuid, integer, integer) to vaern_app;
grant execute on function vaern_import_publish_memberships(uuid, uuid) to vaern_app;
grant execute on function vaern_import_discard_memberships(uuid, uuid) to vaern_app;
