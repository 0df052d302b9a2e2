import { parseCpe } from './identity/cpe.js';
import { purlIdentity } from './identity/purl.js';
import { parseTextRange } from './identity/text-ranges.js';
import type {
  ManualAdvisoryInput,
  ManualProduct,
  ManualVulnerability,
  SavedManualInput,
} from './manual-schemas.js';

/**
 * Advisories written by hand (docs/advisories.md, "Written by hand"). The sector coordinator's
 * form is turned into a CSAF 2.0 document, which then goes through the very path an imported
 * document takes (schema, reader, staged records, switch, hooks): so its CVE and vendor ids join
 * the vulnerabilities and aliases, and its products get the identity keys and ranges, exactly as
 * an import's do. This file builds that document, reads the form back out of it (for editing),
 * and checks what the schema cannot say clearly to a person.
 */

/**
 * The publisher namespace of a sector unit's own advisories. A URN (CSAF asks for a URI) built on
 * the organisation's id, so that it survives a new slug or public address; the import reserves
 * the prefix to the form of the one unit it names.
 */
export const MANUAL_NAMESPACE_PREFIX = 'urn:vaern:manual:';
export const manualNamespace = (orgId: string) => `${MANUAL_NAMESPACE_PREFIX}${orgId}`;

/** One problem with the form: where (a path into the body) and a message key with parameters. */
export interface ManualIssue {
  path: string;
  code: string;
  params?: Record<string, string | number>;
}

const CVE = /^CVE-[0-9]{4}-[0-9]{4,}$/;
const CVSS3 =
  /^CVSS:3\.[01]\/AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[HLN]\/I:[HLN]\/A:[HLN](\/[A-Za-z]{1,3}:[A-Za-z]{1,2})*$/;

/** What a person gets wrong that the body's schema does not catch; [] when the form is fine. */
export function checkManualInput(input: ManualAdvisoryInput): ManualIssue[] {
  const issues: ManualIssue[] = [];
  if (input.tlp !== 'CLEAR' && input.tlp !== 'GREEN' && input.audience.length === 0) {
    issues.push({
      path: 'audience',
      code: 'advisories.manual_audience_required',
      params: { tlp: input.tlp },
    });
  }
  const seen = new Set<string>();
  input.vulnerabilities.forEach((v, i) => {
    const at = `vulnerabilities.${i}`;
    if (v.cve && !CVE.test(v.cve))
      issues.push({ path: `${at}.cve`, code: 'advisories.manual_cve_invalid', params: { cve: v.cve } });
    if (!v.cve && v.ids.length === 0)
      issues.push({ path: at, code: 'advisories.manual_vulnerability_unnamed' });
    const ref = (v.cve ?? v.ids[0] ?? '').toUpperCase();
    if (ref && seen.has(ref))
      issues.push({ path: at, code: 'advisories.manual_vulnerability_twice', params: { ref } });
    seen.add(ref);
    if (v.cvss_vector !== undefined || v.cvss_score !== undefined) {
      if (v.cvss_vector === undefined || v.cvss_score === undefined) {
        issues.push({ path: `${at}.cvss_vector`, code: 'advisories.manual_cvss_incomplete' });
      } else if (!CVSS3.test(v.cvss_vector)) {
        issues.push({
          path: `${at}.cvss_vector`,
          code: 'advisories.manual_cvss_invalid',
          params: { vector: v.cvss_vector },
        });
      }
    }
  });
  input.products.forEach((p, i) => {
    const at = `products.${i}`;
    const named = Boolean(p.vendor && p.product);
    if (!named && !p.cpe && !p.purl) issues.push({ path: at, code: 'advisories.manual_product_unnamed' });
    if (!named && (p.versions || p.model_numbers.length > 0)) {
      issues.push({ path: `${at}.vendor`, code: 'advisories.manual_versions_need_name' });
    }
    if (p.cpe && parseCpe(p.cpe) === null)
      issues.push({ path: `${at}.cpe`, code: 'advisories.manual_cpe_invalid', params: { cpe: p.cpe } });
    if (p.purl && purlIdentity(p.purl) === null)
      issues.push({ path: `${at}.purl`, code: 'advisories.manual_purl_invalid', params: { purl: p.purl } });
    if (p.versions && parseTextRange(p.versions).kind === 'unparsed') {
      issues.push({
        path: `${at}.versions`,
        code: 'advisories.manual_versions_unread',
        params: { versions: p.versions },
      });
    }
  });
  return issues;
}

const severityOf = (score: number) =>
  score === 0 ? 'NONE' : score < 4 ? 'LOW' : score < 7 ? 'MEDIUM' : score < 9 ? 'HIGH' : 'CRITICAL';

const productId = (i: number) => `P${i + 1}`;

/** The product identification helper of a product, or undefined when it has none. */
function helperOf(p: ManualProduct): Record<string, unknown> | undefined {
  const helper: Record<string, unknown> = {};
  if (p.cpe) helper.cpe = p.cpe;
  if (p.purl) helper.purl = p.purl;
  if (p.model_numbers.length > 0) helper.model_numbers = p.model_numbers;
  return Object.keys(helper).length > 0 ? helper : undefined;
}

function productNameOf(p: ManualProduct): string {
  const name = [p.vendor, p.product, p.versions].filter(Boolean).join(' ');
  return name || p.cpe || p.purl || 'product';
}

/**
 * The product tree: a product with vendor and product name is a branch vendor → product name
 * (→ version range, when the form gives versions), as the medical advisories write theirs; one
 * known only by CPE or package URL is a full product name with its helper.
 */
function productTreeOf(products: ManualProduct[]) {
  const branches: unknown[] = [];
  const fullProductNames: unknown[] = [];
  products.forEach((p, i) => {
    const helper = helperOf(p);
    const product = {
      name: productNameOf(p),
      product_id: productId(i),
      ...(helper ? { product_identification_helper: helper } : {}),
    };
    if (p.vendor && p.product) {
      const leaf = p.versions
        ? { branches: [{ category: 'product_version_range', name: p.versions, product }] }
        : { product };
      branches.push({
        category: 'vendor',
        name: p.vendor,
        branches: [{ category: 'product_name', name: p.product, ...leaf }],
      });
    } else {
      fullProductNames.push(product);
    }
  });
  return {
    ...(branches.length > 0 ? { branches } : {}),
    ...(fullProductNames.length > 0 ? { full_product_names: fullProductNames } : {}),
  };
}

/** Each status the form offers, as CSAF's product_status of every vulnerability. */
function productStatusOf(products: ManualProduct[]): Record<string, string[]> {
  const status: Record<string, string[]> = {};
  products.forEach((p, i) => {
    status[p.status] = [...(status[p.status] ?? []), productId(i)];
  });
  return status;
}

function vulnerabilityOf(v: ManualVulnerability, input: ManualAdvisoryInput): Record<string, unknown> {
  const all = input.products.map((_, i) => productId(i));
  const out: Record<string, unknown> = {};
  if (v.cve) out.cve = v.cve;
  if (v.ids.length > 0) out.ids = v.ids.map((text) => ({ system_name: 'vendor', text }));
  if (v.title) out.title = v.title;
  if (v.cvss_vector && v.cvss_score !== undefined) {
    out.scores = [
      {
        products: all,
        cvss_v3: {
          version: v.cvss_vector.startsWith('CVSS:3.0/') ? '3.0' : '3.1',
          vectorString: v.cvss_vector,
          baseScore: v.cvss_score,
          baseSeverity: severityOf(v.cvss_score),
        },
      },
    ];
  }
  out.product_status = productStatusOf(input.products);
  if (input.recommended_action) {
    out.remediations = [{ category: 'mitigation', details: input.recommended_action, product_ids: all }];
  }
  return out;
}

/** What a revision carries over from the stored one (the form itself never sets these). */
export interface ManualRevision {
  trackingId: string;
  version: number;
  initialRelease: string;
  history: Array<{ date: string; number: string; summary: string }>;
}

/** The CSAF 2.0 document of a manual advisory, as a JSON value ready for the import. */
export function manualCsaf(o: {
  input: ManualAdvisoryInput;
  publisher: { name: string; namespace: string };
  revision: ManualRevision;
  now: Date;
}): Record<string, unknown> {
  const { input, revision } = o;
  const now = o.now.toISOString();
  const notes: unknown[] = [{ category: 'summary', title: 'Summary', text: input.summary }];
  if (input.details) notes.push({ category: 'details', title: 'Details', text: input.details });
  return {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      title: input.title,
      lang: input.lang,
      publisher: { category: 'coordinator', name: o.publisher.name, namespace: o.publisher.namespace },
      notes,
      ...(input.severity ? { aggregate_severity: { text: input.severity } } : {}),
      tracking: {
        id: revision.trackingId,
        status: 'final',
        version: String(revision.version),
        initial_release_date: revision.initialRelease,
        current_release_date: now,
        revision_history: [
          ...revision.history,
          {
            date: now,
            number: String(revision.version),
            summary: input.revision_note || (revision.version === 1 ? 'Initial version' : 'Revised'),
          },
        ],
        generator: { engine: { name: 'Værn' } },
      },
    },
    product_tree: productTreeOf(input.products),
    vulnerabilities: input.vulnerabilities.map((v) => vulnerabilityOf(v, input)),
  };
}

// Reading the form back out of a stored document ---------------------------------------------------

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The stored revision's tracking, for the next revision. */
export function revisionOf(document: unknown): ManualRevision {
  const tracking = obj(obj(obj(document).document).tracking);
  return {
    trackingId: str(tracking.id) ?? '',
    version: Number(str(tracking.version) ?? '0'),
    initialRelease: str(tracking.initial_release_date) ?? new Date().toISOString(),
    history: arr(tracking.revision_history).map((r) => ({
      date: str(obj(r).date) ?? '',
      number: str(obj(r).number) ?? '',
      summary: str(obj(r).summary) ?? '',
    })),
  };
}

/**
 * The form as it was last saved, read back from the document manualCsaf built (the statuses are
 * the first vulnerability's: the form gives every vulnerability the same). TLP and audience are
 * not in the document and are added by the caller.
 */
export function manualInputOf(document: unknown): Omit<SavedManualInput, 'tlp' | 'audience'> {
  const root = obj(document);
  const d = obj(root.document);
  const notes = arr(d.notes).map(obj);
  const vulns = arr(root.vulnerabilities).map(obj);
  const status = new Map<string, ManualProduct['status']>();
  for (const [category, ids] of Object.entries(obj(vulns[0]?.product_status))) {
    for (const id of arr(ids)) status.set(String(id), category as ManualProduct['status']);
  }
  const products: Array<{ id: string; p: SavedManualInput['products'][number] }> = [];
  const add = (
    product: Record<string, unknown>,
    names: { vendor?: string; product?: string; versions?: string },
  ) => {
    const helper = obj(product.product_identification_helper);
    const id = str(product.product_id) ?? '';
    products.push({
      id,
      p: {
        ...names,
        model_numbers: arr(helper.model_numbers).map(String),
        ...(str(helper.cpe) ? { cpe: str(helper.cpe) } : {}),
        ...(str(helper.purl) ? { purl: str(helper.purl) } : {}),
        status: status.get(id) ?? 'known_affected',
      },
    });
  };
  const tree = obj(root.product_tree);
  for (const vendor of arr(tree.branches).map(obj)) {
    for (const name of arr(vendor.branches).map(obj)) {
      const names = { vendor: str(vendor.name), product: str(name.name) };
      if (name.product) add(obj(name.product), names);
      for (const range of arr(name.branches).map(obj))
        add(obj(range.product), { ...names, versions: str(range.name) });
    }
  }
  for (const product of arr(tree.full_product_names).map(obj)) add(product, {});
  products.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const first = vulns[0] ?? {};
  const severity = str(obj(d.aggregate_severity).text);
  return {
    title: str(d.title) ?? '',
    summary: str(notes.find((n) => n.category === 'summary')?.text) ?? '',
    ...(str(notes.find((n) => n.category === 'details')?.text)
      ? { details: str(notes.find((n) => n.category === 'details')?.text) }
      : {}),
    ...(severity ? { severity: severity as ManualAdvisoryInput['severity'] } : {}),
    ...(str(obj(arr(first.remediations)[0]).details)
      ? { recommended_action: str(obj(arr(first.remediations)[0]).details) }
      : {}),
    lang: (str(d.lang) === 'en' ? 'en' : 'da') as ManualAdvisoryInput['lang'],
    vulnerabilities: vulns.map((v) => {
      const cvss = obj(obj(arr(v.scores)[0]).cvss_v3);
      const score = typeof cvss.baseScore === 'number' ? cvss.baseScore : undefined;
      return {
        ...(str(v.cve) ? { cve: str(v.cve) } : {}),
        ids: arr(v.ids).map((i) => str(obj(i).text) ?? ''),
        ...(str(v.title) ? { title: str(v.title) } : {}),
        ...(str(cvss.vectorString) ? { cvss_vector: str(cvss.vectorString) } : {}),
        ...(score !== undefined ? { cvss_score: score } : {}),
      };
    }),
    products: products.map((x) => x.p),
  };
}
