import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of the findings' reads and state changes (the scan import's is in scan-merge.ts). */

export interface FindingRow {
  id: string;
  fingerprint: string;
  family: string;
  host: string;
  port: number | null;
  protocol: string | null;
  rule: string;
  host_ip: string | null;
  host_fqdn: string | null;
  host_name: string | null;
  system_id: string | null;
  system_key: string | null;
  system_name: string | null;
  title: string;
  severity: string;
  severity_rank: number;
  cvss: string | null;
  cvss_vector: string | null;
  cves: string[];
  description: string | null;
  solution: string | null;
  evidence: string | null;
  location_file: string | null;
  location_line: number | null;
  state: string;
  state_reason: string | null;
  state_changed_at: Date | null;
  accepted_by: string | null;
  accepted_until: string | null;
  first_seen_at: Date;
  last_seen_at: Date;
  closed_at: Date | null;
  closed_by_import_id: string | null;
  reopened_count: number;
  reopened_at: Date | null;
  due_on: string | null;
  overdue: boolean;
  in_kev: boolean;
  epss: string | null;
  epss_percentile: string | null;
}

/**
 * When a finding was last seen by a scan: a re-scan does not write the findings it sees unchanged,
 * it records when it scanned their scope (scan_scopes, migration 0041). `f` is the finding.
 */
const lastSeen = sql`vaern_findings_last_seen(f.state, f.last_seen_at, f.state_changed_at,
  (select ss.last_scanned_at from scan_scopes ss where ss.org_id = f.org_id and ss.family = f.family and ss.host = f.host))`;

const columns = sql`f.id, f.fingerprint, f.family, f.host, f.port, f.protocol, f.rule, host(f.host_ip) as host_ip,
  f.host_fqdn, f.host_name, f.system_id, sy.key as system_key, sy.name as system_name, f.title, f.severity,
  f.severity_rank, f.cvss::text as cvss, f.cvss_vector, f.cves,
  case when f.text_hash is null then f.description else ft.description end as description,
  case when f.text_hash is null then f.solution else ft.solution end as solution, f.evidence,
  f.location_file, f.location_line, f.state, f.state_reason, f.state_changed_at, f.accepted_by,
  f.accepted_until::text as accepted_until, f.first_seen_at, ${lastSeen} as last_seen_at, f.closed_at,
  f.closed_by_import_id, f.reopened_count, f.reopened_at, f.due_on::text as due_on,
  (f.due_on < current_date and f.state in ('open', 'in_progress')) as overdue, f.in_kev, f.epss::text as epss,
  f.epss_percentile::text as epss_percentile`;

/** A scan finding's description and solution, stored once per organisation (migration 0040). */
const texts = sql`left join finding_texts ft on ft.org_id = f.org_id and ft.hash = f.text_hash`;

const from = sql`findings f left join inventory_systems sy on sy.org_id = f.org_id and sy.id = f.system_id ${texts}`;

export interface FindingFilters {
  states?: string[] | undefined;
  severities?: string[] | undefined;
  system?: string | undefined;
  host?: string | undefined;
  cve?: string | undefined;
  unmapped?: boolean | undefined;
  overdue?: boolean | undefined;
  kev?: boolean | undefined;
  q?: string | undefined;
  /** New since a scan: the findings that import saw first. */
  firstImport?: string | undefined;
}

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const STATES = ['open', 'in_progress', 'risk_accepted', 'false_positive', 'fixed', 'suppressed'];
/** The id before every finding's (gen_random_uuid never gives it): a walk without a cursor starts after it. */
const FROM_START = '00000000-0000-0000-0000-000000000000';
const RANKS: Record<string, number> = { critical: 1, high: 2, medium: 3, low: 4, info: 5 };

/**
 * A page in the order severity (worst first), then id; `after` is the last item's [rank, id].
 *
 * Fast at millions of findings (migration 0031): the page is the merge of one short walk per
 * severity, and per state as well unless the system, the scan or KEV gives the walk its own index
 * (findings_system, findings_first_import, findings_kev of 0067):
 * `state = S and severity_rank = R order by id limit n` reads findings_state in order and stops
 * after n matches; the cheap filters (overdue, KEV, unmapped, system) are answered from that
 * index's included columns, so a walk reads only index entries.
 * A host, a CVE (small sets with their own index) and the text search are one statement.
 * The walks return ids; only the page's rows are then read, with their system. After a cursor,
 * the walks of worse-ranked severities are skipped and the cursor's own severity starts after
 * its id: single-column comparisons, which row-level security lets the index answer.
 */
export async function listFindings(
  tx: Tx,
  orgId: string,
  filters: FindingFilters,
  after: [number, string] | undefined,
  limit: number,
): Promise<FindingRow[]> {
  const where = [sql`f.org_id = ${orgId}`];
  let states = filters.states?.length ? [...new Set(filters.states)] : STATES;
  if (filters.system !== undefined)
    where.push(
      sql`f.system_id = (select sy.id from inventory_systems sy where sy.org_id = ${orgId} and sy.key = ${filters.system})`,
    );
  if (filters.host !== undefined) where.push(sql`f.host = ${filters.host.toLowerCase()}`);
  // Through the GIN index (migration 0031: containment is not leakproof, row-level security would scan).
  if (filters.cve !== undefined)
    where.push(
      sql`f.id = any(array(select vaern_findings_with_cve(${orgId}::uuid, ${filters.cve.toUpperCase()})))`,
    );
  if (filters.firstImport !== undefined) where.push(sql`f.first_import_id = ${filters.firstImport}::uuid`);
  if (filters.unmapped === true) where.push(sql`f.system_id is null`);
  if (filters.unmapped === false) where.push(sql`f.system_id is not null`);
  if (filters.overdue === true) {
    states = states.filter((st) => st === 'open' || st === 'in_progress');
    where.push(sql`f.due_on < current_date`);
  }
  if (filters.overdue === false)
    where.push(sql`(f.due_on is null or f.due_on >= current_date or f.state not in ('open', 'in_progress'))`);
  // Written out, not a parameter: the planner proves findings_kev's predicate from it (0067).
  if (filters.kev !== undefined) where.push(filters.kev ? sql`f.in_kev` : sql`not f.in_kev`);
  if (filters.q) where.push(sql`(f.title ilike ${like(filters.q)} or f.host ilike ${like(filters.q)})`);
  const ranks = (
    filters.severities?.length ? [...new Set(filters.severities.map((v) => RANKS[v] ?? 0))] : [1, 2, 3, 4, 5]
  )
    .filter((r) => after === undefined || r >= after[0])
    .sort((a, b) => a - b);
  // A small set (one host, one CVE) or a text search: one statement, the planner picks how.
  const single = filters.host !== undefined || filters.cve !== undefined || filters.q !== undefined;
  // One system, one scan, the findings in KEV: their own index walks each severity in order.
  const perRank = filters.system !== undefined || filters.firstImport !== undefined || filters.kev === true;
  if (states.length === 0 || ranks.length === 0) return [];
  let page: RawBuilder<unknown>;
  if (single) {
    const cond = [
      ...where,
      sql`f.state = any(${states}::text[])`,
      sql`f.severity_rank = any(${ranks}::int[])`,
    ];
    if (after) cond.push(sql`(f.severity_rank > ${after[0]} or f.id > ${after[1]}::uuid)`);
    page = sql`select f.id, f.severity_rank from findings f
      where ${sql.join(cond, sql` and `)} order by f.severity_rank, f.id limit ${limit}`;
  } else {
    // One walk per severity (and state): a lateral sub-select over the list of walks, planned
    // once (30 sub-selects written out, each planned with its row-level security, took 8 ms to
    // plan at 100,000 findings against 0.4 ms to run). The cursor's severity starts after its id.
    const walks = ranks.flatMap((rank) =>
      (perRank ? [null] : states).map((state) => ({
        rank,
        state,
        from: after && rank === after[0] ? after[1] : FROM_START,
      })),
    );
    const stateCond = perRank ? sql`f.state = any(${states}::text[])` : sql`f.state = v.state`;
    page = sql`select w.id, w.severity_rank
      from unnest(${walks.map((x) => x.rank)}::smallint[], ${walks.map((x) => x.state ?? '')}::text[],
                  ${walks.map((x) => x.from)}::uuid[]) as v(rank, state, from_id)
      cross join lateral (select f.id, f.severity_rank from findings f
        where ${sql.join([...where, sql`f.severity_rank = v.rank`, stateCond, sql`f.id > v.from_id`], sql` and `)}
        order by f.id limit ${limit}) w
      order by w.severity_rank, w.id limit ${limit}`;
  }
  const r = await sql<FindingRow>`
    with page as (${page})
    select ${columns} from page p join findings f on f.org_id = ${orgId} and f.id = p.id
      left join inventory_systems sy on sy.org_id = f.org_id and sy.id = f.system_id ${texts}
    order by f.severity_rank, f.id`.execute(tx.q);
  return r.rows;
}

export async function findFinding(tx: Tx, orgId: string, id: string): Promise<FindingRow | undefined> {
  const r = await sql<FindingRow>`
    select ${columns} from ${from} where f.org_id = ${orgId} and f.id = ${id}::uuid`.execute(tx.q);
  return r.rows[0];
}

/** Locks the finding for this transaction's change (false: there is none). */
export async function lockFinding(tx: Tx, orgId: string, id: string): Promise<boolean> {
  const r =
    await sql`select 1 from findings f where f.org_id = ${orgId} and f.id = ${id}::uuid for update`.execute(
      tx.q,
    );
  return r.rows.length > 0;
}

export interface StateChange {
  state: string;
  reason: string | null;
  acceptedBy: string | null;
  acceptedUntil: string | null;
}

export async function setState(tx: Tx, orgId: string, id: string, c: StateChange): Promise<void> {
  await sql`
    update findings f set state = ${c.state}, state_reason = ${c.reason}, accepted_by = ${c.acceptedBy},
      accepted_until = ${c.acceptedUntil}::date, state_changed_at = now(), updated_at = now(),
      last_seen_at = ${lastSeen}
    where f.org_id = ${orgId} and f.id = ${id}::uuid`.execute(tx.q);
}

export interface HostRow {
  host: string;
  host_ip: string | null;
  host_fqdn: string | null;
  open: number;
  last_seen_at: Date;
}

/** Hosts with findings that map to no system: what the inventory should be completed with. */
export async function unmappedHosts(tx: Tx, orgId: string, after: string | undefined, limit: number) {
  const r = await sql<HostRow>`
    select f.host, host(min(f.host_ip::text)::inet) as host_ip, min(f.host_fqdn) as host_fqdn,
           count(*) filter (where f.state not in ('fixed', 'false_positive'))::int as open,
           max(${lastSeen}) as last_seen_at
    from findings f
    where f.org_id = ${orgId} and f.system_id is null ${after === undefined ? sql`` : sql`and f.host > ${after}`}
    group by f.host order by f.host limit ${limit}`.execute(tx.q);
  return r.rows;
}

export async function allOrgIds(tx: Tx): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from organisations order by id`.execute(tx.q);
  return r.rows.map((row) => row.id);
}

/**
 * Risk acceptances whose expiry has passed (the day after `accepted_until`), in the organisations
 * of the transaction's scope: opened again. Returns each reopened finding with what it was.
 */
export async function reopenExpiredAcceptances(tx: Tx) {
  const r = await sql<{
    org_id: string;
    id: string;
    state_reason: string | null;
    accepted_by: string | null;
    accepted_until: string;
  }>`
    with expired as (
      select org_id, id, state_reason, accepted_by, accepted_until::text as accepted_until from findings
      where state = 'risk_accepted' and accepted_until < current_date for update)
    update findings f set state = 'open', state_reason = null, accepted_by = null, accepted_until = null,
      state_changed_at = now(), updated_at = now(), last_seen_at = ${lastSeen}
    from expired e where f.org_id = e.org_id and f.id = e.id
    returning e.org_id, e.id, e.state_reason, e.accepted_by, e.accepted_until`.execute(tx.q);
  return r.rows;
}

type SlaSeverity = 'critical' | 'high' | 'medium' | 'low';
type SlaCriticality = SlaSeverity | 'unassessed';

export interface SlaPolicy {
  days: Record<SlaSeverity, Record<SlaCriticality, number>>;
  kev_max_days: number;
  epss_max_days: number;
  epss_score_threshold: number;
  epss_percentile_threshold: number;
}

/** The organisation's SLA, or the default when it has set none; `custom` says which. */
export async function readSla(tx: Tx, orgId: string): Promise<{ policy: SlaPolicy; custom: boolean }> {
  const r = await sql<{ p: SlaPolicy; custom: boolean }>`
    select coalesce(to_jsonb(v) - 'org_id' - 'updated_at', vaern_findings_default_sla()) as p,
           v.org_id is not null as custom
    from (select 1) one left join vulnerability_sla v on v.org_id = ${orgId}`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('no SLA row');
  const p = row.p;
  return {
    custom: row.custom,
    policy: {
      days: p.days,
      kev_max_days: Number(p.kev_max_days),
      epss_max_days: Number(p.epss_max_days),
      epss_score_threshold: Number(p.epss_score_threshold),
      epss_percentile_threshold: Number(p.epss_percentile_threshold),
    },
  };
}

export async function writeSla(tx: Tx, orgId: string, p: SlaPolicy): Promise<void> {
  await sql`
    insert into vulnerability_sla (org_id, days, kev_max_days, epss_max_days, epss_score_threshold,
      epss_percentile_threshold)
    values (${orgId}, ${JSON.stringify(p.days)}::jsonb, ${p.kev_max_days}, ${p.epss_max_days},
      ${p.epss_score_threshold}, ${p.epss_percentile_threshold})
    on conflict (org_id) do update set days = excluded.days, kev_max_days = excluded.kev_max_days,
      epss_max_days = excluded.epss_max_days, epss_score_threshold = excluded.epss_score_threshold,
      epss_percentile_threshold = excluded.epss_percentile_threshold, updated_at = now()`.execute(tx.q);
}

/**
 * Recomputes the due dates of one organisation's unfinished findings, then its figures of today
 * (overdue and KEV follow the due dates); returns how many due dates changed.
 */
export async function recomputeDue(tx: Tx, orgId: string): Promise<number> {
  const r = await sql<{ n: number }>`select vaern_findings_recompute_due(${orgId}::uuid) as n`.execute(tx.q);
  await countDay(tx, orgId);
  return r.rows[0]?.n ?? 0;
}

/** The due date and exploitation data of one finding (one entered by hand), from the SLA. */
export async function recomputeDueOf(tx: Tx, orgId: string, id: string): Promise<void> {
  await sql`select vaern_findings_recompute_due(${orgId}::uuid, ${id}::uuid)`.execute(tx.q);
}

/**
 * Today's figures after one finding's state changed from `was` (null: the finding is new; migration
 * 0051): the change added to them, or a full count when the organisation has none for today yet.
 */
export async function countChange(tx: Tx, orgId: string, id: string, was: string | null): Promise<void> {
  await sql`select vaern_findings_count_change(${orgId}::uuid, ${id}::uuid, ${was})`.execute(tx.q);
}

/** Rewrites the organisation's figures of today from all its findings (after many changed). */
export async function countDay(tx: Tx, orgId: string): Promise<void> {
  await sql`select vaern_findings_count_day(${orgId}::uuid, '{}'::jsonb)`.execute(tx.q);
}

export interface SummaryRow {
  open_by_severity: Record<string, number>;
  overdue: number;
  kev_open: number;
  trend: Array<{ week: string; open: Record<string, number> }>;
  last_scan: { import_id: string; finished_at: Date; extra: Record<string, unknown> } | null;
  top_systems: Array<{ id: string; key: string; name: string; critical: number; high: number }>;
}

/**
 * The dashboard's figures, read from what vaern_findings_count_day keeps (at every scan import,
 * change of state, recomputation of due dates and daily; migration 0031), never from the findings
 * themselves: open findings by severity, overdue and open in KEV (the organisation's latest daily
 * row), the open totals at the end of each of the last 13 weeks, the last scan and the 10 systems
 * with the most open critical and high findings (finding_system_counts).
 */
export async function summary(tx: Tx, orgId: string): Promise<SummaryRow> {
  const open = await sql<{ severity: string; open_total: number; overdue: number; kev_open: number }>`
    select distinct on (severity) severity, open_total, overdue, kev_open from finding_daily_counts
    where org_id = ${orgId} order by severity, day desc`.execute(tx.q);
  const trend = await weeklyOpen(tx, orgId, null, 13, false);
  const last = await sql<{ id: string; finished_at: Date; extra: Record<string, unknown> }>`
    select id, finished_at, extra from imports
    where org_id = ${orgId} and kind = 'scan' and status = 'succeeded'
    order by finished_at desc limit 1`.execute(tx.q);
  const top = await sql<{ id: string; key: string; name: string; critical: number; high: number }>`
    select sy.id, sy.key, sy.name,
           coalesce(sum(c.open_total) filter (where c.severity = 'critical'), 0)::int as critical,
           coalesce(sum(c.open_total) filter (where c.severity = 'high'), 0)::int as high
    from finding_system_counts c join inventory_systems sy on sy.org_id = c.org_id and sy.id = c.system_id
    where c.org_id = ${orgId} and c.severity in ('critical', 'high') and c.open_total > 0
    group by sy.id, sy.key, sy.name
    order by sum(c.open_total) filter (where c.severity = 'critical') desc, sum(c.open_total) desc, sy.key
    limit 10`.execute(tx.q);
  const weeks = new Map<string, Record<string, number>>();
  for (const r of trend) {
    const w = weeks.get(r.week) ?? {};
    w[r.severity] = r.open_total;
    weeks.set(r.week, w);
  }
  const lastScan = last.rows[0];
  return {
    open_by_severity: Object.fromEntries(open.rows.map((r) => [r.severity, r.open_total])),
    overdue: open.rows.reduce((n, r) => n + r.overdue, 0),
    kev_open: open.rows.reduce((n, r) => n + r.kev_open, 0),
    trend: [...weeks].map(([week, open]) => ({ week, open })),
    last_scan: lastScan
      ? { import_id: lastScan.id, finished_at: lastScan.finished_at, extra: lastScan.extra }
      : null,
    top_systems: top.rows,
  };
}

/**
 * The unfinished findings by severity at the end of each of `weeks` weeks, as recorded in the
 * daily figures (the latest day's on or before each week's end): the weeks end on Sundays, the
 * last one in the week of `last` (today when null); with `capAtLast` that week ends with `last`
 * itself. The overview's trend and the management report's.
 */
export async function weeklyOpen(
  tx: Tx,
  orgId: string,
  last: string | null,
  weeks: number,
  capAtLast: boolean,
) {
  const r = await sql<{ week: string; severity: string; open_total: number }>`
    with l as (select coalesce(${last}::date, current_date) as last),
    w as (
      select case when ${capAtLast} then least(x.sunday, l.last) else x.sunday end as week_end
      from l, lateral (
        select (date_trunc('week', l.last) + (k * interval '1 week') + interval '6 days')::date as sunday
        from generate_series(${-(weeks - 1)}::int, 0) as k) x)
    select w.week_end::text as week, s.severity,
           coalesce((select d.open_total from finding_daily_counts d
                     where d.org_id = ${orgId} and d.severity = s.severity and d.day <= w.week_end
                     order by d.day desc limit 1), 0)::int as open_total
    from w cross join unnest(array['info', 'low', 'medium', 'high', 'critical']) as s(severity)
    order by w.week_end, s.severity`.execute(tx.q);
  return r.rows;
}

/** Maps the organisation's findings to systems again (vaern_findings_remap); returns how many moved. */
export async function remap(tx: Tx, orgId: string): Promise<number> {
  const r = await sql<{ n: number }>`select vaern_findings_remap(${orgId}::uuid) as n`.execute(tx.q);
  return r.rows[0]?.n ?? 0;
}

export interface HistoryRow {
  seq: string;
  at: Date;
  action: string;
  actor_type: string;
  actor_name: string | null;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  accepted_until: string | null;
}

/**
 * The finding's changes as its organisation's audit trail records them (people's state changes,
 * expired acceptances, entry and sharing), newest first; a person by their name where the reader
 * may see it, else as recorded (the e-mail address).
 */
export async function findingHistory(tx: Tx, orgId: string, id: string, limit: number) {
  const r = await sql<HistoryRow>`
    select a.seq::text as seq, a.at, a.action, a.actor->>'type' as actor_type,
           coalesce(u.name, a.actor->>'name') as actor_name,
           a.before->>'state' as from_state, a.after->>'state' as to_state,
           coalesce(a.after->>'state_reason', a.after->>'reason', a.after->>'note') as reason,
           a.after->>'accepted_until' as accepted_until
    from audit_log a
    left join users u on a.actor->>'type' = 'user' and u.id::text = a.actor->>'id'
    where a.org_id = ${orgId} and a.target_id = ${id} and a.target_type = 'finding'
    order by a.seq desc
    limit ${limit}`.execute(tx.q);
  return r.rows;
}
