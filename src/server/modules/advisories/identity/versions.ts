/**
 * Version ordering for product identity: a generic ordering for the dotted and alphanumeric
 * versions that device vendors use ("R1.23.0", "4.2", "10.0.1a", "2.3-rc1", "B.06.18"),
 * semantic versioning 2.0.0 (https://semver.org), and byte-wise sortable keys for both so
 * that SQL can compare versions with `<` and `>` (store them in a column with `COLLATE "C"`).
 *
 * Generic ordering, the rules:
 * 1. A generic version is 1–256 printable ASCII characters from `A–Z a–z 0–9 . - _ + ~`,
 *    starting with a letter or digit and holding at least one digit, or a lone letter ("K",
 *    "N": revision letters). Anything else (spaces, words such as "IGS") is not a version.
 * 2. It is read case-insensitively. One leading "v" directly before a digit is dropped
 *    ("v2.0" is "2.0"); other leading letters are kept ("R1.23.0" ≠ "1.23.0").
 * 3. It is cut into segments: runs of digits (numbers; leading zeros do not count, so
 *    "2.003" is "2.3") and runs of letters. `. - _ + ~` only separate segments.
 * 4. A letter run that is one of `dev, snapshot, alpha, beta, pre, preview, rc` is a
 *    pre-release tag; every other letter run is a plain letter segment.
 * 5. Zero numbers standing right before the end or before a pre-release tag are dropped,
 *    so "1.0.0" = "1" and "1.0-rc1" = "1-rc1".
 * 6. Segments compare left to right; the end of a version counts as a segment. By kind:
 *    pre-release tag < end < letters < number; within a kind, tags and letters compare
 *    alphabetically and numbers numerically. So "2.3-rc1" < "2.3" < "2.3a" < "2.3.1", and
 *    "R1.9" < "R1.23.0".
 */

/** Pre-release tags of the generic ordering (rule 4). */
export const PRE_RELEASE_TAGS: ReadonlySet<string> = new Set([
  'dev',
  'snapshot',
  'alpha',
  'beta',
  'pre',
  'preview',
  'rc',
]);

/** One segment of a generic version. */
export type GenericSegment =
  | { kind: 'pre'; text: string }
  | { kind: 'letters'; text: string }
  | { kind: 'number'; digits: string };

/** A parsed generic version: its text and its normalised segments. */
export interface GenericVersion {
  text: string;
  segments: GenericSegment[];
}

const GENERIC_SHAPE = /^(?:[A-Za-z0-9][A-Za-z0-9._+~-]*|[A-Za-z])$/;
const MAX_LENGTH = 256;

/** Parses a generic version (rules 1–5), or null when the text is not one. */
export function parseGeneric(text: string): GenericVersion | null {
  if (text.length === 0 || text.length > MAX_LENGTH || !GENERIC_SHAPE.test(text)) return null;
  if (text.length > 1 && !/[0-9]/.test(text)) return null;
  let rest = text.toLowerCase();
  if (/^v[0-9]/.test(rest)) rest = rest.slice(1);
  const raw: GenericSegment[] = [];
  for (const match of rest.matchAll(/[0-9]+|[a-z]+/g)) {
    const run = match[0];
    if (/^[0-9]/.test(run)) raw.push({ kind: 'number', digits: run.replace(/^0+(?=.)/, '') });
    else raw.push({ kind: PRE_RELEASE_TAGS.has(run) ? 'pre' : 'letters', text: run });
  }
  const segments: GenericSegment[] = [];
  for (let i = 0; i < raw.length; i++) {
    const segment = raw[i] as GenericSegment;
    if (segment.kind === 'number' && segment.digits === '0') {
      let j = i;
      while (j < raw.length && isZero(raw[j])) j++;
      const next = raw[j];
      if (next === undefined || next.kind === 'pre') {
        i = j - 1;
        continue;
      }
    }
    segments.push(segment);
  }
  return { text, segments };
}

function isZero(segment: GenericSegment | undefined): boolean {
  return segment?.kind === 'number' && segment.digits === '0';
}

const KIND_RANK = { pre: 0, end: 1, letters: 2, number: 3 } as const;

function compareSegment(a: GenericSegment | undefined, b: GenericSegment | undefined): number {
  const rankA = KIND_RANK[a?.kind ?? 'end'];
  const rankB = KIND_RANK[b?.kind ?? 'end'];
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  if (a === undefined || b === undefined) return 0;
  if (a.kind === 'number' && b.kind === 'number') return compareDigits(a.digits, b.digits);
  const textA = a.kind === 'number' ? a.digits : a.text;
  const textB = b.kind === 'number' ? b.digits : b.text;
  return textA < textB ? -1 : textA > textB ? 1 : 0;
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two parsed generic versions (rule 6): negative, zero or positive. */
export function compareGenericVersions(a: GenericVersion, b: GenericVersion): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i <= length; i++) {
    const order = compareSegment(a.segments[i], b.segments[i]);
    if (order !== 0) return order;
  }
  return 0;
}

/** Compares two generic version strings; null when either is not a generic version. */
export function compareGeneric(a: string, b: string): number | null {
  const left = parseGeneric(a);
  const right = parseGeneric(b);
  if (left === null || right === null) return null;
  return compareGenericVersions(left, right);
}

/**
 * The byte-wise sortable key of a generic version, or null when the text is not one.
 * Keys compare (as plain strings, or in SQL under `COLLATE "C"`) exactly as
 * compareGeneric does, and are equal exactly when compareGeneric gives 0. Each segment is
 * written as a kind byte then its value: pre-release tag `0<letters>!`, letters
 * `2<letters>!`, number `3<3-digit length><digits>`; the version ends with `1`.
 */
export function genericKey(text: string): string | null {
  const version = parseGeneric(text);
  if (version === null) return null;
  let key = '';
  for (const segment of version.segments) {
    if (segment.kind === 'number') {
      key += `3${String(segment.digits.length).padStart(3, '0')}${segment.digits}`;
    } else key += `${segment.kind === 'pre' ? '0' : '2'}${segment.text}!`;
  }
  return `${key}1`;
}

/** A parsed semantic version (semver 2.0.0); build metadata is kept but never compared. */
export interface SemVer {
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
  build: string[];
}

const NUMERIC = '0|[1-9][0-9]*';
const PRE_ID = `(?:${NUMERIC}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
const SEMVER = new RegExp(
  `^(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);

/** Parses a strict semver 2.0.0 version ("1.2.3-rc.1+build.5"), or null. */
export function parseSemver(text: string): SemVer | null {
  if (text.length > MAX_LENGTH) return null;
  const match = SEMVER.exec(text);
  if (match === null) return null;
  return {
    major: match[1] as string,
    minor: match[2] as string,
    patch: match[3] as string,
    prerelease: match[4] === undefined ? [] : match[4].split('.'),
    build: match[5] === undefined ? [] : match[5].split('.'),
  };
}

function comparePreIdentifier(a: string, b: string): number {
  const numericA = /^[0-9]+$/.test(a);
  const numericB = /^[0-9]+$/.test(b);
  if (numericA && numericB) return compareDigits(a, b);
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two parsed semantic versions by semver 2.0.0 §11 (precedence). */
export function compareSemverVersions(a: SemVer, b: SemVer): number {
  for (const part of ['major', 'minor', 'patch'] as const) {
    const order = compareDigits(a[part], b[part]);
    if (order !== 0) return order;
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return a.prerelease.length === b.prerelease.length ? 0 : a.prerelease.length === 0 ? 1 : -1;
  }
  const length = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < length; i++) {
    const order = comparePreIdentifier(a.prerelease[i] as string, b.prerelease[i] as string);
    if (order !== 0) return order;
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}

/** Compares two semver strings; null when either is not a strict semantic version. */
export function compareSemver(a: string, b: string): number | null {
  const left = parseSemver(a);
  const right = parseSemver(b);
  if (left === null || right === null) return null;
  return compareSemverVersions(left, right);
}

function numberKey(digits: string): string {
  return `${String(digits.length).padStart(3, '0')}${digits}`;
}

/**
 * The byte-wise sortable key of a semantic version, or null. Major, minor and patch are
 * length-prefixed numbers; then `1` for a release, or `0` followed by the pre-release
 * identifiers (numeric `1<length><digits>`, alphanumeric `2<text>!`) and a closing `0`.
 */
export function semverKey(text: string): string | null {
  const version = parseSemver(text);
  if (version === null) return null;
  const core = numberKey(version.major) + numberKey(version.minor) + numberKey(version.patch);
  if (version.prerelease.length === 0) return `${core}1`;
  let key = `${core}0`;
  for (const id of version.prerelease) {
    key += /^[0-9]+$/.test(id) ? `1${numberKey(id)}` : `2${id}!`;
  }
  return `${key}0`;
}

/** The version schemes this library compares with. */
export type VersionScheme = 'generic' | 'semver';

/** Compares two versions under a scheme; null when either does not parse under it. */
export function compareVersions(a: string, b: string, scheme: VersionScheme): number | null {
  return scheme === 'semver' ? compareSemver(a, b) : compareGeneric(a, b);
}

/** The sortable key of a version under a scheme; null when it does not parse under it. */
export function versionKey(text: string, scheme: VersionScheme): string | null {
  return scheme === 'semver' ? semverKey(text) : genericKey(text);
}
