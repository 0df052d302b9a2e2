import type { Actor } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Who may do what with platform settings. One rule per action. */
export const settingsPolicy = {
  /** Platform administrators and the instance operator read and change the platform's settings. */
  read: (a: Actor) => a.kind === 'operator' || (a.kind === 'user' && a.platformAdmin),
  update: (a: Actor) => a.kind === 'operator' || (a.kind === 'user' && a.platformAdmin),
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden('settings.platform_admin_only');
}
