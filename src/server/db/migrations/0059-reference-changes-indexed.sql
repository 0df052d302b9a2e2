-- Whether the sector's KEV catalogue or EPSS scores changed while a scan was merged (issue 5;
-- inputsChangedSince in scan-merge.ts, docs/vulnerabilities.md "How a scan is merged") is
-- asked once per scan import: `exists (… where updated_at >= the import's start)`. Without an
-- index that read every EPSS score: 16-31 ms per import with the 260,000 scores FIRST publishes
-- (measured 2026-11-24 and -25). With these it is one index probe each (0.1-0.4 ms). The daily
-- EPSS refresh writes each score whose date changed, and its `epss` is indexed already, so those
-- updates were seldom in place (HOT) before; the extra index adds one entry per updated score.
create index epss_scores_updated on epss_scores (updated_at);
create index kev_entries_updated on kev_entries (updated_at);
