import { createHash } from 'node:crypto';
import { FileRefused, type ImportIssue, type ReadRow } from '../imports/framework.js';
import { DEFAULT_MAX_BYTES, decodeJson } from './csaf/decode.js';
import { readCsaf } from './csaf/read.js';
import { CsafRefused } from './csaf/refusal.js';
import { needsAudience, type TlpLabel } from './csaf/tlp.js';
import {
  type CsafAdvisory,
  type CsafProduct,
  type CsafVulnerability,
  PRODUCT_STATUS_CATEGORIES,
} from './csaf/types.js';
import { identityKeys } from './identity/keys.js';
import { purlIdentity } from './identity/purl.js';
import { exactVersions, rangeKeys, type VersionRange } from './identity/ranges.js';
import { parseTextRange } from './identity/text-ranges.js';
import { schemeFor } from './identity/vers.js';
import type { VersionScheme } from './identity/versions.js';
import './advisory-messages.js';

/**
 * The reader of the advisory import: one CSAF 2.0 document in, staged records out. A document is
 * small (20 MiB at most), so it is collected whole, read by csaf/read.ts, and turned into one
 * record per vulnerability, product and product status plus one for the document, with every key
 * the matching needs computed here (identity/). Row numbers are record numbers: 1 is the document.
 */

/** What each staged record is; the `kind` column of the staged rows. */
export type RecordKind = 'document' | 'vulnerability' | 'product' | 'status';

/** The import's options as the job holds them (import-advisory.ts parses them). */
export interface AdvisoryImportOptions {
  tlp: TlpLabel;
  audience: string[];
}

/** Collects the upload, refusing it once it grows past `maxBytes` (it is drained, not kept). */
export async function collectBytes(bytes: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    size += chunk.length;
    if (size <= maxBytes) kept.push(chunk);
  }
  if (size > maxBytes) {
    throw new CsafRefused('advisories.csaf_too_large', {
      size,
      limit: `${Math.round(maxBytes / (1024 * 1024))} MiB`,
    });
  }
  return Buffer.concat(kept, size);
}

/** A CsafRefused as the framework's issues: its message, then each issue with its document path. */
export function refusalIssues(error: CsafRefused): ImportIssue[] {
  const issues: ImportIssue[] = [{ row: null, column: null, code: error.code, params: error.params }];
  for (const issue of error.issues) {
    issues.push({
      row: null,
      column: issue.instancePath || '/',
      code: issue.code,
      params: issue.params,
    });
  }
  return issues;
}

/** The highest CVSS base score of a vulnerability (v3 before v2) and its vector. */
function cvssOf(v: CsafVulnerability): { score: number; vector: string } | null {
  let best: { score: number; vector: string } | null = null;
  for (const version of ['cvssV3', 'cvssV2'] as const) {
    for (const s of v.scores) {
      const cvss = s[version];
      if (cvss && (best === null || cvss.baseScore > best.score)) {
        best = { score: cvss.baseScore, vector: cvss.vector };
      }
    }
    if (best) return best;
  }
  return null;
}

/** Ids an alias may be (vulnerability_aliases: 3–100 characters, no surrounding space). */
export const aliasable = (id: string) => id.length >= 3 && id.length <= 100 && id === id.trim();

/** The id an advisory names a vulnerability by: its CVE, else the first of its own ids. */
function refOf(v: CsafVulnerability): string | null {
  if (v.cve) return v.cve;
  return v.ids.map((i) => i.text).find(aliasable) ?? null;
}

const clip = (text: string | null | undefined, max: number): string | null =>
  text === null || text === undefined ? null : text.slice(0, max);

/** How a product's versions were read, and the range with its interval keys. */
interface ProductRange {
  versionText: string | null;
  state: 'all' | 'parsed' | 'unparsed' | 'none';
  scheme: VersionScheme | null;
  range: VersionRange | null;
  intervals: ReturnType<typeof rangeKeys>;
}

/**
 * A read range as stored: `all`, or `parsed` with its interval keys. A range that sortable keys
 * cannot express (excluded versions, a bound that does not read under its scheme) is `unparsed`
 * for the SQL matching, which then reports the version unknown, never out of range; its `range`
 * is kept for code that checks it with identity/ranges.ts.
 */
function storedRange(versionText: string | null, range: VersionRange, scheme: VersionScheme): ProductRange {
  if (range.all) return { versionText, state: 'all', scheme, range, intervals: rangeKeys(range, scheme) };
  const intervals = rangeKeys(range, scheme);
  return { versionText, state: intervals === null ? 'unparsed' : 'parsed', scheme, range, intervals };
}

/**
 * The version text of a product is its innermost `product_version_range` or `product_version`
 * branch, read by identity/text-ranges.ts (vers or free text). Without one, the version of its
 * package URL is an exact version under the purl type's scheme. Otherwise it has none.
 */
export function productRange(p: CsafProduct): ProductRange {
  const versionText = p.branch.product_version_range ?? p.branch.product_version ?? null;
  if (versionText !== null) {
    const read = parseTextRange(versionText);
    if (read.kind === 'unparsed') {
      return { versionText, state: 'unparsed', scheme: null, range: null, intervals: null };
    }
    return storedRange(versionText, read.range, read.scheme);
  }
  const purl = p.identification.purl ? purlIdentity(p.identification.purl) : null;
  if (purl?.version) return storedRange(null, exactVersions(purl.version), schemeFor(purl.type));
  return { versionText: null, state: 'none', scheme: null, range: null, intervals: null };
}

/** The product record: names, identifiers and the identity keys the matching reads. */
function productRecord(p: CsafProduct): Record<string, unknown> {
  const vendor = p.branch.vendor ?? null;
  const product = p.branch.product_name ?? p.branch.product_family ?? null;
  const purl = p.identification.purl;
  const range = productRange(p);
  // The same keys as the product-identity index of the inventories (identity/keys.ts).
  const keys = identityKeys({ vendor, product, purl });
  return {
    kind: 'product',
    product_id: p.id,
    name: p.name,
    vendor: clip(vendor, 500),
    product: clip(product, 1000),
    version_text: clip(range.versionText, 1000),
    model_numbers: p.identification.modelNumbers,
    cpe: clip(p.identification.cpe, 2000),
    purl: clip(purl, 2000),
    vendor_key: keys.vendorKey,
    product_key: keys.productKey,
    purl_key: keys.purlKey,
    range_state: range.state,
    range_scheme: range.scheme,
    range: range.range,
    intervals: range.intervals ?? [],
  };
}

/** The document record: the advisory's own columns, the document itself and its digest. */
function documentRecord(
  a: CsafAdvisory,
  document: Record<string, unknown>,
  sha256: string,
  cvssMax: number | null,
): Record<string, unknown> {
  return {
    kind: 'document',
    publisher_namespace: a.publisher.namespace,
    tracking_id: a.trackingId,
    version: a.version,
    status: a.status,
    category: a.category,
    title: a.title,
    publisher_name: a.publisher.name,
    tlp: a.tlp.label,
    tlp_original: a.tlp.documentLabel,
    initial_release: a.initialReleaseDate,
    current_release: a.currentReleaseDate,
    summary: clip(a.summary, 100_000),
    cvss_max: cvssMax,
    document,
    sha256,
  };
}

/** A readable summary of an advisory for the import's `extra` (shown with the summary). */
export interface ReadAdvisory {
  advisory: CsafAdvisory;
  records: Array<Record<string, unknown>>;
  products: number;
  vulnerabilities: number;
}

/**
 * Reads one CSAF document into staged records. Refuses (CsafRefused or FileRefused) what cannot
 * be taken in: anything csaf/read.ts refuses, a label above GREEN without an audience, and a
 * "\u0000" escape (valid JSON that PostgreSQL's jsonb cannot hold).
 */
export function readAdvisory(bytes: Buffer, options: AdvisoryImportOptions): ReadAdvisory {
  const advisory = readCsaf(bytes, { defaultTlp: options.tlp, maxBytes: DEFAULT_MAX_BYTES });
  if (needsAudience(advisory.tlp.label) && options.audience.length === 0) {
    throw new FileRefused([
      {
        row: null,
        column: 'audience',
        code: 'advisories.audience_required',
        params: { tlp: advisory.tlp.label },
      },
    ]);
  }
  const document = decodeJson(bytes, DEFAULT_MAX_BYTES);
  if (JSON.stringify(document).includes('\\u0000')) {
    throw new FileRefused([{ row: null, column: null, code: 'advisories.csaf_nul_escape' }]);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  // One record per vulnerability that has an id to go by; a second one with the same id (CSAF
  // asks for one per CVE) adds its statuses to the first.
  const vulnerabilities: Array<Record<string, unknown>> = [];
  const statuses = new Map<string, Record<string, unknown>>();
  const refs = new Map<string, string>();
  let cvssMax: number | null = null;
  advisory.vulnerabilities.forEach((v, n) => {
    const ref = refOf(v);
    if (ref === null) return;
    const key = ref.toUpperCase();
    const cvss = cvssOf(v);
    if (cvss && (cvssMax === null || cvss.score > cvssMax)) cvssMax = cvss.score;
    if (!refs.has(key)) {
      refs.set(key, ref);
      vulnerabilities.push({
        kind: 'vulnerability',
        n,
        ref,
        cve: v.cve,
        title: clip(v.title, 1000),
        cvss_score: cvss?.score ?? null,
        cvss_vector: clip(cvss?.vector, 200),
        ids: v.ids.map((i) => i.text).filter(aliasable),
      });
    }
    const stored = refs.get(key) as string;
    for (const status of PRODUCT_STATUS_CATEGORIES) {
      for (const productId of v.productStatus[status]) {
        statuses.set(`${key}\u0000${productId}\u0000${status}`, {
          kind: 'status',
          ref: stored,
          product_id: productId,
          status,
        });
      }
    }
  });
  const products = advisory.products.map(productRecord);
  const records = [
    documentRecord(advisory, document, sha256, cvssMax),
    ...vulnerabilities,
    ...products,
    ...statuses.values(),
  ];
  return { advisory, records, products: products.length, vulnerabilities: vulnerabilities.length };
}

/** The reader's records as the framework's rows (no keys; row 1 is the document). */
export async function* advisoryRows(
  bytes: AsyncIterable<Buffer>,
  options: AdvisoryImportOptions,
  seen: (read: ReadAdvisory) => void,
): AsyncGenerator<ReadRow> {
  let read: ReadAdvisory;
  try {
    read = readAdvisory(await collectBytes(bytes, DEFAULT_MAX_BYTES), options);
  } catch (error) {
    if (error instanceof CsafRefused) throw new FileRefused(refusalIssues(error));
    throw error;
  }
  seen(read);
  let row = 0;
  for (const data of read.records) yield { row: ++row, key: null, data, issues: [] };
}
