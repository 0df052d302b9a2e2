-- A scanner's texts stored once (issue 5; docs/vulnerabilities.md, "How a scan is merged").
--
-- A plugin's description and solution are the same on every host it fires on: a Nessus report of
-- 100,000 findings carries a few thousand distinct texts, each about 1.5 kB, repeated per host.
-- Scan findings now refer to their texts by hash (`findings.text_hash`) instead of carrying a copy
-- each: the import stages, merges and writes each text once per organisation. Findings entered by
-- hand (penetration tests, red teams) and scan findings written before this migration keep their
-- own `description` and `solution` (text_hash null); the views read whichever the finding has.

-- One pair of texts per organisation, keyed by the SHA-256 of the pair (scan-import.ts,
-- textHashOf). Content-addressed and never changed: a finding whose texts change refers to
-- another row. Rows are written by the scan import's switch, in the transaction that writes the
-- findings referring to them, and never deleted (a row no finding refers to any more is harmless
-- and small); so `findings.text_hash` has no foreign key (a probe per finding written, for a
-- reference the switch itself guarantees).
create table finding_texts (
  org_id uuid not null references organisations (id),
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  description text check (length(description) <= 20000),
  solution text check (length(solution) <= 20000),
  created_at timestamptz not null default now(),
  primary key (org_id, hash)
);
alter table finding_texts enable row level security;
alter table finding_texts force row level security;
create policy finding_texts_tenant on finding_texts to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy finding_texts_definer on finding_texts to vaern_definer using (true) with check (true);
grant select, insert, update, delete on finding_texts to vaern_app, vaern_definer;

-- The finding's texts in finding_texts (scan findings); null: its own description and solution.
alter table findings add column text_hash text check (text_hash ~ '^[0-9a-f]{64}$');

-- The scan import's work tables carry the hash instead of the texts; the texts of the scan, each
-- once, wait in their own work table until the switch (like the other work tables: UNLOGGED,
-- read only by the import, removed after the switch or when the import fails).
alter table scan_import_items drop column description, drop column solution, add column text_hash text;
alter table scan_import_items alter column text_hash set statistics 0;

create unlogged table scan_import_texts (
  org_id uuid not null,
  import_id uuid not null,
  hash text not null,
  description text,
  solution text,
  primary key (org_id, import_id, hash),
  foreign key (org_id, import_id) references imports (org_id, id) on delete cascade
);
alter table scan_import_texts enable row level security;
alter table scan_import_texts force row level security;
create policy scan_import_texts_tenant on scan_import_texts to vaern_app
  using (vaern_sees_org(org_id)) with check (vaern_sees_org(org_id));
create policy scan_import_texts_definer on scan_import_texts to vaern_definer using (true) with check (true);
grant select, insert, update, delete on scan_import_texts to vaern_app, vaern_definer;
