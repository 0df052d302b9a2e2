import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIR } from '../../src/server/http/web.js';
import { createOrg, createUserWithMfa, type MfaUserFixture, nextTotpCode } from '../factories.js';
import { startTestApp, type TestApp } from '../server.js';
import { expectNoSeriousA11yViolations } from './axe.js';

/** Debian's Chromium (`apt-get install chromium`), driven by playwright-core. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Page script (the test compiles without DOM types): collects every CSP violation event. */
const RECORD_CSP_VIOLATIONS = `
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));
`;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const artifacts = path.resolve('test-artifacts');

/** Watches a page for console errors, page errors and CSP violations. */
async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (m) => {
    const expected =
      /Failed to load resource.*401/.test(m.text()) && /\/api\/v1\/auth\/session$/.test(m.location().url);
    if ((m.type() === 'error' && !expected) || /Content Security Policy|Refused to/i.test(m.text())) {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });
  return problems;
}

async function expectHeading(page: Page, title: string) {
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

async function signIn(page: Page, base: string, user: MfaUserFixture) {
  await page.goto(`${base}/`);
  await expectHeading(page, 'Log ind på Værn');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Adgangskode').fill(user.password);
  await page.getByRole('button', { name: 'Log ind' }).click();
  await expectHeading(page, 'Bekræft med din anden faktor');
  await page.getByLabel('Kode fra godkendelsesappen').fill(await nextTotpCode(user.id, user.mfaSecret));
  await page.getByRole('button', { name: 'Bekræft' }).click();
  await expectHeading(page, 'Oversigt');
}

describe('the contacts directory in Chromium', () => {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)`;
    if (inCi) {
      it('needs Chromium in CI', () => {
        throw new Error(`${why}; end-to-end tests must run in CI`);
      });
    } else {
      console.warn(`test/e2e/contacts.test.ts skipped: ${why}`);
      it.skip(`skipped: ${why}`, () => {});
    }
    return;
  }

  let t: TestApp;
  let base: string;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(path.join(WEB_DIR, 'index.html'))) {
      throw new Error(`the web app is not built (${WEB_DIR}): run npm run build first`);
    }
    t = await startTestApp('pglite');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('127.0.0.1', 'localhost');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an admin adds a contact, marks it verified and it is no longer overdue; the coordinator sees it', async () => {
    const org = await createOrg(t, { name: 'Hospital Kontakt', kind: 'hospital' });
    const admin = await createUserWithMfa(t, { org: org.slug, role: 'admin', name: 'Alma Admin' });
    mkdirSync(artifacts, { recursive: true });

    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `contacts-${name}.png`) });
    const problems = await watch(page);
    await signIn(page, base, admin);

    await page.getByRole('navigation').getByRole('link', { name: 'Kontakter' }).click();
    await expectHeading(page, 'Kontakter');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org.slug}/contacts`);
    await page.getByText('Ingen kontakter endnu.').waitFor();

    // Add a contact: never verified, so overdue.
    await page.getByRole('button', { name: 'Tilføj kontakt' }).click();
    await page.getByRole('textbox', { name: 'Navn' }).fill('Dorte Databeskyttelse');
    await page.getByRole('textbox', { name: 'Telefon' }).fill('+45 70 20 30 40');
    await page.getByRole('textbox', { name: 'E-mail' }).fill('dorte@hospital.example');
    await page.getByRole('button', { name: 'Gem' }).click();
    const rows = page.getByTestId('contact');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByText('Dorte Databeskyttelse').waitFor();
    await rows.getByText('Aldrig kontrolleret').waitFor();
    expect(await rows.getByTestId('overdue').count()).toBe(1);
    await shot('1-added-overdue');
    await expectNoSeriousA11yViolations(page, 'contacts');

    // Marking it verified clears the badge.
    await page.getByRole('button', { name: 'Markér Dorte Databeskyttelse kontrolleret i dag' }).click();
    await expect.poll(() => rows.getByTestId('overdue').count()).toBe(0);
    await rows.locator('time').waitFor();
    await page.getByText('1 kontakter, 0 forfaldne').waitFor();
    await shot('2-verified');

    // In English too.
    await page.getByText('English', { exact: true }).click();
    await expectHeading(page, 'Contacts');
    await page.getByText('Security officer').first().waitFor();
    await page.getByText('Dansk', { exact: true }).click();
    await expectHeading(page, 'Kontakter');

    const violations = (await page.evaluate('window.__csp')) as string[];
    expect([...violations, ...problems]).toEqual([]);
    await context.close();

    // The sector coordinator sees it among every organisation's contacts, not among the overdue.
    const sector = await createOrg(t, { name: 'Sektorenheden', kind: 'sector_unit' });
    const stale = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/contacts`, {
      role: 'it_on_call',
      name: 'Ib IT-vagt',
      verified_on: '2020-01-01',
    });
    expect(stale.statusCode).toBe(201);
    const coordinator = await createUserWithMfa(t, {
      org: sector.slug,
      role: 'sector_coordinator',
      name: 'Sara Sektor',
    });
    const other = await browser.newContext();
    const cPage = await other.newPage();
    const cProblems = await watch(cPage);
    await signIn(cPage, base, coordinator);
    await cPage.getByRole('navigation').getByRole('link', { name: 'Sektorens kontakter' }).click();
    await expectHeading(cPage, 'Kontakter i sektoren');
    const sectorRows = cPage.getByTestId('sector-contact');
    await sectorRows.getByText('Dorte Databeskyttelse').waitFor();
    await sectorRows.getByText('Ib IT-vagt').waitFor();
    await cPage.getByLabel('Kun forfaldne').check();
    await expect.poll(() => sectorRows.getByText('Dorte Databeskyttelse').count()).toBe(0);
    await sectorRows.getByText('Ib IT-vagt').waitFor();
    await cPage.screenshot({ path: path.join(artifacts, 'contacts-3-sector-overdue.png') });
    await expectNoSeriousA11yViolations(cPage, 'sector contacts');
    const cViolations = (await cPage.evaluate('window.__csp')) as string[];
    expect([...cViolations, ...cProblems]).toEqual([]);
    await other.close();
  }, 120_000);
});
