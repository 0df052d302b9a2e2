import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/**
 * All SQL of the quarterly management report (docs/vulnerabilities.md, "Management report").
 * Every function runs inside withTenant (row-level security applies) and is one set-based
 * statement over the organisation's findings. "Unfinished" means state open or in_progress;
 * severity info is never counted.
 */

type Count = string | number;

export interface MatrixRow {
  severity: string;
  criticality: string;
  findings: Count;
}

/** Unfinished findings by severity × the criticality of their system (`unassessed`: none). */
export async function openMatrix(tx: Tx, orgId: string) {
  const r = await sql<MatrixRow>`
    select f.severity, coalesce(s.criticality, 'unassessed') as criticality, count(*) as findings
    from findings f
    left join inventory_systems s on s.org_id = f.org_id and s.id = f.system_id
    where f.org_id = ${orgId} and f.state in ('open', 'in_progress') and f.severity <> 'info'
    group by 1, 2`.execute(tx.q);
  return r.rows;
}

export interface OverdueRow {
  title: string;
  host: string;
  severity: string;
  system_key: string | null;
  system_name: string | null;
  due_on: string;
  days_overdue: number;
  total: Count;
}

/** The overdue findings (past their SLA due date), most overdue first, with their total count. */
export async function overdue(tx: Tx, orgId: string, limit: number) {
  const r = await sql<OverdueRow>`
    select f.title, f.host, f.severity, s.key as system_key, s.name as system_name,
           to_char(f.due_on, 'YYYY-MM-DD') as due_on, (current_date - f.due_on) as days_overdue,
           count(*) over () as total
    from findings f
    left join inventory_systems s on s.org_id = f.org_id and s.id = f.system_id
    where f.org_id = ${orgId} and f.state in ('open', 'in_progress') and f.due_on < current_date
    order by f.due_on, f.severity_rank, f.id
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

/** Just the count, when the list is empty (the window function has no row to ride on). */
export async function overdueCount(tx: Tx, orgId: string) {
  const r = await sql<{ n: Count }>`select count(*) as n from findings
    where org_id = ${orgId} and state in ('open', 'in_progress') and due_on < current_date`.execute(tx.q);
  return Number(r.rows[0]?.n ?? 0);
}

export interface RecordedRow {
  day: string | null;
  unfinished: Count;
  overdue: Count;
  kev_open: Count;
}

/**
 * The daily figures as recorded on the latest day on or before `day` (severity not info): the
 * unfinished findings, those overdue and those open in KEV; `day` null when none was recorded.
 */
export async function recordedOn(tx: Tx, orgId: string, day: string) {
  const r = await sql<RecordedRow>`
    with latest as (
      select distinct on (d.severity) d.day, d.open_total, d.overdue, d.kev_open
      from finding_daily_counts d
      where d.org_id = ${orgId} and d.severity <> 'info' and d.day <= ${day}::date
      order by d.severity, d.day desc)
    select to_char(max(day), 'YYYY-MM-DD') as day, coalesce(sum(open_total), 0) as unfinished,
           coalesce(sum(overdue), 0) as overdue, coalesce(sum(kev_open), 0) as kev_open
    from latest`.execute(tx.q);
  return r.rows[0] ?? { day: null, unfinished: 0, overdue: 0, kev_open: 0 };
}

export interface TopSystemRow {
  key: string;
  name: string;
  criticality: string | null;
  critical: Count;
  high: Count;
}

/** The systems with the most unfinished critical and high findings. */
export async function topSystems(tx: Tx, orgId: string, limit: number) {
  const r = await sql<TopSystemRow>`
    select s.key, s.name, s.criticality,
           count(*) filter (where f.severity = 'critical') as critical,
           count(*) filter (where f.severity = 'high') as high
    from findings f
    join inventory_systems s on s.org_id = f.org_id and s.id = f.system_id
    where f.org_id = ${orgId} and f.state in ('open', 'in_progress') and f.severity in ('critical', 'high')
    group by s.id, s.key, s.name, s.criticality
    order by count(*) filter (where f.severity = 'critical') desc, count(*) desc, s.key
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

export interface AcceptedRow {
  title: string;
  severity: string;
  system_key: string | null;
  system_name: string | null;
  approver: string | null;
  reason: string | null;
  accepted_until: string;
  total: Count;
}

/** Findings whose risk management has accepted: who approved, why, until when (soonest first). */
export async function acceptedRisks(tx: Tx, orgId: string, limit: number) {
  const r = await sql<AcceptedRow>`
    select f.title, f.severity, s.key as system_key, s.name as system_name, u.name as approver,
           f.state_reason as reason, to_char(f.accepted_until, 'YYYY-MM-DD') as accepted_until,
           count(*) over () as total
    from findings f
    left join inventory_systems s on s.org_id = f.org_id and s.id = f.system_id
    left join users u on u.id = f.accepted_by
    where f.org_id = ${orgId} and f.state = 'risk_accepted'
    order by f.accepted_until, f.severity_rank, f.id
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

export interface KevRow {
  title: string;
  severity: string;
  cves: string[];
  system_key: string | null;
  due_on: string | null;
  overdue: boolean;
  total: Count;
}

/** Unfinished findings with a CVE in the CISA KEV catalogue, soonest due first. */
export async function kevOpen(tx: Tx, orgId: string, limit: number) {
  const r = await sql<KevRow>`
    select f.title, f.severity, f.cves, s.key as system_key, to_char(f.due_on, 'YYYY-MM-DD') as due_on,
           coalesce(f.due_on < current_date, false) as overdue, count(*) over () as total
    from findings f
    left join inventory_systems s on s.org_id = f.org_id and s.id = f.system_id
    where f.org_id = ${orgId} and f.state in ('open', 'in_progress') and f.in_kev
    order by f.due_on nulls last, f.severity_rank, f.id
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

/** The database's clock: now and today (UTC date), so that every figure agrees with the SQL. */
export async function clock(tx: Tx) {
  const r = await sql<{ now: Date; today: string }>`select now() as now,
    to_char(current_date, 'YYYY-MM-DD') as today`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('select now() returned no row');
  return row;
}

// Signed reports ----------------------------------------------------------------------------------

export interface ReportRow {
  id: string;
  quarter: string;
  lang: string;
  signer_id: string;
  signer_name: string;
  signer_email: string;
  signed_at: Date;
  sha256: string;
  size: number;
}

const columns = sql`id, quarter, lang, signer_id, signer_name, signer_email, signed_at, sha256, size`;

export async function insertReport(
  tx: Tx,
  orgId: string,
  v: {
    quarter: string;
    lang: string;
    signer_id: string;
    signer_name: string;
    signer_email: string;
    signed_at: string;
    sha256: string;
    pdf: Buffer;
  },
) {
  const r = await sql<ReportRow>`insert into vulnerability_reports (org_id, quarter, lang, signer_id,
      signer_name, signer_email, signed_at, sha256, size, pdf)
    values (${orgId}, ${v.quarter}, ${v.lang}, ${v.signer_id}, ${v.signer_name}, ${v.signer_email},
      ${v.signed_at}::timestamptz, ${v.sha256}, ${v.pdf.length}, ${v.pdf})
    returning ${columns}`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('insert into vulnerability_reports returned no row');
  return row;
}

/** Newest first; the cursor is the last row's signed_at (exact text) and id. */
export async function listReports(
  tx: Tx,
  orgId: string,
  limit: number,
  after: [string, string] | undefined,
  quarter?: string,
) {
  const r = await sql<ReportRow & { signed_key: string }>`
    select ${columns}, signed_at::text as signed_key from vulnerability_reports
    where org_id = ${orgId} ${quarter === undefined ? sql`` : sql`and quarter = ${quarter}`}
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

/** One signed report with its exact bytes. */
export async function findReportPdf(tx: Tx, orgId: string, id: string) {
  const r = await sql<ReportRow & { pdf: Uint8Array }>`
    select ${columns}, pdf from vulnerability_reports where org_id = ${orgId} and id = ${id}`.execute(tx.q);
  return r.rows[0];
}
