import { type RawBuilder, sql } from 'kysely';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import { type ImportJob, type StagedSlice, stagedChunk, stagedChunkTableName } from '../imports/framework.js';
import { STAGED_COLUMNS } from './scan-staged.js';

/**
 * The SQL of a scan import's merge (docs/vulnerabilities.md, "How a scan is merged"), set-based
 * over the staged items, in two parts:
 *
 * - **merge slices** (the framework's `mergeEarly`: at most 5,000 staged items each): the items
 *   are typed, deduplicated per identity (the first listing's values, every listing's CVE ids),
 *   given their exploitation data (KEV, EPSS) and written to `scan_import_items`; each host is
 *   mapped to its system once (`scan_import_hosts`); the scope of the scan is collected
 *   (`scan_import_scope`). Work tables only (migration 0030);
 * - **the switch** (the framework's `apply`, one transaction): the scan's texts written once
 *   (`finding_texts`), new findings inserted, known ones updated only when something changes
 *   (reopened, another state, attributes, due date), each written once with its due date, 20,000
 *   work rows per statement (SwitchWay); a finding seen again unchanged is not written, its
 *   scope's scan is recorded (`scan_scopes`); then the findings of the scope that the file no
 *   longer has closed, at most 20,000 per statement; the informational items kept as host facts;
 *   today's figures. After the switch commits, the work rows are removed in small transactions.
 *
 * On a server (earlyInSwitch) each merge slice's work rows go into the findings once the slice
 * committed, in the switch's transaction held open while the file is read (switchSlice); nobody
 * sees them before the switch commits. On the embedded database each merge slice inserts its new
 * findings unpublished, in its own transaction, and the switch publishes them (hideSlice).
 */

/** At most this many unmapped host names are listed in a summary (all are counted). */
export const UNMAPPED_LIST_CAP = 1000;
/** Work rows per statement of the switch (the issue allows at most 20,000). */
export const SWITCH_ROWS = 20_000;
/** Work rows removed per transaction once the switch has committed (or the import failed). */
const CLEAR_ROWS = 5_000;

/** The states of an unfinished finding: they have a due date and a re-scan may close them. */
const UNFINISHED = sql`('open', 'in_progress', 'risk_accepted', 'suppressed')`;

const WORK_TABLES = [
  'scan_import_items',
  'scan_import_hosts',
  'scan_import_scope',
  'scan_import_texts',
] as const;

const staged = (job: ImportJob, slice: StagedSlice) => stagedChunk(job, STAGED_COLUMNS, slice);

export async function systemExists(tx: Tx, orgId: string, key: string): Promise<boolean> {
  const r = await sql<{ id: string }>`
    select id from inventory_systems where org_id = ${orgId} and key = ${key}`.execute(tx.q);
  return r.rows.length > 0;
}

/**
 * No JIT compilation in this transaction (PostgreSQL): the set-based statements here are costed
 * above jit_above_cost and compiling them took longer than running them (each merge slice spent
 * most of its time compiling some fifty functions).
 */
async function noJit(tx: Tx, job: ImportJob): Promise<void> {
  if (job.ctx.db.kind === 'postgres') await sql`set local jit = off`.execute(tx.q);
}

/**
 * Removes what an earlier run of this import left (an import interrupted by a crash starts over)
 * and what finished imports of the organisation left behind (a crash between a switch and its
 * clean-up). Normally there is nothing to remove.
 */
async function clearLeftovers(tx: Tx, job: ImportJob): Promise<void> {
  const org = job.org.id;
  await dropUnpublished(tx, job, 'listed');
  for (const table of WORK_TABLES) {
    await sql`delete from ${sql.table(table)} w
      where w.org_id = ${org}
        and (w.import_id = ${job.importId}
             or w.import_id in (select i.id from imports i where i.org_id = ${org}
                                  and i.status in ('succeeded', 'refused', 'failed')))`.execute(tx.q);
  }
}

/** What a merge slice wrote: for the switch's transaction to publish at once (switchSlice). */
export interface SliceMerged {
  /** The work rows the slice added: seq first..last (null: none, every item was listed before). */
  first: number | null;
  last: number | null;
  /** Work rows of earlier slices that this slice's listings changed (their CVE ids grew). */
  again: number[];
  /** Hosts of earlier slices mapped again because this slice lowered one of their identifiers. */
  remapped: string[];
  /** The systems this slice mapped hosts to (keepMappedSystems, once the slice has committed). */
  systems: string[];
}

/**
 * One merge slice: the slice's staged items into the work tables. Everything a later slice may
 * bring for the same identity or host is merged in: a finding listed twice keeps its first
 * listing's values and gains the second's CVE ids; a host's identifiers are the smallest of each
 * over the file (mapped again when a later slice lowers one).
 */
export async function mergeSlice(tx: Tx, job: ImportJob, slice: StagedSlice): Promise<SliceMerged> {
  const org = job.org.id;
  const importId = job.importId;
  const system = typeof job.options.system === 'string' ? job.options.system : null;
  await noJit(tx, job);
  if (slice.after === 0) await clearLeftovers(tx, job);
  // The slice as a table: the chunk's own temporary table where it was copied into one (a large
  // file on a server), else a copy of its staged rows.
  const chunkTable = stagedChunkTableName(job);
  const scanSlice = sql.table(chunkTable ?? 'scan_slice');
  if (!chunkTable)
    await sql`create temporary table scan_slice on commit drop as
      select * from ${staged(job, slice)} st`.execute(tx.q);
  // Planned for its real size (a temporary table has no statistics until analysed). Only the
  // columns the slice's statements group, join and filter by: the texts, evidence and the rest
  // doubled the time (92 against 48 ms for 5,000 items of about 1.7 kB). A sample of 3,000 items
  // (statistics target 10; the default samples all of a slice) tells the sizes and the spread of
  // identities and hosts as well (12-24 against 17-47 ms, migration 0060 says more).
  await sql`set local default_statistics_target = 10`.execute(tx.q);
  await sql`analyze ${scanSlice} (kind, fingerprint, row_no, family, host, text_hash)`.execute(tx.q);

  // A host already listed by an earlier slice whose identifiers this slice lowers is mapped again
  // (`remapped`): what the switch's transaction already wrote for it follows (switchSlice).
  const hosts = await sql<{ host: string }>`
    with up as (
      insert into scan_import_hosts as h (org_id, import_id, host, ip, fqdn, hname, pinned, mapped)
      select ${org}, ${importId}, host, min(host_ip), min(host_fqdn), min(host_name), false, false
      from ${scanSlice} group by host
      on conflict (org_id, import_id, host) do update set
        ip = least(h.ip, excluded.ip), fqdn = least(h.fqdn, excluded.fqdn), hname = least(h.hname, excluded.hname),
        mapped = h.mapped and (h.ip, h.fqdn, h.hname) is not distinct from
          (least(h.ip, excluded.ip), least(h.fqdn, excluded.fqdn), least(h.hname, excluded.hname))
      returning h.host, h.xmax <> 0 as listed_before, h.mapped)
    select host from up where listed_before and not mapped`.execute(tx.q);
  // The system given with the import (SARIF: the findings belong to it), else the inventory's
  // identifiers in the documented order, all the slice's hosts at once (vaern_findings_systems_for,
  // migration 0054), with the system's criticality for the switch's due dates (read once per
  // host, not once per finding). Written back through ON CONFLICT, a key probe per host: an UPDATE … FROM
  // was planned as a nested loop over both sides (the work table has no statistics yet), 250 hosts
  // against 250 mappings, 38 of its 45 ms. The systems mapped to go to the switch
  // (SliceMerged.systems, lockMappedSystems).
  const mapped = await sql<{ system_id: string | null }>`
    with todo as (
      select array_agg(host) as hosts, array_agg(ip::inet) as ips, array_agg(fqdn) as fqdns,
             array_agg(hname) as names
      from scan_import_hosts where org_id = ${org} and import_id = ${importId} and not mapped),
    m as (
      select m.host, m.system_id from todo
      cross join lateral vaern_findings_systems_for(${org}::uuid, todo.hosts, todo.ips, todo.fqdns, todo.names) m),
    g as (select (select id from inventory_systems where org_id = ${org} and key = ${system}) as id)
    insert into scan_import_hosts as h (org_id, import_id, host, pinned, mapped, system_id, criticality)
    select ${org}, ${importId}, m.host, g.id is not null, true, coalesce(g.id, m.system_id), sy.criticality
    from m cross join g
    left join inventory_systems sy on sy.org_id = ${org} and sy.id = coalesce(g.id, m.system_id)
    on conflict (org_id, import_id, host) do update set mapped = true, pinned = excluded.pinned,
      system_id = excluded.system_id, criticality = excluded.criticality
    returning h.system_id`.execute(tx.q);

  await sql`
    insert into scan_import_scope (org_id, import_id, family, host)
    select distinct ${org}::uuid, ${importId}::uuid, family, host from ${scanSlice}
    on conflict do nothing`.execute(tx.q);

  // The scan's texts, each once (the reader stages them with the first item that has them).
  await sql`
    insert into scan_import_texts (org_id, import_id, hash, description, solution)
    select ${org}, ${importId}, text_hash, description, solution from ${scanSlice}
    where text_hash is not null and (description is not null or solution is not null)
    on conflict do nothing`.execute(tx.q);

  // The slice's new work rows are numbered in no particular order: seq only has to be unique and
  // come after the earlier slices' (ordering by row cost a sort of every row, a tenth of the
  // statement). Each item's CVE ids, KEV and EPSS found by joining the slice's (item, CVE) pairs
  // with the catalogues once: a sub-select per item (`kev_entries.cve = any (…)`) was planned as a scan of
  // the whole KEV catalogue for every item (0.1 ms each: 0.5 s a slice with 1,500 KEV entries).
  const items = await sql<{ first: string | null; last: string | null; again: string[] }>`
    with cv as (
      select s.kind, s.fingerprint, array_agg(distinct c order by c) as cves,
             bool_or(k.cve is not null) as in_kev, max(e.epss) as epss, max(e.percentile) as percentile
      from ${scanSlice} s cross join lateral jsonb_array_elements_text(s.cves) c
      left join kev_entries k on k.cve = c
      left join epss_scores e on e.cve = c
      group by s.kind, s.fingerprint),
    firsts as (select distinct on (kind, fingerprint) * from ${scanSlice} order by kind, fingerprint, row_no),
    base as (select coalesce(max(seq), 0) as n from scan_import_items
             where org_id = ${org} and import_id = ${importId}),
    x as (
      select f.*, coalesce(cv.cves, '{}') as cve_list, coalesce(cv.in_kev, false) as cve_in_kev,
             cv.epss as cve_epss, cv.percentile as cve_percentile,
             row_number() over () as rn
      from firsts f left join cv on cv.kind = f.kind and cv.fingerprint = f.fingerprint),
    ins as (
    insert into scan_import_items as w (org_id, import_id, kind, fingerprint, seq, row_no, family, host, port,
      protocol, rule, host_ip, host_fqdn, host_name, title, severity, cvss, cvss_vector, cves, text_hash,
      evidence, location_file, location_line, state, in_kev, epss, epss_percentile)
    select ${org}, ${importId}, x.kind, x.fingerprint, base.n + x.rn, x.row_no, x.family, x.host, x.port,
           x.protocol, x.rule, x.host_ip::inet, x.host_fqdn, x.host_name, x.title, x.severity, x.cvss,
           x.cvss_vector, x.cve_list, x.text_hash, x.evidence, x.location_file, x.location_line,
           case when x.suppressed then 'suppressed' else 'open' end,
           x.cve_in_kev, x.cve_epss, x.cve_percentile
    from x cross join base
    on conflict (org_id, import_id, kind, fingerprint) do update set
      cves = array(select distinct c from unnest(w.cves || excluded.cves) c order by c),
      in_kev = w.in_kev or excluded.in_kev,
      epss = greatest(w.epss, excluded.epss),
      epss_percentile = greatest(w.epss_percentile, excluded.epss_percentile)
    returning w.seq, w.xmax = 0 as inserted)
    select min(seq) filter (where inserted) as first, max(seq) filter (where inserted) as last,
           coalesce(array_agg(seq) filter (where not inserted), '{}') as again
    from ins`.execute(tx.q);
  // Gone at once: a small file's slices share one transaction (runSmall).
  if (!chunkTable) await sql`drop table scan_slice`.execute(tx.q);
  const r = items.rows[0];
  return {
    first: r?.first == null ? null : Number(r.first),
    last: r?.last == null ? null : Number(r.last),
    again: (r?.again ?? []).map(Number),
    remapped: hosts.rows.map((h) => h.host),
    systems: [...new Set(mapped.rows.flatMap((m) => (m.system_id === null ? [] : [m.system_id])))],
  };
}

/** Removes the import's work rows in the caller's transaction (a failed import: `discard`). */
export async function discardWork(tx: Tx, job: ImportJob): Promise<void> {
  await dropUnpublished(tx, job, 'own');
  for (const table of WORK_TABLES) {
    await sql`delete from ${sql.table(table)}
      where org_id = ${job.org.id} and import_id = ${job.importId}`.execute(tx.q);
  }
}

/**
 * Removes the import's work rows after its switch: all at once when the work tables hold nothing
 * else, else CLEAR_ROWS per transaction, a turn of the event loop between them (on the embedded
 * database a query blocks the server while it runs).
 */
export async function clearWork(job: ImportJob): Promise<void> {
  const scope = scopeOf(job.actor, job.org.id);
  const emptied = await withTenant(job.ctx.db.kysely, scope, async (tx) => {
    const r = await sql<{ done: boolean }>`
      select vaern_scan_import_clear(${job.org.id}::uuid, ${job.importId}::uuid) as done`.execute(tx.q);
    return r.rows[0]?.done === true;
  });
  if (emptied) return;
  for (const table of WORK_TABLES) {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const n = await withTenant(job.ctx.db.kysely, scope, async (tx) => {
        const r = await sql`delete from ${sql.table(table)} where ctid = any (array(
            select ctid from ${sql.table(table)}
            where org_id = ${job.org.id} and import_id = ${job.importId} limit ${CLEAR_ROWS}))`.execute(tx.q);
        return Number(r.numAffectedRows ?? 0);
      });
      if (n < CLEAR_ROWS) break;
    }
  }
}

export interface ScanMergeResult {
  new: number;
  stillOpen: number;
  reopened: number;
  closed: number;
  unmappedHosts: number;
  unmappedHostNames: string[];
}

/**
 * The state of a finding the scan saw again, from its state before (`was`) and the scan's (`now`):
 * back after a fix, open again (or suppressed, when the tool says so); a suppression follows the
 * tool both ways; a person's decision (in progress, accepted, false positive) stays.
 */
const seenState = (was: RawBuilder<unknown>, now: RawBuilder<unknown>) => sql`case
    when ${was} = 'fixed' then ${now}
    when ${was} = 'suppressed' and ${now} = 'open' then 'open'
    when ${was} in ('open', 'in_progress') and ${now} = 'suppressed' then 'suppressed'
    else ${was} end`;

/** Counts by severity that the switch adds up. */
type BySeverity = Record<string, number>;
const add = (into: BySeverity, severity: string, n: number) => {
  into[severity] = (into[severity] ?? 0) + n;
};
const total = (counts: BySeverity) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The advisory lock (first key) that one organisation's scan switches take (lockScanSwitch). */
const SCAN_SWITCH_LOCK = 0x5ca7;

/**
 * One scan switch of an organisation at a time, until its transaction ends: a second import of
 * the organisation waits here, so that the switch may insert its new findings without ON
 * CONFLICT (nobody else adds scan findings to the organisation meanwhile).
 */
async function lockScanSwitch(tx: Tx, job: ImportJob): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SCAN_SWITCH_LOCK}, hashtext(${job.org.id}))`.execute(tx.q);
}

/**
 * How the switch writes a set of work rows into the findings:
 *
 * - `insert`: every row is a new finding, a plain INSERT (the organisation had no findings when
 *   the switch began, and lockScanSwitch keeps other imports out; ON CONFLICT's speculative
 *   insertion cost about a fifth more for each row);
 * - `probe`: each row looks up its finding by identity; a new one is inserted, a known one written
 *   only when something changes, and one seen again unchanged is neither written nor locked (its
 *   sighting is the scope's, recorded in scan_scopes, migration 0041). A person's false positive
 *   is always written (its sighting is its own);
 * - `conflict`: every row through ON CONFLICT on the identity, which finds it on the unique index
 *   whatever the planner believes; a finding seen again unchanged is locked, not written. Used
 *   when the lookup could be planned badly: the statistics of the findings say they are nearly
 *   empty (a lookup planned on them once read every finding of the organisation for each row),
 *   and for rows written once already in this transaction.
 */
type SwitchWay = 'insert' | 'probe' | 'conflict';

/** Findings below which the statistics are not trusted to plan the `probe` lookup. */
const PROBE_FROM_FINDINGS = 10_000;

/**
 * Tests only: the way of every switch into an organisation that has findings, instead of the one
 * the statistics choose (null: theirs). Both must give the same findings (scan-switch.test.ts).
 */
export const switchWayOverride: { way: 'probe' | 'conflict' | null } = { way: null };

/** The way the switch writes an import's rows (SwitchWay), decided as it begins. */
async function switchWay(tx: Tx, job: ImportJob): Promise<SwitchWay> {
  const r = await sql<{ any: boolean; planned: number }>`
    select exists (select 1 from findings where org_id = ${job.org.id}) as any,
           (select reltuples from pg_class where oid = 'findings'::regclass)::float8 as planned`.execute(
    tx.q,
  );
  const row = r.rows[0];
  if (!row?.any) return 'insert';
  if (switchWayOverride.way) return switchWayOverride.way;
  return Number(row.planned) >= PROBE_FROM_FINDINGS ? 'probe' : 'conflict';
}

/** What the switch wrote so far: findings new and back, by severity; how (SwitchWay); up to which work row. */
interface Switched {
  created: BySeverity;
  reopened: BySeverity;
  way: SwitchWay;
  /** The last work row (seq) switchSlice or hideSlice wrote; every one before it is written too. */
  upTo: number;
  /**
   * Unpublished (hideSlice, the embedded database): the work rows of findings published before
   * this import that the switch must write (they changed, or came back); null otherwise.
   */
  later: number[] | null;
}

/**
 * What the switch's transaction wrote while the file was read (earlyInSwitch), or what the merge
 * slices inserted unpublished (hideSlice), per import run.
 */
const switchedEarly = new WeakMap<ImportJob, Switched>();

/**
 * The columns of a finding that a scan may change: one seen again is written only when one of
 * them (or its state) would change.
 */
const COMPARED = [
  'host_ip',
  'host_fqdn',
  'host_name',
  'system_id',
  'system_pinned',
  'title',
  'severity',
  'cvss',
  'cvss_vector',
  'cves',
  'text_hash',
  'description',
  'solution',
  'evidence',
  'location_file',
  'location_line',
  'in_kev',
  'epss',
  'epss_percentile',
  'due_on',
] as const;
type Compared = (typeof COMPARED)[number];

/** COMPARED as a row value, each column as `value` gives it. */
const compared = (value: (column: Compared) => RawBuilder<unknown>) =>
  sql`(${sql.join(COMPARED.map(value))})`;

/**
 * Every work row joins its host's mapping (its system, and the system's criticality for the due
 * date, read once per host when it was mapped), probed by key (LIMIT 1 keeps it a probe per row
 * whatever the planner guesses: the work tables are new and have no statistics yet, and a guess of
 * one row once turned the host lookup into a scan of every host per finding). A system deleted
 * since its hosts were mapped (`gone`, lockMappedSystems) counts as none. The SLA is read
 * once, in a materialised CTE (a sub-select in the join was evaluated again for every row: about
 * 2.5 µs each).
 */
const switchContext = (org: string, importId: string, gone: string[]) => sql`
    left join lateral (
      select case when h.system_id = any (${gone}::uuid[]) then null else h.system_id end as system_id,
             h.pinned,
             case when h.system_id = any (${gone}::uuid[]) then null else h.criticality end as criticality
      from scan_import_hosts h
      where h.org_id = ${org} and h.import_id = ${importId} and h.host = w.host limit 1) h on true`;

/**
 * Per import run: every system that a merge slice mapped one of the scan's hosts to (`mapped`),
 * and those of them deleted before the switch wrote their hosts' findings (`gone`).
 */
const runSystems = new WeakMap<ImportJob, { mapped: Set<string>; gone: Set<string> }>();
/** Per transaction: the systems it holds locked against deletion (lockMappedSystems). */
const lockedSystems = new WeakMap<Tx, Set<string>>();

function systemsOfRun(job: ImportJob): { mapped: Set<string>; gone: Set<string> } {
  let run = runSystems.get(job);
  if (!run) {
    run = { mapped: new Set(), gone: new Set() };
    runSystems.set(job, run);
  }
  return run;
}

/**
 * Keeps the systems a merge slice mapped hosts to, for lockMappedSystems: once the slice has
 * committed (switchSlice), or in its own transaction (hideSlice), never while it may still be
 * running, so that the switch never holds a lock that the slice's own transaction waits for.
 */
export function keepMappedSystems(job: ImportJob, merged: SliceMerged): void {
  const { mapped } = systemsOfRun(job);
  for (const id of merged.systems) mapped.add(id);
}

/** Whether a system that the scan's hosts were mapped to was deleted while the file was merged. */
export const systemsGone = (job: ImportJob): boolean => (runSystems.get(job)?.gone.size ?? 0) > 0;

/**
 * Before the findings are written: every system the merge slices mapped a host to, locked against
 * deletion until this transaction ends (FOR KEY SHARE, as the findings' foreign key locks them; on
 * the embedded database only found, see below), once per transaction (the switch held open while the file is read locks each system once). Those
 * deleted since a slice mapped them are the run's `gone` systems, returned: the switch writes their
 * hosts' findings as unmapped (else the foreign key would fail the import), and asks for the
 * organisation's re-mapping, which maps those hosts again.
 */
async function lockMappedSystems(tx: Tx, job: ImportJob): Promise<string[]> {
  const { mapped, gone } = systemsOfRun(job);
  let locked = lockedSystems.get(tx);
  if (!locked) {
    locked = new Set();
    lockedSystems.set(tx, locked);
  }
  const ids = [...mapped].filter((id) => !locked.has(id) && !gone.has(id));
  if (ids.length > 0) {
    // The embedded database is one session: nothing deletes a system while this transaction runs,
    // so finding them is enough (a lock would write every system's row in every merge slice).
    const lock = job.ctx.db.kind === 'postgres' ? sql`for key share` : sql``;
    const r = await sql<{ id: string }>`
      select s.id from inventory_systems s where s.org_id = ${job.org.id} and s.id = any (${ids}::uuid[])
      ${lock}`.execute(tx.q);
    for (const row of r.rows) locked.add(row.id);
    for (const id of ids) if (!locked.has(id)) gone.add(id);
  }
  return [...gone];
}

/**
 * The work rows that `rows` selects (a condition on `w`) into the organisation's findings and host
 * facts; what it created and reopened is added to `into` (null: a row written again, counted
 * when it was first written).
 *
 * `unpublished` (hideSlice): only what nobody else sees is written. New findings are inserted
 * with this import as their first, unpublished until the switch (migration 0053), and this
 * import's own unpublished findings updated; the work rows of findings published before (which
 * changed or came back; with the conflict way, every one) are added to `into.later` for the
 * switch. Host facts wait for the switch too.
 */
async function switchItems(
  tx: Tx,
  job: ImportJob,
  rows: RawBuilder<unknown>,
  into: Switched | null,
  how: SwitchWay,
  unpublished = false,
): Promise<void> {
  const org = job.org.id;
  const importId = job.importId;
  const chunk = sql`w.org_id = ${org} and w.import_id = ${importId} and ${rows}`;
  const context = switchContext(org, importId, await lockMappedSystems(tx, job));
  const dueDays = sql`vaern_findings_due_days(sla.p, w.severity, h.criticality, w.in_kev, w.epss, w.epss_percentile)`;
  // Each finding written once: a new one inserted with its due date (open, or suppressed when the
  // tool says so); a known one updated only when something changes (SwitchWay). Its due date
  // counts from when it was first seen: the inserted value minus today is the SLA's days.
  const state = seenState(sql`f.state`, sql`excluded.state`);
  const due = sql`(f.first_seen_at at time zone 'UTC')::date + (excluded.due_on - (now() at time zone 'UTC')::date)`;
  const seen = seenState(sql`cur.state`, sql`w.state`);
  const curDue = sql`(cur.first_seen_at at time zone 'UTC')::date + ${dueDays}`;
  // What the switch would write, to compare with a finding as it is: from the work row and its
  // host (the look-up), or as the conflict proposes it; texts live in finding_texts (null here).
  const proposedFromWork: Partial<Record<Compared, RawBuilder<unknown>>> = {
    system_id: sql`h.system_id`,
    system_pinned: sql`coalesce(h.pinned, false)`,
    description: sql`null`,
    solution: sql`null`,
    due_on: curDue,
  };
  const proposedExcluded: Partial<Record<Compared, RawBuilder<unknown>>> = {
    description: sql`null`,
    solution: sql`null`,
    due_on: due,
  };
  const columns = sql`org_id, fingerprint, family, host, port, protocol, rule, host_ip, host_fqdn,
        host_name, system_id, system_pinned, title, severity, cvss, cvss_vector, cves, text_hash, description,
        solution, evidence, location_file, location_line, state, first_import_id, last_import_id, in_kev, epss,
        epss_percentile, due_on`;
  const values = sql`${org}::uuid, s.fingerprint, s.family, s.host, s.port, s.protocol, s.rule, s.host_ip,
        s.host_fqdn, s.host_name, s.system_id, s.system_pinned, s.title, s.severity, s.cvss, s.cvss_vector,
        s.cves, s.text_hash, null, null, s.evidence, s.location_file, s.location_line, s.state,
        ${importId}::uuid, ${importId}::uuid, s.in_kev, s.epss, s.epss_percentile, s.due_on`;
  const probe = sql`cur.id as cur_id,
             cur.id is not null and (cur.state not in ${UNFINISHED} or ${seen} <> cur.state
               or ${compared((c) => sql.ref(`cur.${c}`))} is distinct from ${compared(
                 (c) => proposedFromWork[c] ?? sql.ref(`w.${c}`),
               )}) as changed`;
  const lookup = sql`left join lateral (
        select f.id, f.state, f.first_seen_at, f.first_import_id,
               ${sql.join(COMPARED.map((c) => sql.ref(`f.${c}`)))}
        from findings f where f.org_id = ${org} and f.fingerprint = w.fingerprint limit 1) cur on true`;
  const inserted = how === 'insert' ? sql`true` : how === 'probe' ? sql`s.cur_id is null` : sql`false`;
  const updated =
    how === 'insert'
      ? sql`false`
      : how === 'probe'
        ? unpublished
          ? sql`s.changed and s.cur_own`
          : sql`s.changed`
        : sql`true`;
  // Unpublished: an update reaches only this import's own findings; the rest wait for the switch.
  const own = unpublished ? sql`f.first_import_id = ${importId}::uuid and` : sql``;
  const later = !unpublished
    ? sql`false`
    : how === 'insert'
      ? sql`false`
      : how === 'probe'
        ? sql`s.changed and not s.cur_own`
        : sql`not exists (select 1 from up where up.fingerprint = s.fingerprint)`;
  const written = await sql<{
    severity: string | null;
    created: number;
    reopened: number;
    later: string[] | null;
  }>`
    with sla as materialized (select vaern_findings_sla(${org}::uuid) as p),
    s as materialized (
      select w.seq, w.fingerprint, w.family, w.host, w.port, w.protocol, w.rule, w.host_ip, w.host_fqdn, w.host_name,
             h.system_id, coalesce(h.pinned, false) as system_pinned, w.title, w.severity, w.cvss,
             w.cvss_vector, w.cves, w.text_hash, w.evidence, w.location_file, w.location_line, w.state,
             w.in_kev, w.epss, w.epss_percentile, (now() at time zone 'UTC')::date + ${dueDays} as due_on,
             ${how === 'probe' ? probe : sql`null::uuid as cur_id, false as changed`},
             ${how === 'probe' ? sql`coalesce(cur.first_import_id = ${importId}::uuid, false)` : sql`false`} as cur_own
      from sla cross join scan_import_items w ${context}
      ${how === 'probe' ? lookup : sql``}
      where ${chunk} and w.kind = 'finding'),
    ins as (
      insert into findings (${columns}) select ${values} from s where ${inserted}
      returning severity),
    up as (
      insert into findings as f (${columns}) select ${values} from s where ${updated}
      on conflict (org_id, fingerprint) do update set
        host_ip = excluded.host_ip, host_fqdn = excluded.host_fqdn, host_name = excluded.host_name,
        system_id = excluded.system_id, system_pinned = excluded.system_pinned, title = excluded.title,
        severity = excluded.severity, cvss = excluded.cvss, cvss_vector = excluded.cvss_vector,
        cves = excluded.cves, text_hash = excluded.text_hash, description = null, solution = null,
        evidence = excluded.evidence, location_file = excluded.location_file,
        location_line = excluded.location_line,
        last_seen_at = now(), last_import_id = excluded.last_import_id, updated_at = now(),
        state = ${state},
        state_changed_at = case
          when f.state = 'fixed' or (f.state = 'suppressed') <> (excluded.state = 'suppressed')
               and f.state in ('open', 'in_progress', 'suppressed') then now()
          else f.state_changed_at end,
        closed_at = case when f.state = 'fixed' then null else f.closed_at end,
        closed_by_import_id = case when f.state = 'fixed' then null else f.closed_by_import_id end,
        reopened_count = f.reopened_count + (f.state = 'fixed')::int,
        reopened_at = case when f.state = 'fixed' then now() else f.reopened_at end,
        in_kev = case when ${state} in ${UNFINISHED} then excluded.in_kev else f.in_kev end,
        epss = case when ${state} in ${UNFINISHED} then excluded.epss else f.epss end,
        epss_percentile = case when ${state} in ${UNFINISHED} then excluded.epss_percentile
                               else f.epss_percentile end,
        due_on = case when ${state} in ${UNFINISHED} then ${due} else f.due_on end
      where ${own} (f.state not in ${UNFINISHED} or ${state} <> f.state
        or ${compared((c) => sql.ref(`f.${c}`))} is distinct from ${compared(
          (c) => proposedExcluded[c] ?? sql.ref(`excluded.${c}`),
        )})
      returning f.fingerprint, f.severity, f.xmax = 0 as inserted,
                coalesce(f.reopened_at = now(), false) as reopened),
    written as (
      select severity, true as inserted, false as reopened from ins
      union all select severity, inserted, reopened from up)
    select severity, count(*) filter (where inserted)::int as created,
           count(*) filter (where reopened)::int as reopened, null::bigint[] as later
    from written group by severity
    union all
    select null, 0, 0, array(select s.seq from s where ${later} order by s.seq)
    where ${unpublished ? sql`true` : sql`false`}`.execute(tx.q);
  // New: inserted (a row the conflict updated has a transaction id in xmax). Back: a fixed
  // finding seen again is always written (its state changes) and reopened now (each identity is
  // one work row, so no other statement of this transaction reopened it).
  for (const r of written.rows) {
    if (r.later) into?.later?.push(...r.later.map(Number));
    else if (into && r.severity !== null) {
      add(into.created, r.severity, r.created);
      add(into.reopened, r.severity, r.reopened);
    }
  }
  if (!unpublished) await switchFacts(tx, job, chunk);
}

/** The informational items of the work rows that `chunk` selects into the host facts. */
async function switchFacts(tx: Tx, job: ImportJob, chunk: RawBuilder<unknown>): Promise<void> {
  const org = job.org.id;
  const importId = job.importId;
  await sql`
    insert into scan_host_facts as h (org_id, fingerprint, family, host, port, protocol, rule, title, evidence,
      last_import_id)
    select ${org}, w.fingerprint, w.family, w.host, w.port, w.protocol, w.rule, w.title, w.evidence,
           ${importId}::uuid
    from scan_import_items w where ${chunk} and w.kind = 'fact'
    on conflict (org_id, fingerprint) do update set title = excluded.title, evidence = excluded.evidence,
      last_seen_at = now(), last_import_id = excluded.last_import_id`.execute(tx.q);
}

/** What each merge slice wrote, by its start, until the switch's transaction takes it (switchSlice). */
const slicesMerged = new WeakMap<ImportJob, Map<number, SliceMerged>>();

/** Keeps what a merge slice wrote for its switchSlice. */
export function keepForSwitch(job: ImportJob, slice: StagedSlice, merged: SliceMerged): void {
  let kept = slicesMerged.get(job);
  if (!kept) {
    kept = new Map();
    slicesMerged.set(job, kept);
  }
  kept.set(slice.after, merged);
}

/**
 * A merge slice's work rows into the findings at once, in the switch's transaction held open
 * while the file is read (earlyInSwitch: nobody sees them before it commits), once the slice's
 * merge committed: the rows it added; again, those of earlier slices whose CVE ids it extended;
 * and every row of a host it mapped again, which earlier slices wrote with the system the host had
 * then. (A later slice merged meanwhile may have changed rows of this one: its own switchSlice
 * writes them again.)
 */
export async function switchSlice(tx: Tx, job: ImportJob, slice: StagedSlice): Promise<void> {
  const merged = slicesMerged.get(job)?.get(slice.after);
  if (!merged) throw new Error(`the merge slice after row ${slice.after} was not kept for the switch`);
  slicesMerged.get(job)?.delete(slice.after);
  keepMappedSystems(job, merged);
  let into = switchedEarly.get(job);
  if (!into) {
    await noJit(tx, job);
    await lockScanSwitch(tx, job);
    into = { created: {}, reopened: {}, way: await switchWay(tx, job), upTo: 0, later: null };
    switchedEarly.set(job, into);
  }
  if (merged.first !== null && merged.last !== null) {
    await switchItems(tx, job, sql`w.seq >= ${merged.first} and w.seq <= ${merged.last}`, into, into.way);
    into.upTo = merged.last;
  }
  // Rows this transaction wrote before go through the conflict (the statistics know nothing of them).
  if (merged.again.length > 0)
    await switchItems(tx, job, sql`w.seq = any (${merged.again}::bigint[])`, null, 'conflict');
  if (merged.remapped.length > 0)
    // Only rows switched already: a later slice, merged meanwhile, switches its own (its way may
    // be a plain insert).
    await switchItems(
      tx,
      job,
      sql`w.host = any (${merged.remapped}::text[]) and w.seq <= ${into.upTo}`,
      null,
      'conflict',
    );
}

/** This transaction writes for the import: its unpublished findings are visible to it (migration 0053). */
async function writesFor(tx: Tx, job: ImportJob): Promise<void> {
  await sql`select set_config('app.scan_import', ${job.importId}, true)`.execute(tx.q);
}

/**
 * The embedded database: a merge slice's new findings inserted at once, in the slice's own short
 * transaction, unpublished (migration 0053: nobody else sees them) until the switch commits and
 * publishes them all. A transaction there holds the only session, so a switch that inserted them
 * all kept every other request waiting (about 7 s for 100,000). What a later slice adds to the
 * import's own unpublished findings (more CVE ids, a host mapped anew) is written with it; the
 * work rows of findings published before that the scan changes or brings back are left to the
 * switch (Switched.later), which also writes the host facts.
 */
export async function hideSlice(tx: Tx, job: ImportJob, merged: SliceMerged): Promise<void> {
  keepMappedSystems(job, merged);
  await writesFor(tx, job);
  let into = switchedEarly.get(job);
  if (!into) {
    await lockScanSwitch(tx, job);
    await listUnpublished(tx, job);
    into = { created: {}, reopened: {}, way: await switchWay(tx, job), upTo: 0, later: [] };
    switchedEarly.set(job, into);
  }
  if (merged.first !== null && merged.last !== null) {
    await switchItems(
      tx,
      job,
      sql`w.seq >= ${merged.first} and w.seq <= ${merged.last}`,
      into,
      into.way,
      true,
    );
    into.upTo = merged.last;
  }
  // Rows written before: never a plain insert (nothing of them is new by now, and none is counted).
  const again = into.way === 'insert' ? 'conflict' : into.way;
  if (merged.again.length > 0)
    await switchItems(tx, job, sql`w.seq = any (${merged.again}::bigint[])`, into, again, true);
  if (merged.remapped.length > 0)
    await switchItems(
      tx,
      job,
      sql`w.host = any (${merged.remapped}::text[]) and w.seq <= ${into.upTo}`,
      into,
      again,
      true,
    );
}

/** Lists the import as unpublished (migration 0053). */
async function listUnpublished(tx: Tx, job: ImportJob): Promise<void> {
  await sql`insert into scan_unpublished (org_id, import_id) values (${job.org.id}, ${job.importId})
    on conflict do nothing`.execute(tx.q);
}

/**
 * Deletes unpublished findings and their listing: the import's own (`own`: a failed run), or every
 * one the organisation has listed (`listed`: the first slice of a run, before it lists itself).
 * Whatever is listed then was left by a run that ended without its switch or its discard: a
 * process that died, perhaps this import's own earlier run. It cannot be a run still under way:
 * import jobs run one at a time on the embedded database (one worker in the one process a data
 * directory allows), and a server never lists an import. Its import may still say `running` until its
 * job is retried, which starts it over.
 */
async function dropUnpublished(tx: Tx, job: ImportJob, which: 'own' | 'listed'): Promise<void> {
  const org = job.org.id;
  const left = await sql<{ id: string }>`
    select u.import_id as id from scan_unpublished u
    where u.org_id = ${org} ${which === 'own' ? sql`and u.import_id = ${job.importId}` : sql``}`.execute(
    tx.q,
  );
  for (const { id } of left.rows) {
    await sql`select set_config('app.scan_import', ${id}, true)`.execute(tx.q);
    await sql`delete from findings where org_id = ${org} and first_import_id = ${id}`.execute(tx.q);
    await sql`delete from scan_unpublished where org_id = ${org} and import_id = ${id}`.execute(tx.q);
  }
  if (left.rows.length > 0) await writesFor(tx, job);
}

/**
 * The findings of the scope that the file no longer has: fixed, proved by this import. A risk
 * accepted for what is now gone ends with it (the audit trail keeps the decision). They are
 * updated by their ids (an index probe each, however few findings the planner believes in).
 * Found through the scope's hosts: only the findings on the scanned hosts are read.
 */
async function closeGone(tx: Tx, job: ImportJob, closed: BySeverity): Promise<void> {
  const org = job.org.id;
  const importId = job.importId;
  for (;;) {
    const r = await sql<{ severity: string; n: number }>`
      with gone as (
        select f.id from scan_import_scope sc
        join findings f on f.org_id = ${org} and f.family = sc.family and f.host = sc.host
        where sc.org_id = ${org} and sc.import_id = ${importId}
          and f.state in ${UNFINISHED} and f.last_import_id is distinct from ${importId}::uuid
          and not exists (select 1 from scan_import_items w
                          where w.org_id = ${org} and w.import_id = ${importId} and w.kind = 'finding'
                            and w.fingerprint = f.fingerprint)
        limit ${SWITCH_ROWS}),
      closing as (
        update findings f set state = 'fixed', state_changed_at = now(), closed_at = now(),
          closed_by_import_id = ${importId}::uuid, updated_at = now(),
          state_reason = null, accepted_by = null, accepted_until = null,
          last_seen_at = vaern_findings_last_seen(f.state, f.last_seen_at, f.state_changed_at,
            (select ss.last_scanned_at from scan_scopes ss
             where ss.org_id = f.org_id and ss.family = f.family and ss.host = f.host))
        where f.org_id = ${org} and f.id = any (array(select id from gone))
        returning f.severity)
      select severity, count(*)::int as n from closing group by severity`.execute(tx.q);
    let n = 0;
    for (const row of r.rows) {
      add(closed, row.severity, row.n);
      n += row.n;
    }
    if (n < SWITCH_ROWS) break;
  }
}

/**
 * Whether what the merge slices read may have changed while the file was merged: the
 * organisation's inventory (a system written, or an inventory import that finished), its SLA, or
 * the sector's KEV catalogue or EPSS scores, since the import was queued. The findings keep the
 * system, KEV, EPSS and due date the slices saw, and the jobs that follow such a change
 * (findings.remap, findings.recompute_due) ran without this import's findings, which nobody saw
 * yet: then the switch asks for the organisation's re-mapping (which also recomputes the due
 * dates) once it commits. A change committed by a transaction that began before the import was
 * queued is not seen here (its rows carry that earlier time); such transactions last
 * milliseconds, and the daily recomputation catches up on KEV and EPSS.
 */
export async function inputsChangedSince(tx: Tx, job: ImportJob): Promise<boolean> {
  const org = job.org.id;
  const r = await sql<{ changed: boolean }>`
    with since as (select created_at as t from imports where org_id = ${org} and id = ${job.importId})
    select exists (select 1 from inventory_systems s, since where s.org_id = ${org} and s.updated_at >= since.t)
        or exists (select 1 from imports i, since where i.org_id = ${org} and i.kind = 'systems'
                     and i.status = 'succeeded' and i.finished_at >= since.t)
        or exists (select 1 from vulnerability_sla v, since where v.org_id = ${org} and v.updated_at >= since.t)
        or exists (select 1 from kev_entries k, since where k.updated_at >= since.t)
        or exists (select 1 from epss_scores e, since where e.updated_at >= since.t) as changed`.execute(
    tx.q,
  );
  return r.rows[0]?.changed === true;
}

/**
 * The switch of a scan import, in the framework's one transaction: the work rows into the findings
 * (unless the early merges did it in this transaction already: switchSlice), then what needs the
 * whole file.
 */
export async function mergeScan(tx: Tx, job: ImportJob): Promise<ScanMergeResult> {
  const org = job.org.id;
  const importId = job.importId;
  const closed: BySeverity = {};

  await noJit(tx, job);
  await lockScanSwitch(tx, job);
  // The work tables are complete: planned for their real size from here on (migration 0030).
  await sql`select vaern_scan_import_analyze()`.execute(tx.q);
  // The last work row, and the scan's findings (those neither new nor back were still open).
  const work = await sql<{ last: number | null; findings: number }>`
    select max(seq) as last, count(*) filter (where kind = 'finding')::int as findings
    from scan_import_items where org_id = ${org} and import_id = ${importId}`.execute(tx.q);
  const maxSeq = Number(work.rows[0]?.last ?? 0);
  const findingsListed = work.rows[0]?.findings ?? 0;

  // The scan's texts, each once per organisation, before the findings that refer to them.
  await sql`
    insert into finding_texts (org_id, hash, description, solution)
    select ${org}, t.hash, t.description, t.solution from scan_import_texts t
    where t.org_id = ${org} and t.import_id = ${importId}
    on conflict do nothing`.execute(tx.q);

  const early = switchedEarly.get(job);
  const created: BySeverity = early?.created ?? {};
  const reopened: BySeverity = early?.reopened ?? {};
  // The organisation had no findings when the switch began (SwitchWay `insert`): none to close.
  let firstScan = early?.way === 'insert';
  if (early?.later) {
    // Unpublished while merged (hideSlice): what waited for the switch, then the import's
    // findings published, all at once when this transaction commits.
    await writesFor(tx, job);
    const way = early.way === 'insert' ? 'conflict' : early.way;
    const later = [...new Set(early.later)];
    for (let i = 0; i < later.length; i += SWITCH_ROWS) {
      const rows = sql`w.seq = any (${later.slice(i, i + SWITCH_ROWS)}::bigint[])`;
      await switchItems(tx, job, rows, early, way);
    }
    for (let after = 0; after < maxSeq; after += SWITCH_ROWS) {
      const rows = sql`w.seq > ${after} and w.seq <= ${after + SWITCH_ROWS}`;
      await switchFacts(tx, job, sql`w.org_id = ${org} and w.import_id = ${importId} and ${rows}`);
    }
    await sql`delete from scan_unpublished where org_id = ${org} and import_id = ${importId}`.execute(tx.q);
  } else if (!early) {
    const way = await switchWay(tx, job);
    firstScan = way === 'insert';
    for (let after = 0; after < maxSeq; after += SWITCH_ROWS) {
      const rows = sql`w.seq > ${after} and w.seq <= ${after + SWITCH_ROWS}`;
      await switchItems(tx, job, rows, { created, reopened, way, upTo: 0, later: null }, way);
    }
  }

  // The scope's findings the file no longer has, closed; not after an organisation's first scan,
  // where that would read every finding just inserted (0.1 s for 100,000).
  if (!firstScan) await closeGone(tx, job, closed);

  // The scan's scope, scanned now: the sighting of the unfinished findings it saw unchanged
  // (vaern_findings_last_seen, migration 0041). After the closing, which read the previous scan's.
  for (let from: [string, string] = ['', '']; ; ) {
    const r = await sql<{ family: string; host: string }>`
      with s as (
        select sc.family, sc.host from scan_import_scope sc
        where sc.org_id = ${org} and sc.import_id = ${importId} and (sc.family, sc.host) > (${from[0]}, ${from[1]})
        order by sc.family, sc.host limit ${SWITCH_ROWS}),
      up as (
        insert into scan_scopes as ss (org_id, family, host, last_import_id, last_scanned_at)
        select ${org}, s.family, s.host, ${importId}, now() from s
        on conflict (org_id, family, host) do update set last_import_id = excluded.last_import_id,
          last_scanned_at = excluded.last_scanned_at)
      select family, host from s order by family desc, host desc limit 1`.execute(tx.q);
    const last = r.rows[0];
    if (!last) break;
    from = [last.family, last.host];
  }

  const unmapped = await sql<{ host: string; total: number }>`
    select host, count(*) over ()::int as total from scan_import_hosts
    where org_id = ${org} and import_id = ${importId}
      and (system_id is null or system_id = any (${[...systemsOfRun(job).gone]}::uuid[]))
    order by host limit ${UNMAPPED_LIST_CAP}`.execute(tx.q);

  // Today's figures: what this scan opened (new and back) and closed, by severity.
  const delta: Record<string, [number, number]> = {};
  for (const severity of new Set([
    ...Object.keys(created),
    ...Object.keys(reopened),
    ...Object.keys(closed),
  ])) {
    delta[severity] = [(created[severity] ?? 0) + (reopened[severity] ?? 0), closed[severity] ?? 0];
  }
  await sql`select vaern_findings_count_day(${org}::uuid, ${JSON.stringify(delta)}::jsonb)`.execute(tx.q);

  return {
    new: total(created),
    stillOpen: findingsListed - total(created) - total(reopened),
    reopened: total(reopened),
    closed: total(closed),
    unmappedHosts: unmapped.rows[0]?.total ?? 0,
    unmappedHostNames: unmapped.rows.map((r) => r.host),
  };
}
