import type { z } from 'zod';
import type { readAllSettings } from './registry.js';
import type { settingItem } from './schemas.js';

type Setting = Awaited<ReturnType<typeof readAllSettings>>[number];

export function presentSetting(s: Setting): z.infer<typeof settingItem> {
  return {
    key: s.key,
    value: s.value,
    default: s.default,
    is_default: s.is_default,
    updated_at: s.updated_at ? new Date(s.updated_at).toISOString() : null,
  };
}
