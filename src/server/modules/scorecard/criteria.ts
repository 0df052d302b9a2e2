import type { Locale } from '../../lib/messages.js';
import { translate } from '../../lib/messages.js';
import type { CountsRow } from './queries.js';
import { CRITERIA, type Criterion } from './schemas.js';

/** The scorecard's settings (modules/settings/registry.ts). */
export interface ScorecardSettings {
  passPercent: number;
  confirmationMonths: number;
  patchDays: number;
  testMonths: number;
}

/** An organisation's figures as numbers. */
export interface Figures {
  systems: number;
  healthData: number;
  healthDataAssessed: number;
  critical: number;
  c5: number;
  c6: number;
  c7: number;
  c8: number;
  c9: number;
  c10: number;
  confirmedAt: Date | null;
  /** The latest signed vulnerability management report (criterion 3). */
  report: { quarter: string; signedAt: Date } | null;
}

export function figuresOf(row: CountsRow | undefined): Figures {
  const n = (v: string | number | undefined) => Number(v ?? 0);
  return {
    systems: n(row?.systems),
    healthData: n(row?.health_data),
    healthDataAssessed: n(row?.health_data_assessed),
    critical: n(row?.critical),
    c5: n(row?.c5),
    c6: n(row?.c6),
    c7: n(row?.c7),
    c8: n(row?.c8),
    c9: n(row?.c9),
    c10: n(row?.c10),
    confirmedAt: row?.confirmed_at ? new Date(row.confirmed_at) : null,
    report:
      row?.report_signed_at && row.report_quarter
        ? { quarter: row.report_quarter, signedAt: new Date(row.report_signed_at) }
        : null,
  };
}

/** `at` minus `months` calendar months (UTC), as PostgreSQL's `- interval 'n months'` does. */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** Criterion 3's window: a quarter (docs/scorecard.md). */
export const REPORT_MONTHS = 3;

/** The calendar quarter of a moment (UTC), as `2026-Q4`. */
export function quarterOf(at: Date): string {
  return `${at.getUTCFullYear()}-Q${Math.floor(at.getUTCMonth() / 3) + 1}`;
}

/** The quarter before `at`'s quarter. */
export function previousQuarterOf(at: Date): string {
  return quarterOf(monthsBefore(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)), 3));
}

type Measured = Omit<Criterion, 'n' | 'key' | 'detail'> & { params: Record<string, string | number> };

const base = (n: number) => {
  const c = CRITERIA[n - 1];
  if (!c) throw new Error(`no criterion ${n}`);
  return c;
};

/**
 * The ten criteria from an organisation's figures (docs/scorecard.md). A share passes when
 * numerator / denominator ≥ the pass percent (compared in integers); a share with nothing to
 * measure (denominator 0) is not measured; criterion 4 is never measured here.
 */
export function buildCriteria(f: Figures, s: ScorecardSettings, now: Date, locale: Locale): Criterion[] {
  const threshold = s.passPercent / 100;
  const share = (
    numerator: number,
    denominator: number,
    shareCode: string,
    noneCode: string,
    period: Criterion['period'],
    extra: Record<string, number> = {},
  ): Measured => {
    if (denominator === 0)
      return {
        status: 'not_measured',
        value: null,
        numerator,
        denominator,
        threshold,
        period,
        detail_code: noneCode,
        params: {},
      };
    const value = numerator / denominator;
    return {
      status: numerator * 100 >= s.passPercent * denominator ? 'passed' : 'failed',
      value,
      numerator,
      denominator,
      threshold,
      period,
      detail_code: shareCode,
      params: {
        numerator,
        denominator,
        // Cut, not rounded: 189 of 199 is 94.9 %, never "95 %" beside a requirement of 95 %.
        percent: Math.floor(value * 1000 + 1e-9) / 10,
        threshold: s.passPercent,
        ...extra,
      },
    };
  };

  const months = { unit: 'months', length: s.testMonths } as const;
  const confirmedWithin = f.confirmedAt !== null && f.confirmedAt >= monthsBefore(now, s.confirmationMonths);
  const date = f.confirmedAt ? f.confirmedAt.toISOString().slice(0, 10) : '';
  const c1: Measured = {
    status: f.healthData > 0 && confirmedWithin ? 'passed' : 'failed',
    value: null,
    numerator: f.healthData,
    denominator: f.systems,
    threshold: null,
    period: { unit: 'months', length: s.confirmationMonths },
    detail_code:
      f.healthData === 0
        ? 'scorecard.c1.no_health_data'
        : f.confirmedAt === null
          ? 'scorecard.c1.never_confirmed'
          : confirmedWithin
            ? 'scorecard.c1.passed'
            : 'scorecard.c1.confirmation_old',
    params: { health: f.healthData, date, months: s.confirmationMonths },
  };
  // 3: the latest signed report was signed within the last quarter (3 months) and is the report
  // of the current or the previous calendar quarter.
  const report = f.report;
  const reportRecent =
    report !== null &&
    report.signedAt >= monthsBefore(now, REPORT_MONTHS) &&
    (report.quarter === quarterOf(now) || report.quarter === previousQuarterOf(now));
  const c3: Measured = {
    status: reportRecent ? 'passed' : 'failed',
    value: null,
    numerator: null,
    denominator: null,
    threshold: null,
    period: { unit: 'months', length: REPORT_MONTHS },
    detail_code:
      report === null
        ? 'scorecard.c3.never_signed'
        : reportRecent
          ? 'scorecard.c3.passed'
          : 'scorecard.c3.report_old',
    params: report
      ? { quarter: report.quarter, date: report.signedAt.toISOString().slice(0, 10), months: REPORT_MONTHS }
      : { months: REPORT_MONTHS },
  };
  const notMeasured = (code: string): Measured => ({
    status: 'not_measured',
    value: null,
    numerator: null,
    denominator: null,
    threshold: null,
    period: null,
    detail_code: code,
    params: {},
  });
  const measured: Measured[] = [
    c1,
    share(f.healthDataAssessed, f.healthData, 'scorecard.c2.share', 'scorecard.no_health_data_systems', null),
    c3,
    notMeasured('scorecard.c4.missing_module'),
    share(f.c5, f.critical, 'scorecard.c5.share', 'scorecard.no_critical_systems', null),
    share(f.c6, f.critical, 'scorecard.c6.share', 'scorecard.no_critical_systems', null),
    share(
      f.c7,
      f.systems,
      'scorecard.c7.share',
      'scorecard.no_systems',
      { unit: 'days', length: s.patchDays },
      { days: s.patchDays },
    ),
    share(f.c8, f.critical, 'scorecard.c8.share', 'scorecard.no_critical_systems', months, {
      months: s.testMonths,
    }),
    share(f.c9, f.critical, 'scorecard.c9.share', 'scorecard.no_critical_systems', null),
    share(f.c10, f.critical, 'scorecard.c10.share', 'scorecard.no_critical_systems', months, {
      months: s.testMonths,
    }),
  ];
  // The percentage in the sentence as the page shows it: one decimal at most, in the language's
  // own way of writing it ("94,9" in Danish).
  const decimal = new Intl.NumberFormat(locale === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: 1 });
  return measured.map(({ params, ...m }, i) => ({
    n: i + 1,
    key: base(i + 1).key,
    ...m,
    detail: translate(m.detail_code, locale, {
      ...params,
      ...(typeof params.percent === 'number' ? { percent: decimal.format(params.percent) } : {}),
    }),
  }));
}

/** What a daily snapshot keeps of each criterion (the trend needs value and status). */
export const snapshotCriteria = (criteria: Criterion[]) =>
  criteria.map((c) => ({
    n: c.n,
    key: c.key,
    status: c.status,
    value: c.value,
    numerator: c.numerator,
    denominator: c.denominator,
    threshold: c.threshold,
    period: c.period,
    detail_code: c.detail_code,
  }));
