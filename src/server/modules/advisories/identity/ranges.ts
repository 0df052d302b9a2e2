import { compareVersions, type VersionScheme, versionKey } from './versions.js';

/**
 * A version range as plain JSON, ready for a `jsonb` column: every version (`all`), or the
 * union of exact versions and intervals, less excluded versions (vers' `!=`). The scheme
 * that orders the versions is not part of the range: it comes from the advisory (vers
 * scheme, purl type) and is passed to `contains`.
 */
export type VersionRange =
  | { all: true }
  | { all: false; exact: string[]; excluded: string[]; intervals: VersionInterval[] };

/** One end of an interval. */
export interface VersionBound {
  version: string;
  inclusive: boolean;
}

/** An interval of versions; a missing end is unbounded. */
export interface VersionInterval {
  lower: VersionBound | null;
  upper: VersionBound | null;
}

/** Whether a version lies in a range: `unknown` when the versions cannot be compared. */
export type Containment = 'in' | 'out' | 'unknown';

/** The range of every version. */
export const ALL_VERSIONS: VersionRange = { all: true };

/** A range of the given exact versions. */
export function exactVersions(...versions: string[]): VersionRange {
  return { all: false, exact: versions, excluded: [], intervals: [] };
}

/** A range of one interval; pass null for an unbounded end. */
export function intervalRange(lower: VersionBound | null, upper: VersionBound | null): VersionRange {
  return { all: false, exact: [], excluded: [], intervals: [{ lower, upper }] };
}

/** The union of ranges (excluded versions stay excluded). */
export function unionRanges(ranges: VersionRange[]): VersionRange {
  if (ranges.some((range) => range.all)) return ALL_VERSIONS;
  const parts = ranges.filter((range) => !range.all);
  return {
    all: false,
    exact: parts.flatMap((range) => range.exact),
    excluded: parts.flatMap((range) => range.excluded),
    intervals: parts.flatMap((range) => range.intervals),
  };
}

function inInterval(interval: VersionInterval, version: string, scheme: VersionScheme): Containment {
  for (const [bound, side] of [
    [interval.lower, 1],
    [interval.upper, -1],
  ] as const) {
    if (bound === null) continue;
    const order = compareVersions(version, bound.version, scheme);
    if (order === null) return 'unknown';
    if (order === 0 && !bound.inclusive) return 'out';
    if (order !== 0 && Math.sign(order) !== side) return 'out';
  }
  return 'in';
}

function equalVersions(a: string, b: string, scheme: VersionScheme): boolean | null {
  if (a === b) return true;
  const order = compareVersions(a, b, scheme);
  return order === null ? null : order === 0;
}

/**
 * Whether `version` lies in `range` under `scheme`. Excluded versions are out first; then
 * a version is in when it equals an exact version (same text, or equal under the scheme)
 * or lies in an interval. `unknown` when a comparison that could decide could not be made
 * because a version does not parse under the scheme.
 */
export function contains(range: VersionRange, version: string, scheme: VersionScheme): Containment {
  if (range.all) return 'in';
  let excludedUnknown = false;
  for (const excluded of range.excluded) {
    const equal = equalVersions(version, excluded, scheme);
    if (equal === true) return 'out';
    if (equal === null) excludedUnknown = true;
  }
  let unknown = excludedUnknown;
  const hit = (): Containment => (excludedUnknown ? 'unknown' : 'in');
  for (const exact of range.exact) {
    const equal = equalVersions(version, exact, scheme);
    if (equal === true) return hit();
    if (equal === null) unknown = true;
  }
  for (const interval of range.intervals) {
    const inside = inInterval(interval, version, scheme);
    if (inside === 'in') return hit();
    if (inside === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : 'out';
}

/** An interval with sortable keys, for a row of a set-based SQL index. */
export interface IntervalKeys {
  lowerKey: string | null;
  lowerInclusive: boolean;
  upperKey: string | null;
  upperInclusive: boolean;
}

/**
 * The intervals of a range as sortable keys (see versions.ts), exact versions as closed
 * single-point intervals; null when a bound does not parse under the scheme (the range
 * then has to be checked in code). `all` gives one unbounded interval. Excluded versions
 * are not representable here, so a range with any gives null too.
 */
export function rangeKeys(range: VersionRange, scheme: VersionScheme): IntervalKeys[] | null {
  if (range.all) return [{ lowerKey: null, lowerInclusive: false, upperKey: null, upperInclusive: false }];
  if (range.excluded.length > 0) return null;
  const rows: IntervalKeys[] = [];
  for (const exact of range.exact) {
    const key = versionKey(exact, scheme);
    if (key === null) return null;
    rows.push({ lowerKey: key, lowerInclusive: true, upperKey: key, upperInclusive: true });
  }
  for (const { lower, upper } of range.intervals) {
    const lowerKey = lower === null ? null : versionKey(lower.version, scheme);
    const upperKey = upper === null ? null : versionKey(upper.version, scheme);
    if ((lower !== null && lowerKey === null) || (upper !== null && upperKey === null)) return null;
    rows.push({
      lowerKey,
      lowerInclusive: lower?.inclusive ?? false,
      upperKey,
      upperInclusive: upper?.inclusive ?? false,
    });
  }
  return rows;
}
