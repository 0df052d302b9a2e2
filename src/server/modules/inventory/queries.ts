import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Tx } from '../../db/tenant.js';
import { type ImportJob, type StagedSlice, type StagedType, tupleValues } from '../imports/framework.js';
import { type Field, selectColumn, stagedType, stagedValue, valueSql } from './fields.js';
import { CRITICALITY, componentFields, processFields, supplierFields, systemFields } from './registers.js';
import { TEMPLATES, type TemplateName } from './templates.js';

/**
 * All SQL of the inventory module. Every function runs inside withTenant. The registers share
 * one shape (a table, its plain fields, the references of its own), so most statements are
 * built from the register's description below; each reads as one statement over one table.
 *
 * Keyset paging uses single-column comparisons only: under row-level security PostgreSQL uses
 * an index condition only with leakproof operators, and a row comparison `(a, b) > (…)` is not
 * one (see audit/queries.ts). A page after (x, y) of a two-column sort is therefore the union of
 * `a = x and b > y` and `a > x`, each read along the index (org_id, a, b) with every comparison an
 * index condition. (`a >= x and (a > x or b > y)` left `b > y` a filter: a page deep into one
 * criticality level read every system of that level before it, tens of thousands at 100,000.)
 */

export type RegisterName = 'systems' | 'processes' | 'suppliers' | 'components';

interface RegisterSql {
  table: string;
  fields: readonly Field[];
  /** The FROM clause over the alias `r`, with the joins its references need. */
  from: RawBuilder<unknown>;
  /** The references as the API reads them. */
  extra: RawBuilder<unknown>;
  /** The columns the references are stored in. */
  refColumns: readonly string[];
}

export const REGISTERS: Record<RegisterName, RegisterSql> = {
  systems: {
    table: 'inventory_systems',
    fields: systemFields,
    from: sql`inventory_systems r left join users u on u.id = r.owner_id`,
    extra: sql`r.owner_id, u.email as owner_email, u.name as owner_name, r.shared_org_id, r.shared_system_id,
      r.criticality_rank`,
    refColumns: ['owner_id', 'shared_org_id', 'shared_system_id'],
  },
  processes: {
    table: 'inventory_processes',
    fields: processFields,
    from: sql`inventory_processes r`,
    extra: sql`null as none`,
    refColumns: [],
  },
  suppliers: {
    table: 'inventory_suppliers',
    fields: supplierFields,
    from: sql`inventory_suppliers r`,
    extra: sql`null as none`,
    refColumns: [],
  },
  components: {
    table: 'inventory_components',
    fields: componentFields,
    from: sql`inventory_components r join inventory_systems sy on sy.org_id = r.org_id and sy.id = r.system_id`,
    extra: sql`r.system_id, sy.key as system, sy.name as system_name`,
    refColumns: ['system_id'],
  },
};

/** A register row as read: its plain fields by name, its references, id and times. */
export type RegisterRow = Record<string, unknown> & {
  id: string;
  key: string;
  created_at: Date;
  updated_at: Date;
};

const columnsOf = (reg: RegisterSql) =>
  sql`r.id, r.created_at, r.updated_at, ${sql.join(reg.fields.map((f) => selectColumn(f, 'r')))}, ${reg.extra}`;

/** `%`, `_` and `\` match themselves in a LIKE pattern built from user input. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

// Sorting and paging ----------------------------------------------------------------------------

export const SYSTEM_SORTS = ['key', '-key', 'name', '-name', 'criticality', '-criticality'] as const;
export type SystemSort = (typeof SYSTEM_SORTS)[number];

/** The sort columns (the last is the unique key) of a sort. */
const SORT_COLUMNS: Record<string, readonly string[]> = {
  key: ['key'],
  name: ['name', 'key'],
  criticality: ['criticality_rank', 'key'],
};

export function sortColumns(sort: string): readonly string[] {
  return SORT_COLUMNS[sort.replace(/^-/, '')] ?? ['key'];
}

/**
 * The rows after `after` (one value per sort column) as one or two conditions, each of
 * single-column comparisons; a page is the first rows of their union.
 */
function keysetAfter(sort: string, after: readonly (string | number)[] | undefined): RawBuilder<unknown>[] {
  if (after === undefined) return [sql`true`];
  const strict = sort.startsWith('-') ? sql`<` : sql`>`;
  const [first = '', second] = sortColumns(sort);
  const a = sql.ref(`r.${first}`);
  if (second === undefined) return [sql`${a} ${strict} ${after[0]}`];
  return [
    sql`${a} = ${after[0]} and ${sql.ref(`r.${second}`)} ${strict} ${after[1]}`,
    sql`${a} ${strict} ${after[0]}`,
  ];
}

function orderBy(sort: string): RawBuilder<unknown> {
  const dir = sort.startsWith('-') ? sql`desc` : sql`asc`;
  return sql.join(sortColumns(sort).map((c) => sql`${sql.ref(`r.${c}`)} ${dir}`));
}

// Lists -----------------------------------------------------------------------------------------

export const BASELINE_GAPS = [
  'any',
  'mfa',
  'segmented',
  'patch',
  'endpoint_protection',
  'backup',
  'contingency',
  'restore_procedure',
  'restore_test',
] as const;
export type BaselineGap = (typeof BASELINE_GAPS)[number];

const twelveMonthsAgo = sql`(current_date - interval '12 months')::date`;

/** A baseline gap of a system (docs/inventory.md): the item not recorded as in place and current. */
const GAP_SQL: Record<Exclude<BaselineGap, 'any'>, RawBuilder<unknown>> = {
  mfa: sql`r.mfa is not true`,
  segmented: sql`r.segmented is not true`,
  patch: sql`(r.patch_status is distinct from 'current' or r.patch_confirmed_on is null
              or r.patch_confirmed_on < current_date - 30)`,
  endpoint_protection: sql`r.endpoint_protection is not true`,
  backup: sql`r.backup is not true`,
  contingency: sql`(r.contingency_plan is not true or r.contingency_tested_on is null
                    or r.contingency_tested_on < ${twelveMonthsAgo})`,
  restore_procedure: sql`r.restore_procedure is not true`,
  restore_test: sql`(r.restore_result is distinct from 'success' or r.restore_tested_on is null
                     or r.restore_tested_on < ${twelveMonthsAgo})`,
};

export interface ListFilters {
  q?: string | undefined;
  /** Criticality values; `none` for systems not assessed. */
  criticality?: readonly string[] | undefined;
  healthData?: boolean | undefined;
  legacy?: boolean | undefined;
  medicalDevice?: boolean | undefined;
  gap?: BaselineGap | undefined;
  /** Components of this system (its key). */
  system?: string | undefined;
}

function filterSql(name: RegisterName, orgId: string, f: ListFilters): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = [];
  if (f.q) {
    const pattern = `%${likeLiteral(f.q)}%`;
    if (name === 'systems' || name === 'components') {
      // Through the trigram index (0020): ILIKE itself would be checked only after the row policy,
      // on every row of the organisation. The ids are compared, a leakproof test.
      out.push(sql`r.id = any (array(select vaern_inventory_search(${name}, ${orgId}::uuid, ${pattern})))`);
    } else {
      out.push(sql`(r.key ilike ${pattern} escape '\\' or r.name ilike ${pattern} escape '\\')`);
    }
  }
  if (name === 'systems') {
    if (f.criticality && f.criticality.length > 0) {
      const values = f.criticality.filter((c) => c !== 'none');
      const none = f.criticality.includes('none');
      out.push(
        sql`(${values.length > 0 ? sql`r.criticality in (${sql.join(values)})` : sql`false`} or ${none ? sql`r.criticality is null` : sql`false`})`,
      );
      // The same systems' range of criticality_rank (0013: 1 critical … 4 low, 5 not assessed),
      // a leakproof comparison the criticality index can read as an index condition.
      const ranks = f.criticality.map((c) =>
        c === 'none' ? 5 : (CRITICALITY as readonly string[]).indexOf(c) + 1,
      );
      out.push(sql`r.criticality_rank between ${Math.min(...ranks)} and ${Math.max(...ranks)}`);
    }
    if (f.healthData !== undefined) out.push(sql`r.health_data = ${f.healthData}`);
    if (f.legacy !== undefined) out.push(sql`r.legacy = ${f.legacy}`);
    if (f.medicalDevice !== undefined) out.push(sql`r.medical_device = ${f.medicalDevice}`);
    if (f.gap === 'any') out.push(sql`(${sql.join(Object.values(GAP_SQL), sql` or `)})`);
    else if (f.gap !== undefined) out.push(GAP_SQL[f.gap]);
  }
  if (name === 'components' && f.system !== undefined) out.push(sql`sy.key = ${f.system}`);
  return out;
}

export async function listRecords(
  tx: Tx,
  name: RegisterName,
  o: {
    orgId: string;
    filters: ListFilters;
    sort: string;
    after: readonly (string | number)[] | undefined;
    limit: number;
  },
) {
  const reg = REGISTERS[name];
  const filters = filterSql(name, o.orgId, o.filters);
  const pages = keysetAfter(o.sort, o.after).map(
    (after) => sql`select ${columnsOf(reg)}
      from ${reg.from}
      where ${sql.join([sql`r.org_id = ${o.orgId}`, after, ...filters], sql` and `)}
      order by ${orderBy(o.sort)} limit ${o.limit}`,
  );
  const [first] = pages;
  const statement =
    pages.length === 1 && first
      ? first
      : sql`select * from (${sql.join(
          pages.map((p) => sql`(${p})`),
          sql` union all `,
        )}) r order by ${orderBy(o.sort)} limit ${o.limit}`;
  const r = await statement.execute(tx.q);
  return r.rows as RegisterRow[];
}

export async function findRecord(
  tx: Tx,
  name: RegisterName,
  orgId: string,
  by: { key: string } | { id: string },
) {
  const reg = REGISTERS[name];
  const where = 'key' in by ? sql`r.key = ${by.key}` : sql`r.id = ${by.id}`;
  const r = await sql<RegisterRow>`select ${columnsOf(reg)} from ${reg.from}
    where r.org_id = ${orgId} and ${where}`.execute(tx.q);
  return r.rows[0];
}

/** Inserts a record: its plain fields and reference columns, as stored values. Returns its id. */
export async function insertRecord(
  tx: Tx,
  name: RegisterName,
  orgId: string,
  values: Record<string, unknown>,
  refs: Record<string, unknown>,
) {
  const reg = REGISTERS[name];
  const cols = [...reg.fields.map((f) => f.name), ...Object.keys(refs)];
  const vals = [
    ...reg.fields.map((f) => valueSql(f, values[f.name] ?? null)),
    ...Object.values(refs).map((v) => sql`${v}::uuid`),
  ];
  const r = await sql<{
    id: string;
  }>`insert into ${sql.table(reg.table)} (org_id, ${sql.join(cols.map((c) => sql.ref(c)))})
    values (${orgId}, ${sql.join(vals)}) returning id`.execute(tx.q);
  const id = r.rows[0]?.id;
  if (!id) throw new Error(`insert into ${reg.table} returned no row`);
  return id;
}

export async function updateRecord(
  tx: Tx,
  name: RegisterName,
  orgId: string,
  id: string,
  values: Record<string, unknown>,
  refs: Record<string, unknown>,
) {
  const reg = REGISTERS[name];
  const sets = [
    ...reg.fields.map((f) => sql`${sql.ref(f.name)} = ${valueSql(f, values[f.name] ?? null)}`),
    ...Object.entries(refs).map(([c, v]) => sql`${sql.ref(c)} = ${v}::uuid`),
  ];
  const r = await sql`update ${sql.table(reg.table)} set ${sql.join(sets)}, updated_at = now()
    where org_id = ${orgId} and id = ${id}`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0n);
}

export async function deleteRecord(tx: Tx, name: RegisterName, orgId: string, id: string) {
  const reg = REGISTERS[name];
  const r = await sql`delete from ${sql.table(reg.table)} where org_id = ${orgId} and id = ${id}`.execute(
    tx.q,
  );
  return Number(r.numAffectedRows ?? 0n);
}

// References ----------------------------------------------------------------------------------

/** A member of the organisation by e-mail (a system's owner). */
export async function findMember(tx: Tx, orgId: string, email: string) {
  const r = await sql<{ id: string; email: string; name: string }>`
    select u.id, u.email, u.name from users u
    where u.email = ${email}
      and exists (select 1 from memberships m where m.user_id = u.id and m.org_id = ${orgId})`.execute(tx.q);
  return r.rows[0];
}

/** Shared records by their references `<owner slug>/<key>` (0013: vaern_inventory_find_shared). */
export async function findShared(tx: Tx, orgId: string, refs: readonly string[]) {
  const r = await sql<{ ref: string; shared_org_id: string; shared_system_id: string }>`
    select * from vaern_inventory_find_shared(${orgId}::uuid,
      array(select jsonb_array_elements_text(${JSON.stringify(refs)}::jsonb)))`.execute(tx.q);
  return r.rows;
}

export interface SharedRecordRow {
  system_id: string;
  owner_id: string;
  owner_slug: string;
  owner_name: string;
  key: string;
  name: string;
  vendor: string | null;
  product: string | null;
  model_number: string | null;
  version: string | null;
  cpe: string | null;
  purl: string | null;
  hosting: string | null;
  legacy: boolean;
  medical_device: boolean;
}

/** The shared records the organisation's systems `ids` link to, as it may see them. */
export async function sharedRecords(tx: Tx, orgId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const r = await sql<SharedRecordRow>`select * from vaern_inventory_shared_records(${orgId}::uuid,
    array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid))`.execute(tx.q);
  return r.rows;
}

/** For the owner: how many organisations link to each of its systems `ids`. */
export async function sharedLinkCounts(tx: Tx, orgId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const r = await sql<{ system_id: string; organisations: number }>`
    select system_id, organisations::int as organisations from vaern_inventory_shared_link_counts(${orgId}::uuid,
      array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid))`.execute(tx.q);
  return r.rows;
}

/** Counts of a system's components and dependencies, for the audit entry of its deletion. */
export async function systemDependents(tx: Tx, orgId: string, id: string) {
  const r = await sql<{ components: number; dependencies: number }>`
    select (select count(*)::int from inventory_components where org_id = ${orgId} and system_id = ${id}) as components,
           (select count(*)::int from inventory_dependencies
             where org_id = ${orgId} and (from_system_id = ${id} or to_system_id = ${id})) as dependencies`.execute(
    tx.q,
  );
  return r.rows[0] ?? { components: 0, dependencies: 0 };
}

/** At most this many of a system's components and dependencies come with the system itself. */
export const SYSTEM_COMPONENTS_MAX = 1000;
export const SYSTEM_DEPENDENCIES_MAX = 2000;

/** A system's components by key: at most `limit` (one more tells the caller there are more). */
export async function componentsOfSystem(tx: Tx, orgId: string, systemId: string, limit: number) {
  const reg = REGISTERS.components;
  const r = await sql<RegisterRow>`select ${columnsOf(reg)} from ${reg.from}
    where r.org_id = ${orgId} and r.system_id = ${systemId} order by r.key limit ${limit}`.execute(tx.q);
  return r.rows;
}

// Dependencies ----------------------------------------------------------------------------------

export interface DependencyRow {
  id: string;
  from_type: 'process' | 'system';
  from_key: string;
  from_name: string;
  to_type: 'system' | 'supplier';
  to_key: string;
  to_name: string;
  created_at: Date;
}

const dependencySelect = sql`select d.id, d.from_type,
    coalesce(fp.key, fs.key) as from_key, coalesce(fp.name, fs.name) as from_name,
    d.to_type, coalesce(ts.key, tp.key) as to_key, coalesce(ts.name, tp.name) as to_name, d.created_at
  from inventory_dependencies d
  left join inventory_processes fp on fp.org_id = d.org_id and fp.id = d.from_process_id
  left join inventory_systems fs on fs.org_id = d.org_id and fs.id = d.from_system_id
  left join inventory_systems ts on ts.org_id = d.org_id and ts.id = d.to_system_id
  left join inventory_suppliers tp on tp.org_id = d.org_id and tp.id = d.to_supplier_id`;

export async function listDependencies(
  tx: Tx,
  o: {
    orgId: string;
    /** A system's key: the dependencies with it at either end. */
    system?: string | undefined;
    fromType?: string | undefined;
    fromKey?: string | undefined;
    toType?: string | undefined;
    toKey?: string | undefined;
    afterId: string | undefined;
    limit: number;
  },
) {
  const conditions = [sql`d.org_id = ${o.orgId}`];
  if (o.afterId !== undefined) conditions.push(sql`d.id > ${o.afterId}::uuid`);
  if (o.system !== undefined) {
    // By the system's id, so that each side reads its index (from_system, to_system).
    const id = sql`(select id from inventory_systems where org_id = ${o.orgId} and key = ${o.system})`;
    conditions.push(sql`(d.from_system_id = ${id} or d.to_system_id = ${id})`);
  }
  if (o.fromType !== undefined) conditions.push(sql`d.from_type = ${o.fromType}`);
  if (o.fromKey !== undefined) conditions.push(sql`coalesce(fp.key, fs.key) = ${o.fromKey}`);
  if (o.toType !== undefined) conditions.push(sql`d.to_type = ${o.toType}`);
  if (o.toKey !== undefined) conditions.push(sql`coalesce(ts.key, tp.key) = ${o.toKey}`);
  const r = await sql<DependencyRow>`${dependencySelect}
    where ${sql.join(conditions, sql` and `)} order by d.id limit ${o.limit}`.execute(tx.q);
  return r.rows;
}

/** What a system uses and what uses it: at most `limit` (one more tells the caller there are more). */
export async function dependenciesOfSystem(tx: Tx, orgId: string, systemId: string, limit: number) {
  const r = await sql<DependencyRow>`${dependencySelect}
    where d.org_id = ${orgId} and (d.from_system_id = ${systemId} or d.to_system_id = ${systemId})
    order by d.from_type, from_key, d.to_type, to_key limit ${limit}`.execute(tx.q);
  return r.rows;
}

export async function findDependency(tx: Tx, orgId: string, id: string) {
  const r = await sql<DependencyRow>`${dependencySelect} where d.org_id = ${orgId} and d.id = ${id}`.execute(
    tx.q,
  );
  return r.rows[0];
}

/** The id of a process, system or supplier by its key. */
export async function idOfKey(tx: Tx, orgId: string, type: 'process' | 'system' | 'supplier', key: string) {
  const table = {
    process: 'inventory_processes',
    system: 'inventory_systems',
    supplier: 'inventory_suppliers',
  }[type];
  const r = await sql<{
    id: string;
  }>`select id from ${sql.table(table)} where org_id = ${orgId} and key = ${key}`.execute(tx.q);
  return r.rows[0]?.id;
}

export async function insertDependency(
  tx: Tx,
  orgId: string,
  d: { fromType: string; fromId: string; toType: string; toId: string },
) {
  const r = await sql<{ id: string }>`insert into inventory_dependencies
      (org_id, from_type, from_process_id, from_system_id, to_type, to_system_id, to_supplier_id)
    values (${orgId}, ${d.fromType},
      ${d.fromType === 'process' ? d.fromId : null}::uuid, ${d.fromType === 'system' ? d.fromId : null}::uuid,
      ${d.toType}, ${d.toType === 'system' ? d.toId : null}::uuid, ${d.toType === 'supplier' ? d.toId : null}::uuid)
    returning id`.execute(tx.q);
  const id = r.rows[0]?.id;
  if (!id) throw new Error('insert into inventory_dependencies returned no row');
  return id;
}

export async function deleteDependency(tx: Tx, orgId: string, id: string) {
  const r = await sql`delete from inventory_dependencies where org_id = ${orgId} and id = ${id}`.execute(
    tx.q,
  );
  return Number(r.numAffectedRows ?? 0n);
}

// Register imports (imports.ts): set-based over the staged rows --------------------------------

/*
 * An import inserts its new rows in merge slices, marked with the import (imported_by): row-level
 * security hides them until the import has succeeded, which the framework records in the
 * switch's transaction (0013: vaern_inventory_live). ON CONFLICT DO NOTHING (no target: a target
 * would need the read policy to pass for the hidden row) skips a key taken meanwhile. The switch
 * updates the existing rows whose values differ. Each statement reads the staged rows once, as
 * the CTE `s0`, and turns them into the stored values as the CTE `x`.
 */

/**
 * Runs an import's set-based statement without nested-loop joins. Right after a bulk insert the
 * inventory tables have no statistics (the embedded database has no autovacuum; a server's may
 * not have run yet), and under row-level security the planner then takes them for a row or two
 * and joins 5,000 staged rows to 50,000 records in a nested loop: 46 s instead of a fraction of
 * one. Hash joins are right for these statements whatever the statistics. Without JIT too: the
 * cost that rules nested loops out would otherwise make PostgreSQL compile every slice's
 * statement (over a second each). SET LOCAL, restored afterwards; on an error the transaction is
 * rolled back, and the settings with it.
 */
async function withoutNestedLoops<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  const before = await sql<{ nestloop: string; jit: string }>`
    select current_setting('enable_nestloop') as nestloop, current_setting('jit') as jit`.execute(tx.q);
  await sql`select set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)`.execute(tx.q);
  const result = await fn();
  const was = before.rows[0];
  await sql`select set_config('enable_nestloop', ${was?.nestloop ?? 'on'}, true),
                   set_config('jit', ${was?.jit ?? 'on'}, true)`.execute(tx.q);
  return result;
}

/** Fresh planner statistics for the inventory's tables (after an import; see jobs.ts). */
export async function analyzeInventory(kysely: Kysely<DB>): Promise<void> {
  await sql`analyze inventory_processes, inventory_suppliers, inventory_systems, inventory_components,
    inventory_dependencies`.execute(kysely);
}

interface ImportSql {
  table: string;
  fields: readonly Field[];
  /** Staged columns besides the plain fields: the references as written in the file. */
  refTypes: Record<string, StagedType>;
  /** CTEs between `s0` and `x` that resolve the references. */
  ctes(orgId: string): RawBuilder<unknown>[];
  /** The reference columns of `x` (`… as <column>`) and the joins over `s` that give them. */
  refSelect: RawBuilder<unknown>[];
  refJoins(orgId: string): RawBuilder<unknown>;
  refColumns: readonly string[];
}

const IMPORT_SQL: Record<RegisterName, ImportSql> = {
  systems: {
    table: 'inventory_systems',
    fields: systemFields,
    refTypes: { owner_email: 'text', shared_system: 'text' },
    ctes: (orgId) => [
      sql`owners as (select u.id, u.email from users u
          where u.email in (select distinct owner_email from s0 where owner_email is not null)
            and exists (select 1 from memberships m where m.user_id = u.id and m.org_id = ${orgId}))`,
      sql`shared as (select * from vaern_inventory_find_shared(${orgId}::uuid,
          array(select distinct shared_system from s0 where shared_system is not null)))`,
    ],
    refSelect: [sql`o.id as owner_id`, sql`f.shared_org_id`, sql`f.shared_system_id`],
    refJoins: () =>
      sql`left join owners o on o.email = s.owner_email left join shared f on f.ref = s.shared_system`,
    refColumns: ['owner_id', 'shared_org_id', 'shared_system_id'],
  },
  processes: {
    table: 'inventory_processes',
    fields: processFields,
    refTypes: {},
    ctes: () => [],
    refSelect: [],
    refJoins: () => sql``,
    refColumns: [],
  },
  suppliers: {
    table: 'inventory_suppliers',
    fields: supplierFields,
    refTypes: {},
    ctes: () => [],
    refSelect: [],
    refJoins: () => sql``,
    refColumns: [],
  },
  components: {
    table: 'inventory_components',
    fields: componentFields,
    refTypes: { system: 'text' },
    ctes: () => [],
    refSelect: [sql`sy.id as system_id`],
    refJoins: (orgId) => sql`join inventory_systems sy on sy.org_id = ${orgId} and sy.key = s.system`,
    refColumns: ['system_id'],
  },
};

export const importStagedTypes = (name: RegisterName): Record<string, StagedType> => {
  const spec = IMPORT_SQL[name];
  return { ...Object.fromEntries(spec.fields.map((f) => [f.name, stagedType(f)])), ...spec.refTypes };
};

/**
 * `s0`: the staged rows of the import as typed columns (materialised: read once per statement),
 * each read from its position in the register's staged tuple (the template's column order).
 * `keys` keeps only the rows whose key the register already has (`existing`) or has not (`new`);
 * it compares the staged row's key column before its values are read, so a statement that needs
 * only some of the rows does not decode all of them.
 */
function stagedCte(
  job: ImportJob,
  register: TemplateName,
  types: Record<string, StagedType>,
  opts: { slice?: StagedSlice | undefined; keys?: { table: string; which: 'existing' | 'new' } } = {},
) {
  const order = TEMPLATES[register].map((c) => c.column.name);
  const range = opts.slice
    ? sql`and r.row_no > ${opts.slice.after} and r.row_no <= ${opts.slice.upTo}`
    : sql``;
  const keys = opts.keys
    ? sql`and ${opts.keys.which === 'new' ? sql`not` : sql``} exists (select 1 from ${sql.table(opts.keys.table)} t
            where t.org_id = r.org_id and t.key = r.key)`
    : sql``;
  // `offset 0` keeps the rows' selection below the decoding of their values: the planner would
  // otherwise decode every staged row and only then join it against the register's keys.
  return sql`s0 as materialized (select r.row_no, ${tupleValues(types, order)} from (select r.row_no, r.data
      from import_rows r
      where r.org_id = ${job.org.id} and r.import_id = ${job.importId} and r.data is not null ${range} ${keys}
      offset 0) r)`;
}

/** `s0`, the reference CTEs and `x` (the stored values), for a WITH clause. */
function importSource(
  name: RegisterName,
  job: ImportJob,
  opts: { slice?: StagedSlice; which: 'existing' | 'new' },
) {
  const spec = IMPORT_SQL[name];
  const values = [
    sql`s.row_no`,
    ...spec.fields.map((f) => sql`${stagedValue(f)} as ${sql.ref(f.name)}`),
    ...spec.refSelect,
  ];
  return sql.join(
    [
      stagedCte(job, name, importStagedTypes(name), {
        slice: opts.slice,
        keys: { table: spec.table, which: opts.which },
      }),
      ...spec.ctes(job.org.id),
      sql`x as (select ${sql.join(values)} from s0 s ${spec.refJoins(job.org.id)})`,
    ],
    sql`, `,
  );
}

const storedColumns = (spec: ImportSql) => [...spec.fields.map((f) => f.name), ...spec.refColumns];

/** A merge slice: the slice's new rows, inserted hidden until the import succeeds. Returns how many. */
export async function insertPending(tx: Tx, name: RegisterName, job: ImportJob, slice: StagedSlice) {
  const spec = IMPORT_SQL[name];
  const cols = storedColumns(spec);
  const r = await withoutNestedLoops(tx, () =>
    sql`with ${importSource(name, job, { slice, which: 'new' })}
      insert into ${sql.table(spec.table)} (org_id, ${sql.join(cols.map((c) => sql.ref(c)))}, imported_by)
      select ${job.org.id}, ${sql.join(cols.map((c) => sql.ref(`x.${c}`)))}, ${job.importId}::uuid from x
      on conflict do nothing`.execute(tx.q),
  );
  return Number(r.numAffectedRows ?? 0n);
}

/**
 * A merge slice: the staged rows whose record already holds exactly their values are set aside
 * (deleted from the staging table), so that the switch compares only the rows that may change
 * anything. Re-importing an unchanged register of 50,000 rows then leaves the switch nothing to
 * compare. Returns how many.
 */
export async function dropUnchanged(tx: Tx, name: RegisterName, job: ImportJob, slice: StagedSlice) {
  const spec = IMPORT_SQL[name];
  const cols = storedColumns(spec);
  const target = sql.join(cols.map((c) => sql.ref(`t.${c}`)));
  const source = sql.join(cols.map((c) => sql.ref(`x.${c}`)));
  const r = await withoutNestedLoops(tx, () =>
    sql`with ${importSource(name, job, { slice, which: 'existing' })}
      delete from import_rows r
      using x join ${sql.table(spec.table)} t on t.org_id = ${job.org.id} and t.key = x.key
      where r.org_id = ${job.org.id} and r.import_id = ${job.importId} and r.row_no = x.row_no
        and (${target}) is not distinct from (${source})`.execute(tx.q),
  );
  return Number(r.numAffectedRows ?? 0n);
}

/** In the switch: the existing rows whose values the file changes. Returns how many. */
export async function updateChanged(tx: Tx, name: RegisterName, job: ImportJob) {
  const spec = IMPORT_SQL[name];
  const cols = storedColumns(spec);
  const target = sql.join(cols.map((c) => sql.ref(`t.${c}`)));
  const source = sql.join(cols.map((c) => sql.ref(`x.${c}`)));
  const r = await withoutNestedLoops(tx, () =>
    sql`with ${importSource(name, job, { which: 'existing' })}
      update ${sql.table(spec.table)} t
      set (${sql.join(cols.map((c) => sql.ref(c)))}) = (${source}), updated_at = now()
      from x where t.org_id = ${job.org.id} and t.key = x.key and (${target}) is distinct from (${source})`.execute(
      tx.q,
    ),
  );
  return Number(r.numAffectedRows ?? 0n);
}

export async function discardPending(tx: Tx, job: ImportJob) {
  await sql`select vaern_inventory_discard(${job.org.id}::uuid, ${job.importId}::uuid)`.execute(tx.q);
}

export interface StagedIssueRow {
  row_no: number;
  col: string;
  code: string;
  value: string | null;
  first: number | null;
  total: number;
}

/** The first `limit` issues of the union of issue queries (over `s0` and `x`), and their total. */
async function issuesOf(tx: Tx, source: RawBuilder<unknown>, issues: RawBuilder<unknown>[], limit: number) {
  const r = await withoutNestedLoops(tx, () =>
    sql<StagedIssueRow>`with ${source}, issues as (${sql.join(issues, sql` union all `)})
      select row_no, col, code, value, first, count(*) over ()::int as total from issues
      order by row_no, col limit ${limit}`.execute(tx.q),
  );
  return { rows: r.rows, total: r.rows[0]?.total ?? 0 };
}

/** Systems: owners who are not members, shared records that cannot be found, both shared and linked. */
export async function checkSystems(tx: Tx, job: ImportJob, limit: number) {
  const source = sql.join(
    [
      stagedCte(job, 'systems', { owner_email: 'text', shared_system: 'text', shared: 'boolean' }),
      ...IMPORT_SQL.systems.ctes(job.org.id),
    ],
    sql`, `,
  );
  return issuesOf(
    tx,
    source,
    [
      sql`select s.row_no, 'owner_email' as col, 'inventory.owner_unknown' as code, s.owner_email as value,
             null::int as first
          from s0 s left join owners o on o.email = s.owner_email
          where s.owner_email is not null and o.id is null`,
      sql`select s.row_no, 'shared_system', 'inventory.shared_unknown', s.shared_system, null
          from s0 s left join shared f on f.ref = s.shared_system
          where s.shared_system is not null and f.ref is null`,
      sql`select s.row_no, 'shared_system', 'inventory.shared_and_linked', s.shared_system, null
          from s0 s where s.shared and s.shared_system is not null`,
    ],
    limit,
  );
}

/** Components: systems that are not in the register. */
export async function checkComponents(tx: Tx, job: ImportJob, limit: number) {
  return issuesOf(
    tx,
    stagedCte(job, 'components', { system: 'text' }),
    [
      sql`select s.row_no, 'system' as col, 'inventory.system_unknown' as code, s.system as value, null::int as first
          from s0 s where not exists (select 1 from inventory_systems sy
                                      where sy.org_id = ${job.org.id} and sy.key = s.system)`,
    ],
    limit,
  );
}

function dependencySource(job: ImportJob, slice?: StagedSlice) {
  const staged = stagedCte(
    job,
    'dependencies',
    { from_type: 'text', from_key: 'text', to_type: 'text', to_key: 'text' },
    { slice },
  );
  const org = job.org.id;
  return sql`${staged},
    x as (select s.row_no, s.from_type, s.from_key, s.to_type, s.to_key,
                 fp.id as from_process_id, fs.id as from_system_id, ts.id as to_system_id, tp.id as to_supplier_id
          from s0 s
          left join inventory_processes fp on s.from_type = 'process' and fp.org_id = ${org} and fp.key = s.from_key
          left join inventory_systems fs on s.from_type = 'system' and fs.org_id = ${org} and fs.key = s.from_key
          left join inventory_systems ts on s.to_type = 'system' and ts.org_id = ${org} and ts.key = s.to_key
          left join inventory_suppliers tp on s.to_type = 'supplier' and tp.org_id = ${org} and tp.key = s.to_key)`;
}

/** Dependencies: unknown ends, pairs the register does not hold, a system on itself, a row twice. */
export async function checkDependencies(tx: Tx, job: ImportJob, limit: number) {
  return issuesOf(
    tx,
    dependencySource(job),
    [
      sql`select row_no, 'from_key' as col, 'inventory.reference_unknown' as code, from_type || ' ' || from_key as value,
             null::int as first
          from x where from_process_id is null and from_system_id is null`,
      sql`select row_no, 'to_key', 'inventory.reference_unknown', to_type || ' ' || to_key, null
          from x where to_system_id is null and to_supplier_id is null`,
      sql`select row_no, 'to_type', 'inventory.dependency_pair', from_type || ' → ' || to_type, null
          from x where from_type = 'process' and to_type = 'supplier'`,
      sql`select row_no, 'to_key', 'inventory.dependency_self', to_key, null
          from x where from_type = 'system' and to_type = 'system' and from_key = to_key`,
      sql`select row_no, 'to_key', 'inventory.dependency_twice', to_key, first from (
            select row_no, to_key, n, min(row_no) over (partition by from_type, from_key, to_type, to_key) as first
            from (select row_no, from_type, from_key, to_type, to_key,
                         row_number() over (partition by from_type, from_key, to_type, to_key order by row_no) as n
                  from s0) d) d
          where n > 1`,
    ],
    limit,
  );
}

/** A merge slice of dependencies: the new ones, hidden until the import succeeds. Returns how many. */
export async function insertPendingDependencies(tx: Tx, job: ImportJob, slice: StagedSlice) {
  const r = await withoutNestedLoops(tx, () =>
    sql`with ${dependencySource(job, slice)}
      insert into inventory_dependencies
        (org_id, from_type, from_process_id, from_system_id, to_type, to_system_id, to_supplier_id, imported_by)
      select ${job.org.id}, from_type, from_process_id, from_system_id, to_type, to_system_id, to_supplier_id,
             ${job.importId}::uuid
      from x on conflict do nothing`.execute(tx.q),
  );
  return Number(r.numAffectedRows ?? 0n);
}
