import { z } from 'zod';

export const settingParams = z.strictObject({ key: z.string().min(1).max(63) });

export const settingItem = z.object({
  key: z.string().describe('the setting; the web app names it in the reader’s language'),
  value: z.unknown().describe('the current value (the default when none is stored)'),
  default: z.unknown(),
  is_default: z.boolean().describe('no value of its own is stored'),
  updated_at: z.string().nullable().describe('when the stored value was last set; null when default'),
});

export const settingsList = z.object({ items: z.array(settingItem) });

export const updateSettingBody = z.strictObject({
  value: z.unknown().refine((v) => v !== undefined, 'required'),
});
