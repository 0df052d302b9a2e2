-- The run of an import that may write for it (docs/imports.md, "When a worker dies").
--
-- An import's job is retried when its worker stops sending heartbeats (a process that died), and
-- a recovery ends an import whose request or job was given up on. The run that was cut off may
-- still be alive (a worker that stalled): it must then stop writing for the import, whose new run
-- starts over with the same work rows. Every run takes the import with a new `run_id`, and every
-- transaction of the run first checks, FOR KEY SHARE, that the import is still its own. The unique
-- index makes run_id a key: taking the import over (an UPDATE of run_id) waits for the key-share
-- lock of the run's transaction in flight, the switch held open while the file is read included,
-- and the run's next transaction finds the import taken and stops. Updates of the import's progress
-- change no key and wait for nothing.
alter table imports add column run_id uuid;
create unique index imports_run on imports (org_id, run_id);
