import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createOrg, createUserWithMfa } from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import { artifacts, cspViolations, expectHeading, SESSION_PROBE, signInThroughUi, watch } from './browser.js';
import { answerLinkIn, describeInChromiumWithMail } from './with-mail.js';

/**
 * The end-to-end path: an advisory arrives, the sector coordinator writes an alert from it
 * to the organisations it concerns, and the security officer of the region it concerns answers
 * "affected" from the link in the e-mail. A second region, which runs nothing the advisory names,
 * receives nothing.
 */
const TRACKING_ID = 'E2E-ALERT-ADV-0001';
const ADVISORY_TITLE = 'Fjernovertagelse af infusionspumper';
const TITLE = 'Infusionspumper kan overtages over netværket';
const BODY = 'Pumpernes servicetjeneste accepterer kommandoer uden adgangskode.';
const NOTE = 'To pumper på intensiv kører den sårbare version.';

const CSAF = {
  document: {
    category: 'csaf_security_advisory',
    csaf_version: '2.0',
    distribution: { tlp: { label: 'WHITE' } },
    publisher: { category: 'coordinator', name: 'Test CERT', namespace: 'https://cert.example.dk' },
    title: ADVISORY_TITLE,
    notes: [{ category: 'summary', title: 'Resumé', text: 'Pumpernes servicetjeneste kan overtages.' }],
    tracking: {
      id: TRACKING_ID,
      status: 'final',
      version: '1',
      initial_release_date: '2026-11-20T00:00:00.000Z',
      current_release_date: '2026-11-20T00:00:00.000Z',
      revision_history: [{ date: '2026-11-20T00:00:00.000Z', number: '1', summary: 'Første udgave' }],
    },
  },
  product_tree: {
    branches: [
      {
        category: 'vendor',
        name: 'Infusa Medical',
        branches: [
          {
            category: 'product_name',
            name: 'Flowline 300',
            branches: [
              {
                category: 'product_version_range',
                name: '< 4.2',
                product: { name: 'Infusa Medical Flowline 300 < 4.2', product_id: 'P-PUMP' },
              },
            ],
          },
        ],
      },
    ],
  },
  vulnerabilities: [{ cve: 'CVE-2099-5151', product_status: { known_affected: ['P-PUMP'] } }],
};

describeInChromiumWithMail(
  'alerts: from an advisory to an answer from the e-mail link',
  'test/e2e/alerts-from-advisory.test.ts',
  (app) => {
    it('the coordinator alerts the organisations an advisory concerns; the region security officer answers "affected" from the mail', async () => {
      const { t, base, browser, smtp } = app;
      await t.runtime.ctx.jobs.work();
      mkdirSync(artifacts, { recursive: true });
      const shot = (p: Page, name: string) =>
        p.screenshot({ path: path.join(artifacts, `alerts-from-advisory-${name}.png`), fullPage: true });

      const sector = await createOrg(t, { name: 'Sektorenheden', kind: 'sector_unit' });
      const concerned = await createOrg(t, { name: 'Region Pumpe', kind: 'region' });
      const other = await createOrg(t, { name: 'Region Uberørt', kind: 'region' });
      const coordinator = await createUserWithMfa(t, {
        org: sector.slug,
        role: 'sector_coordinator',
        name: 'Sara Sektor',
      });
      // Security officers are subscribed by e-mail by default (migration 0028).
      const officer = await createUserWithMfa(t, {
        org: concerned.slug,
        role: 'security_officer',
        name: 'Rasmus Region',
      });
      const bystander = await createUserWithMfa(t, { org: other.slug, role: 'security_officer' });

      // The concerned region runs the pump at a version inside "< 4.2"; the other runs nothing.
      const system = await t.asOperator('POST', `/api/v1/orgs/${concerned.slug}/inventory/systems`, {
        key: 'PUMP-ICU',
        name: 'Infusionspumper, intensiv',
        vendor: 'Infusa Medical',
        product: 'Flowline 300',
        version: '4.1',
        medical_device: true,
      });
      expect(system.statusCode, system.body).toBe(201);
      // The advisory arrives as a feed sends it: one request, answered with its affected list.
      const imported = await t.operator.inject({
        method: 'POST',
        url: `/api/v1/orgs/${sector.slug}/imports/advisory?wait=true&name=pump.json`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(CSAF),
      });
      expect(imported.statusCode, imported.body).toBe(200);
      expect(imported.json(), imported.body).toMatchObject({ status: 'succeeded', matches: 1 });

      // The coordinator writes the alert from the advisory, to the organisations it concerns.
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, coordinator);
      await page.goto(`${base}/sector/alerts/new`);
      await expectHeading(page, 'Skriv varsel');
      await page.getByRole('textbox', { name: 'Titel' }).fill(TITLE);
      await page.getByRole('textbox', { name: 'Varslets tekst' }).fill(BODY);
      await page.getByLabel('Alvorlighed', { exact: true }).first().click();
      await page.getByRole('option', { name: 'Høj' }).click();
      await page.getByLabel('Advisory', { exact: true }).first().fill('E2E-ALERT');
      await page.getByRole('option', { name: `${TRACKING_ID}: ${ADVISORY_TITLE}` }).click();
      const preview = page.getByTestId('audience-preview');
      await page.getByRole('checkbox', { name: 'Organisationer, som advisoryen vedrører' }).check();
      await page.locator('[data-testid="audience-preview"][data-fresh="true"]').waitFor();
      await preview.getByText('Når 1 organisation og', { exact: false }).waitFor();
      await shot(page, '1-composer');
      await expectNoSeriousA11yViolations(page, 'alert composer with an advisory');
      await page.getByRole('button', { name: 'Udsend varsel' }).click();
      await expectHeading(page, TITLE);
      const alertId = /^\/sector\/alerts\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
      expect(alertId).not.toBe('');
      const rows = page.getByTestId('board-row');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().getAttribute('data-org')).toBe(concerned.slug);

      // The officer's mail carries an answer link; a browser without a session opens it.
      const mail = await smtp.waitFor(officer.email, (m) => m.subject.includes(TITLE));
      const link = answerLinkIn(mail.text, base);
      const anonymous = await browser.newContext();
      const answer = await anonymous.newPage();
      const answerProblems = await watch(answer, { allow: [SESSION_PROBE] });
      await answer.goto(link);
      await expectHeading(answer, 'Svar på et varsel');
      const summary = answer.getByTestId('alert-link-summary');
      await summary.getByText(TITLE).waitFor();
      await summary.getByText('Region Pumpe').waitFor();
      await summary.getByText('Ikke besvaret').waitFor();
      await answer.getByRole('radio', { name: 'Ramt', exact: true }).check();
      await answer.getByLabel('Bemærkning').fill(NOTE);
      await answer.getByRole('button', { name: 'Send svar' }).click();
      await answer.getByText('Region Pumpe har svaret: Ramt.').waitFor();
      await shot(answer, '2-answered-from-mail');
      await expectNoSeriousA11yViolations(answer, 'alert answer page from an advisory alert');

      // What was stored: the answer through the link, by the officer; the board shows it.
      const stored = await t.asOperator('GET', `/api/v1/orgs/${concerned.slug}/alerts/${alertId}`);
      expect(stored.statusCode, stored.body).toBe(200);
      expect(stored.json().answer).toMatchObject({ status: 'affected', via: 'link', note: NOTE });
      await page.reload();
      await expectHeading(page, TITLE);
      await page.getByTestId('board-answered').getByText('1 af 1').waitFor();
      await rows.first().getByTestId('board-answer').getByText('Ramt', { exact: true }).waitFor();
      await rows.first().getByText(NOTE).waitFor();
      await shot(page, '3-board');

      // The region the advisory does not concern received neither the alert nor a mail.
      const notReceived = await t.asOperator('GET', `/api/v1/orgs/${other.slug}/alerts/${alertId}`);
      expect(notReceived.statusCode).toBe(404);
      const toBystander = (m: { envelope_to: string[] }) =>
        m.envelope_to.some((e) => e.toLowerCase() === bystander.email.toLowerCase());
      expect(smtp.received.filter(toBystander)).toEqual([]);

      expect(problems).toEqual([]);
      expect(answerProblems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      expect(await cspViolations(answer)).toEqual([]);
      await context.close();
      await anonymous.close();
    }, 180_000);
  },
);
