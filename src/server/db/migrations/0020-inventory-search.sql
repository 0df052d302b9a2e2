-- Searching the inventory's lists fast over 100,000 systems or components of one organisation.
--
-- The list's search is `key ilike %q% or name ilike %q%`. ILIKE is not leakproof, so under
-- row-level security PostgreSQL checks the policy on every row of the organisation first and
-- cannot use an index for the pattern: 300-500 ms over 100,000 systems. A trigram index over
-- "key name" finds the candidates instead, read through one reviewed definer function that
-- answers only for an organisation the caller sees; the list then reads those rows by id, under
-- its usual policies (which also hide an unfinished import's rows).
--
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.

create extension if not exists pg_trgm;

create index inventory_systems_search on inventory_systems
  using gin ((key || ' ' || name) gin_trgm_ops);
create index inventory_components_search on inventory_components
  using gin ((key || ' ' || coalesce(product, '')) gin_trgm_ops);

-- The ids of p_org's systems or components whose key or name (components: product) matches the
-- ILIKE pattern p_pattern; none when the caller does not see p_org.
create function vaern_inventory_search(p_register text, p_org uuid, p_pattern text)
  returns setof uuid
  language plpgsql stable security definer set search_path = pg_catalog, public
  as $$
    begin
      if not vaern_sees_org(p_org) then return; end if;
      if p_register = 'systems' then
        return query select s.id from inventory_systems s
          where s.org_id = p_org and (s.key || ' ' || s.name) ilike p_pattern
            and (s.key ilike p_pattern or s.name ilike p_pattern);
      elsif p_register = 'components' then
        return query select c.id from inventory_components c
          where c.org_id = p_org and (c.key || ' ' || coalesce(c.product, '')) ilike p_pattern
            and (c.key ilike p_pattern or c.product ilike p_pattern);
      else
        raise exception 'vaern_inventory_search: unknown register %', p_register;
      end if;
    end
  $$;
alter function vaern_inventory_search(text, uuid, text) owner to vaern_definer;
revoke all on function vaern_inventory_search(text, uuid, text) from public;
grant execute on function vaern_inventory_search(text, uuid, text) to vaern_app;
