import type { AdvisoryTlp } from './tlp.js';

/**
 * A CSAF 2.0 document as Værn keeps it: the document's metadata, its product tree flattened to one
 * entry per product id, and its vulnerabilities with every product reference resolved to product
 * ids (groups expanded). Dates are the document's ISO 8601 strings; text is as given. Absent
 * optional values are null (scalars) or [] (lists).
 */
export interface CsafAdvisory {
  /** `document.tracking.id`; with the publisher's namespace it identifies the advisory. */
  trackingId: string;
  /** `document.tracking.version`: an integer ("3") or semantic version ("1.0.0") string. */
  version: string;
  status: 'draft' | 'final' | 'interim';
  revisionHistory: CsafRevision[];
  initialReleaseDate: string;
  currentReleaseDate: string;
  /** `document.tracking.aliases`: other ids of the same advisory. */
  aliases: string[];
  title: string;
  /** `document.category`: csaf_base, csaf_security_advisory, csaf_vex, … or a publisher's own. */
  category: string;
  publisher: CsafPublisher;
  lang: string | null;
  sourceLang: string | null;
  tlp: AdvisoryTlp;
  /** `document.distribution.text`, or null. */
  distributionText: string | null;
  aggregateSeverity: { text: string; namespace: string | null } | null;
  /** The text of the document notes of category `summary`, joined by a blank line; or null. */
  summary: string | null;
  notes: CsafNote[];
  references: CsafReference[];
  products: CsafProduct[];
  productGroups: CsafProductGroup[];
  vulnerabilities: CsafVulnerability[];
}

export interface CsafRevision {
  number: string;
  date: string;
  summary: string;
  legacyVersion: string | null;
}

export interface CsafPublisher {
  name: string;
  /** coordinator, discoverer, other, translator, user, vendor. */
  category: string;
  /** A URL of the publisher's, e.g. https://www.cisa.gov. */
  namespace: string;
  contactDetails: string | null;
  issuingAuthority: string | null;
}

export interface CsafNote {
  /** description, details, faq, general, legal_disclaimer, other, summary. */
  category: string;
  text: string;
  title: string | null;
  audience: string | null;
}

export interface CsafReference {
  /** external or self. */
  category: string;
  summary: string;
  url: string;
}

/** The categories a product-tree branch can have. */
export const BRANCH_CATEGORIES = [
  'architecture',
  'host_name',
  'language',
  'legacy',
  'patch_level',
  'product_family',
  'product_name',
  'product_version',
  'product_version_range',
  'service_pack',
  'specification',
  'vendor',
] as const;
export type BranchCategory = (typeof BRANCH_CATEGORIES)[number];

export interface BranchStep {
  category: BranchCategory;
  name: string;
}

/** One product id of the document, wherever it was defined. */
export interface CsafProduct {
  id: string;
  /** The product's full name as the document gives it. */
  name: string;
  /** Where it was defined: a leaf of `branches`, `full_product_names`, or a relationship. */
  origin: 'branch' | 'full_product_name' | 'relationship';
  /** The branches from the root down to the product ([] unless origin is branch). */
  path: BranchStep[];
  /**
   * The innermost branch name of each category on the path, e.g. `{ vendor: 'Philips',
   * product_name: 'IntelliVue', product_version_range: '<=B.06' }`. (A category repeated on the
   * path, such as nested product families, keeps every name in `path`.)
   */
  branch: Partial<Record<BranchCategory, string>>;
  identification: ProductIdentification;
  /** For origin relationship: how the product is built from two others; else null. */
  relationship: CsafRelationship | null;
}

/** `product_identification_helper`, every member present ([] or null when absent). */
export interface ProductIdentification {
  cpe: string | null;
  purl: string | null;
  modelNumbers: string[];
  skus: string[];
  serialNumbers: string[];
  sbomUrls: string[];
  hashes: { filename: string; fileHashes: { algorithm: string; value: string }[] }[];
  genericUris: { namespace: string; uri: string }[];
}

export interface CsafRelationship {
  /** default_component_of, external_component_of, installed_on, installed_with, optional_component_of. */
  category: string;
  /** The product that is part of, installed on, … */
  productId: string;
  /** … this product. */
  relatesToProductId: string;
}

export interface CsafProductGroup {
  id: string;
  summary: string | null;
  productIds: string[];
}

/** The categories of `product_status`, each a list of product ids. */
export const PRODUCT_STATUS_CATEGORIES = [
  'first_affected',
  'first_fixed',
  'fixed',
  'known_affected',
  'known_not_affected',
  'last_affected',
  'recommended',
  'under_investigation',
] as const;
export type ProductStatusCategory = (typeof PRODUCT_STATUS_CATEGORIES)[number];

export interface CsafVulnerability {
  cve: string | null;
  /** `ids`: the vendor's or tracker's own ids (system name and id text). */
  ids: { systemName: string; text: string }[];
  cwe: { id: string; name: string } | null;
  title: string | null;
  discoveryDate: string | null;
  releaseDate: string | null;
  notes: CsafNote[];
  references: CsafReference[];
  scores: CsafScore[];
  /** Every category present, [] when the document lists none; ids unique, in document order. */
  productStatus: Record<ProductStatusCategory, string[]>;
  remediations: CsafRemediation[];
  threats: CsafThreat[];
  flags: CsafFlag[];
}

export interface CsafScore {
  productIds: string[];
  cvssV2: { version: string; vector: string; baseScore: number } | null;
  cvssV3: { version: string; vector: string; baseScore: number; baseSeverity: string } | null;
}

export interface CsafRemediation {
  /** mitigation, no_fix_planned, none_available, vendor_fix, workaround. */
  category: string;
  details: string;
  url: string | null;
  date: string | null;
  entitlements: string[];
  /** `restart_required.category`, or null. */
  restartRequired: string | null;
  /** Its `product_ids` and the members of its `group_ids`, unique, in that order. */
  productIds: string[];
  groupIds: string[];
}

export interface CsafThreat {
  /** exploit_status, impact, target_set. */
  category: string;
  details: string;
  date: string | null;
  productIds: string[];
  groupIds: string[];
}

export interface CsafFlag {
  /** component_not_present, vulnerable_code_not_present, … (VEX justifications). */
  label: string;
  date: string | null;
  productIds: string[];
  groupIds: string[];
}
