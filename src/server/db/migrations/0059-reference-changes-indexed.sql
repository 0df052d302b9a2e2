-- Whether the sector's KEV catalogue or EPSS scores changed while a scan was merged (issue 5;
-- inputsChangedSince in scan-merge.ts, docs/vulnerabilities.md "How a scan is merged") is
-- asked once per scan import: `exists (… where updated_at >= the import's start)`. Without an
-- index that read every EPSS score: 27-31 ms per import with the 260,000 scores FIRST publishes
-- (measured 2026-11-24). With these it is one index probe each. The daily EPSS refresh updates
-- most scores anyway (their score date changes), so the extra index costs it little.
create index epss_scores_updated on epss_scores (updated_at);
create index kev_entries_updated on kev_entries (updated_at);
