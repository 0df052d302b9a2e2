import type { Actor } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

/** Who may back up and restore: only the instance's operator (the CLI, over the socket or in-process). */
export const backupPolicy = {
  /** A backup holds every organisation's data: only whoever runs the instance takes one. */
  backup: (a: Actor) => a.kind === 'operator',
  /** Restore fills an empty instance; it is an operator's act from the command line. */
  restore: (a: Actor) => a.kind === 'operator',
};

export function authorise(allowed: boolean): void {
  if (!allowed) throw forbidden();
}
