-- Audit trail: a chain's head only moves forward.
--
-- recordAudit moves a head one entry on, in the transaction that appends the entry. Rewinding a
-- head (to hide the entries after it, before deleting them) is refused here for everyone, the
-- owner included; a superuser who disables the trigger can still do it, and `vaern audit verify`
-- then finds the truncation through the anchors kept outside the database.

create function vaern_audit_head_forward() returns trigger language plpgsql as $$
begin
  if new.org_id <> old.org_id or new.seq <= old.seq then
    raise exception 'an audit chain head only moves forward' using errcode = '42501';
  end if;
  return new;
end $$;

create trigger audit_heads_forward before update on audit_heads
  for each row execute function vaern_audit_head_forward();
