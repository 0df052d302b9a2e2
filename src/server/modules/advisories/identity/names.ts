/**
 * Vendor and product names to match keys, and a comparison of two names that says how sure
 * it is. Keys are plain text for an index column: `vendorKey("Natus Medical, Inc.")` is
 * `natus medical`, `productKey("BD Pyxis MedStation ES", "BD")` is `pyxis medstation es`.
 *
 * Folding (both kinds): Unicode NFKD with combining marks removed (ä → a, é → e), a few
 * letters that do not decompose spelled out (ø → o, æ → ae, œ → oe, ß → ss, ð/đ → d,
 * ł → l, þ → th, ı → i), lowercase, `&` read as "and", every other character that is not a
 * letter or digit a space, runs of spaces one space. Vendor names further lose a trailing
 * part in parentheses (kept apart as a short name: "General Electric (GE)" → `ge`), legal
 * suffixes at the end (see LEGAL_SUFFIXES; repeatedly, never the last word), a dangling
 * "and" and a leading "the".
 */

const SPELLED: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ð: 'd',
  đ: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

/** Folds a name to lowercase ASCII-ish words separated by single spaces (rules above). */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øæœßðđłþı]/g, (c) => SPELLED[c] ?? c)
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Legal-form suffixes, as folded word sequences ("S.A." folds to `s a`, "A/S" to `a s`):
 * Inc., Incorporated, Corp., Corporation, Co., Company, Ltd, Limited, LLC, L.L.C., GmbH,
 * AG, KG, A/S, AS, ApS, S.A., N.V., B.V., plc, SE, AB, Oy, S.p.A., S.r.l., Pty, K.K.
 */
export const LEGAL_SUFFIXES: readonly string[][] = [
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'l l c',
  'gmbh',
  'ag',
  'kg',
  'a s',
  'as',
  'aps',
  'sa',
  's a',
  'nv',
  'n v',
  'bv',
  'b v',
  'plc',
  'se',
  'ab',
  'oy',
  'spa',
  's p a',
  'srl',
  's r l',
  'pty',
  'kk',
  'k k',
].map((suffix) => suffix.split(' '));

function stripSuffixes(words: string[]): string[] {
  const result = [...words];
  let changed = true;
  while (changed) {
    changed = false;
    if (result.length > 1 && result[result.length - 1] === 'and') {
      result.pop();
      changed = true;
    }
    for (const suffix of LEGAL_SUFFIXES) {
      if (result.length <= suffix.length) continue;
      if (suffix.every((word, i) => result[result.length - suffix.length + i] === word)) {
        result.splice(result.length - suffix.length);
        changed = true;
        break;
      }
    }
  }
  if (result.length > 1 && result[0] === 'the') result.shift();
  return result;
}

function splitShortName(name: string): { main: string; short: string | null } {
  const match = /^(.*\S)\s*\(([^()]+)\)\s*$/.exec(name.trim());
  return match ? { main: match[1] as string, short: match[2] as string } : { main: name, short: null };
}

/** The match key of a vendor name (folding, short name dropped, legal suffixes removed). */
export function vendorKey(name: string): string {
  return stripSuffixes(foldName(splitShortName(name).main).split(' ')).join(' ');
}

/** The vendor's keys: its own, and that of a short name in trailing parentheses. */
export function vendorKeys(name: string): string[] {
  const { short } = splitShortName(name);
  const keys = [vendorKey(name)];
  if (short !== null) keys.push(vendorKey(short));
  return keys.filter((key, i) => key !== '' && keys.indexOf(key) === i);
}

/**
 * Spelling variants and short names of vendors, each seen in the medical-device corpus:
 * "Philips" and "Phillips" (icsma-18-025-01, -18-058-02); "Becton, Dickinson and Company
 * (BD)" with products named "BD …"; "GE Healthcare" and "General Electric (GE)"; "B. Braun"
 * and "B. Braun Medical"; "Natus Medical, Inc. (Natus)"; "Dräger", also written "Draeger".
 * The first name of each entry gives the canonical key.
 */
export const VENDOR_ALIASES: readonly string[][] = [
  ['Philips', 'Phillips'],
  ['BD', 'Becton, Dickinson and Company', 'Becton Dickinson'],
  ['GE Healthcare', 'GE', 'General Electric'],
  ['B. Braun', 'B. Braun Medical'],
  ['Natus', 'Natus Medical'],
  ['Dräger', 'Draeger'],
];

const CANONICAL = new Map<string, string>();
for (const names of VENDOR_ALIASES) {
  const canonical = vendorKey(names[0] as string);
  for (const name of names) CANONICAL.set(vendorKey(name), canonical);
}

/** The canonical key of a vendor key: its alias entry's first name, or the key itself. */
export function canonicalVendorKey(key: string): string {
  return CANONICAL.get(key) ?? key;
}

/** The keys a vendor may be written with: its own keys and those of its alias entry. */
function vendorPrefixes(vendor: string): string[] {
  const keys = vendorKeys(vendor);
  const canonical = new Set(keys.map(canonicalVendorKey));
  for (const [alias, target] of CANONICAL) if (canonical.has(target)) keys.push(alias);
  return [...new Set(keys)].sort((a, b) => b.length - a.length);
}

/** The match key of a product name; a leading vendor name (or alias) is dropped. */
export function productKey(product: string, vendor?: string | null): string {
  const key = foldName(product);
  if (!vendor) return key;
  for (const prefix of vendorPrefixes(vendor)) {
    if (key.startsWith(`${prefix} `)) return key.slice(prefix.length + 1);
  }
  return key;
}

/** How two names matched; fuzzy matches are for people to review. */
export interface NameMatch {
  basis: 'exact' | 'alias' | 'fuzzy';
  score: number;
  confidence: 'certain' | 'likely' | 'possible';
  review: boolean;
}

/** Fuzzy scores from here up are `likely`. */
export const FUZZY_LIKELY = 0.8;
/** Fuzzy scores from here up are `possible`; below, names do not match. */
export const FUZZY_POSSIBLE = 0.6;

function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) < 4 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Token-set similarity of two keys: the Dice coefficient 2·m / (|A| + |B|) over their sets
 * of words, where m pairs words of A with distinct words of B that are equal, or, when both
 * have at least four letters, one edit apart (one letter inserted, removed or changed:
 * "philips"/"phillips"). 1 for the same words, 0 for none in common.
 */
export function tokenSimilarity(a: string, b: string): number {
  const left = [...new Set(a.split(' ').filter(Boolean))];
  const right = [...new Set(b.split(' ').filter(Boolean))];
  if (left.length === 0 || right.length === 0) return 0;
  const used = new Set<number>();
  let matched = 0;
  for (const word of left) {
    let index = right.findIndex((other, i) => !used.has(i) && other === word);
    if (index < 0) index = right.findIndex((other, i) => !used.has(i) && withinOneEdit(word, other));
    if (index >= 0) {
      used.add(index);
      matched++;
    }
  }
  return (2 * matched) / (left.length + right.length);
}

function fuzzy(score: number): NameMatch | null {
  if (score < FUZZY_POSSIBLE) return null;
  return { basis: 'fuzzy', score, confidence: score >= FUZZY_LIKELY ? 'likely' : 'possible', review: true };
}

function sameKey(a: string, b: string): boolean {
  return a !== '' && (a === b || a.replace(/ /g, '') === b.replace(/ /g, ''));
}

const EXACT: NameMatch = { basis: 'exact', score: 1, confidence: 'certain', review: false };
const ALIAS: NameMatch = { basis: 'alias', score: 1, confidence: 'certain', review: false };

/**
 * Compares two vendor names: `exact` when the keys are equal (also with spaces removed),
 * `alias` when any of their keys (short names included) share a canonical key, else
 * `fuzzy` by tokenSimilarity of the keys at or above FUZZY_POSSIBLE; null below.
 */
export function compareVendors(a: string, b: string): NameMatch | null {
  const left = vendorKeys(a);
  const right = vendorKeys(b);
  if (left.length === 0 || right.length === 0) return null;
  if (sameKey(left[0] as string, right[0] as string)) return EXACT;
  const canonical = new Set(left.map(canonicalVendorKey));
  if (right.some((key) => canonical.has(canonicalVendorKey(key)))) return ALIAS;
  return fuzzy(tokenSimilarity(left[0] as string, right[0] as string));
}

/**
 * Compares two product names, each first stripped of its own vendor's name: `exact` when
 * the keys are equal (also with spaces removed), else `fuzzy` as for vendors.
 */
export function compareProducts(
  a: { product: string; vendor?: string | null },
  b: { product: string; vendor?: string | null },
): NameMatch | null {
  const left = productKey(a.product, a.vendor);
  const right = productKey(b.product, b.vendor);
  if (left === '' || right === '') return null;
  if (sameKey(left, right)) return EXACT;
  return fuzzy(tokenSimilarity(left, right));
}
