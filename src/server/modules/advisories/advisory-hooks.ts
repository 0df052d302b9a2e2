import type { AppContext } from '../../context.js';

/**
 * What runs after an advisory import has stored a new advisory or a newer revision of one, once its
 * transaction has committed: matching against the inventories (match-jobs.ts registers
 * `requestAdvisoryMatch` here), and whatever else wants to follow new advisories. A hook is
 * given the advisory's id; it should only queue work (a job), never do it in line. A failing hook
 * is logged and does not undo the import, which has already committed.
 */
export type AdvisoryStoredHook = (ctx: AppContext, advisoryId: string) => void | Promise<void>;

const hooks: AdvisoryStoredHook[] = [];

/** Registers a hook to run after every stored advisory; returns a function that removes it. */
export function onAdvisoryStored(hook: AdvisoryStoredHook): () => void {
  hooks.push(hook);
  return () => {
    const at = hooks.indexOf(hook);
    if (at >= 0) hooks.splice(at, 1);
  };
}

/** Runs every registered hook for the advisory, in registration order (none is fine). */
export async function afterAdvisoryStored(ctx: AppContext, advisoryId: string): Promise<void> {
  for (const hook of [...hooks]) {
    try {
      await hook(ctx, advisoryId);
    } catch (error) {
      ctx.log.error({ err: error, advisoryId }, 'an advisory hook failed');
    }
  }
}
