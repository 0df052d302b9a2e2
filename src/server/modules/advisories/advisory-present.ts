import type { z } from 'zod';
import type {
  AdvisoryListRow,
  AdvisoryProductRow,
  AdvisoryRow,
  AdvisoryVulnerabilityRow,
} from './advisory-queries.js';
import type { advisory, advisoryListItem, remediation } from './advisory-schemas.js';
import { list, obj, text, texts, unique } from './csaf/json.js';
import { aliasable } from './import-read.js';

type Remediation = z.infer<typeof remediation>;
type Advisory = z.infer<typeof advisory>;

export function presentListItem(r: AdvisoryListRow): z.infer<typeof advisoryListItem> {
  return {
    id: r.id,
    tracking_id: r.tracking_id,
    title: r.title,
    publisher_name: r.publisher_name,
    publisher_namespace: r.publisher_namespace,
    version: r.version,
    status: r.status as Advisory['status'],
    category: r.category,
    tlp: r.tlp as Advisory['tlp'],
    cvss_max: r.cvss_max,
    initial_release: r.initial_release,
    current_release: r.current_release,
    vulnerabilities: r.refs,
    in_kev: r.in_kev,
  };
}

/**
 * The remediations of the stored document, by the reference the import gave each vulnerability
 * (its CVE, else its first own id; import-read.ts), with product groups expanded to their products.
 */
function remediationsByRef(docVulnerabilities: unknown, productGroups: unknown): Map<string, Remediation[]> {
  const groups = new Map<string, string[]>();
  for (const g of list(productGroups)) {
    const group = obj(g) ?? {};
    const id = text(group.group_id);
    if (id) groups.set(id, texts(group.product_ids));
  }
  const byRef = new Map<string, Remediation[]>();
  for (const v of list(docVulnerabilities)) {
    const vuln = obj(v) ?? {};
    const ref =
      text(vuln.cve) ??
      list(vuln.ids)
        .map((i) => text(obj(i)?.text))
        .find((id): id is string => id !== null && aliasable(id));
    if (!ref) continue;
    const key = ref.toUpperCase();
    const kept = byRef.get(key) ?? [];
    for (const r of list(vuln.remediations)) {
      const rem = obj(r) ?? {};
      kept.push({
        category: text(rem.category) ?? '',
        details: text(rem.details) ?? '',
        url: text(rem.url),
        date: text(rem.date),
        product_ids: unique([
          ...texts(rem.product_ids),
          ...texts(rem.group_ids).flatMap((g) => groups.get(g) ?? []),
        ]),
      });
    }
    byRef.set(key, kept);
  }
  return byRef;
}

export function presentAdvisory(
  a: AdvisoryRow,
  vulnerabilities: AdvisoryVulnerabilityRow[],
  products: AdvisoryProductRow[],
): Advisory {
  const remediations = remediationsByRef(a.doc_vulnerabilities, a.product_groups);
  return {
    id: a.id,
    source: a.source as Advisory['source'],
    tracking_id: a.tracking_id,
    version: a.version,
    status: a.status as Advisory['status'],
    category: a.category,
    title: a.title,
    publisher_name: a.publisher_name,
    publisher_namespace: a.publisher_namespace,
    tlp: a.tlp as Advisory['tlp'],
    tlp_original: a.tlp_original,
    initial_release: a.initial_release,
    current_release: a.current_release,
    summary: a.summary,
    cvss_max: a.cvss_max,
    sha256: a.sha256,
    revisions: list(a.revisions).map((r) => {
      const rev = obj(r) ?? {};
      return { number: text(rev.number) ?? '', date: text(rev.date) ?? '', summary: text(rev.summary) ?? '' };
    }),
    vulnerabilities: vulnerabilities.map((v) => ({
      vulnerability_id: v.vulnerability_id,
      ref: v.ref,
      canonical_id: v.canonical_id,
      title: v.title,
      cvss_score: v.cvss_score,
      cvss_vector: v.cvss_vector,
      in_kev: v.in_kev,
      kev_due_date: v.kev_due_date,
      epss: v.epss,
      percentile: v.percentile,
      remediations: remediations.get(v.ref.toUpperCase()) ?? [],
    })),
    products: products.map((p) => ({
      product_id: p.product_id,
      name: p.name,
      vendor: p.vendor,
      product: p.product,
      version_text: p.version_text,
      model_numbers: p.model_numbers,
      cpe: p.cpe,
      purl: p.purl,
      range_state: p.range_state as Advisory['products'][number]['range_state'],
      statuses: p.statuses as Advisory['products'][number]['statuses'],
    })),
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}
