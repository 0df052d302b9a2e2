import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIR } from '../../src/server/http/web.js';
import { createOrg, createUser, totpCode } from '../factories.js';
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

/** The heading of the page, which takes the focus after every step. */
async function expectStep(page: Page, title: string) {
  const heading = page.getByRole('heading', { level: 1, name: title });
  await heading.waitFor();
  await expect.poll(() => heading.evaluate((h) => h === h.ownerDocument.activeElement)).toBe(true);
}

describe('signing in to the web app in Chromium', () => {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)`;
    if (inCi) {
      it('needs Chromium in CI', () => {
        throw new Error(`${why}; end-to-end tests must run in CI`);
      });
    } else {
      console.warn(`test/e2e/sign-in.test.ts skipped: ${why}`);
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

  it('a security officer signs in, enrols TOTP, keeps the recovery codes, switches language and signs out', async () => {
    const org = await createOrg(t, { name: 'Region Testland', kind: 'region' });
    const user = await createUser(t, { org: org.slug, role: 'security_officer', name: 'Signe Sikkerhed' });
    mkdirSync(artifacts, { recursive: true });
    const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `sign-in-${name}.png`) });

    // In a context of its own: axe opens a second page in the context to assemble its results.
    const page = await (await browser.newContext()).newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // Chromium logs the expected refusals: the session probe before sign-in, the wrong password.
      const expected =
        /Failed to load resource.*401/.test(m.text()) &&
        /\/api\/v1\/auth\/(session|login)$/.test(m.location().url);
      if ((m.type() === 'error' && !expected) || /Content Security Policy|Refused to/i.test(m.text())) {
        problems.push(`console ${m.type()}: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });

    // The front door is the web app, under the strict CSP; nobody is signed in yet.
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    await expectStep(page, 'Log ind på Værn');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getAttribute('html', 'lang')).toBe('da');
    await shot('1-sign-in');
    await expectNoSeriousA11yViolations(page, 'sign-in');

    // A wrong password is refused with the server's Danish message.
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Adgangskode').fill('not the password');
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByRole('alert').waitFor();

    await page.getByLabel('Adgangskode').fill(user.password);
    await page.getByRole('button', { name: 'Log ind' }).click();

    // The role demands MFA: enrol with the key shown (the QR code carries the same seed).
    await expectStep(page, 'Opsæt tofaktor-login');
    await page.getByRole('img', { name: 'QR-kode til godkendelsesappen' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await shot('2-enrol');
    await expectNoSeriousA11yViolations(page, 'MFA enrolment');
    await page
      .getByLabel('Kode fra godkendelsesappen')
      .fill(totpCode(secret, Math.floor(Date.now() / 30_000)));
    await page.getByRole('button', { name: 'Bekræft og aktivér' }).click();

    // The recovery codes, shown once; going on needs the confirmation that they are saved.
    await expectStep(page, 'Gem dine gendannelseskoder');
    const codes = await page.getByTestId('recovery-codes').getByRole('listitem').allInnerTexts();
    expect(codes).toHaveLength(10);
    const proceed = page.getByRole('button', { name: 'Fortsæt til Værn' });
    expect(await proceed.isDisabled()).toBe(true);
    await shot('3-recovery-codes');
    await expectNoSeriousA11yViolations(page, 'recovery codes');
    await page.getByLabel('Jeg har gemt mine gendannelseskoder et sikkert sted').check();
    await proceed.click();

    // The shell: the person's name, their organisation and role.
    await expectStep(page, 'Oversigt');
    await page.getByTestId('user-name').filter({ hasText: 'Signe Sikkerhed' }).waitFor();
    await page.getByTestId('current-org').filter({ hasText: 'Region Testland' }).waitFor();
    await page.getByText('Sikkerhedsansvarlig').waitFor();
    await shot('4-overview');
    await expectNoSeriousA11yViolations(page, 'overview');

    // English and back; the choice survives a reload (kept in this browser).
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByText('Security officer').waitFor();
    await shot('5-overview-english');
    await expectNoSeriousA11yViolations(page, 'overview (English)');
    await page.getByText('Dansk', { exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Oversigt' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('da');

    // The profile lists this session.
    await page.getByRole('link', { name: 'Profil' }).click();
    await expectStep(page, 'Profil');
    await page.getByTestId('sessions').getByText('Denne session').waitFor();
    await shot('6-profile');
    await expectNoSeriousA11yViolations(page, 'profile');

    // Signing out ends the session: the shell is closed again.
    await page.getByRole('button', { name: 'Log ud' }).click();
    await expectStep(page, 'Log ind på Værn');
    await page.goto(`${base}/profile`);
    await expectStep(page, 'Log ind på Værn');
    await shot('7-signed-out');

    const violations = (await page.evaluate('window.__csp')) as string[];
    expect([...violations, ...problems]).toEqual([]);
    await page.context().close();
  });
});
