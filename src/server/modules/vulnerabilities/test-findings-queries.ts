import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of penetration-test and red-team findings and their sharing (migration 0024). */

export interface NewTestFinding {
  family: 'pentest' | 'redteam';
  fingerprint: string;
  host: string;
  rule: string;
  port: number | null;
  protocol: string | null;
  systemId: string | null;
  title: string;
  severity: string;
  cvss: number | null;
  cvssVector: string | null;
  cves: string[];
  description: string | null;
  solution: string | null;
  evidence: string | null;
}

/** The finding and its engagement; returns the finding's id. */
export async function insertTestFinding(
  tx: Tx,
  orgId: string,
  f: NewTestFinding,
  engagement: { name: string; tester: string | null; testedOn: string | null; createdBy: string | null },
): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into findings (org_id, fingerprint, family, host, port, protocol, rule, system_id, system_pinned,
                          title, severity, cvss, cvss_vector, cves, description, solution, evidence)
    values (${orgId}, ${f.fingerprint}, ${f.family}, ${f.host}, ${f.port}, ${f.protocol}, ${f.rule},
            ${f.systemId}, ${f.systemId !== null}, ${f.title}, ${f.severity}, ${f.cvss}, ${f.cvssVector},
            ${f.cves}::text[], ${f.description}, ${f.solution}, ${f.evidence})
    returning id`.execute(tx.q);
  const id = r.rows[0]?.id;
  if (!id) throw new Error('finding not stored');
  await sql`insert into test_findings (org_id, finding_id, engagement, tester, tested_on, created_by)
    values (${orgId}, ${id}, ${engagement.name}, ${engagement.tester}, ${engagement.testedOn}::date,
            ${engagement.createdBy})`.execute(tx.q);
  return id;
}

export async function systemIdByKey(tx: Tx, orgId: string, key: string): Promise<string | undefined> {
  const r = await sql<{ id: string }>`
    select id from inventory_systems where org_id = ${orgId} and key = ${key}`.execute(tx.q);
  return r.rows[0]?.id;
}

/** The finding's family and engagement, when it is one of the organisation's test findings. */
export async function findTestFinding(tx: Tx, orgId: string, id: string) {
  const r = await sql<{
    family: string;
    engagement: string;
    tester: string | null;
    tested_on: string | null;
  }>`
    select f.family, t.engagement, t.tester, t.tested_on::text as tested_on
    from findings f join test_findings t on t.org_id = f.org_id and t.finding_id = f.id
    where f.org_id = ${orgId} and f.id = ${id}::uuid`.execute(tx.q);
  return r.rows[0];
}

export interface ShareRow {
  org_id: string;
  slug: string;
  name: string;
  shared_at: Date;
}

export async function listShares(tx: Tx, orgId: string, findingId: string): Promise<ShareRow[]> {
  const r = await sql<ShareRow>`
    select o.id as org_id, o.slug, o.name, s.shared_at
    from finding_shares s join organisations o on o.id = s.shared_with
    where s.org_id = ${orgId} and s.finding_id = ${findingId}::uuid
    order by o.name`.execute(tx.q);
  return r.rows;
}

/** Shares a finding; false when it already was. */
export async function addShare(tx: Tx, orgId: string, findingId: string, withOrg: string, by: string | null) {
  const r = await sql`insert into finding_shares (org_id, finding_id, shared_with, shared_by)
    values (${orgId}, ${findingId}::uuid, ${withOrg}::uuid, ${by}) on conflict do nothing`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0n) > 0;
}

export async function removeShare(tx: Tx, orgId: string, findingId: string, withOrg: string) {
  const r = await sql`delete from finding_shares
    where org_id = ${orgId} and finding_id = ${findingId}::uuid and shared_with = ${withOrg}::uuid`.execute(
    tx.q,
  );
  return Number(r.numAffectedRows ?? 0n) > 0;
}

export interface SharedFindingRow {
  id: string;
  owner_id: string;
  owner_slug: string;
  owner_name: string;
  family: string;
  engagement: string;
  tester: string | null;
  tested_on: string | null;
  title: string;
  severity: string;
  severity_rank: number;
  cvss: string | null;
  cvss_vector: string | null;
  cves: string[];
  description: string | null;
  solution: string | null;
  evidence: string | null;
  state: string;
  first_seen_at: Date;
  shared_at: Date;
}

/** Test findings other organisations shared with `orgId`, worst first; read-only. */
export async function listSharedWithOrg(
  tx: Tx,
  orgId: string,
  after: [number, string] | undefined,
  limit: number,
): Promise<SharedFindingRow[]> {
  const cond = after ? sql`and (f.severity_rank, f.id) > (${after[0]}, ${after[1]}::uuid)` : sql``;
  const r = await sql<SharedFindingRow>`
    select f.id, o.id as owner_id, o.slug as owner_slug, o.name as owner_name, f.family, t.engagement,
           t.tester, t.tested_on::text as tested_on, f.title, f.severity, f.severity_rank,
           f.cvss::text as cvss, f.cvss_vector, f.cves, f.description, f.solution, f.evidence, f.state,
           f.first_seen_at, s.shared_at
    from finding_shares s
    join findings f on f.org_id = s.org_id and f.id = s.finding_id
    join test_findings t on t.org_id = f.org_id and t.finding_id = f.id
    join organisations o on o.id = s.org_id
    where s.shared_with = ${orgId} ${cond}
    order by f.severity_rank, f.id limit ${limit + 1}`.execute(tx.q);
  return r.rows;
}
