import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/**
 * SQL of the vulnerability reference data (0016): the writes of the kev and epss imports and the
 * reads of the API. Every write is set based over the import's staged rows.
 */

/**
 * Opens the write path of 0016 for this transaction: the policies let vaern_app write the
 * reference tables only while `app.reference_import` names a running kev/epss import of the
 * sector unit in the transaction's scope. Only the imports' merge and apply steps call this.
 */
export async function openReferenceWrites(tx: Tx, importId: string): Promise<void> {
  await sql`select set_config('app.reference_import', ${importId}, true)`.execute(tx.q);
}

/**
 * Gives every CVE of `source` (a table expression with columns cve, title, description) a
 * vulnerability and its canonical alias, unless a vulnerability already goes by that CVE (its
 * canonical id or any alias, whatever the case). Returns how many were created.
 */
export async function ensureVulnerabilities(tx: Tx, source: RawBuilder<unknown>): Promise<number> {
  const r = await sql<{ n: number }>`
    with wanted as (
      select distinct on (upper(s.cve)) upper(s.cve) as cve, s.title, s.description
      from ${source} s order by upper(s.cve)
    ), missing as (
      select w.* from wanted w
      where not exists (select 1 from vulnerability_aliases a where upper(a.alias) = w.cve)
    ), created as (
      insert into vulnerabilities (canonical_id, title, description)
      select m.cve, m.title, m.description from missing m
      on conflict (canonical_id) do nothing
      returning id, canonical_id
    ), aliased as (
      insert into vulnerability_aliases (alias, vulnerability_id)
      select c.canonical_id, c.id from created c
      on conflict do nothing
      returning 1
    )
    select count(*)::int as n from aliased`.execute(tx.q);
  return r.rows[0]?.n ?? 0;
}

const counts = (r: { rows: Array<{ created: number; updated: number }> }) => ({
  created: r.rows[0]?.created ?? 0,
  updated: r.rows[0]?.updated ?? 0,
});

/**
 * Upserts the staged KEV entries (`source`: a table expression of the entries' snake-case columns,
 * cwes as jsonb): new entries are created, entries whose content differs are updated, the rest
 * keep their row; every entry then records the catalogue it came from.
 */
export async function upsertKevEntries(
  tx: Tx,
  source: RawBuilder<unknown>,
  catalog: { version: string; released: string },
): Promise<{ created: number; updated: number }> {
  const r = await sql<{ created: number; updated: number }>`
    with s as (
      select s.*, a.vulnerability_id,
             array(select jsonb_array_elements_text(coalesce(s.cwes, '[]'::jsonb))) as cwe_list
      from ${source} s join vulnerability_aliases a on upper(a.alias) = upper(s.cve)
    ), up as (
      insert into kev_entries (cve, vulnerability_id, vendor_project, product, vulnerability_name,
                               date_added, short_description, required_action, due_date,
                               known_ransomware_campaign_use, notes, cwes, catalog_version, catalog_released)
      select s.cve, s.vulnerability_id, s.vendor_project, s.product, s.vulnerability_name, s.date_added,
             s.short_description, s.required_action, s.due_date, s.known_ransomware_campaign_use, s.notes,
             s.cwe_list, ${catalog.version}, ${catalog.released}::timestamptz
      from s
      on conflict (cve) do update set
        vulnerability_id = excluded.vulnerability_id, vendor_project = excluded.vendor_project,
        product = excluded.product, vulnerability_name = excluded.vulnerability_name,
        date_added = excluded.date_added, short_description = excluded.short_description,
        required_action = excluded.required_action, due_date = excluded.due_date,
        known_ransomware_campaign_use = excluded.known_ransomware_campaign_use, notes = excluded.notes,
        cwes = excluded.cwes, catalog_version = excluded.catalog_version,
        catalog_released = excluded.catalog_released, updated_at = now()
      where (kev_entries.vendor_project, kev_entries.product, kev_entries.vulnerability_name,
             kev_entries.date_added, kev_entries.short_description, kev_entries.required_action,
             kev_entries.due_date, kev_entries.known_ransomware_campaign_use, kev_entries.notes,
             kev_entries.cwes)
        is distinct from
            (excluded.vendor_project, excluded.product, excluded.vulnerability_name, excluded.date_added,
             excluded.short_description, excluded.required_action, excluded.due_date,
             excluded.known_ransomware_campaign_use, excluded.notes, excluded.cwes)
      returning (xmax = 0) as inserted
    )
    select (count(*) filter (where inserted))::int as created,
           (count(*) filter (where not inserted))::int as updated
    from up`.execute(tx.q);
  // Entries whose content did not change still come from this catalogue now.
  await sql`
    update kev_entries k set catalog_version = ${catalog.version}, catalog_released = ${catalog.released}::timestamptz
    where (k.catalog_version, k.catalog_released) is distinct from (${catalog.version}, ${catalog.released}::timestamptz)
      and exists (select 1 from ${source} s where s.cve = k.cve)`.execute(tx.q);
  return counts(r);
}

/** Removes the KEV entries that the new catalogue (`source`, with a column cve) no longer lists. */
export async function removeKevEntriesMissingFrom(tx: Tx, source: RawBuilder<unknown>): Promise<number> {
  const r = await sql`
    delete from kev_entries k where not exists (select 1 from ${source} s where s.cve = k.cve)`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0n);
}

/** The release time (ISO) of the catalogue the current KEV entries come from; null: none yet. */
export async function currentKevRelease(tx: Tx): Promise<string | null> {
  const r = await sql<{ released: string | null }>`
    select to_char(max(catalog_released) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as released
    from kev_entries`.execute(tx.q);
  return r.rows[0]?.released ?? null;
}

/**
 * Upserts EPSS scores of one model run (`source`: cve, epss, percentile; one row per CVE).
 * Returns the counts and how many CVEs the source holds.
 */
export async function upsertEpssScores(
  tx: Tx,
  source: RawBuilder<unknown>,
  run: { modelVersion: string; scoreDate: string },
): Promise<{ created: number; updated: number; distinct: number }> {
  const r = await sql<{ created: number; updated: number; n_cves: number }>`
    with up as (
      insert into epss_scores (cve, vulnerability_id, epss, percentile, model_version, score_date)
      select s.cve, a.vulnerability_id, s.epss, s.percentile, ${run.modelVersion}, ${run.scoreDate}::timestamptz
      from ${source} s join vulnerability_aliases a on upper(a.alias) = upper(s.cve)
      on conflict (cve) do update set
        vulnerability_id = excluded.vulnerability_id, epss = excluded.epss, percentile = excluded.percentile,
        model_version = excluded.model_version, score_date = excluded.score_date, updated_at = now()
      where (epss_scores.epss, epss_scores.percentile, epss_scores.model_version, epss_scores.score_date)
        is distinct from (excluded.epss, excluded.percentile, excluded.model_version, excluded.score_date)
      returning (xmax = 0) as inserted
    )
    select (count(*) filter (where inserted))::int as created,
           (count(*) filter (where not inserted))::int as updated,
           (select count(*)::int from ${source} s) as n_cves
    from up`.execute(tx.q);
  return { ...counts(r), distinct: r.rows[0]?.n_cves ?? 0 };
}

/** The one organisation of kind sector_unit; undefined when there is none or more than one. */
export async function findSectorUnit(
  tx: Tx,
): Promise<{ id: string; slug: string; kind: string; name: string } | undefined> {
  const rows = await tx.q
    .selectFrom('organisations')
    .select(['id', 'slug', 'kind', 'name'])
    .where('kind', '=', 'sector_unit')
    .limit(2)
    .execute();
  return rows.length === 1 ? rows[0] : undefined;
}

// Reads ------------------------------------------------------------------------------------------

export interface VulnerabilityRow {
  id: string;
  canonical_id: string;
  title: string | null;
  description: string | null;
  published: string | null;
  modified: string | null;
  cvss_score: number | null;
  cvss_vector: string | null;
  created_at: string;
  updated_at: string;
}

export interface KevRow {
  cve: string;
  vendor_project: string;
  product: string;
  vulnerability_name: string;
  date_added: string;
  short_description: string;
  required_action: string;
  due_date: string;
  known_ransomware_campaign_use: string | null;
  notes: string | null;
  cwes: string[];
  catalog_version: string;
  catalog_released: string;
}

export interface EpssRow {
  cve: string;
  epss: number;
  percentile: number;
  model_version: string;
  score_date: string;
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** A vulnerability by any of its aliases (case does not matter). */
export async function findVulnerabilityByAlias(tx: Tx, alias: string): Promise<VulnerabilityRow | undefined> {
  const r = await sql<VulnerabilityRow>`
    select v.id, v.canonical_id, v.title, v.description, ${iso('v.published')} as published,
           ${iso('v.modified')} as modified, v.cvss_score::float8 as cvss_score, v.cvss_vector,
           ${iso('v.created_at')} as created_at, ${iso('v.updated_at')} as updated_at
    from vulnerability_aliases a join vulnerabilities v on v.id = a.vulnerability_id
    where upper(a.alias) = upper(${alias})`.execute(tx.q);
  return r.rows[0];
}

export async function aliasesOf(tx: Tx, vulnerabilityId: string): Promise<string[]> {
  const r = await sql<{ alias: string }>`
    select alias from vulnerability_aliases where vulnerability_id = ${vulnerabilityId} order by alias`.execute(
    tx.q,
  );
  return r.rows.map((a) => a.alias);
}

/** The KEV entries and EPSS scores of one vulnerability (by its id; normally one of each at most). */
export async function exploitationOf(
  tx: Tx,
  vulnerabilityId: string,
): Promise<{ kev: KevRow | undefined; epss: EpssRow | undefined }> {
  const kev = await sql<KevRow>`
    select cve, vendor_project, product, vulnerability_name, date_added::text as date_added,
           short_description, required_action, due_date::text as due_date, known_ransomware_campaign_use,
           notes, cwes, catalog_version, ${iso('catalog_released')} as catalog_released
    from kev_entries where vulnerability_id = ${vulnerabilityId} order by cve limit 1`.execute(tx.q);
  const epss = await sql<EpssRow>`
    select cve, epss::float8 as epss, percentile::float8 as percentile, model_version,
           ${iso('score_date')} as score_date
    from epss_scores where vulnerability_id = ${vulnerabilityId} order by epss desc, cve limit 1`.execute(
    tx.q,
  );
  return { kev: kev.rows[0], epss: epss.rows[0] };
}

export interface ListRow {
  id: string;
  canonical_id: string;
  title: string | null;
  in_kev: boolean;
  kev_due_date: string | null;
  epss: number | null;
  percentile: number | null;
}

export interface ListFilter {
  q?: string | undefined;
  kev?: boolean | undefined;
  minEpss?: number | undefined;
}

const likePrefix = (q: string) => `${q.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const likeAnywhere = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Vulnerabilities by canonical id (keyset after `after`), filtered; `limit` rows at most. */
export async function listVulnerabilities(
  tx: Tx,
  filter: ListFilter,
  limit: number,
  after: string | undefined,
): Promise<ListRow[]> {
  const q = filter.q?.trim() || undefined;
  const r = await sql<ListRow>`
    select v.id, v.canonical_id, v.title, k.cve is not null as in_kev, k.due_date::text as kev_due_date,
           e.epss::float8 as epss, e.percentile::float8 as percentile
    from vulnerabilities v
    left join lateral (select k.cve, k.due_date from kev_entries k where k.vulnerability_id = v.id
                       order by k.cve limit 1) k on true
    left join lateral (select e.epss, e.percentile from epss_scores e where e.vulnerability_id = v.id
                       order by e.epss desc limit 1) e on true
    where true
      ${after === undefined ? sql`` : sql`and v.canonical_id > ${after}`}
      ${filter.kev === undefined ? sql`` : filter.kev ? sql`and k.cve is not null` : sql`and k.cve is null`}
      ${filter.minEpss === undefined ? sql`` : sql`and e.epss >= ${filter.minEpss}`}
      ${
        q === undefined
          ? sql``
          : sql`and (exists (select 1 from vulnerability_aliases a
                             where a.vulnerability_id = v.id and upper(a.alias) like ${likePrefix(q)})
                     or v.title ilike ${likeAnywhere(q)})`
      }
    order by v.canonical_id
    limit ${limit}`.execute(tx.q);
  return r.rows;
}

export interface Exploitation {
  in_kev: boolean;
  kev_due_date: string | null;
  epss: number | null;
  percentile: number | null;
}

/** KEV and EPSS of each CVE (upper-cased), in one statement. */
export async function exploitationOfCves(
  tx: Tx,
  cves: readonly string[],
): Promise<Map<string, Exploitation>> {
  const wanted = [...new Set(cves.map((c) => c.trim().toUpperCase()))];
  const result = new Map<string, Exploitation>();
  if (wanted.length === 0) return result;
  const r = await sql<Exploitation & { cve: string }>`
    select c.cve, k.cve is not null as in_kev, k.due_date::text as kev_due_date,
           e.epss::float8 as epss, e.percentile::float8 as percentile
    from jsonb_array_elements_text(${JSON.stringify(wanted)}::jsonb) as c (cve)
    left join kev_entries k on k.cve = c.cve
    left join epss_scores e on e.cve = c.cve`.execute(tx.q);
  for (const { cve, ...rest } of r.rows) result.set(cve, rest);
  return result;
}
