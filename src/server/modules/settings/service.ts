import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import { type Actor, actorRef } from '../../lib/actor.js';
import { AppError, notFound } from '../../lib/errors.js';
import { issueFieldErrors } from '../../lib/field-messages.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { recordAudit } from '../audit/record.js';
import './messages.js';
import { authorise, authoriseKey, settingsPolicy } from './policy.js';
import { presentSetting } from './present.js';
import * as q from './queries.js';
import { isSectorSetting, isSettingKey, readAllSettings, SETTINGS, type SettingKey } from './registry.js';

/**
 * Every platform setting with its current value, in the registry's order; for a sector
 * coordinator who is not a platform administrator, the sector's settings only.
 */
export async function listSettings(opts: { ctx: AppContext; actor: Actor }) {
  const all = settingsPolicy.read(opts.actor);
  if (!all && !settingsPolicy.readSector(opts.actor)) authorise(false);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor), async (tx) =>
    (await readAllSettings(tx)).filter((s) => all || isSectorSetting(s.key)).map(presentSetting),
  );
}

/** The 400 for a value its setting's schema refuses, naming the allowed range. */
function invalidValue(key: SettingKey, issues: z.core.$ZodIssue[]): AppError {
  const schema = SETTINGS[key].schema as z.ZodType;
  const fieldErrors = issueFieldErrors('value', issues);
  if (schema instanceof z.ZodNumber) {
    return new AppError(
      400,
      'settings.out_of_range',
      { key, min: schema.minValue ?? '−∞', max: schema.maxValue ?? '∞' },
      fieldErrors,
    );
  }
  return new AppError(400, 'error.validation', {}, fieldErrors);
}

/** Changes one setting; recorded on the platform chain with the value before and after. */
export async function updateSetting(opts: { ctx: AppContext; actor: Actor; key: string; value: unknown }) {
  const { ctx, actor, key } = opts;
  if (!isSettingKey(key)) {
    authorise(settingsPolicy.update(actor) || settingsPolicy.readSector(actor));
    throw notFound('settings.unknown_key', { key });
  }
  authoriseKey(actor, key);
  const parsed = (SETTINGS[key].schema as z.ZodType).safeParse(opts.value);
  if (!parsed.success) throw invalidValue(key, parsed.error.issues);
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) => {
    const before = (await readAllSettings(tx)).find((s) => s.key === key);
    await q.upsertSetting(tx, key, parsed.data, actorRef(actor));
    const after = (await readAllSettings(tx)).find((s) => s.key === key);
    if (!before || !after) throw notFound('settings.unknown_key', { key });
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor,
      action: 'setting.update',
      targetType: 'platform_setting',
      targetId: key,
      before: { value: before.value, is_default: before.is_default },
      after: { value: after.value, is_default: after.is_default },
    });
    return presentSetting(after);
  });
}
