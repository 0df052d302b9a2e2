import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import { type ImportJob, stagedRows } from '../imports/framework.js';
import { ensureVulnerabilities } from '../vulnerabilities/reference-queries.js';

/**
 * SQL of the advisory import (0021): the writes of its switch, each one statement over the
 * import's staged records (import-read.ts), and the reads its checks need. The writes pass the
 * policies only inside `openReferenceWrites` (the vulnerabilities module's reference-queries.ts).
 */

const documents = (job: ImportJob) =>
  stagedRows(job, {
    kind: 'text',
    publisher_namespace: 'text',
    tracking_id: 'text',
    version: 'text',
    status: 'text',
    category: 'text',
    title: 'text',
    publisher_name: 'text',
    tlp: 'text',
    tlp_original: 'text',
    initial_release: 'timestamptz',
    current_release: 'timestamptz',
    summary: 'text',
    cvss_max: 'numeric',
    document: 'jsonb',
    sha256: 'text',
  });

const vulnerabilities = (job: ImportJob) =>
  stagedRows(job, {
    kind: 'text',
    n: 'integer',
    ref: 'text',
    cve: 'text',
    title: 'text',
    cvss_score: 'numeric',
    cvss_vector: 'text',
    ids: 'jsonb',
  });

const products = (job: ImportJob) =>
  stagedRows(job, {
    kind: 'text',
    product_id: 'text',
    name: 'text',
    vendor: 'text',
    product: 'text',
    version_text: 'text',
    model_numbers: 'jsonb',
    cpe: 'text',
    purl: 'text',
    vendor_key: 'text',
    product_key: 'text',
    purl_key: 'text',
    range_state: 'text',
    range_scheme: 'text',
    range: 'jsonb',
    intervals: 'jsonb',
  });

const statuses = (job: ImportJob) =>
  stagedRows(job, { kind: 'text', ref: 'text', product_id: 'text', status: 'text' });

const jsonList = (values: readonly string[]) =>
  sql`jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)`;

/** The slugs among `slugs` that name no organisation. */
export async function unknownSlugs(tx: Tx, slugs: readonly string[]): Promise<string[]> {
  if (slugs.length === 0) return [];
  const r = await sql<{ slug: string }>`
    select s.slug from ${jsonList(slugs)} as s (slug)
    where not exists (select 1 from organisations o where o.slug = s.slug)
    order by s.slug`.execute(tx.q);
  return r.rows.map((row) => row.slug);
}

/** The revision of an advisory already stored, by its identity; locked when `lock`. */
export interface StoredRevision {
  id: string;
  version: string;
  current_release: string;
}

export async function storedRevision(
  tx: Tx,
  identity: { namespace: string; trackingId: string },
  lock = false,
): Promise<StoredRevision | undefined> {
  const r = await sql<StoredRevision>`
    select id, version,
           to_char(current_release at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as current_release
    from advisories
    where publisher_namespace = ${identity.namespace} and tracking_id = ${identity.trackingId}
    ${lock ? sql`for update` : sql``}`.execute(tx.q);
  return r.rows[0];
}

/**
 * Inserts the staged document as an advisory, or overwrites the stored revision with it; `source`
 * is `manual` for one written by hand (built by manual-csaf.ts).
 */
export async function upsertAdvisory(
  tx: Tx,
  job: ImportJob,
  source: 'csaf' | 'manual' = 'csaf',
): Promise<{ id: string; inserted: boolean }> {
  const r = await sql<{ id: string; inserted: boolean }>`
    insert into advisories (publisher_namespace, tracking_id, source, version, status, category, title,
                            publisher_name, tlp, tlp_original, initial_release, current_release, summary,
                            cvss_max, document, sha256, import_id)
    select s.publisher_namespace, s.tracking_id, ${source}, s.version, s.status, s.category, s.title,
           s.publisher_name, s.tlp, s.tlp_original, s.initial_release, s.current_release, s.summary,
           s.cvss_max, s.document, s.sha256, ${job.importId}::uuid
    from ${documents(job)} s where s.kind = 'document'
    on conflict (publisher_namespace, tracking_id) do update set
      source = excluded.source, version = excluded.version, status = excluded.status,
      category = excluded.category, title = excluded.title, publisher_name = excluded.publisher_name,
      tlp = excluded.tlp, tlp_original = excluded.tlp_original, initial_release = excluded.initial_release,
      current_release = excluded.current_release, summary = excluded.summary, cvss_max = excluded.cvss_max,
      document = excluded.document, sha256 = excluded.sha256, import_id = excluded.import_id,
      updated_at = now()
    returning id, (xmax = 0) as inserted`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('the advisory import has no staged document');
  return row;
}

/** Removes what a stored revision said (products, ranges, statuses, vulnerabilities, audience). */
export async function clearAdvisoryContent(tx: Tx, advisoryId: string): Promise<void> {
  await sql`delete from advisory_products where advisory_id = ${advisoryId}`.execute(tx.q);
  await sql`delete from advisory_vulnerabilities where advisory_id = ${advisoryId}`.execute(tx.q);
  await sql`delete from advisory_audience where advisory_id = ${advisoryId}`.execute(tx.q);
}

/**
 * Gives every staged vulnerability a vulnerability of the reference data: by CVE through
 * ensureVulnerabilities; one without a CVE goes by its first own id, kept as written. Then each
 * of its own ids (CSAF `ids[].text`) becomes an alias of it, unless that id already names one.
 */
export async function ensureAdvisoryVulnerabilities(tx: Tx, job: ImportJob): Promise<void> {
  const staged = vulnerabilities(job);
  await ensureVulnerabilities(
    tx,
    sql`(select s.cve, left(s.title, 500) as title, null::text as description
         from ${staged} s where s.kind = 'vulnerability' and s.cve is not null)`,
  );
  await sql`
    with wanted as (
      select distinct on (upper(s.ref)) s.ref, left(s.title, 500) as title
      from ${staged} s where s.kind = 'vulnerability' and s.cve is null order by upper(s.ref), s.n
    ), missing as (
      select w.* from wanted w
      where not exists (select 1 from vulnerability_aliases a where upper(a.alias) = upper(w.ref))
    ), created as (
      insert into vulnerabilities (canonical_id, title)
      select m.ref, m.title from missing m
      on conflict (canonical_id) do nothing
      returning id, canonical_id
    )
    insert into vulnerability_aliases (alias, vulnerability_id)
    select c.canonical_id, c.id from created c
    on conflict do nothing`.execute(tx.q);
  await sql`
    insert into vulnerability_aliases (alias, vulnerability_id)
    select distinct on (upper(i.alias)) i.alias, a.vulnerability_id
    from ${staged} s
    cross join lateral jsonb_array_elements_text(coalesce(s.ids, '[]'::jsonb)) as i (alias)
    join vulnerability_aliases a on upper(a.alias) = upper(s.ref)
    where s.kind = 'vulnerability'
    order by upper(i.alias), s.n
    on conflict do nothing`.execute(tx.q);
}

/**
 * Writes what the staged document says: its vulnerabilities, products with their interval keys,
 * and each product's statuses. Returns how many vulnerabilities and products it has.
 */
export async function insertAdvisoryContent(
  tx: Tx,
  job: ImportJob,
  advisoryId: string,
): Promise<{ vulnerabilities: number; products: number }> {
  const v = await sql`
    insert into advisory_vulnerabilities (advisory_id, vulnerability_id, ref, title, cvss_score, cvss_vector)
    select distinct on (a.vulnerability_id) ${advisoryId}::uuid, a.vulnerability_id, s.ref, s.title,
           s.cvss_score, s.cvss_vector
    from ${vulnerabilities(job)} s join vulnerability_aliases a on upper(a.alias) = upper(s.ref)
    where s.kind = 'vulnerability'
    order by a.vulnerability_id, s.n`.execute(tx.q);
  const stagedProducts = products(job);
  const p = await sql`
    insert into advisory_products (advisory_id, product_id, name, vendor, product, version_text, model_numbers,
                                   cpe, purl, vendor_key, product_key, purl_key, range_state, range_scheme, range)
    select ${advisoryId}::uuid, s.product_id, s.name, s.vendor, s.product, s.version_text,
           array(select jsonb_array_elements_text(coalesce(s.model_numbers, '[]'::jsonb))),
           s.cpe, s.purl, s.vendor_key, s.product_key, s.purl_key, s.range_state, s.range_scheme, s.range
    from ${stagedProducts} s where s.kind = 'product'`.execute(tx.q);
  await sql`
    insert into advisory_product_ranges (advisory_id, product_id, n, lower_key, lower_inclusive, upper_key,
                                         upper_inclusive)
    select ${advisoryId}::uuid, s.product_id, r.n::int, r.i ->> 'lowerKey', (r.i ->> 'lowerInclusive')::boolean,
           r.i ->> 'upperKey', (r.i ->> 'upperInclusive')::boolean
    from ${stagedProducts} s
    cross join lateral jsonb_array_elements(coalesce(s.intervals, '[]'::jsonb)) with ordinality as r (i, n)
    where s.kind = 'product'`.execute(tx.q);
  await sql`
    insert into advisory_product_status (advisory_id, product_id, vulnerability_id, status)
    select distinct ${advisoryId}::uuid, s.product_id, av.vulnerability_id, s.status
    from ${statuses(job)} s
    join vulnerability_aliases a on upper(a.alias) = upper(s.ref)
    join advisory_vulnerabilities av on av.advisory_id = ${advisoryId} and av.vulnerability_id = a.vulnerability_id
    where s.kind = 'status'
    on conflict do nothing`.execute(tx.q);
  return { vulnerabilities: Number(v.numAffectedRows ?? 0n), products: Number(p.numAffectedRows ?? 0n) };
}

/** The advisory's audience: the importing organisation (the sector unit) and the named ones. */
export async function insertAudience(
  tx: Tx,
  advisoryId: string,
  orgId: string,
  slugs: readonly string[],
): Promise<void> {
  await sql`
    insert into advisory_audience (advisory_id, org_id)
    select ${advisoryId}::uuid, o.id from organisations o
    where o.id = ${orgId} or o.slug in (select s.slug from ${jsonList(slugs)} as s (slug))
    on conflict do nothing`.execute(tx.q);
}
