import type { Actor } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { scorecardPolicy } from '../scorecard/policy.js';
import { isSectorSetting, type SettingKey } from './registry.js';

const platformAdmin = (a: Actor) => a.kind === 'operator' || (a.kind === 'user' && a.platformAdmin);

/** Who may do what with platform settings. One rule per action, per setting group. */
export const settingsPolicy = {
  /** Platform administrators and the instance operator read and change the platform's settings. */
  read: platformAdmin,
  update: platformAdmin,
  /**
   * The sector's settings (the scorecard's thresholds and periods): also the sector coordinator
   * (the sector unit's `sector_coordinator`, as the scorecard's sector view checks it).
   */
  readSector: (a: Actor) => platformAdmin(a) || scorecardPolicy.sectorUnitOf(a) !== undefined,
  updateKey: (a: Actor, key: SettingKey) =>
    platformAdmin(a) || (isSectorSetting(key) && scorecardPolicy.sectorUnitOf(a) !== undefined),
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden('settings.platform_admin_only');
}

/** Refuses a setting the actor may not change, naming who may. */
export function authoriseKey(a: Actor, key: SettingKey): void {
  if (settingsPolicy.updateKey(a, key)) return;
  throw forbidden(isSectorSetting(key) ? 'settings.sector_only' : 'settings.platform_admin_only');
}
