import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { clientAddress, createOrg, createToken, createUserWithMfa, login } from '../factories.js';
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

const TITLE = 'Phishing-kampagne mod regionernes lønsystem';
const BODY = 'Falske mails beder medarbejdere bekræfte deres lønkonto via et link.';
const NOTE = 'Vi har advaret alle medarbejdere.';

/** The Danish words the preview uses for a count (alerts.sector.preview in da.json). */
const orgsDa = (n: number) => `${n} ${n === 1 ? 'organisation' : 'organisationer'}`;
const peopleDa = (n: number) => `${n} ${n === 1 ? 'person' : 'personer'}`;

describeInChromium(
  'alerts: the sector coordinator writes an alert and follows the answers',
  'test/e2e/alerts-sector.test.ts',
  (app) => {
    it('composes a GREEN alert with a live audience preview, publishes it, and sees an answer on the board and in the list', async () => {
      const { t, base, browser } = app;
      mkdirSync(artifacts, { recursive: true });
      const shot = (p: Page, name: string) =>
        p.screenshot({ path: path.join(artifacts, `alerts-sector-${name}.png`), fullPage: true });

      const sector = await createOrg(t, { name: 'Sektorenheden', kind: 'sector_unit' });
      const region = await createOrg(t, { name: 'Region Varselsyd', kind: 'region' });
      // In the region, but not of the kind "region" and not named: not a recipient.
      await createOrg(t, { name: 'Hospital Varselsyd', kind: 'hospital', region: region.slug });
      const pharmacy = await createOrg(t, { name: 'Apotek Eksplicit', kind: 'pharmacy' });
      const coordinator = await createUserWithMfa(t, {
        org: sector.slug,
        role: 'sector_coordinator',
        name: 'Sara Sektor',
      });
      const regionToken = await createToken(t, region.slug, 'security_officer');
      const api = (auth: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: object) =>
        t.inject({
          method,
          url,
          remoteAddress: clientAddress(),
          headers: { ...auth, 'accept-language': 'da' },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });

      // The server's own count of the audience the form will build: every region (this app has one,
      // created above) plus the pharmacy named explicitly = 2 organisations.
      const asCoordinator = (await login(t, coordinator)).headers();
      const counted = await api(asCoordinator, 'POST', '/api/v1/sector/alerts/preview', {
        tlp: 'GREEN',
        audience: { kinds: ['region'], organisations: [pharmacy.id] },
      });
      expect(counted.statusCode, counted.body).toBe(200);
      const expected = counted.json() as { organisations: number; people: number };
      expect(expected.organisations).toBe(2);

      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, coordinator);

      // The coordinator's link leads to the (empty) list of issued alerts.
      await page.getByRole('navigation').getByRole('link', { name: 'Sektorens varsler' }).click();
      await expectHeading(page, 'Sektorens varsler');
      expect(new URL(page.url()).pathname).toBe('/sector/alerts');
      await page.getByText('Sektorenheden har ikke udsendt nogen varsler.').waitFor();
      await expectNoSeriousA11yViolations(page, 'sector alerts, empty');

      // The composer.
      await page.getByRole('link', { name: 'Skriv varsel' }).click();
      await expectHeading(page, 'Skriv varsel');
      expect(new URL(page.url()).pathname).toBe('/sector/alerts/new');
      await page.getByText('TLP:GREEN: modtagerne og sektoren, ikke offentligt.').waitFor();
      // The TLP:RED note shows only under RED (manual-advisory-alert-settings.test.ts composes one).
      expect(await page.getByTestId('red-note').count()).toBe(0);
      const preview = page.getByTestId('audience-preview');
      await preview.getByText('Vælg modtagere for at se, hvem varslet når.').waitFor();

      await page.getByRole('textbox', { name: 'Titel' }).fill(TITLE);
      await page.getByRole('textbox', { name: 'Varslets tekst' }).fill(BODY);
      await page.getByLabel('Alvorlighed', { exact: true }).first().click();
      await page.getByRole('option', { name: 'Kritisk' }).click();

      // Audience: the kind "region", then the pharmacy by name; the preview follows each change.
      await page.getByLabel('Organisationstyper', { exact: true }).first().click();
      await page.getByRole('option', { name: 'Region', exact: true }).click();
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="audience-preview"][data-fresh="true"]').waitFor();
      // Only the region so far.
      await preview.getByText('Når 1 organisation og', { exact: false }).waitFor();
      const organisations = page.getByLabel('Enkelte organisationer', { exact: true }).first();
      await organisations.fill('Apotek Eks');
      await page.getByRole('option', { name: 'Apotek Eksplicit' }).click();
      await page.keyboard.press('Escape');
      const sentence = `Når ${orgsDa(expected.organisations)} og ${peopleDa(expected.people)}.`;
      await preview.getByText(sentence, { exact: true }).waitFor();
      await page.locator('[data-testid="audience-preview"][data-fresh="true"]').waitFor();
      expect(await preview.textContent()).toBe(sentence);
      await shot(page, '1-composer');
      await expectNoSeriousA11yViolations(page, 'alert composer');

      // Publish: the board, every organisation unanswered.
      await page.getByRole('button', { name: 'Udsend varsel' }).click();
      await expectHeading(page, TITLE);
      const alertId = /^\/sector\/alerts\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
      expect(alertId).not.toBe('');
      const rows = page.getByTestId('board-row');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await page.getByTestId('board-answer').allTextContents()).toEqual([
        'Ikke besvaret',
        'Ikke besvaret',
      ]);
      await page.getByTestId('board-answered').getByText('0 af 2').waitFor();
      await page.getByTestId('board-median').getByText('Ingen har svaret endnu').waitFor();
      await page.getByTestId('board-head').getByText('Kritisk', { exact: true }).waitFor();
      await page.getByTestId('board-head').getByText('TLP:GREEN').waitFor();
      await shot(page, '2-board-unanswered');
      await expectNoSeriousA11yViolations(page, 'alert board');

      // What was stored: the title, the label and the two recipients.
      const listed = await api(asCoordinator, 'GET', '/api/v1/sector/alerts');
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json().items).toMatchObject([
        { id: alertId, title: TITLE, severity: 'critical', tlp: 'GREEN', recipients: 2, answered: 0 },
      ]);

      // The region's security officer answers through the API.
      const answered = await api(
        { authorization: regionToken },
        'POST',
        `/api/v1/orgs/${region.slug}/alerts/${alertId}/answer`,
        {
          status: 'received',
          note: NOTE,
        },
      );
      expect(answered.statusCode, answered.body).toBe(200);

      // After a refresh: the pharmacy (unanswered) first, then the region with its answer and note.
      await page.reload();
      await expectHeading(page, TITLE);
      await page.getByTestId('board-answered').getByText('1 af 2').waitFor();
      expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-org')))).toEqual([
        pharmacy.slug,
        region.slug,
      ]);
      const regionRow = rows.filter({ hasText: 'Region Varselsyd' });
      await regionRow.getByTestId('board-answer').getByText('Modtaget', { exact: true }).waitFor();
      await regionRow.getByText(NOTE).waitFor();
      await page.getByTestId('board-by-status').getByText('Modtaget: 1').waitFor();
      await page.getByTestId('board-by-status').getByText('Ikke besvaret: 1').waitFor();
      expect(await page.getByTestId('board-median').textContent()).toMatch(
        /\d+ (sekund|sekunder|minut|minutter)$/,
      );
      await shot(page, '3-board-answered');
      await expectNoSeriousA11yViolations(page, 'alert board, answered');

      // The list counts the answer.
      await page.getByRole('link', { name: 'Tilbage til sektorens varsler' }).click();
      await expectHeading(page, 'Sektorens varsler');
      const row = page.getByTestId('sector-alert-row').filter({ hasText: TITLE });
      await row.waitFor();
      expect(await row.getByTestId('sector-alert-answered').textContent()).toBe('1 af 2');
      await row.getByText('TLP:GREEN').waitFor();
      await row.getByText('Kritisk', { exact: true }).waitFor();
      await shot(page, '4-list');
      await expectNoSeriousA11yViolations(page, 'sector alerts');

      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await context.close();
    }, 120_000);
  },
);
