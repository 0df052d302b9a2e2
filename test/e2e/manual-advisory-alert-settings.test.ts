import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { runMatch } from '../../src/server/modules/advisories/match-service.js';
import {
  backoffMs,
  deliverDueWebhooks,
  MAX_ATTEMPTS,
} from '../../src/server/modules/alerts/webhook-delivery.js';
import { clientAddress, createOrg, createToken, createUserWithMfa, login } from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  artifacts,
  cspViolations,
  describeInChromium,
  type ExpectedRefusal,
  expectHeading,
  SESSION_PROBE,
  signInThroughUi,
  watch,
} from './browser.js';

const TITLE = 'Infusionspumper fra Acme tager imod kommandoer uden login';

/** The form's deliberate refusal (an invalid CVE), which Chromium logs as a failed request. */
const REFUSED_SAVE: ExpectedRefusal = { status: [400], url: /\/api\/v1\/sector\/advisories$/ };
/** The composer's lookup of an address nobody has. */
const UNKNOWN_PERSON: ExpectedRefusal = { status: [404], url: /\/api\/v1\/sector\/people\/lookup$/ };
const RED_TITLE = 'Målrettet angreb på pumpeleverandøren';

describeInChromium(
  'advisories written by hand and the organisation’s alert settings',
  'test/e2e/manual-advisory-alert-settings.test.ts',
  (app) => {
    it('the coordinator writes an advisory that is matched, then revises it; a security officer sets the duty address and a webhook and retries a dead delivery', async () => {
      const { t, base, browser } = app;
      mkdirSync(artifacts, { recursive: true });
      const shot = (p: Page, name: string) =>
        p.screenshot({ path: path.join(artifacts, `manual-advisory-${name}.png`), fullPage: true });

      const sector = await createOrg(t, { name: 'Sektorenheden', kind: 'sector_unit' });
      const region = await createOrg(t, { name: 'Region Pumpesyd', kind: 'region' });
      const coordinator = await createUserWithMfa(t, {
        org: sector.slug,
        role: 'sector_coordinator',
        name: 'Sara Sektor',
      });
      const officer = await createUserWithMfa(t, {
        org: region.slug,
        role: 'security_officer',
        name: 'Olga Officer',
      });
      const regionToken = await createToken(t, region.slug, 'security_officer');
      const api = (
        auth: Record<string, string>,
        method: 'GET' | 'POST' | 'PUT',
        url: string,
        payload?: object,
      ) =>
        t.inject({
          method,
          url,
          remoteAddress: clientAddress(),
          headers: { ...auth, 'accept-language': 'da' },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
      const system = await api(
        { authorization: regionToken },
        'POST',
        `/api/v1/orgs/${region.slug}/inventory/systems`,
        {
          key: 'PUMP',
          name: 'Infusionspumper',
          vendor: 'ACME Medical',
          product: 'InfusionPump',
          version: '4.1',
          medical_device: true,
        },
      );
      expect(system.statusCode, system.body).toBe(201);

      // --- The coordinator writes the advisory ----------------------------------------------------
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE, REFUSED_SAVE, UNKNOWN_PERSON] });
      await signInThroughUi(page, base, coordinator);
      await page.getByRole('navigation').getByRole('link', { name: 'Advisories' }).click();
      await expectHeading(page, 'Advisories');
      await page.getByRole('link', { name: 'Ny advisory' }).click();
      await expectHeading(page, 'Ny advisory');
      expect(new URL(page.url()).pathname).toBe('/advisories/new');

      await page.getByRole('textbox', { name: 'Titel', exact: true }).fill(TITLE);
      await page.getByRole('textbox', { name: 'Resumé' }).fill('En angriber på netværket kan ændre dosis.');
      await page
        .getByRole('textbox', { name: 'Anbefalet handling' })
        .fill('Isolér pumperne i et eget netsegment.');
      await page.getByRole('textbox', { name: 'CVE' }).fill('CVE-99');
      await page.getByRole('textbox', { name: "Leverandør-id'er" }).fill('ACME-SA-2099-01');
      await page.getByRole('textbox', { name: 'Leverandør', exact: true }).fill('Acme Medical Inc.');
      await page.getByRole('textbox', { name: 'Produktnavn' }).fill('InfusionPump');
      await page.getByRole('textbox', { name: 'Versioner' }).fill('< 4.2');
      await expectNoSeriousA11yViolations(page, 'new advisory form');

      // An invalid CVE: the server's reason, in Danish, at the field.
      await page.getByRole('button', { name: 'Gem advisory' }).click();
      await page.getByText('"CVE-99" er ikke et CVE-id (CVE-ÅÅÅÅ-NNNN).').first().waitFor();
      await shot(page, '1-refused');
      await expectNoSeriousA11yViolations(page, 'new advisory form, refused');
      await page.getByRole('textbox', { name: 'CVE' }).fill('CVE-2099-4242');
      await page.getByRole('button', { name: 'Gem advisory' }).click();
      await expectHeading(page, TITLE);
      const id = /^\/advisories\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
      expect(id).not.toBe('');
      await page.getByText('CVE-2099-4242').first().waitFor();

      // Saving queued the matching (no worker runs here): run it, with the inventory index, in line.
      await runMatch(t.runtime.ctx, {});
      await page.reload();
      await expectHeading(page, TITLE);
      await page.getByTestId('concerned-row').filter({ hasText: 'Region Pumpesyd' }).waitFor();
      await shot(page, '2-advisory');
      await expectNoSeriousA11yViolations(page, 'manual advisory page');

      // The next version: only 4.2 and later, so the region's 4.1 is no longer concerned.
      await page.getByRole('link', { name: 'Redigér' }).click();
      await expectHeading(page, 'Redigér advisory');
      expect(await page.getByRole('textbox', { name: 'Versioner' }).inputValue()).toBe('< 4.2');
      await page.getByRole('textbox', { name: 'Versioner' }).fill('>= 4.2');
      await page
        .getByRole('textbox', { name: 'Hvad denne version ændrer' })
        .fill('Kun 4.2 og senere er berørt');
      await expectNoSeriousA11yViolations(page, 'edit advisory form');
      await page.getByRole('button', { name: 'Gem ny version' }).click();
      await expectHeading(page, TITLE);
      expect(new URL(page.url()).pathname).toBe(`/advisories/${id}`);
      await runMatch(t.runtime.ctx, {});
      const asCoordinator = (await login(t, coordinator)).headers();
      const read = await api(asCoordinator, 'GET', `/api/v1/advisories/${id}`);
      expect(read.json()).toMatchObject({ source: 'manual', version: '2' });
      const affected = await api(asCoordinator, 'GET', `/api/v1/sector/advisories/${id}/affected`);
      expect(affected.json().items).toEqual([]);

      // --- A TLP:RED alert to one named person of the region ---------------------------------------
      await page.getByRole('navigation').getByRole('link', { name: 'Sektorens varsler' }).click();
      await expectHeading(page, 'Sektorens varsler');
      await page.getByRole('link', { name: 'Skriv varsel' }).click();
      await expectHeading(page, 'Skriv varsel');
      expect(await page.getByTestId('red-note').count()).toBe(0);
      await page.getByRole('textbox', { name: 'Titel' }).fill(RED_TITLE);
      await page.getByRole('textbox', { name: 'Varslets tekst' }).fill('Kun til den navngivne.');
      await page.getByLabel('TLP', { exact: true }).first().click();
      await page.getByRole('option', { name: 'TLP:RED' }).click();
      await page.getByTestId('red-note').getByText('TLP:RED når kun navngivne personer').waitFor();
      // The rules are gone under RED: only named people.
      expect(await page.getByLabel('Organisationstyper', { exact: true }).count()).toBe(0);
      const email = page.getByRole('textbox', { name: 'Personens e-mailadresse' });
      await email.fill('ingen@pumpesyd.dk');
      await page.getByRole('button', { name: 'Find person' }).click();
      await page
        .getByText('Ingen aktiv bruger i Værn har e-mailadressen "ingen@pumpesyd.dk".', { exact: false })
        .waitFor();
      await email.fill(officer.email.toUpperCase());
      await page.getByRole('button', { name: 'Find person' }).click();
      await page
        .getByTestId('named-people-list')
        .getByText(`Olga Officer (${officer.email}), Region Pumpesyd`)
        .waitFor();
      const preview = page.getByTestId('audience-preview');
      await page.locator('[data-testid="audience-preview"][data-fresh="true"]').waitFor();
      expect(await preview.textContent()).toBe('Når 1 organisation og 1 person.');
      await shot(page, '3-red-composer');
      await expectNoSeriousA11yViolations(page, 'alert composer, TLP:RED with a named person');
      await page.getByRole('button', { name: 'Udsend varsel' }).click();
      await expectHeading(page, RED_TITLE);
      const issued = await api(asCoordinator, 'GET', '/api/v1/sector/alerts');
      expect(issued.json().items).toMatchObject([{ title: RED_TITLE, tlp: 'RED', recipients: 1 }]);
      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await context.close();

      // --- The region's security officer: duty address, webhook, dead letter ---------------------
      const failing: Server = createServer((_req, res) => {
        res.statusCode = 503;
        res.end();
      });
      await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
      try {
        const port = (failing.address() as AddressInfo).port;
        const allow = await t.asOperator('PUT', '/api/v1/platform/settings/webhook_allowlist', {
          value: '127.0.0.1',
        });
        expect(allow.statusCode, allow.body).toBe(200);
        const context2 = await browser.newContext();
        const page2 = await context2.newPage();
        const problems2 = await watch(page2, { allow: [SESSION_PROBE] });
        await signInThroughUi(page2, base, officer);
        await page2.getByRole('navigation').getByRole('link', { name: 'Varsler' }).click();
        await page2.getByRole('link', { name: 'Indstillinger for varsler' }).click();
        await expectHeading(page2, 'Indstillinger for varsler');
        await page2.getByText('Ingen webhook-endepunkter.').waitFor();
        await page2.getByText('Ingen mislykkede leverancer.').waitFor();
        await expectNoSeriousA11yViolations(page2, 'alert settings, empty');

        await page2.getByRole('textbox', { name: 'Vagtadresse (e-mail)' }).fill('vagt@pumpesyd.dk');
        await page2.getByRole('button', { name: 'Gem vagtadresse' }).click();
        await page2
          .getByTestId('duty-saved')
          .getByText('Gemt: varsler sendes til vagt@pumpesyd.dk.')
          .waitFor();
        const settings = await api(
          { authorization: regionToken },
          'GET',
          `/api/v1/orgs/${region.slug}/alert-settings`,
        );
        expect(settings.json()).toEqual({ duty_address: 'vagt@pumpesyd.dk' });

        const hookUrl = `http://127.0.0.1:${port}/hook`;
        await page2.getByRole('textbox', { name: 'URL' }).fill(hookUrl);
        await page2.getByRole('textbox', { name: 'Beskrivelse' }).fill('SIEM');
        await page2.getByRole('button', { name: 'Registrér endepunkt' }).click();
        const secret = page2.getByTestId('webhook-secret-value');
        await secret.waitFor();
        expect(await secret.inputValue()).toMatch(/^whsec_/);
        await page2.getByTestId('webhook-row').filter({ hasText: hookUrl }).waitFor();
        await shot(page2, '4-settings');
        await expectNoSeriousA11yViolations(page2, 'alert settings, endpoint registered');

        // Its filters change in place: the URL and the secret stay. Without a kind nothing can be
        // saved; the alert below (high, general) still passes the new filters.
        const hookRow = page2.getByTestId('webhook-row').filter({ hasText: hookUrl });
        await hookRow.getByRole('button', { name: `Ret filtrene for ${hookUrl}` }).click();
        const filters = page2.getByRole('dialog', { name: 'Endepunktets filtre' });
        await filters.getByLabel('Laveste alvorlighed', { exact: true }).click();
        await page2.getByRole('option', { name: 'Høj' }).click();
        await filters.getByRole('checkbox', { name: 'Fra en advisory (sårbare produkter)' }).uncheck();
        await filters.getByRole('checkbox', { name: 'Generelle advarsler (uden advisory)' }).uncheck();
        expect(await filters.getByRole('button', { name: 'Gem filtre' }).isDisabled()).toBe(true);
        await filters.getByRole('checkbox', { name: 'Generelle advarsler (uden advisory)' }).check();
        await expectNoSeriousA11yViolations(page2, 'alert settings, endpoint filters');
        await filters.getByRole('button', { name: 'Gem filtre' }).click();
        await filters.waitFor({ state: 'hidden' });
        await hookRow.getByText('Høj').waitFor();
        await hookRow.getByText('Generelle advarsler (uden advisory)').waitFor();
        const changed = await api(
          { authorization: regionToken },
          'GET',
          `/api/v1/orgs/${region.slug}/alert-webhooks`,
        );
        expect(changed.json().items).toMatchObject([
          {
            url: hookUrl,
            description: 'SIEM',
            min_severity: 'high',
            kinds: ['general'],
            only_affected: false,
          },
        ]);

        // An alert to the region whose webhook fails every attempt: a dead letter.
        const published = await api(asCoordinator, 'POST', '/api/v1/sector/alerts', {
          title: 'Pumper skal isoleres',
          body: 'Se advisoryen.',
          severity: 'high',
          tlp: 'GREEN',
          audience: { organisations: [region.id] },
        });
        expect(published.statusCode, published.body).toBe(201);
        let now = new Date();
        for (let n = 1; n <= MAX_ATTEMPTS; n++) {
          await deliverDueWebhooks(t.runtime.ctx, now);
          now = new Date(now.getTime() + backoffMs(n) + 1000);
        }
        await page2.reload();
        await expectHeading(page2, 'Indstillinger for varsler');
        const dead = page2.getByTestId('dead-letter-row').filter({ hasText: 'Pumper skal isoleres' });
        await dead.getByText('HTTP 503').waitFor();
        await expectNoSeriousA11yViolations(page2, 'alert settings, dead letter');
        await dead.getByRole('button', { name: 'Prøv leverancen af Pumper skal isoleres igen' }).click();
        await page2.getByText('Leverancen er sat i kø igen.').waitFor();
        await page2.getByText('Ingen mislykkede leverancer.').waitFor();

        // Removing the endpoint, after confirming.
        await page2.getByRole('button', { name: `Fjern endepunktet ${hookUrl}` }).click();
        await page2.getByRole('dialog').getByRole('button', { name: 'Fjern' }).click();
        await page2.getByText('Ingen webhook-endepunkter.').waitFor();
        const hooks = await api(
          { authorization: regionToken },
          'GET',
          `/api/v1/orgs/${region.slug}/alert-webhooks`,
        );
        expect(hooks.json().items).toEqual([]);
        expect(problems2).toEqual([]);
        expect(await cspViolations(page2)).toEqual([]);
        await context2.close();
      } finally {
        await new Promise<void>((resolve) => failing.close(() => resolve()));
      }
    }, 180_000);
  },
);
