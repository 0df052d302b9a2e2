import type { CompiledQuery, QueryExecutor, Transaction } from 'kysely';
import type { AppContext } from '../../src/server/context.js';
import type { DB } from '../../src/server/db/schema.js';
import { type Tx, withTenant } from '../../src/server/db/tenant.js';
import { type ListFilters, listRecords } from '../../src/server/modules/inventory/queries.js';

/** What EXPLAIN (ANALYZE, BUFFERS) says of one page of the systems list. */
export interface ListPlan {
  /** The indexes of inventory_systems the plan reads, or none (a sequential scan). */
  indexes: string[];
  /** Whether the plan sorts rows itself (instead of reading them in order along an index). */
  sorts: boolean;
  rows_read: number;
  buffers: number;
  exec_ms: number;
}

/**
 * The transaction with every statement run as EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON): the plan
 * of exactly the statement the list's query function builds, parameters included.
 */
function explaining(q: Transaction<DB>): Transaction<DB> {
  const executor = q.getExecutor();
  const wrapped = new Proxy(executor, {
    get(target, prop) {
      if (prop === 'executeQuery') {
        return (compiled: CompiledQuery, ...rest: unknown[]) =>
          (target.executeQuery as (c: CompiledQuery, ...r: unknown[]) => unknown)(
            { ...compiled, sql: `explain (analyze, buffers, format json) ${compiled.sql}` },
            ...rest,
          );
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as QueryExecutor;
  return new Proxy(q, {
    get(target, prop) {
      if (prop === 'getExecutor') return () => wrapped;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

function walk(node: PlanNode, out: { indexes: Set<string>; sorts: boolean; rowsRead: number }) {
  // The list's own table; row-level security's look-ups (memberships, grants) and the owner join aside.
  const index = node['Index Name'];
  if (index?.startsWith('inventory_systems')) out.indexes.add(index);
  if (node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort') out.sorts = true;
  if (node['Relation Name'] === 'inventory_systems') {
    out.rowsRead += (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
  }
  for (const child of node.Plans ?? []) walk(child, out);
}

/** The plan of one page of organisation `orgId`'s systems, read in the operator's scope. */
export async function explainSystemsPage(
  ctx: AppContext,
  o: {
    orgId: string;
    filters: ListFilters;
    sort: string;
    after: readonly (string | number)[] | undefined;
    limit: number;
  },
): Promise<ListPlan> {
  const rows = await withTenant(ctx.db.kysely, { orgIds: [o.orgId], operator: true }, (tx) => {
    const explained: Tx = { ...tx, q: explaining(tx.q) };
    return listRecords(explained, 'systems', { ...o, limit: o.limit + 1 });
  });
  const raw = (rows[0] as Record<string, unknown> | undefined)?.['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{
    Plan: PlanNode;
    'Execution Time': number;
  }>;
  const top = doc[0];
  if (!top) throw new Error('EXPLAIN returned no plan');
  const out = { indexes: new Set<string>(), sorts: false, rowsRead: 0 };
  walk(top.Plan, out);
  return {
    indexes: [...out.indexes],
    sorts: out.sorts,
    rows_read: out.rowsRead,
    buffers: (top.Plan['Shared Hit Blocks'] ?? 0) + (top.Plan['Shared Read Blocks'] ?? 0),
    exec_ms: Math.round(top['Execution Time'] * 100) / 100,
  };
}
