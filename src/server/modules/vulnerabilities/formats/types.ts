/**
 * What a scanner format's reader yields (docs/vulnerabilities.md): one item per finding or
 * informational fact in the file, in file order, normalised so that the import can compute one
 * finding identity whatever the format. Readers stream: they never hold the file whole.
 */

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** The identifiers of the host an item was found on, as the scanner reported them. */
export interface ScanHost {
  /**
   * The host as the finding identity uses it: lower-case name or address (IPv6 compressed, no
   * zone); for SARIF null (the system given with the import stands for the host).
   */
  name: string | null;
  /** An IP address the scanner gave for the host (IPv4 or IPv6), or null. */
  ip: string | null;
  /** A fully qualified domain name the scanner gave (lower case, no trailing dot), or null. */
  fqdn: string | null;
  /** A short host name (NetBIOS name, the first label, …; lower case), or null. */
  hostname: string | null;
}

export interface ScanItem {
  /** The line of the file the item starts on (1-based), for error reports. */
  line: number;
  /** Not a finding: Nessus severity 0, OpenVAS "Log"; counted as informational unless asked for. */
  informational: boolean;
  /**
   * The scanner family of the finding identity: `nessus`, `openvas`, the SARIF tool's driver name
   * lower-cased, or the CSV file's `source` column (lower-cased).
   */
  family: string;
  host: ScanHost;
  /** Port number, or null when the item has none (Nessus port 0 is null). */
  port: number | null;
  /** `tcp`, `udp`, `icmp`, … lower-case, or null. */
  protocol: string | null;
  /**
   * The scanner's rule: Nessus plugin id, OpenVAS NVT oid, SARIF rule id (with the result's
   * `partialFingerprints` pairs when present, sorted `rule|k=v|k=v`; else the rule id and a
   * SHA-256 of rule, file and snippet), the CSV `rule` column.
   */
  rule: string;
  title: string;
  severity: Severity;
  /** CVSS base score 0–10 (v3 preferred over v2), or null. */
  cvss: number | null;
  /** The CVSS vector string as given (with its `CVSS:3.x/` prefix when v3), or null. */
  cvssVector: string | null;
  /** CVE ids, upper-case, unique, sorted. */
  cves: string[];
  description: string | null;
  solution: string | null;
  /** What the scanner saw (plugin output, SARIF message), trimmed to at most 4,000 characters. */
  evidence: string | null;
  /** SARIF: the file and line of the first location; else null. */
  location: { file: string; line: number | null } | null;
  /** SARIF results with a `suppressions` entry that is not rejected; false elsewhere. */
  suppressed: boolean;
}

/** Limits every reader obeys; exceeding one refuses the file with a clear reason. */
export interface ScanLimits {
  /** Longest text kept of one field (longer text is cut, not refused). */
  maxText: number;
  /** Most items in one file. */
  maxItems: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { maxText: 4000, maxItems: 2_000_000 };

/**
 * The file cannot be read as the format: where and why (a message key and its parameters). The
 * line, when known, is also among the parameters (`{line}` in the messages of formats/messages.ts).
 */
export class ScanFormatError extends Error {
  readonly params: Record<string, string | number>;
  constructor(
    readonly code: string,
    readonly line: number | null,
    params: Record<string, string | number> = {},
  ) {
    super(code);
    this.params = line === null ? { ...params } : { line, ...params };
  }
}

/** A format reader: the file's bytes in, the items out, in file order. */
export type ScanReader = (bytes: AsyncIterable<Buffer>, limits?: ScanLimits) => AsyncIterable<ScanItem>;
