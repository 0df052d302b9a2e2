import { createHash } from 'node:crypto';
import { NO_HOST } from './host.js';
import { JsonWalker, type Segment } from './json.js';
import { cut, cveIds, utf8Text } from './text.js';
import {
  DEFAULT_SCAN_LIMITS,
  ScanFormatError,
  type ScanItem,
  type ScanLimits,
  type ScanReader,
  type Severity,
} from './types.js';

/**
 * A result's level (its own, else its rule's `defaultConfiguration.level`, else `warning` as the
 * SARIF specification says for `kind: fail`) gives the severity:
 *
 * | level     | severity | informational |
 * | --------- | -------- | ------------- |
 * | `error`   | high     | no            |
 * | `warning` | medium   | no            |
 * | `note`    | low      | no            |
 * | `none`    | info     | yes           |
 *
 * A numeric `security-severity` property (CodeQL's, a CVSS-like score as a string; the rule's,
 * else the result's) overrides the level for a finding: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low.
 * A result whose `kind` is `pass`, `notApplicable` or `informational` is informational whatever
 * its level (`open` and `review` are findings). Informational items have severity `info`.
 */
const LEVEL: Record<string, Severity> = { error: 'high', warning: 'medium', note: 'low', none: 'info' };
const NOT_A_FINDING = new Set(['pass', 'notApplicable', 'informational']);

function securitySeverity(score: number): Severity | null {
  if (!Number.isFinite(score) || score <= 0) return null;
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** The parts of a result that are read; the rest (code flows, fixes, graphs…) is skipped unbuilt. */
const RESULT_KEYS = new Set([
  'ruleId',
  'ruleIndex',
  'rule',
  'kind',
  'level',
  'message',
  'locations',
  'partialFingerprints',
  'suppressions',
  'properties',
]);
const RULE_KEYS = new Set([
  'id',
  'shortDescription',
  'fullDescription',
  'messageStrings',
  'defaultConfiguration',
  'properties',
]);
/** Most characters of rule metadata held for a file (rules are kept for the results that follow). */
const MAX_RULE_CHARS = 16_000_000;
/** Longest rule message string kept (`messageStrings`, for results that give only a message id). */
const MAX_MESSAGE_STRING = 2000;

/** What a result needs from its rule, bounded. */
interface RuleMeta {
  id: string | null;
  title: string | null;
  description: string | null;
  level: string | null;
  securitySeverity: number | null;
  messages: Map<string, string>;
  /** Tags and property text that may name CVEs. */
  cveText: string;
  chars: number;
}

interface Run {
  family: string | null;
  /** The driver's rules by index (a result's ruleIndex). */
  rules: RuleMeta[];
  byId: Map<string, RuleMeta>;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | null => str(obj(v)?.text) ?? str(obj(v)?.markdown);

function ruleMeta(raw: unknown, limits: ScanLimits): RuleMeta {
  const r = obj(raw) ?? {};
  const props = obj(r.properties) ?? {};
  const messages = new Map<string, string>();
  for (const [id, value] of Object.entries(obj(r.messageStrings) ?? {}).slice(0, 50)) {
    const t = cut(text(value), MAX_MESSAGE_STRING);
    if (t !== null) messages.set(id, t);
  }
  const tags = arr(props.tags).filter((t): t is string => typeof t === 'string');
  const cveText =
    [...tags, ...Object.values(props).filter((v): v is string => typeof v === 'string')]
      .join(' ')
      .match(/CVE-\d{4}-\d{4,}/gi)
      ?.join(' ') ?? '';
  const severity = Number(props['security-severity']);
  const meta: RuleMeta = {
    id: str(r.id),
    title: cut(text(r.shortDescription), limits.maxText),
    description: cut(text(r.fullDescription), limits.maxText),
    level: str(obj(r.defaultConfiguration)?.level),
    securitySeverity: props['security-severity'] !== undefined && Number.isFinite(severity) ? severity : null,
    messages,
    cveText,
    chars: 0,
  };
  meta.chars =
    (meta.id?.length ?? 0) +
    (meta.title?.length ?? 0) +
    (meta.description?.length ?? 0) +
    cveText.length +
    [...messages.values()].reduce((n, m) => n + m.length, 0);
  return meta;
}

/** The message text: its own, else the rule's message string with `{0}`… filled in. */
function messageText(message: Json | undefined, rule: RuleMeta | undefined): string | null {
  const own = text(message);
  if (own !== null) return own;
  const id = str(message?.id);
  const template = id !== null ? rule?.messages.get(id) : undefined;
  if (template === undefined) return null;
  const args = arr(message?.arguments);
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => {
    const value = args[Number(n)];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
}

/** The largest line number stored (PostgreSQL's integer). */
const MAX_LINE = 2_147_483_647;

/**
 * The first location with a file: its uri, start line and snippet text. A start line that SARIF
 * 2.1.0 does not allow (a whole number from 1; here at most MAX_LINE) refuses the file at `line`:
 * stored as it came, it would fail the import or make another identity of the same result.
 */
function firstLocation(
  result: Json,
  at: number,
): { file: string; line: number | null; snippet: string | null } | null {
  for (const location of arr(result.locations)) {
    const physical = obj(obj(location)?.physicalLocation);
    const file = str(obj(physical?.artifactLocation)?.uri);
    if (file === null) continue;
    const region = obj(physical?.region);
    const line = region?.startLine;
    if (
      line !== undefined &&
      !(typeof line === 'number' && Number.isInteger(line) && line >= 1 && line <= MAX_LINE)
    )
      throw new ScanFormatError('scans.sarif_start_line', at, { value: JSON.stringify(line).slice(0, 40) });
    return {
      file,
      line: line ?? null,
      snippet: text(region?.snippet),
    };
  }
  return null;
}

function resultItem(raw: unknown, line: number, run: Run, limits: ScanLimits): ScanItem {
  const r = obj(raw);
  if (r === undefined) throw new ScanFormatError('scans.sarif_result_object', line);
  const ref = obj(r.rule);
  const index =
    typeof r.ruleIndex === 'number' ? r.ruleIndex : typeof ref?.index === 'number' ? ref.index : null;
  const ruleId = str(r.ruleId) ?? str(ref?.id) ?? (index !== null ? (run.rules[index]?.id ?? null) : null);
  if (ruleId === null) {
    throw new ScanFormatError('scans.sarif_rule_missing', line);
  }
  const rule = run.byId.get(ruleId) ?? (index !== null ? run.rules[index] : undefined);
  const message = messageText(obj(r.message), rule);
  const kind = str(r.kind) ?? 'fail';
  const level = str(r.level) ?? rule?.level ?? (kind === 'fail' ? 'warning' : 'none');
  // SARIF 2.1.0 knows four levels: another (a typo, a number) would be read as medium unnoticed.
  if (!Object.hasOwn(LEVEL, level) || (r.level !== undefined && typeof r.level !== 'string'))
    throw new ScanFormatError('scans.sarif_level', line, {
      value: JSON.stringify(r.level ?? level).slice(0, 40),
    });
  const informational = NOT_A_FINDING.has(kind) || level === 'none';
  const score = rule?.securitySeverity ?? Number(obj(r.properties)?.['security-severity'] ?? Number.NaN);
  const severity: Severity = informational ? 'info' : (securitySeverity(score) ?? (LEVEL[level] as Severity));
  const location = firstLocation(r, line);
  const pairs = Object.entries(obj(r.partialFingerprints) ?? {})
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .map(([k, v]) => `${k}=${String(v)}`)
    .sort();
  const identity =
    pairs.length > 0
      ? [ruleId, ...pairs].join('|')
      : `${ruleId}|${createHash('sha256')
          .update(JSON.stringify([ruleId, location?.file ?? '', location?.snippet ?? location?.line ?? '']))
          .digest('hex')}`;
  const suppressed = arr(r.suppressions).some((s) => obj(s) !== undefined && obj(s)?.status !== 'rejected');
  const firstLine = message?.split('\n').find((l) => l.trim() !== '') ?? null;
  return {
    line,
    informational,
    family: run.family ?? '',
    host: { ...NO_HOST },
    port: null,
    protocol: null,
    rule: identity,
    title: cut(rule?.title ?? firstLine ?? ruleId, limits.maxText) ?? ruleId,
    severity,
    cvss: null,
    cvssVector: null,
    cves: cveIds(ruleId, rule?.cveText, message),
    description: rule?.description ?? null,
    solution: null,
    evidence: cut(message, limits.maxText),
    location: location === null ? null : { file: location.file, line: location.line },
    suppressed,
  };
}

const isRun = (p: readonly Segment[]) => p.length >= 2 && p[0] === 'runs' && typeof p[1] === 'number';
const tail = (p: readonly Segment[], from: number) =>
  p
    .slice(from)
    .map((s) => (typeof s === 'number' ? '#' : s))
    .join('.');

/**
 * Reads SARIF 2.1.0 with stream-json, one run and one result at a time. The runs' `tool` (driver
 * name, rules) must come before their `results`, as every producer writes it: a run whose results
 * come first is refused (`scans.sarif_tool_order`), since its results cannot wait unheld for
 * their rules. A file without runs, or whose `version` is not "2.1.0", is refused.
 */
export const readSarif: ScanReader = (bytes, limits = DEFAULT_SCAN_LIMITS) =>
  (async function* () {
    const out: ScanItem[] = [];
    let version: string | null = null;
    let runs = -1;
    let run: Run = { family: null, rules: [], byId: new Map() };
    let ruleChars = 0;
    let count = 0;
    let rootSeen = false;
    const addRule = (raw: unknown, driver: boolean, line: number) => {
      const meta = ruleMeta(raw, limits);
      ruleChars += meta.chars;
      if (ruleChars > MAX_RULE_CHARS) {
        throw new ScanFormatError('scans.sarif_rules_too_large', line, { limit: MAX_RULE_CHARS });
      }
      if (driver) run.rules.push(meta);
      if (meta.id !== null && !run.byId.has(meta.id)) run.byId.set(meta.id, meta);
    };
    const walker = new JsonWalker(
      {
        decide(path, kind, line) {
          if (path.length === 0) {
            if (kind !== 'object') {
              throw new ScanFormatError('scans.sarif_not_object', line);
            }
            rootSeen = true;
            return 'walk';
          }
          if (path.length === 1 && path[0] === 'version') return 'build';
          if (path.length === 1 && path[0] === 'runs') {
            if (kind !== 'array') throw new ScanFormatError('scans.sarif_runs_array', line);
            runs = 0;
            return 'walk';
          }
          if (!isRun(path)) return 'skip';
          if (path.length === 2) {
            if (kind !== 'object') throw new ScanFormatError('scans.sarif_run_object', line);
            runs++;
            run = { family: null, rules: [], byId: new Map() };
            return 'walk';
          }
          const at = tail(path, 2);
          switch (at) {
            case 'tool':
            case 'tool.driver':
            case 'tool.driver.rules':
            case 'tool.extensions':
            case 'tool.extensions.#':
            case 'tool.extensions.#.rules':
              return kind === 'scalar' ? 'skip' : 'walk';
            case 'tool.driver.name':
            case 'tool.driver.rules.#':
            case 'tool.extensions.#.rules.#':
              return 'build';
            case 'results':
              if (kind !== 'array') {
                throw new ScanFormatError('scans.sarif_results_array', line);
              }
              if (run.family === null) throw new ScanFormatError('scans.sarif_tool_order', line);
              return 'walk';
            case 'results.#':
              return 'build';
            default:
              return 'skip';
          }
        },
        keep(path) {
          const at = tail(path, 2);
          if (at === 'results.#') return RESULT_KEYS;
          if (at.endsWith('rules.#')) return RULE_KEYS;
          return null;
        },
        value(path, value, line) {
          if (path.length === 1) {
            version = typeof value === 'string' ? value : JSON.stringify(value);
            if (version !== '2.1.0') throw new ScanFormatError('scans.sarif_version', line, { version });
            return;
          }
          const at = tail(path, 2);
          if (at === 'tool.driver.name') {
            const name = str(value);
            if (name === null) throw new ScanFormatError('scans.sarif_tool_name', line);
            run.family = name.trim().toLowerCase();
          } else if (at === 'tool.driver.rules.#') addRule(value, true, line);
          else if (at === 'tool.extensions.#.rules.#') addRule(value, false, line);
          else if (at === 'results.#') {
            count++;
            if (count > limits.maxItems) {
              throw new ScanFormatError('scans.too_many_items', line, { limit: limits.maxItems });
            }
            out.push(resultItem(value, line, run, limits));
          }
        },
      },
      Math.max(limits.maxText * 4, 1024),
    );
    for await (const chunk of utf8Text(bytes)) {
      walker.write(chunk);
      yield* out.splice(0);
    }
    walker.end();
    yield* out.splice(0);
    if (!rootSeen) throw new ScanFormatError('scans.sarif_not_object', 1);
    if (version === null) throw new ScanFormatError('scans.sarif_version_missing', 1);
    if (runs <= 0) throw new ScanFormatError('scans.sarif_no_runs', 1);
  })();
