import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/**
 * All SQL of the scorecard module. Every function runs inside withTenant. The per-system flags
 * behind each criterion live in one SQL function (vaern_scorecard_systems, 0014-scorecard.sql),
 * which the figures, the evidence lists and the sector view all read.
 */

/** The windows of the criteria (settings). */
export interface Windows {
  patchDays: number;
  testMonths: number;
}

/** One organisation's figures (vaern_scorecard_counts); bigint counts arrive as strings. */
export interface CountsRow {
  org_id: string;
  systems: string | number;
  health_data: string | number;
  health_data_assessed: string | number;
  critical: string | number;
  c5: string | number;
  c6: string | number;
  c7: string | number;
  c8: string | number;
  c9: string | number;
  c10: string | number;
  confirmed_at: Date | null;
  /** The latest signed vulnerability management report (criterion 3); null when none. */
  report_quarter: string | null;
  report_signed_at: Date | null;
  /** Only in the organisation's own figures, never in the sector view. */
  report_id?: string | null;
  report_signer_name?: string | null;
  report_sha256?: string | null;
}

/**
 * No JIT compilation for the rest of the transaction. The scorecard's statements read every
 * system of their organisations, so the planner's estimates pass PostgreSQL's jit_above_cost
 * (100,000) already for a batch of 25 small organisations; compiling the per-system expressions
 * then costs 0.4–1.7 s per statement where the query itself runs in 5–15 ms (bench:inventory,
 * 1,000 organisations). PGlite has no JIT; the setting is accepted there and changes nothing.
 */
async function withoutJit(tx: Tx) {
  await sql`set local jit = off`.execute(tx.q);
}

/** The figures of every organisation in orgIds (all of them must be in the transaction's scope). */
export async function scorecardCounts(tx: Tx, orgIds: readonly string[], w: Windows) {
  await withoutJit(tx);
  const r = await sql<CountsRow>`select * from vaern_scorecard_counts(${`{${orgIds.join(',')}}`}::uuid[],
    ${w.patchDays}::integer, ${w.testMonths}::integer)`.execute(tx.q);
  return r.rows;
}

/** The database's clock, so that every date in one answer agrees with the SQL's current_date. */
export async function now(tx: Tx) {
  const r = await sql<{ now: Date; today: string }>`select now() as now,
    to_char(current_date, 'YYYY-MM-DD') as today`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('select now() returned no row');
  return row;
}

// Evidence --------------------------------------------------------------------------------------

/** Per measured criterion: which systems form the denominator, which flag passes, what decides it. */
const EVIDENCE: Record<
  number,
  { among: RawBuilder<unknown>; passes: RawBuilder<unknown>; fields: RawBuilder<unknown> }
> = {
  1: {
    among: sql`true`,
    passes: sql`f.health_data`,
    fields: sql`json_build_object('health_data', s.health_data,
      'health_data_categories', array_to_string(s.health_data_categories, ';'))`,
  },
  2: {
    among: sql`f.health_data`,
    passes: sql`f.c2`,
    fields: sql`json_build_object('criticality', s.criticality, 'assessed_by', s.assessed_by,
      'assessed_on', to_char(s.assessed_on, 'YYYY-MM-DD'))`,
  },
  5: {
    among: sql`f.critical`,
    passes: sql`f.c5`,
    fields: sql`json_build_object('mfa', s.mfa, 'mfa_on', to_char(s.mfa_on, 'YYYY-MM-DD'))`,
  },
  6: {
    among: sql`f.critical`,
    passes: sql`f.c6`,
    fields: sql`json_build_object('segmented', s.segmented,
      'segmented_on', to_char(s.segmented_on, 'YYYY-MM-DD'))`,
  },
  7: {
    among: sql`true`,
    passes: sql`f.c7`,
    fields: sql`json_build_object('patch_status', s.patch_status,
      'patch_confirmed_on', to_char(s.patch_confirmed_on, 'YYYY-MM-DD'),
      'overdue_high_findings', (select count(*) from findings x
        where x.org_id = s.org_id and x.system_id = s.id and x.state in ('open', 'in_progress')
          and x.severity in ('critical', 'high') and x.due_on < current_date)::integer)`,
  },
  8: {
    among: sql`f.critical`,
    passes: sql`f.c8`,
    fields: sql`json_build_object('contingency_plan', s.contingency_plan,
      'contingency_tested_on', to_char(s.contingency_tested_on, 'YYYY-MM-DD'))`,
  },
  9: {
    among: sql`f.critical`,
    passes: sql`f.c9`,
    fields: sql`json_build_object('restore_procedure', s.restore_procedure,
      'restore_procedure_on', to_char(s.restore_procedure_on, 'YYYY-MM-DD'),
      'restore_procedure_link', s.restore_procedure_link)`,
  },
  10: {
    among: sql`f.critical`,
    passes: sql`f.c10`,
    fields: sql`json_build_object('restore_result', s.restore_result,
      'restore_tested_on', to_char(s.restore_tested_on, 'YYYY-MM-DD'))`,
  },
};

export const hasEvidence = (n: number): boolean => Object.hasOwn(EVIDENCE, n);

export interface EvidenceRow {
  key: string;
  name: string;
  criticality: string | null;
  health_data: boolean;
  passing: boolean;
  fields: Record<string, string | number | boolean | null>;
}

/** The systems behind criterion n's figure, by key (unique in the organisation), after `afterKey`. */
export async function listEvidence(
  tx: Tx,
  o: {
    orgId: string;
    n: number;
    windows: Windows;
    outcome: 'failing' | 'passing' | undefined;
    afterKey: string | undefined;
    limit: number;
  },
) {
  const e = EVIDENCE[o.n];
  if (!e) throw new Error(`criterion ${o.n} has no evidence`);
  const outcome =
    o.outcome === undefined ? sql`true` : o.outcome === 'passing' ? e.passes : sql`not ${e.passes}`;
  await withoutJit(tx);
  const r = await sql<EvidenceRow>`
    select f.key, f.name, f.criticality, f.health_data, ${e.passes} as passing, ${e.fields} as fields
    from vaern_scorecard_systems(array[${o.orgId}::uuid], ${o.windows.patchDays}::integer,
                                 ${o.windows.testMonths}::integer) f
    join inventory_systems s on s.org_id = f.org_id and s.id = f.id
    where ${e.among} and ${outcome}
      ${o.afterKey === undefined ? sql`` : sql`and f.key > ${o.afterKey}`}
    order by f.key
    limit ${o.limit}`.execute(tx.q);
  return r.rows;
}

// Confirmations ---------------------------------------------------------------------------------

/**
 * 0013's vaern_inventory_live written out: a scalar SQL function with a sub-select is never
 * inlined, so calling it costs one function call per row (about 20 µs: 1 s for 50,000 imported
 * systems); written out, PostgreSQL checks the unfinished imports once (a hashed sub-plan).
 */
const live = sql`(imported_by is null
  or not exists (select 1 from imports i
                 where i.org_id = inventory_systems.org_id and i.id = inventory_systems.imported_by
                   and i.status in ('queued', 'running', 'failed')))`;

export interface InventorySummaryRow {
  systems: string | number;
  health_data_systems: string | number;
  critical: string | number;
  high: string | number;
  medium: string | number;
  low: string | number;
  unassessed: string | number;
  list: Array<{ key: string; name: string; criticality: string | null; health_data: boolean }> | string;
}

/** What management signs: the published inventory's counts and its systems, in one statement. */
export async function inventorySummary(tx: Tx, orgId: string) {
  const r = await sql<InventorySummaryRow>`
    select count(*) as systems,
           count(*) filter (where health_data) as health_data_systems,
           count(*) filter (where criticality = 'critical') as critical,
           count(*) filter (where criticality = 'high') as high,
           count(*) filter (where criticality = 'medium') as medium,
           count(*) filter (where criticality = 'low') as low,
           count(*) filter (where criticality is null) as unassessed,
           coalesce(json_agg(json_build_object('key', key, 'name', name, 'criticality', criticality,
                                               'health_data', health_data)
                             order by key collate "C"), '[]'::json) as list
    from inventory_systems
    where org_id = ${orgId} and ${live}`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('inventory summary returned no row');
  return row;
}

export interface ConfirmationRow {
  id: string;
  signer_id: string;
  signer_name: string;
  signer_email: string;
  signed_at: Date;
  statement: string | null;
  systems: number;
  health_data_systems: number;
  snapshot_sha256: string;
}

const summaryColumns = sql`id, signer_id, signer_name, signer_email, signed_at, statement, systems,
  health_data_systems, snapshot_sha256`;

export async function insertConfirmation(
  tx: Tx,
  orgId: string,
  v: {
    signer_id: string;
    signer_name: string;
    signer_email: string;
    signed_at: string;
    statement: string | null;
    systems: number;
    health_data_systems: number;
    snapshot: string;
    snapshot_sha256: string;
  },
) {
  const r = await sql<ConfirmationRow>`insert into inventory_confirmations (org_id, signer_id, signer_name,
      signer_email, signed_at, statement, systems, health_data_systems, snapshot, snapshot_sha256)
    values (${orgId}, ${v.signer_id}, ${v.signer_name}, ${v.signer_email}, ${v.signed_at}::timestamptz,
      ${v.statement}, ${v.systems}, ${v.health_data_systems}, ${v.snapshot}, ${v.snapshot_sha256})
    returning ${summaryColumns}`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('insert into inventory_confirmations returned no row');
  return row;
}

/** Newest first; the cursor is the last row's signed_at (exact text) and id. */
export async function listConfirmations(
  tx: Tx,
  orgId: string,
  limit: number,
  after: [string, string] | undefined,
) {
  const r = await sql<ConfirmationRow & { signed_key: string }>`
    select ${summaryColumns}, signed_at::text as signed_key from inventory_confirmations
    where org_id = ${orgId}
      ${
        after === undefined
          ? sql``
          : sql`and signed_at <= ${after[0]}::timestamptz
                and (signed_at < ${after[0]}::timestamptz or id < ${after[1]}::uuid)`
      }
    order by signed_at desc, id desc
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

export async function findConfirmation(tx: Tx, orgId: string, id: string) {
  const r = await sql<ConfirmationRow & { snapshot: string }>`
    select ${summaryColumns}, snapshot from inventory_confirmations
    where org_id = ${orgId} and id = ${id}`.execute(tx.q);
  return r.rows[0];
}

// Snapshots -------------------------------------------------------------------------------------

/** Writes (or replaces) each organisation's snapshot of `day`, in one statement. */
export async function upsertSnapshots(
  tx: Tx,
  day: string,
  rows: ReadonlyArray<{ orgId: string; criteria: unknown }>,
) {
  if (rows.length === 0) return [];
  const r = await sql<{ org_id: string; day: string; computed_at: Date }>`
    insert into scorecard_snapshots (org_id, day, criteria, computed_at)
    select (x ->> 'org_id')::uuid, ${day}::date, x -> 'criteria', now()
    from jsonb_array_elements(${JSON.stringify(rows.map((r) => ({ org_id: r.orgId, criteria: r.criteria })))}::jsonb) as x
    on conflict (org_id, day) do update set criteria = excluded.criteria, computed_at = excluded.computed_at
    returning org_id, to_char(day, 'YYYY-MM-DD') as day, computed_at`.execute(tx.q);
  return r.rows;
}

export interface SnapshotRow {
  day: string;
  criteria: Array<{ n: number; key: string; status: string; value: number | null }>;
}

/** The organisation's snapshots from `from` (YYYY-MM-DD) on, oldest first. */
export async function listSnapshots(tx: Tx, orgId: string, from: string) {
  const r = await sql<SnapshotRow>`select to_char(day, 'YYYY-MM-DD') as day, criteria
    from scorecard_snapshots
    where org_id = ${orgId} and day >= ${from}::date
    order by day`.execute(tx.q);
  return r.rows;
}

/** Every organisation's id (the directory is readable by every actor), by id. */
export async function allOrgIds(tx: Tx) {
  const r = await sql<{ id: string }>`select id from organisations order by id`.execute(tx.q);
  return r.rows.map((row) => row.id);
}

// Sector (the reviewed definer functions of 0014) ----------------------------------------------

export interface SectorCountsRow extends CountsRow {
  org_slug: string;
  org_name: string;
  org_kind: string;
}

export async function sectorScorecards(
  tx: Tx,
  o: { sectorUnitId: string; windows: Windows; afterSlug: string | undefined; limit: number },
) {
  await withoutJit(tx);
  const r = await sql<SectorCountsRow>`select * from vaern_sector_scorecards(${o.sectorUnitId}::uuid,
    ${o.windows.patchDays}::integer, ${o.windows.testMonths}::integer, ${o.afterSlug ?? null}::text,
    ${o.limit}::integer)`.execute(tx.q);
  return r.rows;
}

export interface CriticalSharedRow {
  org_id: string | null;
  org_slug: string | null;
  org_name: string | null;
  system_id: string | null;
  key: string | null;
  name: string | null;
  vendor: string | null;
  product: string | null;
  owner_criticality: string | null;
  highest_criticality: string | null;
  highest_rank: number;
  organisations: string | number;
  systems: string | number;
}

export async function criticalShared(
  tx: Tx,
  o: {
    sectorUnitId: string;
    buckets: boolean;
    after: [number, number, string, string] | undefined;
    limit: number;
  },
) {
  const [orgs, rank, slug, key] = o.after ?? [null, null, null, null];
  await withoutJit(tx);
  const r = await sql<CriticalSharedRow>`select * from vaern_sector_critical_shared(${o.sectorUnitId}::uuid,
    ${o.buckets}, ${orgs}::bigint, ${rank}::integer, ${slug}::text, ${key}::text, ${o.limit}::integer)
    ${o.buckets ? sql`order by highest_rank, organisations` : sql``}`.execute(tx.q);
  return r.rows;
}
