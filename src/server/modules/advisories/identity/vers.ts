import type { VersionInterval, VersionRange } from './ranges.js';
import { compareVersions, type VersionScheme } from './versions.js';

/**
 * The `vers` version range specifier (package-url/purl-spec VERSION-RANGE-SPEC.rst):
 * `vers:<versioning-scheme>/<constraint>|<constraint>|…`, parsed, validated and turned
 * into a VersionRange. Versions of npm-like schemes (`npm`, `semver`, `cargo`) are
 * compared as semver 2.0.0, every other scheme with the generic ordering of versions.ts.
 */

/** A comparator of a vers constraint. */
export type VersComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** One constraint: comparator and (unquoted) version. */
export interface VersConstraint {
  comparator: VersComparator;
  version: string;
}

/** Why a vers string was refused. */
export type VersError =
  | 'not_vers'
  | 'scheme_invalid'
  | 'empty'
  | 'star_not_alone'
  | 'version_empty'
  | 'version_quoting'
  | 'version_invalid'
  | 'version_duplicate'
  | 'constraints_invalid';

/** A parsed vers: the versioning scheme as written, the comparison scheme, the range. */
export type VersResult =
  | {
      ok: true;
      versioningScheme: string;
      scheme: VersionScheme;
      constraints: VersConstraint[] | '*';
      range: VersionRange;
    }
  | { ok: false; error: VersError; detail: string };

const SEMVER_SCHEMES: ReadonlySet<string> = new Set(['npm', 'semver', 'cargo']);

/** The comparison scheme for a vers versioning scheme (or a purl type). */
export function schemeFor(versioningScheme: string): VersionScheme {
  return SEMVER_SCHEMES.has(versioningScheme.toLowerCase()) ? 'semver' : 'generic';
}

const NO_VERSIONS: VersionRange = { all: false, exact: [], excluded: [], intervals: [] };

function fail(error: VersError, detail: string): VersResult {
  return { ok: false, error, detail };
}

function readConstraint(text: string): VersConstraint {
  for (const comparator of ['>=', '<=', '!=', '<', '>', '='] as const) {
    if (text.startsWith(comparator)) return { comparator, version: text.slice(comparator.length) };
  }
  return { comparator: '=', version: text };
}

const LESSER = new Set<VersComparator>(['<', '<=']);
const GREATER = new Set<VersComparator>(['>', '>=']);

/** The spec's rules for contiguous comparators; the offending pair, or null when valid. */
function invalidPair(sorted: VersConstraint[]): string | null {
  const noUnequal = sorted.filter((c) => c.comparator !== '!=');
  for (let i = 0; i + 1 < noUnequal.length; i++) {
    const current = noUnequal[i] as VersConstraint;
    const next = noUnequal[i + 1] as VersConstraint;
    if (current.comparator === '=' && LESSER.has(next.comparator))
      return `${current.version}|${next.version}`;
  }
  const bounds = noUnequal.filter((c) => c.comparator !== '=');
  for (let i = 0; i + 1 < bounds.length; i++) {
    const current = bounds[i] as VersConstraint;
    const next = bounds[i + 1] as VersConstraint;
    const alternates =
      (LESSER.has(current.comparator) && GREATER.has(next.comparator)) ||
      (GREATER.has(current.comparator) && LESSER.has(next.comparator));
    if (!alternates) return `${current.comparator}${current.version}|${next.comparator}${next.version}`;
  }
  return null;
}

/** The range of a sorted, validated list of constraints. */
function toRange(sorted: VersConstraint[]): VersionRange {
  const bounds = sorted.filter((c) => LESSER.has(c.comparator) || GREATER.has(c.comparator));
  const intervals: VersionInterval[] = [];
  let i = 0;
  const first = bounds[0];
  if (first !== undefined && LESSER.has(first.comparator)) {
    intervals.push({ lower: null, upper: { version: first.version, inclusive: first.comparator === '<=' } });
    i = 1;
  }
  for (; i < bounds.length; i += 2) {
    const lower = bounds[i] as VersConstraint;
    const upper = bounds[i + 1];
    intervals.push({
      lower: { version: lower.version, inclusive: lower.comparator === '>=' },
      upper: upper === undefined ? null : { version: upper.version, inclusive: upper.comparator === '<=' },
    });
  }
  return {
    all: false,
    exact: sorted.filter((c) => c.comparator === '=').map((c) => c.version),
    excluded: sorted.filter((c) => c.comparator === '!=').map((c) => c.version),
    intervals,
  };
}

/** Parses and validates a vers string as the specification describes. */
export function parseVers(text: string): VersResult {
  const compact = text.replace(/[ \t]/g, '');
  if (!compact.startsWith('vers:')) return fail('not_vers', text);
  const specifier = compact.slice('vers:'.length);
  const slash = specifier.indexOf('/');
  const versioningScheme = slash < 0 ? specifier : specifier.slice(0, slash);
  if (slash < 0 || !/^[a-z0-9][a-z0-9.+-]*$/.test(versioningScheme)) {
    return fail('scheme_invalid', versioningScheme);
  }
  const scheme = schemeFor(versioningScheme);
  const body = specifier.slice(slash + 1);
  if (body === '') return fail('empty', text);
  if (body === '*') {
    const range: VersionRange = versioningScheme === 'none' ? NO_VERSIONS : { all: true };
    return { ok: true, versioningScheme, scheme, constraints: '*', range };
  }
  if (body.includes('*')) return fail('star_not_alone', body);
  const constraints: VersConstraint[] = [];
  for (const part of body.split('|').filter((p) => p !== '')) {
    const constraint = readConstraint(part);
    if (constraint.version === '') return fail('version_empty', part);
    if (constraint.version.includes('%')) {
      try {
        constraint.version = decodeURIComponent(constraint.version);
      } catch {
        return fail('version_quoting', part);
      }
    }
    if (compareVersions(constraint.version, constraint.version, scheme) === null) {
      return fail('version_invalid', constraint.version);
    }
    constraints.push(constraint);
  }
  if (constraints.length === 0) return fail('empty', text);
  const sorted = [...constraints].sort((a, b) => compareVersions(a.version, b.version, scheme) as number);
  for (let i = 0; i + 1 < sorted.length; i++) {
    if (
      compareVersions(
        (sorted[i] as VersConstraint).version,
        (sorted[i + 1] as VersConstraint).version,
        scheme,
      ) === 0
    ) {
      return fail('version_duplicate', (sorted[i + 1] as VersConstraint).version);
    }
  }
  const invalid = invalidPair(sorted);
  if (invalid !== null) return fail('constraints_invalid', invalid);
  return { ok: true, versioningScheme, scheme, constraints: sorted, range: toRange(sorted) };
}
