import { type RawBuilder, sql } from 'kysely';
import type { MaintenanceTx } from '../../db/maintenance.js';

/**
 * The backup module's SQL. Everything is read from the catalog, so a table that a later migration
 * adds is backed up and restored without a change here. Identifiers go through sql.id (quoted).
 */

export interface CatalogTable {
  name: string;
  columns: Array<{ name: string; type: string }>;
  primary_key: string[];
  /** vaern_definer may read every row: SELECT granted and, under RLS, a permissive policy for it. */
  definer_reads: boolean;
  /** vaern_definer may insert rows. */
  definer_writes: boolean;
}

export interface ForeignKey {
  table: string;
  name: string;
  references: string;
  /** pg_get_constraintdef: what restore re-creates after loading the rows. */
  definition: string;
}

const table = (name: string) => sql.id('public', name);
/** A table's qualified name as text, for a regclass parameter. */
const qualified = (name: string) => `public."${name.replaceAll('"', '""')}"`;
const columnList = (columns: readonly string[]) => sql.join(columns.map((c) => sql.id(c)));

/** Ordinary and partitioned tables of the public schema (partitions are read through their parent). */
export async function listTables(tx: MaintenanceTx): Promise<CatalogTable[]> {
  const r = await sql<CatalogTable>`
    select c.relname as name,
      coalesce((select json_agg(json_build_object('name', a.attname,
                                                  'type', format_type(a.atttypid, a.atttypmod))
                                order by a.attnum)
                from pg_attribute a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''),
               '[]'::json) as columns,
      coalesce((select json_agg(a.attname order by k.ord)
                from pg_index i
                cross join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                where i.indrelid = c.oid and i.indisprimary),
               '[]'::json) as primary_key,
      has_table_privilege(d.oid, c.oid, 'SELECT')
        and (not c.relrowsecurity or exists (
          select 1 from pg_policy p
          where p.polrelid = c.oid and p.polpermissive and p.polcmd in ('*', 'r')
            and (0 = any (p.polroles) or d.oid = any (p.polroles)))) as definer_reads,
      has_table_privilege(d.oid, c.oid, 'INSERT')
        and (not c.relrowsecurity or exists (
          select 1 from pg_policy p
          where p.polrelid = c.oid and p.polpermissive and p.polcmd in ('*', 'a')
            and (0 = any (p.polroles) or d.oid = any (p.polroles)))) as definer_writes
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    cross join (select oid from pg_roles where rolname = 'vaern_definer') d
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`.execute(tx.q);
  return r.rows;
}

/** Foreign keys declared in the public schema (not those a partition inherits). */
export async function listForeignKeys(tx: MaintenanceTx): Promise<ForeignKey[]> {
  const r = await sql<ForeignKey>`
    select c.relname as "table", con.conname as name, p.relname as "references",
           pg_get_constraintdef(con.oid) as definition
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join pg_class p on p.oid = con.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where con.contype = 'f' and n.nspname = 'public' and con.conparentid = 0
    order by c.relname, con.conname`.execute(tx.q);
  return r.rows;
}

export async function listSequences(tx: MaintenanceTx): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'S' and n.nspname = 'public' order by c.relname`.execute(tx.q);
  return r.rows.map((row) => row.name);
}

/** As the owner: a sequence's state is not row data and vaern_definer holds no grant on it. */
export async function readSequence(
  tx: MaintenanceTx,
  name: string,
): Promise<{ last_value: string; is_called: boolean }> {
  const r = await sql<{ last_value: string; is_called: boolean }>`
    select last_value::text as last_value, is_called from ${table(name)}`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error(`sequence ${name} has no state`);
  return row;
}

export async function setSequence(
  tx: MaintenanceTx,
  name: string,
  lastValue: string,
  isCalled: boolean,
): Promise<void> {
  await sql`select setval(${qualified(name)}::regclass, ${lastValue}::bigint, ${isCalled})`.execute(tx.q);
}

/** As the owner: vaern_definer has no grant on the migrations table. */
export async function appliedMigrations(tx: MaintenanceTx): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from vaern_migrations order by name`.execute(tx.q);
  return r.rows.map((row) => row.name);
}

export async function countRows(tx: MaintenanceTx, name: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from ${table(name)}`.execute(tx.q);
  return Number(r.rows[0]?.n ?? 0);
}

const CURSOR = sql.id('vaern_backup_rows');
const SOURCE = 'vaern_backup_src';
const ROW = 'vaern_backup_row';

/** Opens a cursor over a table's rows as JSON text, in primary-key order, with the given columns only. */
export async function openRowCursor(
  tx: MaintenanceTx,
  name: string,
  columns: readonly string[],
  primaryKey: readonly string[],
): Promise<void> {
  const picked = sql.join(columns.map((c) => sql.id(SOURCE, c)));
  const order: RawBuilder<unknown> = primaryKey.length
    ? sql`order by ${sql.join(primaryKey.map((c) => sql.id(SOURCE, c)))}`
    : sql``;
  await sql`declare ${CURSOR} no scroll cursor for
    select row_to_json(${sql.id(ROW)})::text as line
    from ${table(name)} as ${sql.id(SOURCE)}, lateral (select ${picked}) as ${sql.id(ROW)}
    ${order}`.execute(tx.q);
}

export async function fetchRows(tx: MaintenanceTx, count: number): Promise<string[]> {
  const r = await sql<{
    line: string;
  }>`fetch forward ${sql.raw(String(Math.max(1, Math.floor(count))))} from ${CURSOR}`.execute(tx.q);
  return r.rows.map((row) => row.line);
}

export async function closeRowCursor(tx: MaintenanceTx): Promise<void> {
  await sql`close ${CURSOR}`.execute(tx.q);
}

/** Inserts a batch of row_to_json lines; identity columns keep their backed-up values. */
export async function insertRows(
  tx: MaintenanceTx,
  name: string,
  columns: readonly string[],
  lines: readonly string[],
): Promise<number> {
  const r = await sql`
    insert into ${table(name)} (${columnList(columns)}) overriding system value
    select ${columnList(columns)} from json_populate_recordset(null::${table(name)}, ${`[${lines.join(',')}]`}::json)`.execute(
    tx.q,
  );
  return Number(r.numAffectedRows ?? 0n);
}

export async function deleteAllRows(tx: MaintenanceTx, name: string): Promise<number> {
  const r = await sql`delete from ${table(name)}`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0n);
}

/** As the owner. */
export async function dropForeignKey(tx: MaintenanceTx, fk: ForeignKey): Promise<void> {
  await sql`alter table ${table(fk.table)} drop constraint ${sql.id(fk.name)}`.execute(tx.q);
}

/** As the owner; validates every row against the referenced table in one pass. */
export async function addForeignKey(tx: MaintenanceTx, fk: ForeignKey): Promise<void> {
  await sql`alter table ${table(fk.table)} add constraint ${sql.id(fk.name)} ${sql.raw(fk.definition)}`.execute(
    tx.q,
  );
}

/** User triggers that are enabled; restore switches them off while it loads, as pg_restore does. */
export async function enabledUserTriggers(tx: MaintenanceTx, name: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select t.tgname as name from pg_trigger t
    where t.tgrelid = ${qualified(name)}::regclass and not t.tgisinternal and t.tgenabled <> 'D'
    order by t.tgname`.execute(tx.q);
  return r.rows.map((row) => row.name);
}

/** As the owner. */
export async function setTrigger(
  tx: MaintenanceTx,
  tableName: string,
  trigger: string,
  enabled: boolean,
): Promise<void> {
  await sql`alter table ${table(tableName)} ${sql.raw(enabled ? 'enable' : 'disable')} trigger ${sql.id(trigger)}`.execute(
    tx.q,
  );
}

/** What makes an instance not empty: organisations, people or an audit trail. */
export async function instanceContents(
  tx: MaintenanceTx,
): Promise<{ organisations: boolean; users: boolean; audit_entries: boolean }> {
  const r = await sql<{ organisations: boolean; users: boolean; audit_entries: boolean }>`
    select exists (select 1 from organisations) as organisations,
           exists (select 1 from users) as users,
           exists (select 1 from audit_log) as audit_entries`.execute(tx.q);
  const row = r.rows[0];
  return {
    organisations: row?.organisations === true,
    users: row?.users === true,
    audit_entries: row?.audit_entries === true,
  };
}

export async function chainHeads(
  tx: MaintenanceTx,
): Promise<Array<{ chain: string; seq: number; hash: string }>> {
  const rows = await tx.q
    .selectFrom('audit_heads')
    .select(['org_id', 'seq', 'hash'])
    .orderBy('org_id')
    .execute();
  return rows.map((r) => ({ chain: r.org_id, seq: Number(r.seq), hash: r.hash }));
}
