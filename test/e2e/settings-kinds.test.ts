import type { Locator } from 'playwright-core';
import { expect, it } from 'vitest';
import { createUserWithMfa } from '../factories.js';
import type { TestApp } from '../server.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  cspViolations,
  describeInChromium,
  expectHeading,
  SESSION_PROBE,
  signInThroughUi,
  watch,
} from './browser.js';

const stored = async (t: TestApp, key: string) =>
  (
    (await t.asOperator('GET', '/api/v1/platform/settings')).json() as {
      items: Array<{ key: string; value: unknown }>;
    }
  ).items.find((s) => s.key === key)?.value;

const save = (form: Locator) => form.getByRole('button', { name: 'Gem' }).click();

describeInChromium(
  'platform settings of both kinds in Chromium',
  'test/e2e/settings-kinds.test.ts',
  (app) => {
    it('a platform administrator sets a web address setting and a whole-number one, each checked by its kind', async () => {
      const { t, base, browser } = app;
      const platform = await createUserWithMfa(t, { platformAdmin: true, name: 'Pia Platform' });
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, platform);
      await page.goto(`${base}/admin/settings`);
      await expectHeading(page, 'Platformsindstillinger');

      // A text setting: empty by default (off); a web address or empty is accepted.
      const kev = page.getByRole('form', { name: "Adresse for CISA's KEV-katalog" });
      await kev.getByText('Standard: tom (slået fra)').waitFor();
      const address = kev.getByRole('textbox', { name: 'Webadresse' });
      expect(await address.inputValue()).toBe('');
      await expectNoSeriousA11yViolations(page, 'platform settings with text settings');
      await address.fill('ftp://feeds.example.org/kev.json');
      await save(kev);
      await kev
        .getByText('Skriv en webadresse, der begynder med http:// eller https://, eller lad feltet stå tomt.')
        .waitFor();
      expect(await stored(t, 'kev_url')).toBe('');
      const url = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json';
      await address.fill(url);
      await save(kev);
      await kev.getByText(`»Adresse for CISA's KEV-katalog« er gemt.`).waitFor();
      await expect.poll(() => stored(t, 'kev_url')).toBe(url);
      await page.reload();
      await expectHeading(page, 'Platformsindstillinger');
      expect(await address.inputValue()).toBe(url);
      // Emptied, it turns the refresh off again.
      await address.fill('');
      await save(kev);
      await expect.poll(() => stored(t, 'kev_url')).toBe('');
      await page.getByRole('form', { name: 'Adresse for EPSS-scorer' }).waitFor();

      // The new whole-number setting keeps its bounds.
      const days = page.getByRole('form', { name: 'Længste risikoaccept' });
      await days.getByText('Standardværdi: 365').waitFor();
      await days.getByRole('textbox', { name: 'Dage' }).fill('2000');
      await save(days);
      await days.getByText('Skriv et tal fra 1 til 1095.').waitFor();
      await days.getByRole('textbox', { name: 'Dage' }).fill('180');
      await save(days);
      await expect.poll(() => stored(t, 'risk_acceptance_max_days')).toBe(180);
      await expectNoSeriousA11yViolations(page, 'platform settings saved');

      expect([...(await cspViolations(page)), ...problems]).toEqual([]);
      await context.close();
    }, 120_000);
  },
);
