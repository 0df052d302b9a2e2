-- Staged import rows are transient: they live from an import's reading phase to its switch, and
-- an import interrupted by a crash starts over from its stored file (imports/runner.ts). Writing
-- them to the write-ahead log only doubled the I/O of every large import, so the staging table
-- becomes UNLOGGED: PostgreSQL empties it after a crash, which is exactly what a restart wants.
-- (It still references imports; an unlogged table may point at a logged one.)
alter table import_rows set unlogged;
