import type { AppContext } from '../../context.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors.js';
import { requestOrgRematch } from '../advisories/match-jobs.js';
import { recordAudit } from '../audit/record.js';
import { requestRemap } from '../vulnerabilities/findings-jobs.js';
import { type Field, inputValue } from './fields.js';
import { TEMPLATES, type TemplateName, templateCsv } from './templates.js';
import './messages.js';
import { authorise, inventoryPolicy } from './policy.js';
import { audited, presentDependency, presenters, presentSystem } from './present.js';
import * as q from './queries.js';

/** The singular of each register, for audit actions (`inventory.system.create`) and target types. */
const NOUN: Record<q.RegisterName, string> = {
  systems: 'system',
  processes: 'process',
  suppliers: 'supplier',
  components: 'component',
};

interface Opts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

const isForeignKeyViolation = (error: unknown) => (error as { code?: string } | undefined)?.code === '23503';

/** Systems as the API shows them: with the shared record they link to and, if shared, their links. */
async function presentSystems(tx: Tx, orgId: string, rows: q.RegisterRow[]) {
  const linking = rows.filter((r) => r.shared_system_id).map((r) => r.id);
  const sharing = rows.filter((r) => r.shared === true).map((r) => r.id);
  const shared = new Map((await q.sharedRecords(tx, orgId, linking)).map((s) => [s.system_id, s]));
  const counts = new Map(
    (await q.sharedLinkCounts(tx, orgId, sharing)).map((c) => [c.system_id, c.organisations]),
  );
  return rows.map((r) => presentSystem(r, shared.get(r.id), counts.get(r.id) ?? 0));
}

async function presentRows(
  tx: Tx,
  name: q.RegisterName,
  orgId: string,
  rows: q.RegisterRow[],
): Promise<object[]> {
  if (name === 'systems') return presentSystems(tx, orgId, rows);
  return rows.map(presenters[name]);
}

/** A page of a register: the rows (for the cursor) and the items. */
export async function listRecords(
  opts: Opts & {
    name: q.RegisterName;
    filters: q.ListFilters;
    sort: string;
    after: readonly (string | number)[] | undefined;
    limit: number;
  },
) {
  const { ctx, actor, org } = opts;
  authorise(inventoryPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const rows = await q.listRecords(tx, opts.name, {
      orgId: org.id,
      filters: opts.filters,
      sort: opts.sort,
      after: opts.after,
      limit: opts.limit + 1,
    });
    const items = await presentRows(tx, opts.name, org.id, rows);
    return rows.map((row, i) => ({ row, item: items[i] as object }));
  });
}

export async function getSystem(opts: Opts & { key: string }) {
  const { ctx, actor, org } = opts;
  authorise(inventoryPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.findRecord(tx, 'systems', org.id, { key: opts.key });
    if (!row) throw notFound();
    const [item] = await presentSystems(tx, org.id, [row]);
    const components = await q.componentsOfSystem(tx, org.id, row.id, q.SYSTEM_COMPONENTS_MAX + 1);
    const dependencies = await q.dependenciesOfSystem(tx, org.id, row.id, q.SYSTEM_DEPENDENCIES_MAX + 1);
    return {
      ...(item as object),
      components: components.slice(0, q.SYSTEM_COMPONENTS_MAX).map(presenters.components),
      components_truncated: components.length > q.SYSTEM_COMPONENTS_MAX,
      dependencies: dependencies.slice(0, q.SYSTEM_DEPENDENCIES_MAX).map(presentDependency),
      dependencies_truncated: dependencies.length > q.SYSTEM_DEPENDENCIES_MAX,
    };
  });
}

export async function getRecord(opts: Opts & { name: Exclude<q.RegisterName, 'systems'>; key: string }) {
  const { ctx, actor, org } = opts;
  authorise(inventoryPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.findRecord(tx, opts.name, org.id, { key: opts.key });
    if (!row) throw notFound();
    return presenters[opts.name](row);
  });
}

/** The stored values of the plain fields: the input's where given, else the current ones. */
function plainValues(fields: readonly Field[], input: Record<string, unknown>, before?: q.RegisterRow) {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const given = input[f.name];
    out[f.name] = given === undefined && before ? before[f.name] : inputValue(f, given);
  }
  return out;
}

/** The reference columns of a record from the input (undefined keeps the current reference). */
async function referenceValues(
  tx: Tx,
  name: q.RegisterName,
  orgId: string,
  input: Record<string, unknown>,
  values: Record<string, unknown>,
  before?: q.RegisterRow,
): Promise<Record<string, unknown>> {
  if (name === 'systems') {
    let ownerId = before ? (before.owner_id ?? null) : null;
    if (typeof input.owner_email === 'string') {
      const member = await q.findMember(tx, orgId, input.owner_email);
      if (!member) throw badRequest('inventory.owner_unknown', { value: input.owner_email });
      ownerId = member.id;
    } else if (input.owner_email === null) ownerId = null;
    let sharedOrg = before ? (before.shared_org_id ?? null) : null;
    let sharedSystem = before ? (before.shared_system_id ?? null) : null;
    if (typeof input.shared_system === 'string') {
      const [found] = await q.findShared(tx, orgId, [input.shared_system]);
      if (!found) throw badRequest('inventory.shared_unknown', { value: input.shared_system });
      sharedOrg = found.shared_org_id;
      sharedSystem = found.shared_system_id;
    } else if (input.shared_system === null) {
      sharedOrg = null;
      sharedSystem = null;
    }
    if (values.shared === true && sharedSystem !== null) throw badRequest('inventory.shared_and_linked');
    return { owner_id: ownerId, shared_org_id: sharedOrg, shared_system_id: sharedSystem };
  }
  if (name === 'components') {
    if (typeof input.system !== 'string') return { system_id: before?.system_id ?? null };
    const id = await q.idOfKey(tx, orgId, 'system', input.system);
    if (!id) throw badRequest('inventory.system_unknown', { value: input.system });
    return { system_id: id };
  }
  return {};
}

async function presentOne(tx: Tx, name: q.RegisterName, orgId: string, id: string) {
  const row = await q.findRecord(tx, name, orgId, { id });
  if (!row) throw notFound();
  const [item] = await presentRows(tx, name, orgId, [row]);
  return item as { id: string; key: string; created_at?: string; updated_at?: string };
}

export async function createRecord(opts: Opts & { name: q.RegisterName; input: Record<string, unknown> }) {
  const { ctx, actor, org, name, input } = opts;
  authorise(inventoryPolicy.write(actor, org.id));
  const fields = q.REGISTERS[name].fields;
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const values = plainValues(fields, input);
    const refs = await referenceValues(tx, name, org.id, input, values);
    let id: string;
    try {
      id = await q.insertRecord(tx, name, org.id, values, refs);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('inventory.key_taken', { key: String(values.key) });
      throw error;
    }
    const item = await presentOne(tx, name, org.id, id);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: `inventory.${NOUN[name]}.create`,
      targetType: `inventory_${NOUN[name]}`,
      targetId: id,
      after: audited(item),
    });
    if (name === 'systems') tx.onCommit(() => requestRemap(ctx, org.id));
    // Advisories are matched against systems and components that name their product.
    if (name === 'systems' || name === 'components') tx.onCommit(() => requestOrgRematch(ctx, org.id));
    return item;
  });
}

export async function updateRecord(
  opts: Opts & { name: q.RegisterName; key: string; input: Record<string, unknown> },
) {
  const { ctx, actor, org, name, input } = opts;
  authorise(inventoryPolicy.write(actor, org.id));
  const fields = q.REGISTERS[name].fields;
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.findRecord(tx, name, org.id, { key: opts.key });
    if (!row) throw notFound();
    const before = await presentOne(tx, name, org.id, row.id);
    const values = plainValues(fields, input, row);
    const refs = await referenceValues(tx, name, org.id, input, values, row);
    try {
      await q.updateRecord(tx, name, org.id, row.id, values, refs);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('inventory.key_taken', { key: String(values.key) });
      throw error;
    }
    const after = await presentOne(tx, name, org.id, row.id);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: `inventory.${NOUN[name]}.update`,
      targetType: `inventory_${NOUN[name]}`,
      targetId: row.id,
      before: audited(before),
      after: audited(after),
    });
    if (name === 'systems') tx.onCommit(() => requestRemap(ctx, org.id));
    // Advisories are matched against systems and components that name their product.
    if (name === 'systems' || name === 'components') tx.onCommit(() => requestOrgRematch(ctx, org.id));
    return after;
  });
}

export async function deleteRecord(opts: Opts & { name: q.RegisterName; key: string }) {
  const { ctx, actor, org, name } = opts;
  authorise(inventoryPolicy.write(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.findRecord(tx, name, org.id, { key: opts.key });
    if (!row) throw notFound();
    const before = await presentOne(tx, name, org.id, row.id);
    // A system takes its components and dependencies with it; the entry says how many.
    const removed = name === 'systems' ? await q.systemDependents(tx, org.id, row.id) : undefined;
    try {
      await q.deleteRecord(tx, name, org.id, row.id);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw conflict('inventory.shared_in_use');
      throw error;
    }
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: `inventory.${NOUN[name]}.delete`,
      targetType: `inventory_${NOUN[name]}`,
      targetId: row.id,
      before: removed ? { ...audited(before), removed } : audited(before),
    });
    if (name === 'systems') tx.onCommit(() => requestRemap(ctx, org.id));
    // Advisories are matched against systems and components that name their product.
    if (name === 'systems' || name === 'components') tx.onCommit(() => requestOrgRematch(ctx, org.id));
  });
}

// Dependencies ----------------------------------------------------------------------------------

export async function listDependencies(
  opts: Opts & {
    filters: { system?: string; fromType?: string; fromKey?: string; toType?: string; toKey?: string };
    afterId: string | undefined;
    limit: number;
  },
) {
  const { ctx, actor, org } = opts;
  authorise(inventoryPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.listDependencies(tx, { orgId: org.id, ...opts.filters, afterId: opts.afterId, limit: opts.limit + 1 }),
  );
}

export async function createDependency(
  opts: Opts & {
    input: {
      from_type: 'process' | 'system';
      from_key: string;
      to_type: 'system' | 'supplier';
      to_key: string;
    };
  },
) {
  const { ctx, actor, org, input } = opts;
  authorise(inventoryPolicy.write(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const fromId = await q.idOfKey(tx, org.id, input.from_type, input.from_key);
    if (!fromId)
      throw badRequest('inventory.reference_unknown', { value: `${input.from_type} ${input.from_key}` });
    const toId = await q.idOfKey(tx, org.id, input.to_type, input.to_key);
    if (!toId) throw badRequest('inventory.reference_unknown', { value: `${input.to_type} ${input.to_key}` });
    let id: string;
    try {
      id = await q.insertDependency(tx, org.id, {
        fromType: input.from_type,
        fromId,
        toType: input.to_type,
        toId,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('inventory.dependency_exists');
      throw error;
    }
    const row = await q.findDependency(tx, org.id, id);
    if (!row) throw notFound();
    const item = presentDependency(row);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'inventory.dependency.create',
      targetType: 'inventory_dependency',
      targetId: id,
      after: item,
    });
    return item;
  });
}

export async function deleteDependency(opts: Opts & { id: string }) {
  const { ctx, actor, org } = opts;
  authorise(inventoryPolicy.write(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.findDependency(tx, org.id, opts.id);
    if (!row) throw notFound();
    await q.deleteDependency(tx, org.id, opts.id);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'inventory.dependency.delete',
      targetType: 'inventory_dependency',
      targetId: row.id,
      before: presentDependency(row),
    });
  });
}

// Templates -------------------------------------------------------------------------------------

export function registerTemplate(opts: { actor: Actor; org: OrgRef; register: string }): string {
  authorise(inventoryPolicy.read(opts.actor, opts.org.id));
  if (!(opts.register in TEMPLATES))
    throw notFound('inventory.register_unknown', { register: opts.register });
  return templateCsv(opts.register as TemplateName);
}
