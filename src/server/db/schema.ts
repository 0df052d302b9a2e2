import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string, string>;

export interface OrganisationsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  kind: string;
  parent_id: string | null;
  region_id: string | null;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  mfa_secret: string | null;
  mfa_enabled_at: Timestamp | null;
  platform_admin: Generated<boolean>;
  locale: Generated<string>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  deactivated_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: string;
  created_at: CreatedAt;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  stage: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  org_id: string;
  id: Generated<string>;
  name: string;
  role: string;
  token_hash: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface AuditLogTable {
  org_id: string;
  seq: number;
  at: Timestamp;
  actor: Json;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: Json | null;
  after: Json | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  org_id: string;
  seq: number;
  hash: string;
}

export interface FilesTable {
  org_id: string;
  id: Generated<string>;
  name: string;
  content_type: string;
  size: Generated<number>;
  sha256: string | null;
  complete: Generated<boolean>;
  created_by: Json;
  created_at: CreatedAt;
}

export interface FileChunksTable {
  org_id: string;
  file_id: string;
  n: number;
  data: Uint8Array;
}

export interface ImportsTable {
  org_id: string;
  id: Generated<string>;
  kind: string;
  file_id: string | null;
  options: ColumnType<unknown, string | undefined, string>;
  status: string;
  phase: string | null;
  rows: Generated<number>;
  processed: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  errors: Generated<number>;
  error_list: ColumnType<unknown, string | undefined, string>;
  extra: ColumnType<unknown, string | undefined, string>;
  created_by: Json;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface PlatformSettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_by: Json;
}

export interface AuditorGrantsTable {
  org_id: string;
  id: Generated<string>;
  user_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  data_from: ColumnType<string | null, string | null | undefined, string | null>;
  data_to: ColumnType<string | null, string | null | undefined, string | null>;
  note: string | null;
  granted_by: Json;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  revoked_by: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface InvitationsTable {
  org_id: string;
  id: Generated<string>;
  email: string;
  name: string | null;
  roles: string[];
  locale: string;
  token_hash: string;
  invited_by: string | null;
  invited_by_label: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface InventoryConfirmationsTable {
  org_id: string;
  id: Generated<string>;
  signer_id: string;
  signer_name: string;
  signer_email: string;
  signed_at: Timestamp;
  statement: string | null;
  systems: number;
  health_data_systems: number;
  snapshot: string;
  snapshot_sha256: string;
}

export interface ScorecardSnapshotsTable {
  org_id: string;
  day: ColumnType<string, string, string>;
  criteria: Json;
  computed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Sector-wide vulnerability reference data (0016); dates as 'YYYY-MM-DD', numerics as text. */
export interface VulnerabilitiesTable {
  id: Generated<string>;
  canonical_id: string;
  title: string | null;
  description: string | null;
  published: Timestamp | null;
  modified: Timestamp | null;
  cvss_score: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  cvss_vector: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface VulnerabilityAliasesTable {
  alias: string;
  vulnerability_id: string;
  created_at: CreatedAt;
}

export interface KevEntriesTable {
  cve: string;
  vulnerability_id: string;
  vendor_project: string;
  product: string;
  vulnerability_name: string;
  date_added: ColumnType<string, string, string>;
  short_description: string;
  required_action: string;
  due_date: ColumnType<string, string, string>;
  known_ransomware_campaign_use: string | null;
  notes: string | null;
  cwes: ColumnType<string[], string[] | undefined, string[]>;
  catalog_version: string;
  catalog_released: Timestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface EpssScoresTable {
  cve: string;
  vulnerability_id: string;
  epss: ColumnType<string, string | number, string | number>;
  percentile: ColumnType<string, string | number, string | number>;
  model_version: string;
  score_date: Timestamp;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DB {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  recovery_codes: RecoveryCodesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  files: FilesTable;
  file_chunks: FileChunksTable;
  imports: ImportsTable;
  platform_settings: PlatformSettingsTable;
  auditor_grants: AuditorGrantsTable;
  invitations: InvitationsTable;
  inventory_confirmations: InventoryConfirmationsTable;
  scorecard_snapshots: ScorecardSnapshotsTable;
  vulnerabilities: VulnerabilitiesTable;
  vulnerability_aliases: VulnerabilityAliasesTable;
  kev_entries: KevEntriesTable;
  epss_scores: EpssScoresTable;
}
