-- Storing an advisory's matches without two foreign-key checks per row (issue 6: ingest to
-- affected list under 200 ms at p99 over 1,000,000 components).
--
-- Each stored match was checked against four parents. Measured on the 107-product GE advisory of
-- the corpus (4,552 new matches over 1,000,000 components): the statement took 550-590 ms with the
-- checks and 240-275 ms without them. Two of the four guard nothing the others do not:
-- - org_id: the match's (org_id, system_id) must be a system of that organisation (kept, with
--   on delete cascade), and a system's org_id references organisations; the organisation is
--   therefore checked already.
-- - identity_id: product identities are never deleted (vaern_app may only read them; the reviewed
--   functions of 0022 only insert), and the matching writes identity ids it has just read from
--   product_identities in the same statement.
-- The advisory (on delete cascade) and the system (on delete cascade) stay: they remove a match
-- with what it is about.
alter table advisory_matches
  drop constraint advisory_matches_org_id_fkey,
  drop constraint advisory_matches_identity_id_fkey;
