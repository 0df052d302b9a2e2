import { parseCpe } from './cpe.js';
import { modelKey } from './models.js';
import { canonicalVendorKey, productKey, vendorKey } from './names.js';
import { purlIdentity } from './purl.js';
import { genericKey, semverKey } from './versions.js';

/**
 * The match keys of one product identity, as the sector-wide product-identity index and the
 * advisories' products store them (migrations 0021, 0022), so that matching is equality and
 * range comparisons in SQL. Both sides are keyed by this one function.
 */
export interface IdentityKeys {
  /** Vendor name key, spelling variants folded to the canonical vendor (names.ts). */
  vendorKey: string | null;
  /** Product name key without a leading vendor name. */
  productKey: string | null;
  modelKey: string | null;
  /** `pkg:type/namespace/name` (purl.ts), the version apart. */
  purlKey: string | null;
  /** The CPE's vendor and product attributes (lower case), when it parses and names them. */
  cpeVendor: string | null;
  cpeProduct: string | null;
  /** Sortable version keys (versions.ts) under each ordering; null when the version does not read. */
  versionGeneric: string | null;
  versionSemver: string | null;
}

export interface IdentityInput {
  vendor?: string | null;
  product?: string | null;
  modelNumber?: string | null;
  version?: string | null;
  cpe?: string | null;
  purl?: string | null;
}

const nonEmpty = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

/** The CPE attribute as a plain value: null for ANY, NA or a value with wildcards. */
function cpeValue(cpe: ReturnType<typeof parseCpe>, name: 'vendor' | 'product' | 'version'): string | null {
  const value = cpe?.[name];
  if (value?.kind !== 'value' || value.leading !== 0 || value.trailing !== 0) return null;
  return value.text;
}

/**
 * The keys of an identity. The version is the item's own, else the package URL's, else the
 * CPE's version attribute.
 */
export function identityKeys(input: IdentityInput): IdentityKeys {
  const vendor = nonEmpty(input.vendor);
  const product = nonEmpty(input.product);
  const model = nonEmpty(input.modelNumber);
  const cpeText = nonEmpty(input.cpe);
  const purlText = nonEmpty(input.purl);
  const cpe = cpeText ? parseCpe(cpeText) : null;
  const purl = purlText ? purlIdentity(purlText) : null;
  const version = nonEmpty(input.version) ?? purl?.version ?? cpeValue(cpe, 'version');
  const vKey = vendor ? canonicalVendorKey(vendorKey(vendor)) : '';
  const pKey = product ? productKey(product, vendor) : '';
  const mKey = model ? modelKey(model) : '';
  return {
    vendorKey: vKey === '' ? null : vKey,
    productKey: pKey === '' ? null : pKey,
    modelKey: mKey === '' ? null : mKey,
    purlKey: purl?.key ?? null,
    cpeVendor: cpeValue(cpe, 'vendor'),
    cpeProduct: cpeValue(cpe, 'product'),
    versionGeneric: version ? genericKey(version) : null,
    versionSemver: version ? semverKey(version) : null,
  };
}
