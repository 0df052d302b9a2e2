-- Risk acceptance requests (issue 5, follow-up): those who follow findings up ask management to
-- accept a finding's risk, with a reason and a proposed expiry; a person with the management role
-- approves (the finding becomes risk_accepted with that reason and expiry, approved by them) or
-- declines, with a note. One open request per finding. Organisation-owned, under row-level
-- security; requests and decisions are audited on the organisation's chain.
create table finding_acceptance_requests (
  org_id uuid not null references organisations (id),
  id uuid not null default gen_random_uuid(),
  finding_id uuid not null,
  reason text not null check (length(reason) between 1 and 2000),
  accepted_until date not null,
  requested_by uuid not null references users (id),
  requested_at timestamptz not null default now(),
  decision text check (decision in ('approved', 'declined')),
  decision_note text check (length(decision_note) between 1 and 2000),
  decided_by uuid references users (id),
  decided_at timestamptz,
  primary key (org_id, id),
  foreign key (org_id, finding_id) references findings (org_id, id) on delete cascade,
  check ((decision is null) = (decided_at is null) and (decision is null) = (decided_by is null))
);
-- At most one open request per finding; the finding's own requests, newest first.
create unique index finding_acceptance_requests_open on finding_acceptance_requests (org_id, finding_id)
  where decision is null;
create index finding_acceptance_requests_finding
  on finding_acceptance_requests (org_id, finding_id, requested_at);
-- The organisation's open requests, oldest first (management's queue).
create index finding_acceptance_requests_queue on finding_acceptance_requests (org_id, requested_at)
  where decision is null;

alter table finding_acceptance_requests enable row level security;
alter table finding_acceptance_requests force row level security;
-- The scope read once per statement (migration 0050).
create policy finding_acceptance_requests_tenant on finding_acceptance_requests to vaern_app
  using (org_id = any ((select vaern_org_ids())::uuid[]) or (select vaern_is_operator()))
  with check (org_id = any ((select vaern_org_ids())::uuid[]) or (select vaern_is_operator()));
create policy finding_acceptance_requests_definer on finding_acceptance_requests to vaern_definer
  using (true) with check (true);
grant select, insert, update on finding_acceptance_requests to vaern_app;
grant select, insert, update, delete on finding_acceptance_requests to vaern_definer;
