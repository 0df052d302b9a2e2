import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createOrg, createUser, totpCode } from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import { artifacts, cspViolations, describeInChromium, expectStep, watch } from './browser.js';

describeInChromium('signing in to the web app in Chromium', 'test/e2e/sign-in.test.ts', (app) => {
  it('a security officer signs in, enrols TOTP, keeps the recovery codes, switches language and signs out', async () => {
    const { t, base, browser } = app;
    const org = await createOrg(t, { name: 'Region Testland', kind: 'region' });
    const user = await createUser(t, { org: org.slug, role: 'security_officer', name: 'Signe Sikkerhed' });
    mkdirSync(artifacts, { recursive: true });
    const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `sign-in-${name}.png`) });

    // In a context of its own: axe opens a second page in the context to assemble its results.
    const page = await (await browser.newContext()).newPage();
    // Chromium logs the expected refusals: the session probe before sign-in, the wrong password.
    const problems = await watch(page, {
      allow: [{ status: [401], url: /\/api\/v1\/auth\/(session|login)$/ }],
    });

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

    const violations = await cspViolations(page);
    expect([...violations, ...problems]).toEqual([]);
    await page.context().close();
  });
});
