import type { Membership } from '../../app/api-types';

/**
 * The inventory's API shapes (docs/inventory.md). The server builds its zod objects from the
 * field registry at run time (inventory/registers.ts), so their inferred types carry no field
 * names; these interfaces spell out the fields the screens use.
 */
export const CRITICALITY = ['critical', 'high', 'medium', 'low'] as const;
export type Criticality = (typeof CRITICALITY)[number];
export const PATCH_STATUS = ['current', 'behind'] as const;
export const RESTORE_RESULT = ['success', 'partial', 'failed'] as const;
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
export const SYSTEM_SORTS = ['key', 'name', 'criticality'] as const;
export type SortColumn = (typeof SYSTEM_SORTS)[number];
export const REGISTERS = ['systems', 'components', 'processes', 'suppliers', 'dependencies'] as const;
export type Register = (typeof REGISTERS)[number];

export interface SharedRecord {
  owner: { id: string; slug: string; name: string };
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

export interface System {
  id: string;
  key: string;
  name: string;
  health_data: boolean;
  health_data_categories: string[];
  criticality: Criticality | null;
  assessed_by: string | null;
  assessed_on: string | null;
  mtd_hours: number | null;
  rto_hours: number | null;
  rpo_hours: number | null;
  legacy: boolean;
  medical_device: boolean;
  vendor: string | null;
  product: string | null;
  model_number: string | null;
  version: string | null;
  cpe: string | null;
  purl: string | null;
  hosting: string | null;
  hostnames: string[];
  ip_addresses: string[];
  fqdns: string[];
  mfa: boolean | null;
  mfa_on: string | null;
  mfa_note: string | null;
  segmented: boolean | null;
  segmented_on: string | null;
  segmented_note: string | null;
  patch_status: 'current' | 'behind' | null;
  patch_confirmed_on: string | null;
  patch_note: string | null;
  endpoint_protection: boolean | null;
  endpoint_protection_on: string | null;
  endpoint_protection_note: string | null;
  backup: boolean | null;
  backup_on: string | null;
  backup_note: string | null;
  contingency_plan: boolean | null;
  contingency_tested_on: string | null;
  contingency_note: string | null;
  restore_procedure: boolean | null;
  restore_procedure_on: string | null;
  restore_procedure_link: string | null;
  restore_procedure_note: string | null;
  restore_tested_on: string | null;
  restore_result: 'success' | 'partial' | 'failed' | null;
  restore_test_note: string | null;
  shared: boolean;
  owner: { id: string; email: string; name: string } | null;
  shared_system: SharedRecord | null;
  linked_by: number;
  created_at: string;
  updated_at: string;
}

export interface Component {
  id: string;
  key: string;
  system: string;
  system_name: string;
  vendor: string | null;
  product: string | null;
  version: string | null;
  model_number: string | null;
  cpe: string | null;
  purl: string | null;
}

export interface Process {
  id: string;
  key: string;
  name: string;
  importance: Criticality | null;
  description: string | null;
}

export interface Supplier {
  id: string;
  key: string;
  name: string;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  notes: string | null;
}

export interface Dependency {
  id: string;
  from_type: 'process' | 'system';
  from_key: string;
  from_name: string;
  to_type: 'system' | 'supplier';
  to_key: string;
  to_name: string;
  created_at: string;
}

export interface SystemDetail extends System {
  components: Component[];
  /** More components than the system's answer holds (1,000). */
  components_truncated: boolean;
  dependencies: Dependency[];
  /** More dependencies than the system's answer holds (2,000); the table pages through all. */
  dependencies_truncated: boolean;
}

/** Every member of the organisation reads its inventory (the server's inventoryPolicy.read). */
export const canReadInventory = (membership: Membership | undefined): boolean =>
  (membership?.roles.length ?? 0) > 0;

/** Those who keep the inventory change it, by hand or by import (inventoryPolicy.write). */
export const canWriteInventory = (membership: Membership | undefined): boolean =>
  membership?.roles.some((r) => r === 'admin' || r === 'security_officer' || r === 'system_owner') ?? false;

/** The path of one system's page. */
export const systemPath = (org: string, key: string) =>
  `/orgs/${encodeURIComponent(org)}/inventory/systems/${encodeURIComponent(key)}`;
