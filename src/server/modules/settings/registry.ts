import { z } from 'zod';
import type { Tx } from '../../db/tenant.js';

/**
 * Every platform setting: its type, bounds and default. A key without a stored row has its
 * default, so adding a setting needs no migration. Values are validated on write and on read
 * (a row that no longer fits its schema falls back to the default rather than break a request).
 */
export const SETTINGS = {
  /** How long an invitation link stays valid. */
  invitation_ttl_hours: { schema: z.number().int().min(1).max(720), default: 168 },
  /** How long a password reset or account set-up link stays valid. */
  password_reset_ttl_minutes: { schema: z.number().int().min(10).max(10_080), default: 60 },
  /** The longest access window an organisation may grant an auditor. */
  auditor_grant_max_days: { schema: z.number().int().min(1).max(1_095), default: 365 },
  /** The scorecard: the share (percent) of systems a criterion needs to pass (docs/scorecard.md). */
  scorecard_pass_percent: { schema: z.number().int().min(1).max(100), default: 95 },
  /** The scorecard's criterion 1: management confirmed the inventory within this many months. */
  scorecard_confirmation_months: { schema: z.number().int().min(1).max(36), default: 12 },
  /** The scorecard's criterion 7: patch status confirmed current within this many days. */
  scorecard_patch_days: { schema: z.number().int().min(1).max(365), default: 30 },
  /** The scorecard's criteria 8 and 10: contingency plan and restore tested within this many months. */
  scorecard_test_months: { schema: z.number().int().min(1).max(36), default: 12 },
  /** The longest a risk acceptance of a finding may last before it must be decided again. */
  risk_acceptance_max_days: { schema: z.number().int().min(1).max(1_095), default: 365 },
  /** An alert a recipient organisation has not answered is escalated to its security officers after this long. */
  alert_escalation_minutes: { schema: z.number().int().min(5).max(10_080), default: 240 },
  /** …and to its management after this long. */
  alert_escalation_management_minutes: { schema: z.number().int().min(5).max(20_160), default: 1_440 },
  /** The daily refresh of the CISA KEV catalogue downloads it from here (http/https); empty: off. */
  kev_url: { schema: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2000)]), default: '' },
  /** The daily refresh of FIRST's EPSS scores (CSV, plain or gzipped) downloads them from here; empty: off. */
  epss_url: { schema: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2000)]), default: '' },
  /**
   * Alert webhooks may reach these hosts, IP addresses or CIDR ranges (separated by commas or
   * spaces) although they are private or loopback, and by http:// (docs/alerts.md, "Webhooks").
   */
  webhook_allowlist: {
    schema: z
      .string()
      .trim()
      .max(4000)
      .regex(/^[\w.:/\-\s,]*$/),
    default: '',
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]['schema']>;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/**
 * The sector's settings: the scorecard's thresholds and periods, which the sector coordinator
 * sets as well as a platform administrator (docs/scorecard.md, "Settings"). The same list is in
 * the row-level security of platform_settings (0035-restore-date-sector-settings.sql).
 */
export const SECTOR_SETTING_KEYS: readonly SettingKey[] = [
  'scorecard_pass_percent',
  'scorecard_confirmation_months',
  'scorecard_patch_days',
  'scorecard_test_months',
];

export const isSectorSetting = (key: SettingKey): boolean => SECTOR_SETTING_KEYS.includes(key);

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** One setting's current value, in the caller's transaction. */
export async function readSetting<K extends SettingKey>(tx: Tx, key: K): Promise<SettingValue<K>> {
  const row = await tx.q
    .selectFrom('platform_settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  const def = SETTINGS[key];
  const parsed = def.schema.safeParse(row?.value);
  return (parsed.success ? parsed.data : def.default) as SettingValue<K>;
}

/** Every setting with its current value and whether it is the default. */
export async function readAllSettings(tx: Tx) {
  const rows = await tx.q.selectFrom('platform_settings').select(['key', 'value', 'updated_at']).execute();
  const stored = new Map(rows.map((r) => [r.key, r]));
  return SETTING_KEYS.map((key) => {
    const def = SETTINGS[key];
    const row = stored.get(key);
    const parsed = def.schema.safeParse(row?.value);
    return {
      key,
      value: parsed.success ? parsed.data : def.default,
      default: def.default,
      is_default: !parsed.success,
      updated_at: parsed.success && row ? row.updated_at : null,
    };
  });
}
