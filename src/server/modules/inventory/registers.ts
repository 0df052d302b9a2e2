import type { Field } from './fields.js';

/** The four-level scale of criticality for patient treatment (docs/inventory.md). */
export const CRITICALITY = ['critical', 'high', 'medium', 'low'] as const;
export const PATCH_STATUS = ['current', 'behind'] as const;
export const RESTORE_RESULT = ['success', 'partial', 'failed'] as const;

const key: Field = {
  name: 'key',
  kind: { t: 'key' },
  required: true,
  description: 'The organisation\'s own key, unique in the register: 1–100 characters, no "/"',
  example: '',
};

const note = (name: string, what: string): Field => ({
  name,
  kind: { t: 'text', max: 2000 },
  description: `Evidence note for ${what}, at most 2,000 characters`,
  example: '',
});

const confirmed = (name: string, what: string): Field => ({
  name,
  kind: { t: 'date' },
  description: `Date ${what} was last confirmed (YYYY-MM-DD)`,
  example: '',
});

const identity = (device: string): Field[] => [
  { name: 'vendor', kind: { t: 'text', max: 200 }, description: `Vendor${device}`, example: 'Philips' },
  {
    name: 'product',
    kind: { t: 'text', max: 200 },
    description: `Product${device}`,
    example: 'IntelliVue MX450',
  },
  { name: 'model_number', kind: { t: 'text', max: 200 }, description: 'Model number', example: '866062' },
  { name: 'version', kind: { t: 'text', max: 100 }, description: 'Version', example: 'M.00.03' },
  {
    name: 'cpe',
    kind: { t: 'cpe' },
    description: 'CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:…, 13 components)',
    example: 'cpe:2.3:h:philips:intellivue_mx450:-:*:*:*:*:*:*:*',
  },
  {
    name: 'purl',
    kind: { t: 'purl' },
    description: 'Package URL (pkg:type/namespace/name@version)',
    example: '',
  },
];

/**
 * A system's plain fields, in the order of the template. Its owner (`owner_email`) and shared
 * record (`shared_system`) are references, handled by the system code itself.
 */
export const systemFields: readonly Field[] = [
  { ...key, example: 'EPJ-01' },
  {
    name: 'name',
    kind: { t: 'text', max: 200 },
    required: true,
    description: 'Name, at most 200 characters',
    example: 'Elektronisk patientjournal',
  },
  {
    name: 'health_data',
    kind: { t: 'flag' },
    description: 'Processes health data: true or false (empty: false)',
    example: 'true',
  },
  {
    name: 'health_data_categories',
    kind: { t: 'list', item: 'text' },
    description: 'Which health data, a list (";" between values)',
    example: 'journal;medicin',
  },
  {
    name: 'criticality',
    kind: { t: 'enum', values: CRITICALITY },
    description: 'Criticality for patient treatment: critical, high, medium or low (empty: not assessed)',
    example: 'critical',
  },
  {
    name: 'assessed_by',
    kind: { t: 'text', max: 200 },
    description: 'Who assessed the criticality',
    example: 'Anne Holm',
  },
  {
    name: 'assessed_on',
    kind: { t: 'date' },
    description: 'When the criticality was assessed (YYYY-MM-DD)',
    example: '2026-03-01',
  },
  {
    name: 'mtd_hours',
    kind: { t: 'hours' },
    description: 'Maximum tolerable downtime in hours (up to two decimals)',
    example: '4',
  },
  { name: 'rto_hours', kind: { t: 'hours' }, description: 'Recovery time objective in hours', example: '2' },
  {
    name: 'rpo_hours',
    kind: { t: 'hours' },
    description: 'Recovery point objective in hours',
    example: '0.25',
  },
  {
    name: 'legacy',
    kind: { t: 'flag' },
    description: 'Legacy (no longer supported by its vendor): true or false (empty: false)',
    example: 'false',
  },
  {
    name: 'medical_device',
    kind: { t: 'flag' },
    description: 'Medical device or IoT: true or false (empty: false)',
    example: 'false',
  },
  ...identity(' (for a device or a product: its identity on the system itself)'),
  {
    name: 'hosting',
    kind: { t: 'text', max: 200 },
    description: 'Where it runs (e.g. on premises, regional data centre, vendor cloud)',
    example: 'Regional data centre',
  },
  {
    name: 'hostnames',
    kind: { t: 'list', item: 'hostname' },
    description: 'Host names scanners see, a list',
    example: 'epj-app01;epj-app02',
  },
  {
    name: 'ip_addresses',
    kind: { t: 'cidrs' },
    description: 'IP addresses and CIDR ranges (IPv4 or IPv6), a list; a range has no host bits set',
    example: '10.20.0.0/24;10.30.1.15',
  },
  {
    name: 'fqdns',
    kind: { t: 'list', item: 'hostname' },
    description: 'Fully qualified domain names, a list',
    example: 'epj.region.example.dk',
  },
  {
    name: 'mfa',
    kind: { t: 'bool' },
    description: 'Multi-factor login: true or false (empty: not recorded)',
    example: 'true',
  },
  confirmed('mfa_on', 'multi-factor login'),
  note('mfa_note', 'multi-factor login'),
  {
    name: 'segmented',
    kind: { t: 'bool' },
    description: 'Segmented from the general network: true or false (empty: not recorded)',
    example: 'true',
  },
  confirmed('segmented_on', 'segmentation'),
  note('segmented_note', 'segmentation'),
  {
    name: 'patch_status',
    kind: { t: 'enum', values: PATCH_STATUS },
    description: 'Patch status: current or behind (empty: not recorded)',
    example: 'current',
  },
  {
    name: 'patch_confirmed_on',
    kind: { t: 'date' },
    description: 'Date the patch status was last confirmed (YYYY-MM-DD)',
    example: '2026-03-10',
  },
  note('patch_note', 'the patch status'),
  {
    name: 'endpoint_protection',
    kind: { t: 'bool' },
    description: 'Endpoint protection: true or false (empty: not recorded)',
    example: 'true',
  },
  confirmed('endpoint_protection_on', 'endpoint protection'),
  note('endpoint_protection_note', 'endpoint protection'),
  {
    name: 'backup',
    kind: { t: 'bool' },
    description: 'Backup: true or false (empty: not recorded)',
    example: 'true',
  },
  confirmed('backup_on', 'the backup'),
  note('backup_note', 'the backup'),
  {
    name: 'contingency_plan',
    kind: { t: 'bool' },
    description: 'Contingency plan present: true or false (empty: not recorded)',
    example: 'true',
  },
  {
    name: 'contingency_tested_on',
    kind: { t: 'date' },
    description: 'Date the contingency plan was last tested (YYYY-MM-DD)',
    example: '2025-11-20',
  },
  note('contingency_note', 'the contingency plan'),
  {
    name: 'restore_procedure',
    kind: { t: 'bool' },
    description: 'Restore procedure documented: true or false (empty: not recorded)',
    example: 'true',
  },
  {
    name: 'restore_procedure_on',
    kind: { t: 'date' },
    description: 'Date the restore procedure was documented or last reviewed (YYYY-MM-DD)',
    example: '2026-02-05',
  },
  {
    name: 'restore_procedure_link',
    kind: { t: 'text', max: 2000 },
    description: 'Where the restore procedure is (a link or a document reference)',
    example: 'https://intranet.example.dk/beredskab/epj-restore',
  },
  note('restore_procedure_note', 'the restore procedure'),
  {
    name: 'restore_tested_on',
    kind: { t: 'date' },
    description: 'Date of the last restore test (YYYY-MM-DD)',
    example: '2026-01-15',
  },
  {
    name: 'restore_result',
    kind: { t: 'enum', values: RESTORE_RESULT },
    description: 'Result of the last restore test: success, partial or failed',
    example: 'success',
  },
  note('restore_test_note', 'the last restore test'),
  {
    name: 'shared',
    kind: { t: 'flag' },
    description:
      'Offered to the sector as a shared record that other organisations may link to: true or false (empty: false)',
    example: 'false',
  },
];

export const processFields: readonly Field[] = [
  { ...key, example: 'PROC-AKUT' },
  {
    name: 'name',
    kind: { t: 'text', max: 200 },
    required: true,
    description: 'Name, at most 200 characters',
    example: 'Akut modtagelse',
  },
  {
    name: 'importance',
    kind: { t: 'enum', values: CRITICALITY },
    description: 'Importance for patient treatment: critical, high, medium or low (empty: not assessed)',
    example: 'critical',
  },
  {
    name: 'description',
    kind: { t: 'text', max: 2000 },
    description: 'Description, at most 2,000 characters',
    example: '',
  },
];

export const supplierFields: readonly Field[] = [
  { ...key, example: 'SUP-EPJVENDOR' },
  {
    name: 'name',
    kind: { t: 'text', max: 200 },
    required: true,
    description: 'Name, at most 200 characters',
    example: 'Journalleverandøren A/S',
  },
  { name: 'contact_name', kind: { t: 'text', max: 200 }, description: 'Contact person', example: 'Bo Lund' },
  {
    name: 'contact_email',
    kind: { t: 'email' },
    description: 'Contact e-mail address',
    example: 'support@example.dk',
  },
  {
    name: 'contact_phone',
    kind: { t: 'text', max: 40 },
    description: 'Contact phone',
    example: '+45 70 20 30 40',
  },
  {
    name: 'notes',
    kind: { t: 'text', max: 2000 },
    description: 'Notes, at most 2,000 characters',
    example: '',
  },
];

const COMPONENT_EXAMPLE: Record<string, string> = {
  vendor: 'PostgreSQL Global Development Group',
  product: 'PostgreSQL',
  model_number: '',
  version: '15.6',
  cpe: 'cpe:2.3:a:postgresql:postgresql:15.6:*:*:*:*:*:*:*',
  purl: 'pkg:generic/postgresql@15.6',
};

/** A component's plain fields; its `system` is a reference. */
export const componentFields: readonly Field[] = [
  { ...key, example: 'EPJ-01-DB' },
  // The order for components: vendor, product, version, model_number, cpe, purl.
  ...['vendor', 'product', 'version', 'model_number', 'cpe', 'purl'].map((name) => {
    const f = identity('').find((i) => i.name === name) as Field;
    return { ...f, example: COMPONENT_EXAMPLE[name] ?? f.example };
  }),
];

export const FROM_TYPES = ['process', 'system'] as const;
export const TO_TYPES = ['system', 'supplier'] as const;
