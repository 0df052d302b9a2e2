import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** WCAG 2.0 and 2.1, levels A and AA: the bar issue 3 sets for every page. */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe on the page as it is now and fails on any serious or critical violation, listing each
 * rule, its impact and the selectors of the offending elements. `label` names the page state.
 */
export async function expectNoSeriousA11yViolations(page: Page, label: string): Promise<void> {
  // While something fades in or out (a dialog, a popover, the active link), its colours are blended
  // with what is behind it, and axe would measure that contrast (seen on a loaded machine: text at
  // 1 % opacity). Wait for every finite animation and transition to end; a spinner's endless one
  // is not waited for.
  // Two frames first: a transition that a change just asked for has started by then. Polled with
  // page.evaluate (waitForFunction evaluates a string with eval, which the app's CSP forbids).
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
  );
  const settled = `document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)`;
  for (const until = Date.now() + 10_000; !(await page.evaluate(settled)); ) {
    if (Date.now() > until) throw new Error(`axe: animations still running on ${label} after 10 s`);
    await page.waitForTimeout(50);
  }
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const blocking = violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  if (blocking.length === 0) return;
  const lines = blocking.map((v) => {
    const targets = v.nodes.map(
      (n) =>
        `    ${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`,
    );
    return `  ${v.id} (${v.impact}): ${v.help}\n${targets.join('\n')}`;
  });
  throw new Error(
    `axe: ${blocking.length} serious or critical violation(s) on ${label}:\n${lines.join('\n')}`,
  );
}
