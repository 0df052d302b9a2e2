import type { Tx } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import { weeklyOpen } from './findings-queries.js';
import * as q from './report-queries.js';

/** A calendar quarter, `2026-Q4`: its first day and the first day after it (UTC). */
export interface Quarter {
  label: string;
  start: string;
  /** Exclusive: the first day of the next quarter. */
  end: string;
  /** Its last day. */
  last: string;
}

export const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;

export function parseQuarter(label: string): Quarter | undefined {
  const m = QUARTER_PATTERN.exec(label);
  if (!m) return undefined;
  const year = Number(m[1]);
  const n = Number(m[2]);
  const day = (y: number, month: number, d = 1) => new Date(Date.UTC(y, month, d)).toISOString().slice(0, 10);
  return { label, start: day(year, (n - 1) * 3), end: day(year, n * 3), last: day(year, n * 3, 0) };
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const CRITICALITIES = ['critical', 'high', 'medium', 'low', 'unassessed'] as const;
export const TREND_WEEKS = 13;
export const TOP_SYSTEMS = 10;
/** How many rows the report's lists print at most (the totals are always printed). */
export const OVERDUE_LIST = 15;
export const ACCEPTED_LIST = 100;
export const KEV_LIST = 50;

const num = (v: string | number | undefined | null) => Number(v ?? 0);

/** Everything the report prints, gathered in one transaction. */
export interface ReportData {
  org: { id: string; slug: string; name: string };
  quarter: Quarter;
  /** When the figures were read (the database's clock). */
  generatedAt: string;
  today: string;
  /** matrix[severity][criticality] = unfinished findings. */
  matrix: Record<(typeof SEVERITIES)[number], Record<(typeof CRITICALITIES)[number], number>>;
  openTotal: number;
  overdue: { total: number; top: Array<Omit<q.OverdueRow, 'total'>> };
  /** Unfinished findings at the end of each week as recorded then, oldest first. */
  trend: Array<{ weekEnd: string; findings: number }>;
  /**
   * For a quarter that has ended: the figures Værn recorded on its last day (the rest of the
   * report describes the findings when it is made).
   */
  atQuarterEnd: {
    day: string;
    recordedDay: string | null;
    unfinished: number;
    overdue: number;
    kev: number;
  } | null;
  topSystems: Array<{
    key: string;
    name: string;
    criticality: string | null;
    critical: number;
    high: number;
  }>;
  accepted: { total: number; items: Array<Omit<q.AcceptedRow, 'total'>> };
  kev: { total: number; items: Array<Omit<q.KevRow, 'total'>> };
}

/** The overview's trend up to `last` (its last week ending then), informational items left out. */
async function trendOf(tx: Tx, orgId: string, last: string): Promise<ReportData['trend']> {
  const weeks = new Map<string, number>();
  for (const r of await weeklyOpen(tx, orgId, last, TREND_WEEKS, true))
    weeks.set(r.week, (weeks.get(r.week) ?? 0) + (r.severity === 'info' ? 0 : r.open_total));
  return [...weeks].map(([weekEnd, findings]) => ({ weekEnd, findings }));
}

/**
 * Reads the report's figures. They describe the live data at the moment of reading, but for the
 * trend and, once the quarter has ended, the figures recorded on its last day; the trend ends with
 * the earlier of today and the quarter's last day.
 */
export async function gatherReport(tx: Tx, org: OrgRef, quarter: Quarter): Promise<ReportData> {
  const time = await q.clock(tx);
  const lastDay = quarter.last;
  const ended = lastDay < time.today;
  const trendEnd = ended ? lastDay : time.today;
  const recorded = ended ? await q.recordedOn(tx, org.id, lastDay) : null;

  const matrix = Object.fromEntries(
    SEVERITIES.map((s) => [s, Object.fromEntries(CRITICALITIES.map((c) => [c, 0]))]),
  ) as ReportData['matrix'];
  let openTotal = 0;
  for (const row of await q.openMatrix(tx, org.id)) {
    const line = matrix[row.severity as keyof ReportData['matrix']];
    const criticality = row.criticality as (typeof CRITICALITIES)[number];
    if (!line || !(criticality in line)) continue;
    line[criticality] = num(row.findings);
    openTotal += num(row.findings);
  }

  const overdueRows = await q.overdue(tx, org.id, OVERDUE_LIST);
  const overdueTotal = overdueRows.length > 0 ? num(overdueRows[0]?.total) : await q.overdueCount(tx, org.id);
  const accepted = await q.acceptedRisks(tx, org.id, ACCEPTED_LIST);
  const kev = await q.kevOpen(tx, org.id, KEV_LIST);
  const strip = <T extends { total: string | number }>({ total: _total, ...rest }: T) => rest;

  return {
    org: { id: org.id, slug: org.slug, name: org.name },
    quarter,
    generatedAt: new Date(time.now).toISOString(),
    today: time.today,
    matrix,
    openTotal,
    overdue: {
      total: overdueTotal,
      top: overdueRows.map((r) => ({ ...strip(r), days_overdue: num(r.days_overdue) })),
    },
    trend: await trendOf(tx, org.id, trendEnd),
    atQuarterEnd: recorded
      ? {
          day: lastDay,
          recordedDay: recorded.day,
          unfinished: num(recorded.unfinished),
          overdue: num(recorded.overdue),
          kev: num(recorded.kev_open),
        }
      : null,
    topSystems: (await q.topSystems(tx, org.id, TOP_SYSTEMS)).map((r) => ({
      key: r.key,
      name: r.name,
      criticality: r.criticality,
      critical: num(r.critical),
      high: num(r.high),
    })),
    accepted: { total: num(accepted[0]?.total), items: accepted.map(strip) },
    kev: { total: num(kev[0]?.total), items: kev.map(strip) },
  };
}
