import { compareGeneric } from './versions.js';

/**
 * CPE 2.3 names: the formatted-string binding of NISTIR 7695 (§6.2) read into attribute
 * values, name matching by NISTIR 7696 (§6: attribute comparison, then name comparison),
 * and the NVD way of naming affected versions (a CPE with versionStart…/versionEnd…
 * bounds), compared with the generic ordering of versions.ts.
 *
 * Values are kept logical: escapes are resolved (`1\.2` is the text `1.2`) and the
 * unquoted wildcards of the binding are held apart (`leading`/`trailing`), as 7696's
 * algorithm reads them: -1 for `*`, n ≥ 0 for a run of n `?`. Text is lowercased, since
 * 7696 compares values case-insensitively.
 */

/** The eleven attributes of a CPE 2.3 name, in binding order. */
export const CPE_ATTRIBUTES = [
  'part',
  'vendor',
  'product',
  'version',
  'update',
  'edition',
  'language',
  'sw_edition',
  'target_sw',
  'target_hw',
  'other',
] as const;

/** The name of a CPE attribute. */
export type CpeAttribute = (typeof CPE_ATTRIBUTES)[number];

/** One attribute value: ANY (`*`), NA (`-`), or a text with optional wildcards at its ends. */
export type CpeValue =
  | { kind: 'any' }
  | { kind: 'na' }
  | { kind: 'value'; text: string; leading: number; trailing: number };

/** A parsed CPE 2.3 name. */
export type Cpe = Record<CpeAttribute, CpeValue>;

const ANY: CpeValue = { kind: 'any' };
const NA: CpeValue = { kind: 'na' };

function splitUnescaped(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === ':') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function printable(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 0x21 && code <= 0x7e;
}

/** Reads one formatted-string value (NISTIR 7695 §6.2.3), or null when it is malformed. */
function readValue(raw: string): CpeValue | null {
  if (raw === '*') return ANY;
  if (raw === '-') return NA;
  if (raw === '') return null;
  let text = '';
  let leading = 0;
  let trailing = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (!printable(c)) return null;
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === undefined || !printable(next)) return null;
      if (trailing !== 0) return null;
      text += next.toLowerCase();
      i++;
    } else if (c === '*') {
      if (i === 0) leading = -1;
      else if (i === raw.length - 1 && trailing === 0) trailing = -1;
      else return null;
    } else if (c === '?') {
      if (text === '' && leading >= 0) leading++;
      else if (trailing >= 0) trailing++;
      else return null;
    } else {
      if (trailing !== 0) return null;
      text += c.toLowerCase();
    }
  }
  if (text === '' && (leading < 0 || trailing !== 0)) return null;
  return { kind: 'value', text, leading, trailing };
}

/** Parses a CPE 2.3 formatted string (`cpe:2.3:part:vendor:…`), or null when malformed. */
export function parseCpe(text: string): Cpe | null {
  if (text.length > 2048 || !/^cpe:2\.3:/i.test(text)) return null;
  const parts = splitUnescaped(text.slice('cpe:2.3:'.length));
  if (parts.length !== CPE_ATTRIBUTES.length) return null;
  const cpe: Partial<Cpe> = {};
  for (const [i, name] of CPE_ATTRIBUTES.entries()) {
    const value = readValue(parts[i] as string);
    if (value === null) return null;
    cpe[name] = value;
  }
  const part = cpe.part as CpeValue;
  if (part.kind === 'na') return null;
  if (
    part.kind === 'value' &&
    (!['a', 'o', 'h'].includes(part.text) || part.leading !== 0 || part.trailing !== 0)
  ) {
    return null;
  }
  return cpe as Cpe;
}

function wild(count: number): string {
  return count < 0 ? '*' : '?'.repeat(count);
}

function formatValue(value: CpeValue): string {
  if (value.kind === 'any') return '*';
  if (value.kind === 'na') return '-';
  let body = '';
  for (const c of value.text) body += /[a-z0-9._-]/.test(c) ? c : `\\${c}`;
  if (body === '-' && value.leading === 0 && value.trailing === 0) body = '\\-';
  return wild(value.leading) + body + wild(value.trailing);
}

/** The canonical (lowercase, minimally escaped) formatted string of a CPE: a stable text key. */
export function formatCpe(cpe: Cpe): string {
  return `cpe:2.3:${CPE_ATTRIBUTES.map((name) => formatValue(cpe[name])).join(':')}`;
}

/** Relation of two attribute values (NISTIR 7696 Table 6-2). */
export type AttributeRelation = 'EQUAL' | 'SUPERSET' | 'SUBSET' | 'DISJOINT' | 'UNDEFINED';

function hasWildcards(value: CpeValue): boolean {
  return value.kind === 'value' && (value.leading !== 0 || value.trailing !== 0);
}

/** Whether a wildcard pattern covers a plain text: 7696's compareStrings, on logical text. */
function patternCovers(pattern: CpeValue & { kind: 'value' }, target: string): boolean {
  const { text, leading, trailing } = pattern;
  if (text === '') return target.length <= leading + Math.max(trailing, 0);
  for (let index = target.indexOf(text); index >= 0; index = target.indexOf(text, index + 1)) {
    if (leading >= 0 && index > leading) return false;
    const leftover = target.length - index - text.length;
    if (trailing < 0 || leftover <= trailing) return true;
  }
  return false;
}

/** Compares a source attribute value with a target one, as NISTIR 7696 §6.1 does. */
export function compareAttribute(source: CpeValue, target: CpeValue): AttributeRelation {
  if (hasWildcards(target)) return 'UNDEFINED';
  if (source.kind === 'any') return target.kind === 'any' ? 'EQUAL' : 'SUPERSET';
  if (target.kind === 'any') return 'SUBSET';
  if (source.kind === 'na' || target.kind === 'na') return source.kind === target.kind ? 'EQUAL' : 'DISJOINT';
  if (target.kind !== 'value' || source.kind !== 'value') return 'DISJOINT';
  if (!hasWildcards(source)) return source.text === target.text ? 'EQUAL' : 'DISJOINT';
  return patternCovers(source, target.text) ? 'SUPERSET' : 'DISJOINT';
}

/** Name-level relation (NISTIR 7696 §6.2); null when none of the four holds. */
export type NameRelation = 'EQUAL' | 'SUPERSET' | 'SUBSET' | 'DISJOINT' | null;

/** Compares two CPE names attribute by attribute, then as names (NISTIR 7696 §6.2). */
export function compareCpes(
  source: Cpe,
  target: Cpe,
): { relation: NameRelation; attributes: Record<CpeAttribute, AttributeRelation> } {
  const attributes = {} as Record<CpeAttribute, AttributeRelation>;
  for (const name of CPE_ATTRIBUTES) attributes[name] = compareAttribute(source[name], target[name]);
  const all = Object.values(attributes);
  let relation: NameRelation = null;
  if (all.includes('DISJOINT')) relation = 'DISJOINT';
  else if (all.every((r) => r === 'EQUAL')) relation = 'EQUAL';
  else if (all.every((r) => r === 'EQUAL' || r === 'SUBSET')) relation = 'SUBSET';
  else if (all.every((r) => r === 'EQUAL' || r === 'SUPERSET')) relation = 'SUPERSET';
  return { relation, attributes };
}

/** An advisory's CPE with optional version bounds, as in NVD configurations (cpeMatch). */
export interface CpeCriterion {
  criteria: string;
  versionStartIncluding?: string | null;
  versionStartExcluding?: string | null;
  versionEndIncluding?: string | null;
  versionEndExcluding?: string | null;
}

/** A CPE match: `exact` when every attribute of the component is named, `partial` otherwise. */
export interface CpeMatch {
  identity: 'exact' | 'partial';
  versionStatus: 'in_range' | 'out_of_range' | 'unknown';
}

function versionAgainst(
  criterion: CpeCriterion,
  advisory: CpeValue,
  component: CpeValue,
): CpeMatch['versionStatus'] {
  const bounds: Array<[string | null | undefined, (order: number) => boolean]> = [
    [criterion.versionStartIncluding, (o) => o >= 0],
    [criterion.versionStartExcluding, (o) => o > 0],
    [criterion.versionEndIncluding, (o) => o <= 0],
    [criterion.versionEndExcluding, (o) => o < 0],
  ];
  const present = bounds.filter(([bound]) => bound !== undefined && bound !== null && bound !== '');
  if (advisory.kind === 'any' && present.length === 0) return 'in_range';
  if (component.kind === 'any') return 'unknown';
  if (component.kind === 'na') {
    if (present.length > 0) return 'unknown';
    return compareAttribute(advisory, component) === 'DISJOINT' ? 'out_of_range' : 'in_range';
  }
  let relation = compareAttribute(advisory, component);
  if (relation === 'DISJOINT' && advisory.kind === 'value' && !hasWildcards(advisory)) {
    if (compareGeneric(advisory.text, component.text) === 0) relation = 'EQUAL';
  }
  if (relation === 'DISJOINT') return 'out_of_range';
  let unknown = false;
  for (const [bound, holds] of present) {
    const order = compareGeneric(component.text, bound as string);
    if (order === null) unknown = true;
    else if (!holds(order)) return 'out_of_range';
  }
  return unknown ? 'unknown' : 'in_range';
}

/**
 * Matches a component's CPE (the target, which must have no wildcards) against an
 * advisory's criterion (the source). Null when either does not parse, the component has
 * wildcards, any attribute but the version is DISJOINT, or part, vendor or product is not
 * named by the component (ANY there matches everything, which identifies nothing). An
 * attribute that the advisory names and the component leaves ANY makes the match
 * `partial`. The version is then checked: the advisory's version value (equal as text, or
 * under the generic ordering; or covered by its wildcards) and every version bound;
 * `unknown` when the component's version is ANY, or NA or unparsable against bounds.
 */
export function matchCpe(component: string, criterion: CpeCriterion): CpeMatch | null {
  const target = parseCpe(component);
  const source = parseCpe(criterion.criteria);
  if (target === null || source === null) return null;
  if (CPE_ATTRIBUTES.some((name) => hasWildcards(target[name]))) return null;
  let identity: CpeMatch['identity'] = 'exact';
  for (const name of CPE_ATTRIBUTES) {
    if (name === 'version') continue;
    const relation = compareAttribute(source[name], target[name]);
    if (relation === 'DISJOINT' || relation === 'UNDEFINED') return null;
    if (relation === 'SUBSET') {
      if (name === 'part' || name === 'vendor' || name === 'product') return null;
      identity = 'partial';
    }
  }
  if (target.vendor.kind !== 'value' || target.product.kind !== 'value') return null;
  return { identity, versionStatus: versionAgainst(criterion, source.version, target.version) };
}
