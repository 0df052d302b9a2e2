-- The list of findings with a CVE in the CISA KEV catalogue (`kev=true`: the overview's KEV figure
-- and its reminder link there) walks an index of its own.
--
-- Until now it walked findings_state per (state, severity) and skipped, in the index, every
-- finding without a KEV CVE: a few percent of findings are in KEV, so each walk read some 4,000
-- entries for a page of 50 (bench:findings at 1,000,000 findings, the big region 300,000: `kev`
-- 92–188 ms median). This partial index holds only the findings in KEV, so a page reads about
-- its own rows. It costs an import almost nothing: only the few findings in KEV enter it.
create index findings_kev on findings (org_id, severity_rank, id) include (state, due_on, system_id) where in_kev;
