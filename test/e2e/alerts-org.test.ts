import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { withTenant } from '../../src/server/db/tenant.js';
import { clientAddress, createOrg, createUserWithMfa, login } from '../factories.js';
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
const FOLLOWED = 'Phishing mod regionens medarbejdere';
const NOTE = 'To konti kompromitteret; adgangskoder nulstillet.';

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

    it("a security officer follows the answers to the organisation's own alert; opening it from the inbox marks its notification read", async () => {
      const { t, base, browser } = app;
      mkdirSync(artifacts, { recursive: true });
      const shot = (p: Page, name: string) =>
        p.screenshot({ path: path.join(artifacts, `alerts-org-issued-${name}.png`), fullPage: true });
      const region = await createOrg(t, { name: 'Region Opfølgning', kind: 'region' });
      const hospital = await createOrg(t, {
        name: 'Hospital Opfølgning',
        kind: 'hospital',
        parent: region.slug,
      });
      const officer = await createUserWithMfa(t, {
        org: region.slug,
        role: 'security_officer',
        name: 'Sofie Sikkerhed',
      });
      const hospitalOfficer = await login(
        t,
        await createUserWithMfa(t, { org: hospital.slug, role: 'security_officer' }),
      );

      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, officer);
      await page.goto(`${base}/alerts/issued`);
      await expectHeading(page, 'Vores udsendte varsler');
      await page.getByText('Organisationen har ikke udsendt nogen varsler.').waitFor();

      // Published to the region and its hospital.
      await page.getByRole('link', { name: 'Skriv varsel til vores abonnenter' }).click();
      await expectHeading(page, 'Skriv varsel til vores abonnenter');
      await page.getByRole('textbox', { name: 'Titel' }).fill(FOLLOWED);
      await page.getByRole('textbox', { name: 'Varslets tekst' }).fill(BODY);
      await page.getByRole('checkbox', { name: 'Også vores underorganisationer' }).check();
      await page
        .getByTestId('audience-preview')
        .getByText('Når 2 organisationer og 0 personer.', { exact: true })
        .waitFor();
      await page.getByRole('button', { name: 'Udsend varsel' }).click();
      await page.getByTestId('published').waitFor();
      await expectNoSeriousA11yViolations(page, 'organisation alert published');

      // Its board: both organisations received it, nobody has answered.
      await page.getByRole('link', { name: 'Følg svarene på varslet' }).click();
      await expectHeading(page, FOLLOWED);
      const alertId = new URL(page.url()).pathname.split('/').pop() ?? '';
      expect(new URL(page.url()).pathname).toBe(`/alerts/issued/${alertId}`);
      const rows = page.getByTestId('board-row');
      await expect.poll(() => rows.count()).toBe(2);
      await page.getByTestId('board-answered').getByText('0 af 2').waitFor();

      // The hospital answers; the board shows its answer and note.
      const answered = await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${hospital.slug}/alerts/${alertId}/answer`,
        remoteAddress: clientAddress(),
        headers: { ...hospitalOfficer.headers(), 'accept-language': 'da' },
        payload: { status: 'affected', note: NOTE },
      });
      expect(answered.statusCode, answered.body).toBe(200);
      await page.reload();
      await expectHeading(page, FOLLOWED);
      const hospitalRow = page.locator(`[data-testid="board-row"][data-org="${hospital.slug}"]`);
      await hospitalRow.getByText(NOTE).waitFor();
      await hospitalRow.getByTestId('board-answer').getByText('Ramt').waitFor();
      await page.getByTestId('board-answered').getByText('1 af 2').waitFor();
      await shot(page, '1-board');
      await expectNoSeriousA11yViolations(page, 'organisation alert board');

      // The list of the organisation's own alerts, reached from the inbox.
      await page.goto(`${base}/alerts`);
      await page.getByRole('link', { name: 'Vores udsendte varsler' }).click();
      await expectHeading(page, 'Vores udsendte varsler');
      const issued = page.getByTestId('issued-alert-row');
      await expect.poll(() => issued.count()).toBe(1);
      await issued.getByTestId('issued-alert-answered').getByText('1 af 2').waitFor();
      await shot(page, '2-list');
      await expectNoSeriousA11yViolations(page, 'organisation issued alerts');
      await issued.getByRole('link', { name: FOLLOWED }).click();
      await expectHeading(page, FOLLOWED);
      await page.getByRole('link', { name: 'Tilbage til vores udsendte varsler' }).click();
      await expectHeading(page, 'Vores udsendte varsler');

      // In English too.
      await page.getByText('English', { exact: true }).click();
      await expectHeading(page, 'Our issued alerts');
      await issued.getByTestId('issued-alert-answered').getByText('1 of 2').waitFor();
      await expectNoSeriousA11yViolations(page, 'organisation issued alerts (English)');
      await page.getByText('Dansk', { exact: true }).click();
      await expectHeading(page, 'Vores udsendte varsler');

      // The region is a recipient too: its security officer was notified in the app (the default).
      // Opening the alert from the inbox page, not the bell, marks the notification read.
      await page.goto(`${base}/alerts`);
      await page.getByRole('button', { name: '1 ulæst notifikation' }).waitFor();
      await page.getByTestId('alerts').getByRole('link', { name: FOLLOWED }).click();
      await expectHeading(page, FOLLOWED);
      await page.getByRole('button', { name: '0 ulæste notifikationer' }).waitFor();
      await page.getByTestId('notification-bell').click();
      const note = page.getByTestId('notifications').getByTestId('notification');
      await expect.poll(() => note.count()).toBe(1);
      expect(await note.first().getAttribute('data-read')).toBe('true');
      await expectNoSeriousA11yViolations(page, 'notification read after opening from the inbox');

      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await context.close();

      // A member of the region neither finds the list nor reads it (the routes answer 403).
      const member = await createUserWithMfa(t, { org: region.slug, role: 'member' });
      const memberContext = await browser.newContext();
      const memberPage = await memberContext.newPage();
      const memberProblems = await watch(memberPage, { allow: [SESSION_PROBE] });
      await signInThroughUi(memberPage, base, member);
      await memberPage.goto(`${base}/alerts`);
      await expectHeading(memberPage, 'Varsler');
      await memberPage.getByTestId('alerts').getByRole('link', { name: FOLLOWED }).waitFor();
      expect(await memberPage.getByRole('link', { name: 'Vores udsendte varsler' }).count()).toBe(0);
      await memberPage.goto(`${base}/alerts/issued/${alertId}`);
      await memberPage
        .getByText('Kun organisationens administrator eller sikkerhedsansvarlige ser de varsler', {
          exact: false,
        })
        .waitFor();
      expect(await memberPage.getByTestId('board-row').count()).toBe(0);
      expect(memberProblems).toEqual([]);
      await memberContext.close();
    }, 180_000);
  },
);
