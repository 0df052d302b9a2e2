import { isIP } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import {
  TABLE_MEDIA_TYPES,
  type TableFormat,
  type TableValue,
  tableFileName,
  writeTable,
  writeTemplate,
} from '../imports/export.js';
import type { Field } from './fields.js';
import { TEMPLATES, type TemplateName } from './templates.js';
import './messages.js';
import { authorise, inventoryPolicy } from './policy.js';
import * as q from './queries.js';
import { componentFields, processFields, supplierFields, systemFields } from './registers.js';

/**
 * Export of the inventory's registers as CSV or XLSX (docs/inventory.md, "Export"): every live row
 * in the template's columns, each cell as the importer reads it, so that importing an export
 * changes nothing. The rows are read by keyset, EXPORT_BATCH at a time, each batch in its own
 * short transaction, and streamed to the response as they come: an export of 100,000 systems
 * never holds them all, and on the embedded database other requests are served between batches.
 */

export const EXPORT_REGISTERS = Object.keys(TEMPLATES) as TemplateName[];
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const satisfies readonly TableFormat[];
/** Rows read per query (and transaction). */
export const EXPORT_BATCH = 2_000;

const orgSlug = z.string().min(1).max(63);
/** `export/{register}.{format}`: unknown registers and formats are answered 404 by the service. */
export const exportParams = z.strictObject({
  org: orgSlug,
  register: z.string().min(1).max(40),
  format: z.string().min(1).max(10),
});
export const xlsxTemplateParams = z.strictObject({ org: orgSlug, register: z.string().min(1).max(40) });

const isRegister = (name: string): name is TemplateName => Object.hasOwn(TEMPLATES, name);
const isFormat = (f: string): f is TableFormat => (EXPORT_FORMATS as readonly string[]).includes(f);

const FIELDS: Record<Exclude<TemplateName, 'dependencies'>, readonly Field[]> = {
  systems: systemFields,
  components: componentFields,
  processes: processFields,
  suppliers: supplierFields,
};

/** `10.30.1.15/32` as `10.30.1.15`: PostgreSQL writes every cidr with its prefix. */
function addressText(cidr: string): string {
  const [address = '', prefix] = cidr.split('/');
  const full = isIP(address) === 4 ? '32' : '128';
  return prefix === full ? address : cidr;
}

/** A stored value of a plain field as the importer reads it back (lists joined with `;`). */
function cellOf(f: Field, value: unknown): TableValue {
  if (value === null || value === undefined) return null;
  switch (f.kind.t) {
    case 'flag':
    case 'bool':
      return value === true;
    case 'hours':
      return Number(value);
    case 'list':
    case 'cidrs': {
      const items = (value as string[]).map((v) => (f.kind.t === 'cidrs' ? addressText(v) : v));
      return items.length > 0 ? items.join(';') : null;
    }
    default:
      return String(value);
  }
}

/** A template's example cell, typed (true/false as booleans, hours as numbers) for XLSX. */
function exampleOf(f: Field | undefined, example: string): TableValue {
  if (example === '') return null;
  if (f?.kind.t === 'flag' || f?.kind.t === 'bool') return example === 'true';
  if (f?.kind.t === 'hours') return Number(example);
  return example;
}

type Row = readonly TableValue[];

/** The rows of a register with keys, in the template's column order, a batch per transaction. */
async function* registerRows(
  ctx: AppContext,
  actor: Actor,
  org: OrgRef,
  name: Exclude<TemplateName, 'dependencies'>,
  stopped: () => boolean,
): AsyncGenerator<Row> {
  const columns = TEMPLATES[name].map((c) => c.column.name);
  const fields = new Map(FIELDS[name].map((f) => [f.name, f]));
  let after: string | undefined;
  for (;;) {
    // A turn of the event loop first: on the embedded database queries run on this thread.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stopped()) return;
    const batch = await withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
      const rows = await q.listRecords(tx, name, {
        orgId: org.id,
        filters: {},
        sort: 'key',
        after: after === undefined ? undefined : [after],
        limit: EXPORT_BATCH,
      });
      const shared = name === 'systems' ? await sharedRefs(tx, org.id, rows) : new Map<string, string>();
      return rows.map((r): Row => {
        const refs: Record<string, TableValue> = {
          owner_email: (r.owner_email as string | null | undefined) ?? null,
          shared_system: shared.get(r.id) ?? null,
          system: (r.system as string | undefined) ?? null,
        };
        return columns.map((c) => {
          const f = fields.get(c);
          return f ? cellOf(f, r[c]) : (refs[c] ?? null);
        });
      });
    });
    yield* batch;
    if (batch.length < EXPORT_BATCH) return;
    after = String(batch.at(-1)?.[0]);
  }
}

/**
 * `<owner slug>/<key>` of the shared records the systems link to, as the organisation may see
 * them (a record its owner no longer shares is not found, and the cell stays empty).
 */
async function sharedRefs(tx: Tx, orgId: string, rows: readonly q.RegisterRow[]) {
  const linking = rows.filter((r) => r.shared_system_id).map((r) => r.id);
  const records = await q.sharedRecords(tx, orgId, linking);
  return new Map(records.map((s) => [s.system_id, `${s.owner_slug}/${s.key}`]));
}

/** The dependencies as from_type, from_key, to_type, to_key, by id. */
async function* dependencyRows(
  ctx: AppContext,
  actor: Actor,
  org: OrgRef,
  stopped: () => boolean,
): AsyncGenerator<Row> {
  let afterId: string | undefined;
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stopped()) return;
    const rows = await withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
      q.listDependencies(tx, { orgId: org.id, afterId, limit: EXPORT_BATCH }),
    );
    for (const d of rows) yield [d.from_type, d.from_key, d.to_type, d.to_key];
    if (rows.length < EXPORT_BATCH) return;
    afterId = rows.at(-1)?.id;
  }
}

const TABLES: Record<TemplateName, string> = {
  systems: 'inventory_systems',
  components: 'inventory_components',
  processes: 'inventory_processes',
  suppliers: 'inventory_suppliers',
  dependencies: 'inventory_dependencies',
};

/** The live rows of a register (row-level security hides those of an unfinished import). */
async function countRows(tx: Tx, orgId: string, name: TemplateName): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(TABLES[name])}
    where org_id = ${orgId}`.execute(tx.q);
  return r.rows[0]?.n ?? 0;
}

export interface TableDownload {
  stream: Readable;
  contentType: string;
  fileName: string;
}

/**
 * Runs a writer into a stream that the response sends; a failure ends the stream with the error.
 * The writer is told when the stream was destroyed (the client went away), to read no more rows.
 */
function streamed(write: (out: PassThrough, stopped: () => boolean) => Promise<void>): PassThrough {
  const out = new PassThrough();
  write(out, () => out.destroyed).catch((error: unknown) =>
    out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}

/**
 * A register as CSV or XLSX, streamed. The export is recorded in the organisation's audit trail
 * first (`inventory.export`: register, format, and the number of live rows at that moment),
 * committed before the first row is read, so that a refused or failed recording exports nothing.
 */
export async function exportRegister(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  register: string;
  format: string;
}): Promise<TableDownload> {
  const { ctx, actor, org, register, format } = opts;
  authorise(inventoryPolicy.read(actor, org.id));
  if (!isRegister(register)) throw notFound('inventory.register_unknown', { register });
  if (!isFormat(format)) throw notFound();
  await withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const rows = await countRows(tx, org.id, register);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'inventory.export',
      targetType: 'inventory',
      targetId: org.id,
      after: { register, format, rows },
    });
  });
  const columns = TEMPLATES[register].map((c) => c.column.name);
  const day = new Date().toISOString().slice(0, 10);
  return {
    stream: streamed((out, stopped) =>
      writeTable(
        format,
        columns,
        register === 'dependencies'
          ? dependencyRows(ctx, actor, org, stopped)
          : registerRows(ctx, actor, org, register, stopped),
        out,
        { sheetName: register },
      ),
    ),
    contentType: TABLE_MEDIA_TYPES[format],
    fileName: tableFileName(`${org.slug}-${register}-${day}`, format),
  };
}

/** A register's template as XLSX: the header and the example row, true/false and hours typed. */
export function registerTemplateXlsx(opts: { actor: Actor; org: OrgRef; register: string }): TableDownload {
  const { actor, org, register } = opts;
  authorise(inventoryPolicy.read(actor, org.id));
  if (!isRegister(register)) throw notFound('inventory.register_unknown', { register });
  const fields = new Map(
    (register === 'dependencies' ? [] : FIELDS[register]).map((f) => [f.name, f] as const),
  );
  const columns = TEMPLATES[register].map((c) => ({
    name: c.column.name,
    example: exampleOf(fields.get(c.column.name), c.example),
  }));
  return {
    stream: streamed((out) => writeTemplate('xlsx', columns, out, { sheetName: register })),
    contentType: TABLE_MEDIA_TYPES.xlsx,
    fileName: tableFileName(register, 'xlsx'),
  };
}
