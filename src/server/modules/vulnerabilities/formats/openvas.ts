import { canonicalName, firstLabel, looksQualified, normaliseHost } from './host.js';
import { cut, cveIds } from './text.js';
import {
  DEFAULT_SCAN_LIMITS,
  ScanFormatError,
  type ScanItem,
  type ScanLimits,
  type ScanReader,
  type Severity,
} from './types.js';
import { child, children, childText, readXml, type XNode } from './xml.js';

/**
 * The severity of a result comes from its numeric `<severity>` (a CVSS-like 0–10 score):
 *
 * | `<severity>`        | severity | informational |
 * | ------------------- | -------- | ------------- |
 * | ≤ 0 (0 log, −1 false positive, −2 error, −3 debug) | info | yes |
 * | > 0 and < 4         | low      | no            |
 * | ≥ 4 and < 7         | medium   | no            |
 * | ≥ 7 and < 9         | high     | no            |
 * | ≥ 9                 | critical | no            |
 *
 * A `<threat>` of Log, Debug, Error or False Positive also makes the result informational. Without a
 * numeric severity the threat decides (High → high, Medium → medium, Low → low, else info).
 */
export function severityOf(score: number): Severity {
  if (score <= 0) return 'info';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

const THREAT: Record<string, Severity> = { high: 'high', medium: 'medium', low: 'low' };
const NOT_A_FINDING = new Set(['log', 'debug', 'error', 'false positive']);

/** The `key=value|key=value` pairs of an NVT's `<tags>`. */
function tags(text: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!text) return out;
  for (const pair of text.split('|')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return out;
}

function number(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** `443/tcp` → 443 and tcp; `general/tcp` → null and tcp; port 0 → null. */
function portOf(text: string | null): { port: number | null; protocol: string | null } {
  const m = /^\s*([^/\s]*)\/([A-Za-z0-9_-]+)\s*$/.exec(text ?? '');
  if (!m) return { port: null, protocol: null };
  const n = /^\d+$/.test(m[1] ?? '') ? Number(m[1]) : null;
  return { port: n !== null && n > 0 && n <= 65535 ? n : null, protocol: (m[2] ?? '').toLowerCase() };
}

function item(node: XNode, limits: ScanLimits): ScanItem {
  const nvt = child(node, 'nvt');
  const rule = nvt?.attrs.oid?.trim() ?? '';
  if (rule === '') throw new ScanFormatError('scans.openvas_oid_missing', node.line);
  const hostNode = child(node, 'host');
  const host = normaliseHost(hostNode?.text);
  if (host === null) throw new ScanFormatError('scans.openvas_host_missing', node.line);
  const hostnameText = childText(hostNode, 'hostname');
  const hostname = hostnameText !== null ? canonicalName(hostnameText) : null;
  const score = number(childText(node, 'severity'));
  const threat = childText(node, 'threat')?.toLowerCase() ?? '';
  let severity: Severity;
  if (score !== null) severity = severityOf(score);
  else if (threat !== '') severity = THREAT[threat] ?? 'info';
  else throw new ScanFormatError('scans.openvas_severity_missing', node.line);
  const informational = severity === 'info' || NOT_A_FINDING.has(threat);
  const nvtTags = tags(childText(nvt, 'tags'));
  // Newer reports: nvt/severities/severity (score and vector); older: nvt/cvss_base and the tags.
  const graded = child(child(nvt, 'severities'), 'severity');
  const cvss = number(childText(graded, 'score')) ?? number(childText(nvt, 'cvss_base'));
  const vector = childText(graded, 'value') ?? nvtTags.get('cvss_base_vector') ?? null;
  const summary = nvtTags.get('summary') ?? null;
  const insight = nvtTags.get('insight') ?? null;
  const description = [summary, insight].filter((t): t is string => !!t).join('\n\n');
  const cves = cveIds(
    ...children(child(nvt, 'refs'), 'ref')
      .filter((r) => r.attrs.type?.toLowerCase() === 'cve')
      .map((r) => r.attrs.id ?? ''),
    childText(nvt, 'cve'),
  );
  const { port, protocol } = portOf(childText(node, 'port'));
  // The test's own name first: it is what Greenbone shows, and a result's <name> repeats it
  // (in the corpus' anonymised reports the result's is a hash).
  const title = cut(childText(nvt, 'name') ?? childText(node, 'name'), limits.maxText) ?? `NVT ${rule}`;
  return {
    line: node.line,
    informational,
    family: 'openvas',
    host: {
      name: host.value,
      ip: host.kind === 'ip' ? host.value : null,
      fqdn: looksQualified(hostname) ? hostname : looksQualified(host.value) ? host.value : null,
      hostname:
        hostname ?? (host.kind === 'name' && /[a-z]/.test(host.value) ? firstLabel(host.value) : null),
    },
    port,
    protocol,
    rule,
    title,
    severity: informational ? 'info' : severity,
    cvss: cvss !== null && cvss >= 0 && cvss <= 10 ? cvss : null,
    cvssVector: cut(vector, limits.maxText),
    cves,
    description: cut(description, limits.maxText),
    solution: cut(childText(nvt, 'solution') ?? nvtTags.get('solution'), limits.maxText),
    evidence: cut(childText(node, 'description'), limits.maxText),
    location: null,
    suppressed: false,
  };
}

/**
 * Reads an OpenVAS / Greenbone XML report: `report` (possibly inside `get_reports_response`, and
 * with the report proper nested in a second `report`), one item per `result` of a `results` list.
 * The host is the result's `<host>` text (an address, or else a name, lower-cased) with
 * `<host><hostname>` as the host name.
 */
export const readOpenvas: ScanReader = (bytes, limits = DEFAULT_SCAN_LIMITS) =>
  readXml(
    bytes,
    {
      root(name, line) {
        if (name !== 'report' && name !== 'get_reports_response') {
          throw new ScanFormatError('scans.not_openvas', line, { root: name });
        }
      },
      capture: (path) => path[path.length - 1] === 'result' && path[path.length - 2] === 'results',
      done: (node) => item(node, limits),
    },
    limits,
  );
