import type { z } from 'zod';
import type { Field } from './fields.js';
import type { DependencyRow, RegisterName, RegisterRow, SharedRecordRow } from './queries.js';
import { componentFields, processFields, supplierFields, systemFields } from './registers.js';
import type { component, dependency, process, sharedRecord, supplier, system } from './schemas.js';

function plainFields(fields: readonly Field[], row: RegisterRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = row[f.name];
    if (f.kind.t === 'list' || f.kind.t === 'cidrs') out[f.name] = Array.isArray(v) ? v : [];
    else if (f.kind.t === 'hours') out[f.name] = v === null || v === undefined ? null : Number(v);
    else out[f.name] = v ?? null;
  }
  return out;
}

const times = (row: RegisterRow) => ({
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

function presentShared(s: SharedRecordRow): z.infer<typeof sharedRecord> {
  return {
    owner: { id: s.owner_id, slug: s.owner_slug, name: s.owner_name },
    key: s.key,
    name: s.name,
    vendor: s.vendor,
    product: s.product,
    model_number: s.model_number,
    version: s.version,
    cpe: s.cpe,
    purl: s.purl,
    hosting: s.hosting,
    legacy: s.legacy,
    medical_device: s.medical_device,
  };
}

export function presentSystem(
  row: RegisterRow,
  shared: SharedRecordRow | undefined,
  linkedBy: number,
): z.infer<typeof system> {
  return {
    id: row.id,
    ...(plainFields(systemFields, row) as Omit<
      z.infer<typeof system>,
      'id' | 'owner' | 'shared_system' | 'linked_by' | 'created_at' | 'updated_at'
    >),
    owner:
      row.owner_id && row.owner_email
        ? { id: String(row.owner_id), email: String(row.owner_email), name: String(row.owner_name) }
        : null,
    shared_system: shared ? presentShared(shared) : null,
    linked_by: linkedBy,
    ...times(row),
  };
}

export function presentProcess(row: RegisterRow): z.infer<typeof process> {
  return { id: row.id, ...(plainFields(processFields, row) as { key: string; name: string }), ...times(row) };
}

export function presentSupplier(row: RegisterRow): z.infer<typeof supplier> {
  return {
    id: row.id,
    ...(plainFields(supplierFields, row) as { key: string; name: string }),
    ...times(row),
  };
}

export function presentComponent(row: RegisterRow): z.infer<typeof component> {
  return {
    id: row.id,
    ...(plainFields(componentFields, row) as { key: string }),
    system: String(row.system),
    system_name: String(row.system_name),
    ...times(row),
  } as z.infer<typeof component>;
}

export function presentDependency(row: DependencyRow): z.infer<typeof dependency> {
  return {
    id: row.id,
    from_type: row.from_type,
    from_key: row.from_key,
    from_name: row.from_name,
    to_type: row.to_type,
    to_key: row.to_key,
    to_name: row.to_name,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export const presenters: Record<Exclude<RegisterName, 'systems'>, (row: RegisterRow) => object> = {
  processes: presentProcess,
  suppliers: presentSupplier,
  components: presentComponent,
};

/** What the audit trail records of a record: its content, not its times. */
export function audited<T extends { created_at?: string; updated_at?: string }>(item: T) {
  const { created_at: _c, updated_at: _u, ...rest } = item;
  return rest;
}
