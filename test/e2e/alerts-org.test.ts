import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { withTenant } from '../../src/server/db/tenant.js';
import { createOrg, createUserWithMfa } from '../factories.js';
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

const TITLE = 'Nedbrud i regionens VPN';
const BODY = 'Forbind ikke eksterne leverandører før VPN-gatewayen er opdateret.';

describeInChromium(
  "alerts: an organisation's admin writes an alert to its own subscribers and child organisations",
  'test/e2e/alerts-org.test.ts',
  (app) => {
    it('composes a GREEN alert with its child organisations, sees the preview, publishes it', async () => {
      const { t, base, browser } = app;
      mkdirSync(artifacts, { recursive: true });
      const region = await createOrg(t, { name: 'Region Egenvarsel', kind: 'region' });
      const hospital = await createOrg(t, {
        name: 'Hospital Egenvarsel',
        kind: 'hospital',
        parent: region.slug,
      });
      // In the region but not its child: never a recipient.
      const outside = await createOrg(t, {
        name: 'Kommune Egenvarsel',
        kind: 'municipality',
        region: region.slug,
      });
      const admin = await createUserWithMfa(t, { org: region.slug, role: 'admin', name: 'Rikke Region' });

      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, admin);

      await page.goto(`${base}/alerts`);
      await page.getByRole('link', { name: 'Skriv varsel til vores abonnenter' }).click();
      await expectHeading(page, 'Skriv varsel til vores abonnenter');
      expect(new URL(page.url()).pathname).toBe('/alerts/new');
      await page.getByRole('textbox', { name: 'Titel' }).fill(TITLE);
      await page.getByRole('textbox', { name: 'Varslets tekst' }).fill(BODY);

      // The region alone, then with its child hospital: the server counts each.
      const preview = page.getByTestId('audience-preview');
      await preview.getByText('Når 1 organisation og 0 personer.', { exact: true }).waitFor();
      await page.getByRole('checkbox', { name: 'Også vores underorganisationer' }).check();
      await preview.getByText('Når 2 organisationer og 0 personer.', { exact: true }).waitFor();
      await page.locator('[data-testid="audience-preview"][data-fresh="true"]').waitFor();
      await expectNoSeriousA11yViolations(page, 'organisation alert composer');

      // AMBER+STRICT never leaves the organisation: the choice is disabled.
      await page.getByLabel('TLP', { exact: true }).first().click();
      await page.getByRole('option', { name: 'TLP:AMBER+STRICT' }).click();
      expect(await page.getByRole('checkbox', { name: 'Også vores underorganisationer' }).isDisabled()).toBe(
        true,
      );
      await preview.getByText('Når 1 organisation og 0 personer.', { exact: true }).waitFor();
      await page.getByLabel('TLP', { exact: true }).first().click();
      await page.getByRole('option', { name: 'TLP:GREEN' }).click();
      await preview.getByText('Når 2 organisationer og 0 personer.', { exact: true }).waitFor();

      await page.getByRole('button', { name: 'Udsend varsel' }).click();
      await page
        .getByTestId('published')
        .getByText('Når 2 organisationer og 0 personer.', { exact: false })
        .waitFor();
      await page.screenshot({ path: path.join(artifacts, 'alerts-org-published.png'), fullPage: true });

      // Stored: the region and its child, not the municipality in the region.
      const recipients = await withTenant(
        t.runtime.ctx.db.kysely,
        { orgIds: [], operator: true },
        async (tx) => {
          const r = await sql<{ org_id: string }>`
          select r.org_id from alert_recipients r join alerts a on a.id = r.alert_id
          where a.title = ${TITLE} and a.issuer_org_id = ${region.id}`.execute(tx.q);
          return r.rows.map((x) => x.org_id).sort();
        },
      );
      expect(recipients).toEqual([region.id, hospital.id].sort());
      expect(recipients).not.toContain(outside.id);

      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await context.close();
    }, 120_000);
  },
);
