-- Penetration-test and red-team results as findings (issue 5; docs/vulnerabilities.md, "Test
-- findings"), and their confidential sharing with named organisations, read-only.
--
-- A test finding is a finding of family `pentest` or `redteam`, entered by hand; no scan's scope
-- ever covers those families, so no re-scan closes one. test_findings keeps what only a test has:
-- the engagement (which test, by whom, when).
--
-- finding_shares: the owner shares a test finding with another organisation. That organisation
-- then reads the finding (a second, permissive read policy on findings) and the share rows that
-- name it, never anything else of the owner's (its inventory stays hidden: the shared finding
-- shows no system). Only the owner writes findings and shares.

create table test_findings (
  org_id uuid not null references organisations (id),
  finding_id uuid not null,
  engagement text not null check (length(engagement) between 1 and 200),
  tester text check (length(tester) <= 200),
  tested_on date,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (org_id, finding_id),
  foreign key (org_id, finding_id) references findings (org_id, id) on delete cascade
);

create table finding_shares (
  org_id uuid not null references organisations (id),
  finding_id uuid not null,
  shared_with uuid not null references organisations (id),
  shared_by uuid references users (id),
  shared_at timestamptz not null default now(),
  primary key (org_id, finding_id, shared_with),
  foreign key (org_id, finding_id) references findings (org_id, id) on delete cascade,
  check (shared_with <> org_id)
);
create index finding_shares_with on finding_shares (shared_with, org_id, finding_id);

alter table test_findings enable row level security;
alter table test_findings force row level security;
create policy test_findings_tenant on test_findings to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy test_findings_shared on test_findings for select to vaern_app
  using (exists (select 1 from finding_shares s
                 where s.org_id = test_findings.org_id and s.finding_id = test_findings.finding_id
                   and vaern_sees_org(s.shared_with)));
create policy test_findings_definer on test_findings to vaern_definer using (true) with check (true);
grant select, insert, update, delete on test_findings to vaern_app, vaern_definer;

alter table finding_shares enable row level security;
alter table finding_shares force row level security;
create policy finding_shares_tenant on finding_shares to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy finding_shares_recipient on finding_shares for select to vaern_app
  using (vaern_sees_org(shared_with));
create policy finding_shares_definer on finding_shares to vaern_definer using (true) with check (true);
grant select, insert, delete on finding_shares to vaern_app;
grant select, insert, update, delete on finding_shares to vaern_definer;

-- The recipient reads a shared finding (permissive: OR'ed with findings_tenant). Its own rows are
-- decided by findings_tenant before this sub-select runs.
create policy findings_shared on findings for select to vaern_app
  using (exists (select 1 from finding_shares s
                 where s.org_id = findings.org_id and s.finding_id = findings.id
                   and vaern_sees_org(s.shared_with)));
