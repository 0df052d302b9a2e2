import { CRITICALITY, PATCH_STATUS, RESTORE_RESULT, type System } from './access';

/** How a system field is shown and edited (mirrors the server's field kinds, inventory/fields.ts). */
export type FieldKind =
  | { t: 'text' }
  | { t: 'note' }
  | { t: 'email' }
  /** true/false, never empty. */
  | { t: 'flag' }
  /** true/false or not recorded. */
  | { t: 'bool' }
  | { t: 'date' }
  | { t: 'enum'; values: readonly string[]; prefix: string }
  | { t: 'hours' }
  | { t: 'list' };

export interface FormField {
  name: string;
  kind: FieldKind;
  required?: boolean;
}

const text = (name: string, required = false): FormField => ({ name, kind: { t: 'text' }, required });
const date = (name: string): FormField => ({ name, kind: { t: 'date' } });
const note = (name: string): FormField => ({ name, kind: { t: 'note' } });
const bool = (name: string): FormField => ({ name, kind: { t: 'bool' } });
const flag = (name: string): FormField => ({ name, kind: { t: 'flag' } });
const list = (name: string): FormField => ({ name, kind: { t: 'list' } });
const hours = (name: string): FormField => ({ name, kind: { t: 'hours' } });

/** The system's fields in the groups of its page and its form. */
export const SYSTEM_GROUPS: ReadonlyArray<{ id: string; fields: FormField[] }> = [
  {
    id: 'ownership',
    fields: [
      text('name', true),
      { name: 'owner_email', kind: { t: 'email' } },
      flag('health_data'),
      list('health_data_categories'),
      { name: 'criticality', kind: { t: 'enum', values: CRITICALITY, prefix: 'inventory.criticality' } },
      text('assessed_by'),
      date('assessed_on'),
      flag('legacy'),
      flag('shared'),
      text('shared_system'),
    ],
  },
  { id: 'recovery', fields: [hours('mtd_hours'), hours('rto_hours'), hours('rpo_hours')] },
  {
    id: 'device',
    fields: [
      flag('medical_device'),
      text('vendor'),
      text('product'),
      text('model_number'),
      text('version'),
      text('cpe'),
      text('purl'),
      text('hosting'),
    ],
  },
  { id: 'identifiers', fields: [list('hostnames'), list('ip_addresses'), list('fqdns')] },
  {
    id: 'baseline',
    fields: [
      bool('mfa'),
      date('mfa_on'),
      note('mfa_note'),
      bool('segmented'),
      date('segmented_on'),
      note('segmented_note'),
      { name: 'patch_status', kind: { t: 'enum', values: PATCH_STATUS, prefix: 'inventory.patchStatus' } },
      date('patch_confirmed_on'),
      note('patch_note'),
      bool('endpoint_protection'),
      date('endpoint_protection_on'),
      note('endpoint_protection_note'),
      bool('backup'),
      date('backup_on'),
      note('backup_note'),
      bool('contingency_plan'),
      date('contingency_tested_on'),
      note('contingency_note'),
      bool('restore_procedure'),
      date('restore_procedure_on'),
      text('restore_procedure_link'),
      note('restore_procedure_note'),
      date('restore_tested_on'),
      {
        name: 'restore_result',
        kind: { t: 'enum', values: RESTORE_RESULT, prefix: 'inventory.restoreResult' },
      },
      note('restore_test_note'),
    ],
  },
];

/** The other registers' fields (inventory/registers.ts), one group each; a component's system too. */
export const PROCESS_GROUPS: ReadonlyArray<{ id: string; fields: FormField[] }> = [
  {
    id: 'process',
    fields: [
      text('name', true),
      { name: 'importance', kind: { t: 'enum', values: CRITICALITY, prefix: 'inventory.criticality' } },
      note('description'),
    ],
  },
];

export const SUPPLIER_GROUPS: ReadonlyArray<{ id: string; fields: FormField[] }> = [
  {
    id: 'supplier',
    fields: [
      text('name', true),
      text('contact_name'),
      { name: 'contact_email', kind: { t: 'email' } },
      text('contact_phone'),
      note('notes'),
    ],
  },
];

export const COMPONENT_GROUPS: ReadonlyArray<{ id: string; fields: FormField[] }> = [
  {
    id: 'component',
    fields: [
      text('system', true),
      text('vendor'),
      text('product'),
      text('version'),
      text('model_number'),
      text('cpe'),
      text('purl'),
    ],
  },
];

/** The baseline items as the system page shows them: value, date and evidence note. */
export const BASELINE_ITEMS: ReadonlyArray<{
  id: string;
  value: keyof System;
  on: keyof System;
  note: keyof System;
  extra?: keyof System;
}> = [
  { id: 'mfa', value: 'mfa', on: 'mfa_on', note: 'mfa_note' },
  { id: 'segmented', value: 'segmented', on: 'segmented_on', note: 'segmented_note' },
  { id: 'patch', value: 'patch_status', on: 'patch_confirmed_on', note: 'patch_note' },
  {
    id: 'endpoint_protection',
    value: 'endpoint_protection',
    on: 'endpoint_protection_on',
    note: 'endpoint_protection_note',
  },
  { id: 'backup', value: 'backup', on: 'backup_on', note: 'backup_note' },
  { id: 'contingency', value: 'contingency_plan', on: 'contingency_tested_on', note: 'contingency_note' },
  {
    id: 'restore_procedure',
    value: 'restore_procedure',
    on: 'restore_procedure_on',
    note: 'restore_procedure_note',
    extra: 'restore_procedure_link',
  },
  { id: 'restore_test', value: 'restore_result', on: 'restore_tested_on', note: 'restore_test_note' },
];

export type FormValues = Record<string, string>;

/** A field's value as the form edits it (text). */
function toText(field: FormField, record: object | undefined): string {
  if (!record) return field.kind.t === 'flag' ? 'false' : '';
  const system = record as System;
  if (field.name === 'owner_email') return system.owner?.email ?? '';
  if (field.name === 'shared_system')
    return system.shared_system ? `${system.shared_system.owner.slug}/${system.shared_system.key}` : '';
  const v = (system as unknown as Record<string, unknown>)[field.name];
  if (v === null || v === undefined) return field.kind.t === 'flag' ? 'false' : '';
  if (Array.isArray(v)) return v.join('; ');
  return String(v);
}

export const ALL_FIELDS = SYSTEM_GROUPS.flatMap((g) => g.fields);

export function initialValues(
  record: { key: string } | undefined,
  fields: readonly FormField[] = ALL_FIELDS,
): FormValues {
  return Object.fromEntries([
    ['key', record?.key ?? ''],
    ...fields.map((f) => [f.name, toText(f, record)] as const),
  ]);
}

/** A form value as the API takes it: null clears. */
export function toApi(field: FormField, value: string): unknown {
  const v = value.trim();
  switch (field.kind.t) {
    case 'flag':
      return v === 'true';
    case 'bool':
      return v === '' ? null : v === 'true';
    case 'hours':
      // A value that is not a number goes as it is: the server refuses it, and the form says so.
      if (v === '') return null;
      return Number.isNaN(Number(v.replace(',', '.'))) ? v : Number(v.replace(',', '.'));
    case 'list':
      return v
        .split(/[;\n]/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
    default:
      return v === '' ? null : v;
  }
}

/** The body of a PATCH (only what changed) or a POST (everything given). */
export function bodyOf(
  values: FormValues,
  initial: FormValues | undefined,
  fields: readonly FormField[] = ALL_FIELDS,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (!initial) body.key = values.key?.trim();
  for (const f of fields) {
    const value = values[f.name] ?? '';
    if (initial && (initial[f.name] ?? '') === value) continue;
    const converted = toApi(f, value);
    if (!initial && (converted === null || (Array.isArray(converted) && converted.length === 0))) continue;
    body[f.name] = converted;
  }
  return body;
}
