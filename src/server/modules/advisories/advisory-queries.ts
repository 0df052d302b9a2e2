import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/**
 * SQL of the advisory API's reads (0021). Which advisories a query sees is row-level security's
 * answer (TLP and audience): no query here filters by organisation, and none needs to.
 */

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
/** Microseconds, for a cursor that must compare exactly. */
const isoKey = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

export interface AdvisoryListRow {
  id: string;
  tracking_id: string;
  title: string;
  publisher_name: string;
  publisher_namespace: string;
  version: string;
  status: string;
  category: string;
  tlp: string;
  cvss_max: number | null;
  initial_release: string;
  current_release: string;
  release_key: string;
  refs: string[];
  in_kev: boolean;
}

export interface AdvisoryFilter {
  q?: string | undefined;
  tlp?: string | undefined;
}

const likeAnywhere = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const likePrefix = (q: string) => `${q.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Advisories newest first (current release, then id), after the keyset `after`; `limit` rows. */
export async function listAdvisories(
  tx: Tx,
  filter: AdvisoryFilter,
  limit: number,
  after: { release: string; id: string } | undefined,
): Promise<AdvisoryListRow[]> {
  const q = filter.q?.trim() || undefined;
  const r = await sql<AdvisoryListRow>`
    select a.id, a.tracking_id, a.title, a.publisher_name, a.publisher_namespace, a.version, a.status,
           a.category, a.tlp, a.cvss_max::float8 as cvss_max, ${iso('a.initial_release')} as initial_release,
           ${iso('a.current_release')} as current_release, ${isoKey('a.current_release')} as release_key,
           array(select v.ref from advisory_vulnerabilities v where v.advisory_id = a.id order by v.ref) as refs,
           exists (select 1 from advisory_vulnerabilities v join kev_entries k on k.vulnerability_id = v.vulnerability_id
                   where v.advisory_id = a.id) as in_kev
    from advisories a
    where true
      ${
        after === undefined
          ? sql``
          : sql`and (a.current_release < ${after.release}::timestamptz
                     or (a.current_release = ${after.release}::timestamptz and a.id > ${after.id}::uuid))`
      }
      ${filter.tlp === undefined ? sql`` : sql`and a.tlp = ${filter.tlp}`}
      ${
        q === undefined
          ? sql``
          : sql`and (a.title ilike ${likeAnywhere(q)} or a.tracking_id ilike ${likeAnywhere(q)}
                     or exists (select 1 from advisory_vulnerabilities v
                                where v.advisory_id = a.id and upper(v.ref) like ${likePrefix(q)}))`
      }
    order by a.current_release desc, a.id
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

export interface AdvisoryRow {
  id: string;
  source: string;
  tracking_id: string;
  version: string;
  status: string;
  category: string;
  title: string;
  publisher_name: string;
  publisher_namespace: string;
  tlp: string;
  tlp_original: string | null;
  initial_release: string;
  current_release: string;
  summary: string | null;
  cvss_max: number | null;
  sha256: string | null;
  created_at: string;
  updated_at: string;
  /** From the stored document: its revision history, vulnerabilities and product groups (raw JSON). */
  revisions: unknown;
  doc_vulnerabilities: unknown;
  product_groups: unknown;
}

/** One advisory the request may read, with the parts of its document the API shows. */
export async function findAdvisory(tx: Tx, id: string): Promise<AdvisoryRow | undefined> {
  const r = await sql<AdvisoryRow>`
    select a.id, a.source, a.tracking_id, a.version, a.status, a.category, a.title, a.publisher_name,
           a.publisher_namespace, a.tlp, a.tlp_original, ${iso('a.initial_release')} as initial_release,
           ${iso('a.current_release')} as current_release, a.summary, a.cvss_max::float8 as cvss_max, a.sha256,
           ${iso('a.created_at')} as created_at, ${iso('a.updated_at')} as updated_at,
           a.document -> 'document' -> 'tracking' -> 'revision_history' as revisions,
           a.document -> 'vulnerabilities' as doc_vulnerabilities,
           a.document -> 'product_tree' -> 'product_groups' as product_groups
    from advisories a where a.id = ${id}::uuid`.execute(tx.q);
  return r.rows[0];
}

export interface AdvisoryVulnerabilityRow {
  vulnerability_id: string;
  ref: string;
  canonical_id: string;
  title: string | null;
  cvss_score: number | null;
  cvss_vector: string | null;
  in_kev: boolean;
  kev_due_date: string | null;
  epss: number | null;
  percentile: number | null;
}

/** The advisory's vulnerabilities with their KEV entry and EPSS score, by reference. */
export async function advisoryVulnerabilities(
  tx: Tx,
  advisoryId: string,
): Promise<AdvisoryVulnerabilityRow[]> {
  const r = await sql<AdvisoryVulnerabilityRow>`
    select av.vulnerability_id, av.ref, v.canonical_id, av.title, av.cvss_score::float8 as cvss_score,
           av.cvss_vector, k.cve is not null as in_kev, k.due_date::text as kev_due_date,
           e.epss::float8 as epss, e.percentile::float8 as percentile
    from advisory_vulnerabilities av
    join vulnerabilities v on v.id = av.vulnerability_id
    left join lateral (select k.cve, k.due_date from kev_entries k where k.vulnerability_id = av.vulnerability_id
                       order by k.cve limit 1) k on true
    left join lateral (select e.epss, e.percentile from epss_scores e where e.vulnerability_id = av.vulnerability_id
                       order by e.epss desc, e.cve limit 1) e on true
    where av.advisory_id = ${advisoryId}::uuid
    order by av.ref`.execute(tx.q);
  return r.rows;
}

export interface AdvisoryProductRow {
  product_id: string;
  name: string;
  vendor: string | null;
  product: string | null;
  version_text: string | null;
  model_numbers: string[];
  cpe: string | null;
  purl: string | null;
  range_state: string;
  statuses: Array<{ vulnerability: string; status: string }>;
}

/** The advisory's products, each with what it says of the product per vulnerability. */
export async function advisoryProducts(tx: Tx, advisoryId: string): Promise<AdvisoryProductRow[]> {
  const r = await sql<AdvisoryProductRow>`
    select p.product_id, p.name, p.vendor, p.product, p.version_text, p.model_numbers, p.cpe, p.purl,
           p.range_state,
           coalesce((select jsonb_agg(jsonb_build_object('vulnerability', av.ref, 'status', s.status)
                                      order by av.ref, s.status)
                     from advisory_product_status s
                     join advisory_vulnerabilities av
                       on av.advisory_id = s.advisory_id and av.vulnerability_id = s.vulnerability_id
                     where s.advisory_id = p.advisory_id and s.product_id = p.product_id), '[]'::jsonb) as statuses
    from advisory_products p
    where p.advisory_id = ${advisoryId}::uuid
    order by p.product_id`.execute(tx.q);
  return r.rows;
}
