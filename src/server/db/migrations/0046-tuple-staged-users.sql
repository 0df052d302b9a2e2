-- The rows of every table register are staged as JSON arrays in the register's column order
-- (imports/tabular.ts): the users register's role is the third value (email, name, role, locale;
-- users.ts checks that order). Nothing else changed. Owner and rights stay (create or replace).
create or replace function vaern_users_import_members(p_org uuid, p_import uuid, p_after integer, p_up_to integer)
  returns table (user_id uuid, role text)
  language sql stable security definer set search_path = pg_catalog, public
  as $$
    select u.id, r.data ->> 2
    from import_rows r join users u on u.email = r.key
    where r.org_id = p_org and r.import_id = p_import and r.data is not null
      and r.row_no > p_after and r.row_no <= p_up_to
      and vaern_sees_org(p_org)
  $$;
