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
