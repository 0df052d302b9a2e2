import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of advisory matching (migration 0022). Every function runs inside withTenant. */

export interface IdentityRow {
  hash: string;
  vendor: string | null;
  product: string | null;
  model_number: string | null;
  version: string | null;
  cpe: string | null;
  purl: string | null;
}

/** Inventory identities (of one organisation, or all) the index lacks, at most `limit` (jobs). */
export async function missingIdentities(tx: Tx, orgId: string | null, limit: number): Promise<IdentityRow[]> {
  const r = await sql<IdentityRow>`
    select * from vaern_product_identities_missing(${orgId}::uuid, ${limit})`.execute(tx.q);
  return r.rows;
}

/** Adds keyed identities to the index; returns how many were new. */
export async function addIdentities(tx: Tx, rows: readonly Record<string, string | null>[]): Promise<number> {
  const r = await sql<{ n: number }>`
    select vaern_product_identities_add(${JSON.stringify(rows)}::jsonb) as n`.execute(tx.q);
  return r.rows[0]?.n ?? 0;
}

/**
 * Computes and stores the matches of the advisory the running import just stored, inside that
 * import's switch (0038: only for that import, in the same transaction); returns how many.
 */
export async function computeImportedMatches(tx: Tx, advisoryId: string): Promise<number> {
  const r = await sql<{ n: number | null }>`
    select vaern_advisory_match_imported(${advisoryId}::uuid) as n`.execute(tx.q);
  const n = r.rows[0]?.n;
  if (n === null || n === undefined) throw new Error('the advisory was not stored by this import');
  return n;
}

/** Computes and stores the matches of one advisory or all, for one organisation or all. */
export async function computeMatches(tx: Tx, advisoryId: string | null, orgId: string | null) {
  const r = await sql<{ n: number }>`
    select vaern_advisory_match(${advisoryId}::uuid, ${orgId}::uuid) as n`.execute(tx.q);
  return r.rows[0]?.n ?? 0;
}

export interface MatchRow {
  id: string;
  advisory_id: string;
  tracking_id: string;
  advisory_title: string;
  tlp: string;
  product_id: string;
  product_name: string;
  item_type: 'component' | 'system';
  item_id: string;
  item_key: string;
  item_label: string | null;
  item_version: string | null;
  system_id: string;
  system_key: string;
  system_name: string;
  basis: 'purl' | 'cpe' | 'model' | 'name';
  confidence: 'certain' | 'likely' | 'possible';
  version_status: 'in_range' | 'unknown';
  product_status: 'affected' | 'under_investigation' | 'fixed' | 'not_affected' | null;
  decision: 'confirmed' | 'rejected' | null;
  note: string | null;
  reviewed_at: Date | null;
  matched_at: Date;
}

export type ReviewFilter = 'pending' | 'decided' | 'all';

const matchSelect = (orgId: string) => sql`
  select m.id, m.advisory_id, a.tracking_id, a.title as advisory_title, a.tlp, m.product_id,
         p.name as product_name, m.item_type, m.item_id,
         case when m.item_type = 'component' then c.key else s.key end as item_key,
         case when m.item_type = 'component' then c.product else coalesce(s.product, s.name) end as item_label,
         case when m.item_type = 'component' then c.version else s.version end as item_version,
         m.system_id, s.key as system_key, s.name as system_name, m.basis, m.confidence,
         m.version_status, m.product_status, r.decision, r.note, r.reviewed_at, m.matched_at
  from advisory_matches m
  join advisories a on a.id = m.advisory_id
  join advisory_products p on p.advisory_id = m.advisory_id and p.product_id = m.product_id
  join inventory_systems s on s.org_id = m.org_id and s.id = m.system_id
  left join inventory_components c on m.item_type = 'component' and c.org_id = m.org_id and c.id = m.item_id
  left join advisory_match_reviews r
    on r.org_id = m.org_id and r.advisory_id = m.advisory_id and r.product_id = m.product_id
   and r.item_type = m.item_type and r.item_id = m.item_id
  where m.org_id = ${orgId} and (m.item_type = 'system' or c.id is not null)`;

/**
 * The organisation's matches, newest advisory first, then by system key; `pending` are the
 * uncertain ones nobody has decided yet (the review queue).
 */
export async function listMatches(
  tx: Tx,
  o: {
    orgId: string;
    review: ReviewFilter;
    advisoryId: string | undefined;
    after: [string, string] | undefined;
    limit: number;
  },
) {
  const review =
    o.review === 'pending'
      ? sql`and m.confidence <> 'certain' and r.decision is null`
      : o.review === 'decided'
        ? sql`and r.decision is not null`
        : sql``;
  const advisory = o.advisoryId ? sql`and m.advisory_id = ${o.advisoryId}` : sql``;
  const after = o.after
    ? sql`and (m.matched_at, m.id) < (${o.after[0]}::timestamptz, ${o.after[1]}::uuid)`
    : sql``;
  const r = await sql<MatchRow>`${matchSelect(o.orgId)} ${review} ${advisory} ${after}
    order by m.matched_at desc, m.id desc limit ${o.limit + 1}`.execute(tx.q);
  return r.rows;
}

export async function findMatch(tx: Tx, orgId: string, id: string) {
  const r = await sql<MatchRow>`${matchSelect(orgId)} and m.id = ${id}`.execute(tx.q);
  return r.rows[0];
}

export async function saveReview(
  tx: Tx,
  orgId: string,
  m: MatchRow,
  review: { decision: 'confirmed' | 'rejected'; note: string | null; reviewedBy: string },
) {
  await sql`insert into advisory_match_reviews (org_id, advisory_id, product_id, item_type, item_id,
                                               decision, note, reviewed_by)
    values (${orgId}, ${m.advisory_id}, ${m.product_id}, ${m.item_type}, ${m.item_id},
            ${review.decision}, ${review.note}, ${review.reviewedBy})
    on conflict (org_id, advisory_id, product_id, item_type, item_id) do update
      set decision = excluded.decision, note = excluded.note, reviewed_by = excluded.reviewed_by,
          reviewed_at = now()`.execute(tx.q);
}

export interface AffectedRow {
  org_id: string;
  slug: string;
  name: string;
  kind: string;
  systems: number;
  components: number;
  certain: number;
  pending: number;
}

/** The organisations an advisory concerns (the sector coordinator's view, through 0022's function). */
export async function affectedOrganisations(tx: Tx, advisoryId: string, sectorUnitId: string) {
  const r = await sql<AffectedRow>`
    select f.org_id, o.slug, o.name, o.kind, f.systems, f.components, f.certain, f.pending
    from vaern_advisory_affected(${advisoryId}::uuid, ${sectorUnitId}::uuid) f
    join organisations o on o.id = f.org_id
    order by f.systems desc, o.name`.execute(tx.q);
  return r.rows;
}

/** Whether the requester can read the advisory (row-level security decides). */
export async function advisoryVisible(tx: Tx, advisoryId: string): Promise<boolean> {
  const r = await sql<{ id: string }>`select id from advisories where id = ${advisoryId}`.execute(tx.q);
  return r.rows.length > 0;
}

/** The KEV catalogue's vendor and product names, for the identity library to key. */
export async function kevNames(tx: Tx) {
  const r = await sql<{ cve: string; vendor_project: string; product: string }>`
    select cve, vendor_project, product from kev_entries order by cve`.execute(tx.q);
  return r.rows;
}

/** Replaces the keys of the KEV catalogue's names (0022); returns how many entries have keys. */
export async function replaceKevKeys(
  tx: Tx,
  keys: readonly { cve: string; vendor_key: string | null; product_key: string | null }[],
) {
  const r = await sql<{ n: number }>`
    select vaern_kev_keys_replace(${JSON.stringify(keys)}::jsonb) as n`.execute(tx.q);
  return r.rows[0]?.n ?? 0;
}

export interface KevMatchRow {
  cve: string;
  vulnerability_name: string;
  date_added: string;
  due_date: string;
  known_ransomware_campaign_use: string | null;
  item_type: 'component' | 'system';
  item_id: string;
  item_key: string;
  system_id: string;
  system_key: string;
  system_name: string;
  basis: 'finding' | 'name';
  confidence: 'certain' | 'possible';
  rank: number;
}

/**
 * The organisation's KEV matches, computed when asked (0022): systems whose open findings carry a
 * KEV CVE (certain), then items whose identity has a KEV entry's vendor and product keys
 * (possible); by CVE within each. Organisation `orgId` alone, also under row-level security.
 */
export async function listKevMatches(
  tx: Tx,
  orgId: string,
  limit: number,
  after: [number, string, string] | undefined,
) {
  const cond = after
    ? sql`where (m.rank, m.cve, m.item_id) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)`
    : sql``;
  const r = await sql<KevMatchRow>`
    with items as (
      select 'component' as item_type, c.id as item_id, c.key as item_key, c.system_id,
             vaern_identity_hash(c.vendor, c.product, c.model_number, c.version, c.cpe, c.purl) as hash
      from inventory_components c where c.org_id = ${orgId}
      union all
      select 'system', s.id, s.key, s.id,
             vaern_identity_hash(s.vendor, s.product, s.model_number, s.version, s.cpe, s.purl)
      from inventory_systems s
      where s.org_id = ${orgId} and (s.vendor is not null or s.cpe is not null or s.purl is not null)
    ), found as (
      select distinct cv.cve, 'system' as item_type, f.system_id as item_id, f.system_id
      from findings f cross join lateral unnest(f.cves) as cv(cve)
      join kev_entries e on e.cve = cv.cve
      where f.org_id = ${orgId} and f.system_id is not null and f.state not in ('fixed', 'false_positive')
    ), candidates as (
      select f.cve, f.item_type, f.item_id, f.system_id, 'finding' as basis, 'certain' as confidence, 0 as rank
      from found f
      union all
      select k.cve, i.item_type, i.item_id, i.system_id, 'name', 'possible', 1
      from items i
      join product_identities pi on pi.hash = i.hash
      join kev_product_keys k on k.vendor_key = pi.vendor_key and k.product_key = pi.product_key
      where not exists (select 1 from found f where f.cve = k.cve and f.item_id = i.item_id)
    ), m as (
      select c.*, e.vulnerability_name, e.date_added::text as date_added, e.due_date::text as due_date,
             e.known_ransomware_campaign_use,
             case when c.item_type = 'component' then co.key else s.key end as item_key,
             s.key as system_key, s.name as system_name
      from candidates c
      join kev_entries e on e.cve = c.cve
      join inventory_systems s on s.org_id = ${orgId} and s.id = c.system_id
      left join inventory_components co on c.item_type = 'component' and co.org_id = ${orgId} and co.id = c.item_id
    )
    select * from m ${cond}
    order by m.rank, m.cve, m.item_id limit ${limit + 1}`.execute(tx.q);
  return r.rows;
}

/** How many components of every organisation run a KEV product (by name; operator scope). */
export async function countSectorKevComponents(tx: Tx): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from inventory_components c
    where vaern_identity_hash(c.vendor, c.product, c.model_number, c.version, c.cpe, c.purl) in (
      select pi.hash from product_identities pi
      join kev_product_keys k on k.vendor_key = pi.vendor_key and k.product_key = pi.product_key)`.execute(
    tx.q,
  );
  return r.rows[0]?.n ?? 0;
}
