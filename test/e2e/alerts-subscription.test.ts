import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { clientAddress, createOrg, createUser, createUserWithMfa, login } from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  artifacts,
  cspViolations,
  describeInChromium,
  expectHeading,
  SESSION_PROBE,
  signInThroughUi,
  watch,
} from './browser.js';

const CRITICAL = 'Aktivt udnyttet sårbarhed i journalsystemets login';
const MEDIUM = 'Opdatering af printerdrivere anbefales';

describeInChromium(
  'alerts: a person subscribes and is notified in the app',
  'test/e2e/alerts-subscription.test.ts',
  (app) => {
    it('sets a minimum severity, and the bell shows the alert that passes it once the coordinator publishes', async () => {
      const { t, base, browser } = app;
      mkdirSync(artifacts, { recursive: true });
      const shot = (p: Page, name: string) =>
        p.screenshot({ path: path.join(artifacts, `alerts-subscription-${name}.png`), fullPage: true });

      const sector = await createOrg(t, { name: 'Sektorenheden', kind: 'sector_unit' });
      const region = await createOrg(t, { name: 'Region Abonnement', kind: 'region' });
      const coordinator = await login(
        t,
        await createUser(t, { org: sector.slug, role: 'sector_coordinator' }),
      );
      const member = await createUserWithMfa(t, { org: region.slug, role: 'member', name: 'Mette Medlem' });

      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, member);

      // A member without a subscription: the bell is empty, the default applies (nothing).
      const bell = page.getByTestId('notification-bell');
      await page.getByRole('button', { name: '0 ulæste notifikationer' }).waitFor();
      await bell.click();
      const dropdown = page.getByTestId('notifications');
      await dropdown.getByText('Du har ingen notifikationer.').waitFor();
      await expectNoSeriousA11yViolations(page, 'notifications, empty');
      await dropdown.getByRole('link', { name: 'Indstillinger for notifikationer' }).click();
      await expectHeading(page, 'Mine notifikationer om varsler');
      expect(new URL(page.url()).pathname).toBe('/alerts/subscription');
      await page.getByTestId('subscription-state').getByText('standarden gælder', { exact: false }).waitFor();
      await expectNoSeriousA11yViolations(page, 'subscription settings');

      // In the app, at least high.
      await page.getByRole('checkbox', { name: 'I appen (klokken)' }).check();
      await page.getByLabel('Mindst denne alvor', { exact: true }).first().click();
      await page.getByRole('option', { name: 'Høj' }).click();
      await page.getByRole('button', { name: 'Gem' }).click();
      await page.getByTestId('subscription-saved').getByText('Gemt.').waitFor();
      await page.getByTestId('subscription-state').getByText('Dit eget valg gælder.').waitFor();
      await shot(page, '1-settings');
      await expectNoSeriousA11yViolations(page, 'subscription settings, saved');
      const stored = await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${region.slug}/alert-subscription`,
        headers: (await login(t, member)).headers(),
      });
      expect(stored.json()).toMatchObject({ channels: ['app'], min_severity: 'high', default: false });

      // The coordinator publishes two alerts to the region: medium (below the filter), critical.
      for (const [title, severity] of [
        [MEDIUM, 'medium'],
        [CRITICAL, 'critical'],
      ] as const) {
        const r = await t.inject({
          method: 'POST',
          url: '/api/v1/sector/alerts',
          remoteAddress: clientAddress(),
          headers: { ...coordinator.headers(), 'accept-language': 'da' },
          payload: {
            title,
            body: 'Se vejledningen.',
            severity,
            tlp: 'GREEN',
            audience: { regions: [region.id] },
          },
        });
        expect(r.statusCode, r.body).toBe(201);
        expect(r.json().recipients).toMatchObject({
          organisations: 1,
          subscribers: severity === 'critical' ? 1 : 0,
        });
      }

      // The bell counts the one that passed the filter.
      await page.reload();
      await expectHeading(page, 'Mine notifikationer om varsler');
      await page.getByRole('button', { name: '1 ulæst notifikation' }).waitFor();
      await bell.click();
      const items = dropdown.getByTestId('notification');
      await expect.poll(() => items.count()).toBe(1);
      await items.getByText(CRITICAL).waitFor();
      expect(await dropdown.getByText(MEDIUM).count()).toBe(0);
      expect(await items.first().getAttribute('data-read')).toBe('false');
      await shot(page, '2-bell');
      await expectNoSeriousA11yViolations(page, 'notifications, one unread');

      // Opening it shows the alert and marks the notification read.
      await items.getByRole('link', { name: CRITICAL }).click();
      await expectHeading(page, CRITICAL);
      await page.getByRole('button', { name: '0 ulæste notifikationer' }).waitFor();
      await expectNoSeriousA11yViolations(page, 'alert page after a notification');

      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await context.close();
    }, 120_000);
  },
);
