import { type CpeCriterion, matchCpe, parseCpe } from './cpe.js';
import { modelMatches } from './models.js';
import { compareProducts, compareVendors, type NameMatch } from './names.js';
import { matchPurl, purlIdentity } from './purl.js';
import { contains, type VersionRange } from './ranges.js';
import { parseTextRange } from './text-ranges.js';
import type { VersionScheme } from './versions.js';

/**
 * One advisory product against one inventory item (a component or a device system), with
 * whatever identity each side has. The rules, tried in this order:
 *
 * 1. purl — both sides have a package URL that parses: the identities (type, namespace,
 *    name) must agree, or there is no match at all; the version is checked as purl.ts does.
 *    Confidence `certain` when the version is decided (in or out of range), else `likely`.
 * 2. cpe — both sides have a CPE that parses: matchCpe decides, and no match is final.
 *    `certain` for an exact identity with a decided version; `likely` for an exact identity
 *    with an unknown version or a partial one with a decided version; else `possible`.
 * 3. model — the vendors match (names.ts) and the advisory's model numbers are compared with
 *    the item's: one covering it gives basis `model`; none covering it means the item is not
 *    one of the listed models, and there is no match. `likely` when the vendor matched
 *    exactly or by alias and the version is decided, else `possible`.
 * 4. name — vendors and products match (names.ts): `likely` when both matched exactly or by
 *    alias and the version is decided, else `possible` (a fuzzy name, an unparsed range, an
 *    item without version).
 *
 * Versions for 3 and 4 come from the advisory's parsed range or, failing that, its version
 * text (text-ranges.ts); no range, an unparsed text, or an item without a version is
 * `unknown`, except that a range of all versions is `in_range` whatever the item runs.
 * Matches that are not `certain` are the ones for a person to review.
 */

/** What an advisory says about one product; every field is optional. */
export interface AdvisoryProduct {
  vendor?: string | null;
  product?: string | null;
  modelNumbers?: string[] | null;
  /** Free-text or vers version range, e.g. a CSAF product_version_range. */
  versionText?: string | null;
  /** An already parsed range; it wins over versionText. */
  range?: { range: VersionRange; scheme: VersionScheme } | null;
  cpe?: CpeCriterion | null;
  purl?: string | null;
  /** A vers range for the purl. */
  vers?: string | null;
}

/** What the inventory knows about one component or device system. */
export interface InventoryItem {
  vendor?: string | null;
  product?: string | null;
  modelNumber?: string | null;
  version?: string | null;
  cpe?: string | null;
  purl?: string | null;
}

/** Why and how surely an inventory item is the advisory's product. */
export interface ProductMatch {
  basis: 'cpe' | 'purl' | 'model' | 'name';
  confidence: 'certain' | 'likely' | 'possible';
  versionStatus: 'in_range' | 'out_of_range' | 'unknown';
}

type VersionStatus = ProductMatch['versionStatus'];

function versionStatus(advisory: AdvisoryProduct, item: InventoryItem): VersionStatus {
  let parsed = advisory.range ?? null;
  if (parsed === null && advisory.versionText) {
    const text = parseTextRange(advisory.versionText);
    if (text.kind === 'parsed') parsed = { range: text.range, scheme: text.scheme };
  }
  if (parsed === null) return 'unknown';
  if (parsed.range.all) return 'in_range';
  if (!item.version) return 'unknown';
  const status = contains(parsed.range, item.version, parsed.scheme);
  return status === 'in' ? 'in_range' : status === 'out' ? 'out_of_range' : 'unknown';
}

function sure(match: NameMatch): boolean {
  return match.confidence === 'certain';
}

/** Matches an advisory product against an inventory item by the rules above; null if not. */
export function matchProduct(advisory: AdvisoryProduct, item: InventoryItem): ProductMatch | null {
  if (advisory.purl && item.purl && purlIdentity(advisory.purl) && purlIdentity(item.purl)) {
    const match = matchPurl(item.purl, { purl: advisory.purl, vers: advisory.vers ?? null });
    if (match === null) return null;
    const decided = match.versionStatus !== 'unknown';
    return { basis: 'purl', confidence: decided ? 'certain' : 'likely', versionStatus: match.versionStatus };
  }
  if (advisory.cpe && item.cpe && parseCpe(advisory.cpe.criteria) && parseCpe(item.cpe)) {
    const match = matchCpe(item.cpe, advisory.cpe);
    if (match === null) return null;
    const strength = (match.identity === 'exact' ? 1 : 0) + (match.versionStatus !== 'unknown' ? 1 : 0);
    const confidence = strength === 2 ? 'certain' : strength === 1 ? 'likely' : 'possible';
    return { basis: 'cpe', confidence, versionStatus: match.versionStatus };
  }
  if (!advisory.vendor || !item.vendor) return null;
  const vendor = compareVendors(advisory.vendor, item.vendor);
  if (vendor === null) return null;
  const status = versionStatus(advisory, item);
  const decided = status !== 'unknown';
  const models = (advisory.modelNumbers ?? []).filter((model) => model.trim() !== '');
  if (models.length > 0 && item.modelNumber) {
    if (!models.some((model) => modelMatches(model, item.modelNumber as string))) return null;
    return {
      basis: 'model',
      confidence: sure(vendor) && decided ? 'likely' : 'possible',
      versionStatus: status,
    };
  }
  if (!advisory.product || !item.product) return null;
  const product = compareProducts(
    { product: advisory.product, vendor: advisory.vendor },
    { product: item.product, vendor: item.vendor },
  );
  if (product === null) return null;
  const confidence = sure(vendor) && sure(product) && decided ? 'likely' : 'possible';
  return { basis: 'name', confidence, versionStatus: status };
}
