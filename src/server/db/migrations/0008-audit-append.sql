-- The audit trail is written only through two reviewed functions, so the application role can
-- no longer move a chain's head by itself (to jump it ahead, or to write an entry out of line):
--   vaern_audit_head(chain)    locks the chain's head for the transaction (creating it at the
--                              genesis on first use) and returns it;
--   vaern_audit_append(entry)  appends the entry and moves the head to it, only if the entry
--                              follows the head exactly (seq + 1 and prev_hash = head hash).
-- Who may append to which chain is the same rule as before: the request's organisations, the
-- operator, and everyone for the platform chain (logins). The hash itself is computed by the
-- application (canonical JSON, see src/server/modules/audit/chain.ts) and checked by
-- `vaern audit verify`.

create function vaern_audit_may_append(p_chain uuid) returns boolean
  language sql stable
  as $$ select vaern_sees_org(p_chain) or p_chain = '00000000-0000-0000-0000-000000000000' $$;

create function vaern_audit_head(p_chain uuid)
  returns table (seq bigint, hash text)
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
  begin
    if not vaern_audit_may_append(p_chain) then
      raise exception 'not allowed to append to this audit chain' using errcode = '42501';
    end if;
    insert into audit_heads (org_id, seq, hash)
      values (p_chain, 0, '0000000000000000000000000000000000000000000000000000000000000000')
      on conflict (org_id) do nothing;
    return query select h.seq, h.hash from audit_heads h where h.org_id = p_chain for update;
  end $$;

create function vaern_audit_append(p_chain uuid, p_seq bigint, p_at timestamptz, p_actor jsonb, p_action text,
                                   p_target_type text, p_target_id text, p_before jsonb, p_after jsonb,
                                   p_prev_hash text, p_hash text)
  returns void
  language plpgsql volatile security definer set search_path = pg_catalog, public
  as $$
  begin
    if not vaern_audit_may_append(p_chain) then
      raise exception 'not allowed to append to this audit chain' using errcode = '42501';
    end if;
    update audit_heads set seq = p_seq, hash = p_hash
      where org_id = p_chain and seq = p_seq - 1 and hash = p_prev_hash;
    if not found then
      raise exception 'the audit entry does not follow the head of its chain' using errcode = '40001';
    end if;
    insert into audit_log (org_id, seq, at, actor, action, target_type, target_id, before, after, prev_hash, hash)
      values (p_chain, p_seq, p_at, p_actor, p_action, p_target_type, p_target_id, p_before, p_after,
              p_prev_hash, p_hash);
  end $$;

alter function vaern_audit_head(uuid) owner to vaern_definer;
alter function vaern_audit_append(uuid, bigint, timestamptz, jsonb, text, text, text, jsonb, jsonb, text, text)
  owner to vaern_definer;
revoke all on function vaern_audit_head(uuid) from public;
revoke all on function vaern_audit_append(uuid, bigint, timestamptz, jsonb, text, text, text, jsonb, jsonb, text, text)
  from public;
grant execute on function vaern_audit_head(uuid) to vaern_app;
grant execute on function vaern_audit_append(uuid, bigint, timestamptz, jsonb, text, text, text, jsonb, jsonb, text, text)
  to vaern_app;

revoke insert, update on audit_heads from vaern_app;
revoke insert on audit_log from vaern_app;
