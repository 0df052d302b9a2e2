import {
  ALL_VERSIONS,
  exactVersions,
  intervalRange,
  unionRanges,
  type VersionBound,
  type VersionRange,
} from './ranges.js';
import { parseVers } from './vers.js';
import { parseGeneric, type VersionScheme } from './versions.js';

/**
 * Free-text version ranges as real medical-device CSAF product trees carry them (survey of
 * ../shared/corpora/advisories/csaf-medical: `product_version` and `product_version_range`
 * branch names), read into ranges.ts. Only what has one clear meaning is read; everything
 * else comes back `unparsed` with its text, never guessed. Matching is case-insensitive and
 * runs of whitespace count as one space. Understood, where V is a version:
 *
 * - all versions: `*`, `all`, `all versions`, `vers:all/*`; any valid `vers:` string;
 * - a version V: a generic version of versions.ts ("9.7", "B.02", "5.89.05b", "v1.0.2");
 * - a family `N.x` / `N.N.x` ("4.x", "14.1.X"): from N (inclusive) to the next N (exclusive);
 * - `<V`, `<=V`, `>V`, `>=V`, `=V` (spaces allowed after the comparator); with a family,
 *   `<4.x` is `<4`, `<=4.x` is `<5`, `>4.x` is `>=5`, `>=4.x` is `>=4`;
 * - lists joined by `|`: all plain versions/families (a union: "1.1 | 1.2"), or comparator
 *   constraints read as a `vers:generic/…` list (">= 1.0.0 | <= 1.1.1" is 1.0.0–1.1.1;
 *   two upper bounds in a row, as in "<= U61 |<= L81", are invalid and stay unparsed);
 * - optionally after "all", "software"/"firmware" and "version(s)" ("All versions < R1.23.0"),
 *   a comparator as above or words:
 *   `prior to V`, `before V`, `earlier than V` (<V); `V and prior|earlier|below|lower|older|
 *   previous` and the same with `or` (≤V); `V and later|above|newer|higher` and with `or`
 *   (≥V); `V through V2`, `V to V2`, `V - V2` (both inclusive); `V and V2` (both exactly).
 *
 * Not read, on purpose: dates ("< april 1, 2018"), remarks in parentheses, build words
 * ("1.1.3 Build 10"), model numbers and product names in the version field, "up to V"
 * (inclusive or not is unclear), and anything else.
 */

/** A free-text range read into a VersionRange, or left unparsed with its text. */
export type TextRange =
  | { kind: 'parsed'; text: string; range: VersionRange; scheme: VersionScheme }
  | { kind: 'unparsed'; text: string };

type Term = { family: null; version: string } | { family: string; next: string };

/** A version or a family token (`4.x`), or null. */
function readTerm(token: string): Term | null {
  const family = /^v?([0-9]+(?:\.[0-9]+)*)\.x$/i.exec(token);
  if (family) {
    const base = family[1] as string;
    const parts = base.split('.');
    const last = parts.length - 1;
    parts[last] = String(BigInt(parts[last] as string) + 1n);
    return { family: base, next: parts.join('.') };
  }
  return parseGeneric(token) === null ? null : { family: null, version: token };
}

const incl = (version: string): VersionBound => ({ version, inclusive: true });
const excl = (version: string): VersionBound => ({ version, inclusive: false });

function termRange(term: Term): VersionRange {
  return term.family === null
    ? exactVersions(term.version)
    : intervalRange(incl(term.family), excl(term.next));
}

type Comparator = '<' | '<=' | '>' | '>=' | '=';

function compareRange(comparator: Comparator, term: Term): VersionRange {
  if (term.family === null) {
    const v = term.version;
    switch (comparator) {
      case '<':
        return intervalRange(null, excl(v));
      case '<=':
        return intervalRange(null, incl(v));
      case '>':
        return intervalRange(excl(v), null);
      case '>=':
        return intervalRange(incl(v), null);
      default:
        return exactVersions(v);
    }
  }
  switch (comparator) {
    case '<':
      return intervalRange(null, excl(term.family));
    case '<=':
      return intervalRange(null, excl(term.next));
    case '>':
      return intervalRange(incl(term.next), null);
    case '>=':
      return intervalRange(incl(term.family), null);
    default:
      return termRange(term);
  }
}

const COMPARED = /^(<=|>=|<|>|=)\s*(\S+)$/;
const PREFIX = /^(?:all\s+)?(?:(?:software|firmware)\s+)?(?:versions?\s+)?/i;
const AT_MOST = /^(\S+)\s+(?:and|or)\s+(?:prior|earlier|below|lower|older|previous)(?:\s+versions?)?$/i;
const AT_LEAST = /^(\S+)\s+(?:and|or)\s+(?:later|above|newer|higher)(?:\s+versions?)?$/i;
const BEFORE = /^(?:prior\s+to|before|earlier\s+than)\s+(?:versions?\s+)?(\S+)$/i;
const BETWEEN = /^(\S+)\s+(?:through|to|-)\s+(?:versions?\s+)?(\S+)$/i;
const BOTH = /^(\S+)\s+and\s+(\S+)$/i;

function readSingle(text: string): VersionRange | null {
  if (/^(?:\*|all|all\s+versions)$/i.test(text)) return ALL_VERSIONS;
  const words = text.replace(PREFIX, '');
  if (words === '') return null;
  const compared = COMPARED.exec(words);
  if (compared) {
    const term = readTerm(compared[2] as string);
    return term === null ? null : compareRange(compared[1] as Comparator, term);
  }
  const bare = readTerm(words);
  if (bare !== null) return termRange(bare);
  const one = (pattern: RegExp, comparator: Comparator): VersionRange | null => {
    const match = pattern.exec(words);
    const term = match ? readTerm(match[1] as string) : null;
    return term === null ? null : compareRange(comparator, term);
  };
  const single = one(AT_MOST, '<=') ?? one(AT_LEAST, '>=') ?? one(BEFORE, '<');
  if (single !== null) return single;
  const between = BETWEEN.exec(words);
  if (between) {
    const low = readTerm(between[1] as string);
    const high = readTerm(between[2] as string);
    if (low === null || high === null) return null;
    const lower = compareRange('>=', low);
    const upper = compareRange('<=', high);
    if (lower.all || upper.all) return null;
    return intervalRange(lower.intervals[0]?.lower ?? null, upper.intervals[0]?.upper ?? null);
  }
  const both = BOTH.exec(words);
  if (both) {
    const terms = [readTerm(both[1] as string), readTerm(both[2] as string)];
    if (terms[0] == null || terms[1] == null) return null;
    return unionRanges(terms.map((t) => termRange(t as Term)));
  }
  return null;
}

function readList(parts: string[]): VersionRange | null {
  if (parts.some((part) => part === '')) return null;
  if (parts.every((part) => !/^[<>=]/.test(part))) {
    const terms = parts.map(readTerm);
    if (terms.some((term) => term === null)) return null;
    return unionRanges(terms.map((term) => termRange(term as Term)));
  }
  const constraints: string[] = [];
  for (const part of parts) {
    const compared = COMPARED.exec(part);
    const constraint = compared ? { comparator: compared[1] as string, token: compared[2] as string } : null;
    const token = constraint?.token ?? part;
    if (/^v?[0-9]+(?:\.[0-9]+)*\.x$/i.test(token) || parseGeneric(token) === null) return null;
    constraints.push(constraint ? `${constraint.comparator}${token}` : token);
  }
  const vers = parseVers(`vers:generic/${constraints.join('|')}`);
  return vers.ok ? vers.range : null;
}

/** Reads a free-text version range (see the rules above); `unparsed` when it is not clear. */
export function parseTextRange(text: string): TextRange {
  const clean = text.trim().replace(/\s+/g, ' ');
  if (/^vers:/i.test(clean)) {
    const vers = parseVers(clean);
    return vers.ok
      ? { kind: 'parsed', text, range: vers.range, scheme: vers.scheme }
      : { kind: 'unparsed', text };
  }
  const range = clean.includes('|')
    ? readList(clean.split('|').map((part) => part.trim()))
    : readSingle(clean);
  return range === null ? { kind: 'unparsed', text } : { kind: 'parsed', text, range, scheme: 'generic' };
}
