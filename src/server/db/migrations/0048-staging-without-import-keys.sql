-- The work tables of an import (import_rows and the scan import's scan_import_items,
-- scan_import_hosts, scan_import_scope, scan_import_texts) no longer reference imports.
--
-- Each staged row paid a foreign-key check that read and share-locked its import's row: for the
-- 50,000 rows of a register about 0.2 s of the server's 0.43 s to insert them (measured
-- 2026-11-24: 446 and 425 ms with the key, 233 and 239 ms without), and as much again for each
-- table a scan's 100,000 items pass through. The key guarded nothing the import does not: rows
-- are written only by the import's own runner, under its organisation's row-level security, for
-- the import it is running, and deleted by it (its clean-up, or the recovery of an import whose
-- process died). Its cascade served one delete, of an import whose job could not be queued, which
-- nothing was staged for; that delete now removes staged rows itself (imports/queries.ts).
do $$
declare
  r record;
begin
  for r in
    select c.conrelid::regclass as tab, c.conname
    from pg_constraint c
    where c.contype = 'f' and c.confrelid = 'imports'::regclass
      and c.conrelid in ('import_rows'::regclass, 'scan_import_items'::regclass, 'scan_import_hosts'::regclass,
                         'scan_import_scope'::regclass, 'scan_import_texts'::regclass)
  loop
    execute format('alter table %s drop constraint %I', r.tab, r.conname);
  end loop;
end
$$;
