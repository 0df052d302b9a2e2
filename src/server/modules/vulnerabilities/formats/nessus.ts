import { canonicalIp, canonicalName, firstLabel, normaliseHost } from './host.js';
import { cut, cveIds } from './text.js';
import {
  DEFAULT_SCAN_LIMITS,
  ScanFormatError,
  type ScanHost,
  type ScanItem,
  type ScanLimits,
  type ScanReader,
  type Severity,
} from './types.js';
import { child, children, childText, readXml, type XNode } from './xml.js';

/** Nessus' severity attribute (0–4); 0 is informational, not a finding. */
const SEVERITY: Record<string, Severity> = {
  '0': 'info',
  '1': 'low',
  '2': 'medium',
  '3': 'high',
  '4': 'critical',
};
/** risk_factor, used only when the severity attribute is missing or not 0–4. */
const RISK: Record<string, Severity> = {
  none: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

interface HostContext {
  /** The ReportHost name attribute, as given. */
  name: string | null;
  line: number;
  tags: Map<string, string>;
  /** The host of its items, worked out once from the name and tags (see scanHost). */
  host?: ScanHost;
}

function score(text: string | null): number | null {
  if (text === null) return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 10 ? value : null;
}

/** The host of the items of a ReportHost: its name attribute, with the HostProperties tags. */
function scanHost(context: HostContext): ScanHost {
  const tag = (name: string) => {
    const value = context.tags.get(name)?.trim();
    return value ? value : null;
  };
  const named = normaliseHost(context.name);
  const ipTag = tag('host-ip');
  const ip = (ipTag !== null ? canonicalIp(ipTag) : null) ?? (named?.kind === 'ip' ? named.value : null);
  const fqdnTag = tag('host-fqdn');
  const fqdn = fqdnTag !== null && canonicalIp(fqdnTag) === null ? canonicalName(fqdnTag) : null;
  const short = tag('netbios-name') ?? tag('hostname');
  const hostname =
    (short !== null ? canonicalName(short) : null) ??
    firstLabel(fqdn) ??
    (named?.kind === 'name' ? firstLabel(named.value) : null);
  return { name: named?.value ?? ip ?? fqdn, ip, fqdn, hostname };
}

function item(node: XNode, context: HostContext, limits: ScanLimits): ScanItem {
  const a = node.attrs;
  const rule = a.pluginID?.trim() ?? '';
  if (rule === '') throw new ScanFormatError('scans.nessus_plugin_missing', node.line);
  context.host ??= scanHost(context);
  const host = context.host;
  if (host.name === null) {
    throw new ScanFormatError('scans.nessus_host_unnamed', node.line);
  }
  const severity =
    SEVERITY[a.severity?.trim() ?? ''] ?? RISK[childText(node, 'risk_factor')?.toLowerCase() ?? ''];
  if (severity === undefined) {
    throw new ScanFormatError('scans.nessus_severity', node.line, { value: a.severity ?? '' });
  }
  const portText = a.port?.trim() ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ScanFormatError('scans.nessus_port', node.line, { value: portText });
  }
  const v3 = score(childText(node, 'cvss3_base_score'));
  const v2 = score(childText(node, 'cvss_base_score'));
  const vector =
    v3 !== null ? childText(node, 'cvss3_vector') : v2 !== null ? childText(node, 'cvss_vector') : null;
  const title =
    cut(a.pluginName ?? childText(node, 'plugin_name') ?? '', limits.maxText) ?? `Nessus plugin ${rule}`;
  return {
    line: node.line,
    informational: severity === 'info',
    family: 'nessus',
    host,
    port: port === 0 ? null : port,
    protocol: a.protocol?.trim().toLowerCase() || null,
    rule,
    title,
    severity,
    cvss: v3 ?? v2,
    cvssVector: vector === null ? null : cut(vector.replace(/^CVSS2#/, ''), limits.maxText),
    cves: cveIds(...children(node, 'cve').map((c) => c.text)),
    description: cut(childText(node, 'description'), limits.maxText),
    solution: cut(childText(node, 'solution'), limits.maxText),
    evidence: cut(child(node, 'plugin_output')?.text, limits.maxText),
    location: null,
    suppressed: false,
  };
}

/**
 * Reads a Nessus v2 report (`.nessus`: NessusClientData_v2 / Report / ReportHost / ReportItem).
 * One item per ReportItem; the host comes from the ReportHost `name` attribute (host.name,
 * normalised) and its HostProperties tags `host-ip`, `host-fqdn`, `netbios-name`, `hostname`
 * (which Nessus writes before the items). Severity attribute 0 → informational.
 */
export const readNessus: ScanReader = (bytes, limits = DEFAULT_SCAN_LIMITS) => {
  let context: HostContext = { name: null, line: 1, tags: new Map() };
  const isHost = (path: readonly string[]) =>
    path.length === 3 && path[1] === 'Report' && path[2] === 'ReportHost';
  return readXml(
    bytes,
    {
      root(name, line) {
        if (name !== 'NessusClientData_v2')
          throw new ScanFormatError('scans.not_nessus', line, { root: name });
      },
      capture: (path) =>
        path.length === 4 &&
        isHost(path.slice(0, 3)) &&
        (path[3] === 'HostProperties' || path[3] === 'ReportItem'),
      open(path, attrs, line) {
        if (isHost(path)) context = { name: attrs.name ?? null, line, tags: new Map() };
      },
      done(node) {
        if (node.name === 'HostProperties') {
          for (const tag of children(node, 'tag')) {
            if (tag.attrs.name !== undefined) context.tags.set(tag.attrs.name, tag.text);
          }
          context.host = undefined;
          return null;
        }
        return item(node, context, limits);
      },
    },
    limits,
  );
};
