-- Stored bytes compressed with LZ4 rather than PostgreSQL's default pglz, and staged rows kept
-- inline and uncompressed.
--
-- A stored file's 1 MiB chunks (file_chunks.data) were compressed with pglz on upload: for a
-- 103 MB scan report about 0.9 s of the server's CPU, for a 21 MB register about 0.2 s. LZ4
-- compresses the same chunks about 3.5 times as fast (measured 2026-11-24: 42 MB of CSV in 105 ms
-- against 372 ms) and almost as small (6.3 MB against 5.5 MB), and reads them back faster. A
-- column's compression applies to values written after the change; chunks already stored stay as
-- they are and read as before. The embedded database (PGlite) is built without LZ4: there the
-- column keeps pglz.
--
-- A staged row (import_rows, scan_import_items, scan_import_texts) longer than about 2 kB, such
-- as a scan item with its description and solution, was compressed with pglz when staged and
-- decompressed each time it was read, for a row that lives a few seconds. These work tables now
-- keep rows up to a page inline and uncompressed (toast_tuple_target); longer values are
-- compressed with LZ4 where the server has it, as are the texts of findings (finding_texts).
do $$
begin
  alter table file_chunks alter column data set compression lz4;
  alter table import_rows alter column data set compression lz4;
  alter table scan_import_texts alter column description set compression lz4;
  alter table scan_import_texts alter column solution set compression lz4;
  alter table scan_import_items alter column evidence set compression lz4;
  alter table finding_texts alter column description set compression lz4;
  alter table finding_texts alter column solution set compression lz4;
exception when feature_not_supported then
  raise notice 'LZ4 is not available: stored bytes stay compressed with pglz';
end
$$;

alter table import_rows set (toast_tuple_target = 8160);
alter table scan_import_items set (toast_tuple_target = 8160);
alter table scan_import_texts set (toast_tuple_target = 8160);
