-- Two per-row costs of a scan import's switch (issue 5, bench:import), measured over 110,000
-- findings on PostgreSQL 15 (docs/vulnerabilities.md, "Performance"):
--
-- 1. The SHA-256 checks. `x ~ '^[0-9a-f]{64}$'` runs PostgreSQL's regular expression engine
--    with a counted repetition, about 4.5 µs a value; the two on `findings` (fingerprint and
--    text hash) cost an insert of 110,000 findings about 1 s of its 5.5 s. The same rule, a
--    length of 64 and no character outside 0-9a-f, costs about 0.5 µs. The checks on the tables a
--    scan import writes row by row in bulk say it that way now; the rule is unchanged, so every
--    existing row still satisfies it (the constraints are validated again all the same).
-- 2. The days to fix (vaern_findings_due_days, 0030) were a SQL function with a FROM clause,
--    which PostgreSQL cannot inline: an executor start per finding, about 3.5 µs. The same
--    expression without the FROM clause is inlined into the switch's statement (about 1 µs).

alter table findings
  drop constraint findings_fingerprint_check,
  add constraint findings_fingerprint_check
    check (length(fingerprint) = 64 and fingerprint !~ '[^0-9a-f]') not valid,
  drop constraint findings_text_hash_check,
  add constraint findings_text_hash_check
    check (length(text_hash) = 64 and text_hash !~ '[^0-9a-f]') not valid;
alter table findings validate constraint findings_fingerprint_check;
alter table findings validate constraint findings_text_hash_check;

alter table scan_host_facts
  drop constraint scan_host_facts_fingerprint_check,
  add constraint scan_host_facts_fingerprint_check
    check (length(fingerprint) = 64 and fingerprint !~ '[^0-9a-f]') not valid;
alter table scan_host_facts validate constraint scan_host_facts_fingerprint_check;

alter table finding_texts
  drop constraint finding_texts_hash_check,
  add constraint finding_texts_hash_check check (length(hash) = 64 and hash !~ '[^0-9a-f]') not valid;
alter table finding_texts validate constraint finding_texts_hash_check;

-- The same result as before for every input (a null SLA entry gives null; KEV and EPSS cap it).
create or replace function vaern_findings_due_days(p jsonb, p_severity text, p_criticality text,
                                                   p_in_kev boolean, p_epss numeric, p_pct numeric)
  returns integer
  language sql immutable
  as $$
    select case
             when (p -> 'days' -> p_severity ->> coalesce(p_criticality, 'unassessed')) is null then null
             else least(
               (p -> 'days' -> p_severity ->> coalesce(p_criticality, 'unassessed'))::int,
               case when p_in_kev then (p ->> 'kev_max_days')::int end,
               case when p_epss >= (p ->> 'epss_score_threshold')::numeric
                      or p_pct >= (p ->> 'epss_percentile_threshold')::numeric
                    then (p ->> 'epss_max_days')::int end)
           end
  $$;
