import type { FindingRow, HostRow, SummaryRow } from './findings-queries.js';

/** A finding as the API shows it. */
export function presentFinding(r: FindingRow) {
  return {
    id: r.id,
    fingerprint: r.fingerprint,
    family: r.family,
    host: r.host,
    port: r.port,
    protocol: r.protocol,
    rule: r.rule,
    host_ip: r.host_ip,
    host_fqdn: r.host_fqdn,
    host_name: r.host_name,
    system: r.system_id ? { id: r.system_id, key: r.system_key ?? '', name: r.system_name ?? '' } : null,
    title: r.title,
    severity: r.severity as 'info' | 'low' | 'medium' | 'high' | 'critical',
    cvss: r.cvss === null ? null : Number(r.cvss),
    cvss_vector: r.cvss_vector,
    cves: r.cves,
    description: r.description,
    solution: r.solution,
    evidence: r.evidence,
    location: r.location_file ? { file: r.location_file, line: r.location_line } : null,
    state: r.state as 'open' | 'in_progress' | 'risk_accepted' | 'false_positive' | 'fixed' | 'suppressed',
    state_reason: r.state_reason,
    state_changed_at: r.state_changed_at?.toISOString() ?? null,
    accepted_by: r.accepted_by,
    accepted_until: r.accepted_until,
    first_seen_at: r.first_seen_at.toISOString(),
    last_seen_at: r.last_seen_at.toISOString(),
    closed_at: r.closed_at?.toISOString() ?? null,
    closed_by_import: r.closed_by_import_id,
    reopened_count: r.reopened_count,
    reopened_at: r.reopened_at?.toISOString() ?? null,
    due_on: r.due_on,
    overdue: r.overdue === true,
    in_kev: r.in_kev,
    epss: r.epss === null ? null : Number(r.epss),
    epss_percentile: r.epss_percentile === null ? null : Number(r.epss_percentile),
  };
}

export function presentHost(r: HostRow) {
  return {
    host: r.host,
    host_ip: r.host_ip,
    host_fqdn: r.host_fqdn,
    open: r.open,
    last_seen_at: r.last_seen_at.toISOString(),
  };
}

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
const bySeverity = (counts: Record<string, number>) =>
  Object.fromEntries(SEVERITIES.map((s) => [s, counts[s] ?? 0])) as Record<
    (typeof SEVERITIES)[number],
    number
  >;
const int = (v: unknown) => (typeof v === 'number' ? v : 0);

export function presentSummary(r: SummaryRow) {
  return {
    open_by_severity: bySeverity(r.open_by_severity),
    overdue: r.overdue,
    kev_open: r.kev_open,
    trend: r.trend.map((w) => ({ week: w.week, open: bySeverity(w.open) })),
    last_scan: r.last_scan
      ? {
          import_id: r.last_scan.import_id,
          finished_at: r.last_scan.finished_at.toISOString(),
          new: int(r.last_scan.extra.new),
          still_open: int(r.last_scan.extra.still_open),
          reopened: int(r.last_scan.extra.reopened),
          closed: int(r.last_scan.extra.closed),
        }
      : null,
    top_systems: r.top_systems,
  };
}
