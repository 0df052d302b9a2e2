import { sql } from 'kysely';
import type { AppContext } from '../../src/server/context.js';
import { withTenant } from '../../src/server/db/tenant.js';

/*
 * The expected answer of a systems list, computed without the list's code: every system of the
 * organisation read once, the filters applied here as docs/inventory.md defines them, the order
 * taken from the database's own ORDER BY (so that text compares under the database's collation,
 * as the list's indexes do).
 */

export interface OracleRow {
  id: string;
  key: string;
  name: string;
  criticality: string | null;
  health_data: boolean;
  legacy: boolean;
  medical_device: boolean;
  mfa: boolean | null;
  segmented: boolean | null;
  patch_status: string | null;
  patch_confirmed_on: string | null;
  endpoint_protection: boolean | null;
  backup: boolean | null;
  contingency_plan: boolean | null;
  contingency_tested_on: string | null;
  restore_procedure: boolean | null;
  restore_result: string | null;
  restore_tested_on: string | null;
  /** 1 critical … 4 low, 5 not assessed (the criticality sort's first column). */
  criticality_rank: number;
  /** Positions (1…) in the ascending orders of the sorts. */
  by_key: number;
  by_name: number;
  by_criticality: number;
}

export interface Oracle {
  rows: OracleRow[];
  /** `current_date - 30` and `current_date - 12 months`, as YYYY-MM-DD, from the database. */
  patchCutoff: string;
  yearCutoff: string;
}

export async function loadOracle(ctx: AppContext, orgId: string): Promise<Oracle> {
  return withTenant(ctx.db.kysely, { orgIds: [orgId], operator: true }, async (tx) => {
    const dates = await sql<{ patch: string; year: string }>`
      select to_char(current_date - 30, 'YYYY-MM-DD') as patch,
             to_char((current_date - interval '12 months')::date, 'YYYY-MM-DD') as year`.execute(tx.q);
    const rows = await sql<OracleRow>`
      select id, key, name, criticality, health_data, legacy, medical_device, mfa, segmented, patch_status,
        to_char(patch_confirmed_on, 'YYYY-MM-DD') as patch_confirmed_on, endpoint_protection, backup,
        contingency_plan, to_char(contingency_tested_on, 'YYYY-MM-DD') as contingency_tested_on,
        restore_procedure, restore_result, to_char(restore_tested_on, 'YYYY-MM-DD') as restore_tested_on,
        (case criticality when 'critical' then 1 when 'high' then 2 when 'medium' then 3 when 'low' then 4
           else 5 end)::int as criticality_rank,
        (row_number() over (order by key))::int as by_key,
        (row_number() over (order by name, key))::int as by_name,
        (row_number() over (order by case criticality when 'critical' then 1 when 'high' then 2
                                        when 'medium' then 3 when 'low' then 4 else 5 end, key))::int
          as by_criticality
      from inventory_systems where org_id = ${orgId}::uuid`.execute(tx.q);
    const d = dates.rows[0];
    if (!d) throw new Error('no dates');
    return { rows: rows.rows, patchCutoff: d.patch, yearCutoff: d.year };
  });
}

/** The fields of a system (an API item or an oracle row) the filters read. */
export type Filterable = Omit<OracleRow, 'id' | 'criticality_rank' | 'by_key' | 'by_name' | 'by_criticality'>;

const notTrue = (v: boolean | null) => v !== true;
const before = (date: string | null, cutoff: string) => date === null || date < cutoff;

/** The baseline gaps of docs/inventory.md ("The technical baseline"). */
function gaps(s: Filterable, o: Oracle): Record<string, boolean> {
  const g: Record<string, boolean> = {
    mfa: notTrue(s.mfa),
    segmented: notTrue(s.segmented),
    patch: s.patch_status !== 'current' || before(s.patch_confirmed_on, o.patchCutoff),
    endpoint_protection: notTrue(s.endpoint_protection),
    backup: notTrue(s.backup),
    contingency: notTrue(s.contingency_plan) || before(s.contingency_tested_on, o.yearCutoff),
    restore_procedure: notTrue(s.restore_procedure),
    restore_test: s.restore_result !== 'success' || before(s.restore_tested_on, o.yearCutoff),
  };
  g.any = Object.values(g).some(Boolean);
  return g;
}

/** Whether a system matches the list's query parameters (q, criticality, flags, gap). */
export function matches(s: Filterable, params: Record<string, string>, o: Oracle): boolean {
  if (params.q !== undefined) {
    const q = params.q.toLowerCase();
    if (!s.key.toLowerCase().includes(q) && !s.name.toLowerCase().includes(q)) return false;
  }
  if (params.criticality !== undefined) {
    const wanted = params.criticality.split(',');
    if (!wanted.includes(s.criticality ?? 'none')) return false;
  }
  for (const flag of ['health_data', 'legacy', 'medical_device'] as const) {
    if (params[flag] !== undefined && s[flag] !== (params[flag] === 'true')) return false;
  }
  if (params.gap !== undefined && !gaps(s, o)[params.gap]) return false;
  return true;
}

/** The matching systems in the order of `sort` (the list's sorts: key, name, criticality, `-` descending). */
export function expected(o: Oracle, params: Record<string, string>): OracleRow[] {
  const sort = params.sort ?? 'key';
  const column = sort.replace(/^-/, '');
  const position =
    column === 'name'
      ? (r: OracleRow) => r.by_name
      : column === 'criticality'
        ? (r: OracleRow) => r.by_criticality
        : (r: OracleRow) => r.by_key;
  const sign = sort.startsWith('-') ? -1 : 1;
  return o.rows.filter((r) => matches(r, params, o)).sort((a, b) => sign * (position(a) - position(b)));
}
