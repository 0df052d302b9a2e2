import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createOrg, createUser, createUserWithMfa } from '../factories.js';
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

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `admin-screens-${name}.png`), fullPage: true });

/** A calendar day `days` from today, as a date input takes it (YYYY-MM-DD, the browser's zone is UTC here too). */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describeInChromium('the administration screens in Chromium', 'test/e2e/admin-screens.test.ts', (app) => {
  it('without SMTP, an admin sees the invitation and reset links to hand over, and changes roles', async () => {
    const { t, base, browser } = app;
    const org = await createOrg(t, { name: 'Kommune Uden Post', kind: 'municipality' });
    const admin = await createUserWithMfa(t, { org: org.slug, role: 'admin', name: 'Ada Admin' });
    const colleague = await createUser(t, { org: org.slug, role: 'member', name: 'Carl Kollega' });
    mkdirSync(artifacts, { recursive: true });
    const context = await browser.newContext();
    const page = await context.newPage();
    // Refusals the steps expect: the session probe, the last admin giving up the role.
    const problems = await watch(page, {
      allow: [SESSION_PROBE, { status: [409], url: /\/api\/v1\/orgs\/[^/]+\/members\/[^/]+$/ }],
    });
    await signInThroughUi(page, base, admin);
    await page.getByRole('navigation').getByRole('link', { name: 'Personer' }).click();
    await expectHeading(page, 'Personer');

    // No mail is configured: the link is shown, with the sentence that says so.
    await page.getByRole('button', { name: 'Invitér en person' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'E-mail' }).fill('ulla.uden@kommune.example');
    await dialog.getByRole('checkbox', { name: 'Sikkerhedsansvarlig' }).check();
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Giv invitationen til ulla.uden@kommune.example').waitFor();
    await page.getByText('Der er ikke sat e-mail op på denne installation', { exact: false }).waitFor();
    const link = await page.getByTestId('invitation-link').inputValue();
    expect(link).toMatch(/\/invitation#token=[A-Za-z0-9_-]+$/);
    await page.getByRole('button', { name: 'Kopiér Invitationslink' }).click();
    await page.getByText('Invitationslink er kopieret.').waitFor();
    await shot(page, '1-invitation-link');
    await expectNoSeriousA11yViolations(page, 'invitation link without SMTP');

    // The link works: the invited person's page names the organisation and both roles.
    const visitor = await browser.newContext();
    const invitation = await visitor.newPage();
    const visitorProblems = await watch(invitation, { allow: [SESSION_PROBE] });
    const { pathname, hash } = new URL(link);
    await invitation.goto(`${base}${pathname}${hash}`);
    await expectHeading(invitation, 'Invitation til Værn');
    await invitation.getByTestId('invitation-summary').getByText('Kommune Uden Post').waitFor();
    await invitation.getByTestId('invitation-summary').getByText('Sikkerhedsansvarlig').waitFor();
    expect([...(await cspViolations(invitation)), ...visitorProblems]).toEqual([]);
    await visitor.close();

    // Roles: the colleague becomes system owner as well.
    await page.getByRole('button', { name: 'Skift roller for Carl Kollega' }).click();
    await dialog.getByRole('heading', { name: 'Roller for Carl Kollega' }).waitFor();
    await dialog.getByRole('checkbox', { name: 'Systemejer' }).check();
    await shot(page, '2-roles-dialog');
    await expectNoSeriousA11yViolations(page, 'roles dialog');
    await dialog.getByRole('button', { name: 'Gem roller' }).click();
    await page.getByText('Rollerne for Carl Kollega er ændret').waitFor();
    const row = page.getByTestId('member').filter({ hasText: colleague.email });
    await row.getByText('Systemejer').waitFor();
    await row.getByText('Medarbejder').waitFor();

    // The last admin cannot give up the role: the server's refusal is shown in the dialog.
    await page.getByRole('button', { name: 'Skift roller for Ada Admin' }).click();
    await dialog.getByRole('checkbox', { name: 'Administrator' }).uncheck();
    await dialog.getByRole('checkbox', { name: 'Medarbejder' }).check();
    await dialog.getByRole('button', { name: 'Gem roller' }).click();
    await dialog.getByRole('alert').getByText('mindst én administrator', { exact: false }).waitFor();
    await expectNoSeriousA11yViolations(page, 'roles dialog with a refusal');
    await dialog.getByRole('button', { name: 'Annullér' }).click();

    // A password reset without mail: the link to hand over.
    await page.getByRole('button', { name: 'Nulstil adgangskoden for Carl Kollega' }).click();
    await dialog.getByRole('button', { name: 'Nulstil adgangskode' }).click();
    await page.getByText('Giv linket til Carl Kollega').waitFor();
    expect(await page.getByTestId('reset-link').inputValue()).toMatch(
      /\/reset-password#token=[A-Za-z0-9_-]+$/,
    );
    await shot(page, '3-reset-link');
    await expectNoSeriousA11yViolations(page, 'reset link without SMTP');

    // The pending invitation can be withdrawn.
    const pending = page.getByTestId('invitation').filter({ hasText: 'ulla.uden@kommune.example' });
    await pending.waitFor();
    await page
      .getByRole('button', { name: 'Træk invitationen til ulla.uden@kommune.example tilbage' })
      .click();
    await dialog.getByRole('button', { name: 'Træk tilbage' }).click();
    await page.getByText('Invitationen til ulla.uden@kommune.example er trukket tilbage.').waitFor();
    await expect.poll(() => pending.count()).toBe(0);

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 180_000);

  it('a person with an account accepts an invitation after signing in (the page sends the session CSRF token)', async () => {
    const { t, base, browser } = app;
    const home = await createOrg(t, { name: 'Praksis Hjemme', kind: 'practice' });
    const other = await createOrg(t, { name: 'Apotek Andetsteds', kind: 'pharmacy' });
    const person = await createUser(t, { org: home.slug, role: 'member', name: 'Dina Dobbelt' });
    const invited = await t.asOperator('POST', `/api/v1/orgs/${other.slug}/invitations`, {
      email: person.email,
      roles: ['member'],
    });
    expect(invited.statusCode).toBe(201);
    const { link } = invited.json() as { link?: string };
    if (!link) throw new Error('no SMTP, yet no invitation link');
    const url = new URL(link);
    const local = `${base}${url.pathname}${url.hash}`;

    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await page.goto(local);
    await expectHeading(page, 'Invitation til Værn');
    await page.getByTestId('invitation-summary').getByText('Apotek Andetsteds').waitFor();
    await page
      .getByTestId('sign-in-first')
      .getByText(`Log ind som ${person.email}`, { exact: false })
      .waitFor();
    await shot(page, '9-invitation-sign-in-first');
    await expectNoSeriousA11yViolations(page, 'invitation for an existing account');
    await page.getByRole('link', { name: 'Log ind' }).click();
    await expectHeading(page, 'Log ind på Værn');
    expect(await page.getByLabel('E-mail').inputValue()).toBe(person.email);
    await page.getByLabel('Adgangskode').fill(person.password);
    await page.getByRole('button', { name: 'Log ind' }).click();
    await expectHeading(page, 'Oversigt');

    // Signed in, the link offers to accept; the membership is there at once.
    await page.goto(local);
    await expectHeading(page, 'Invitation til Værn');
    await page.getByRole('button', { name: 'Tag imod' }).click();
    await page.getByText('Du er nu medlem af Apotek Andetsteds.').waitFor();
    await expectNoSeriousA11yViolations(page, 'invitation accepted');
    await page.getByRole('button', { name: 'Gå til Værn' }).click();
    await expectHeading(page, 'Oversigt');
    await page.getByRole('banner').getByLabel('Organisation').click();
    await page.getByRole('option', { name: 'Apotek Andetsteds' }).click();
    await page.getByTestId('current-org').filter({ hasText: 'Apotek Andetsteds' }).waitFor();

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 120_000);

  it('a security officer issues an API token (shown once) and revokes it, and grants an auditor access', async () => {
    const { t, base, browser } = app;
    const org = await createOrg(t, { name: 'Hospital Nøgle', kind: 'hospital' });
    const officer = await createUserWithMfa(t, {
      org: org.slug,
      role: 'security_officer',
      name: 'Sif Sikker',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    // Refusals the steps expect: the session probe, the overlapping grant.
    const problems = await watch(page, {
      allow: [SESSION_PROBE, { status: [409], url: /\/api\/v1\/orgs\/[^/]+\/auditor-grants$/ }],
    });
    await signInThroughUi(page, base, officer);
    const nav = page.getByRole('navigation');
    // A security officer has tokens and auditors, not people.
    expect(await nav.getByRole('link', { name: 'Personer' }).count()).toBe(0);

    await nav.getByRole('link', { name: 'API-nøgler' }).click();
    await expectHeading(page, 'API-nøgler');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org.slug}/tokens`);
    await shot(page, '4-tokens');
    await expectNoSeriousA11yViolations(page, 'API tokens');
    await page.getByRole('textbox', { name: 'Navn' }).fill('Nessus-skanner');
    await page.getByRole('combobox', { name: 'Rolle' }).selectOption('system_owner');
    await page.getByLabel('Udløber').fill(dayFromNow(90));
    await page.getByRole('button', { name: 'Udsted nøgle' }).click();
    await page.getByText('Nøglen »Nessus-skanner« er udstedt').waitFor();
    await page.getByText('Den vises kun denne ene gang', { exact: false }).waitFor();
    const token = await page.getByTestId('new-token').inputValue();
    expect(token).toMatch(/^vaern_/);
    const row = page.getByTestId('token').filter({ hasText: 'Nessus-skanner' });
    await row.getByText('Aktiv').waitFor();
    await row.getByText('Systemejer').waitFor();
    await shot(page, '5-token-issued');
    await expectNoSeriousA11yViolations(page, 'API token issued');
    const asToken = () =>
      t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}`,
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await asToken()).statusCode).toBe(200);

    await page.getByRole('button', { name: 'Tilbagekald nøglen Nessus-skanner' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('bliver afvist med det samme', { exact: false }).waitFor();
    await expectNoSeriousA11yViolations(page, 'revoke token dialog');
    await dialog.getByRole('button', { name: 'Tilbagekald' }).click();
    await row.getByText('Tilbagekaldt').waitFor();
    expect((await asToken()).statusCode).toBe(401);

    // Auditors: one sentence explains the window and the data period.
    await nav.getByRole('link', { name: 'Revisorer' }).click();
    await expectHeading(page, 'Revisorer');
    await page.getByText('Adgangen ophører af sig selv på slutdatoen', { exact: false }).waitFor();
    await shot(page, '6-auditors');
    await expectNoSeriousA11yViolations(page, 'auditors');
    await page.getByRole('textbox', { name: 'Revisorens e-mail' }).fill('rita@revision.example');
    await page.getByRole('textbox', { name: 'Revisorens navn' }).fill('Rita Revisor');
    await page.getByLabel('Adgang til og med').fill(dayFromNow(30));
    await page.getByLabel('Data fra').fill('2025-01-01');
    await page.getByLabel('Data til og med').fill('2025-12-31');
    await page.getByLabel('Note').fill('Årsrevision 2025');
    await page.getByRole('button', { name: 'Giv adgang' }).click();
    await page.getByText('Rita Revisor (rita@revision.example) har fået adgang').waitFor();
    // A new account without mail: the set-up link is shown to hand over.
    expect(await page.getByTestId('setup-link').inputValue()).toMatch(/#token=[A-Za-z0-9_-]+$/);
    const grant = page.getByTestId('auditor-grant').filter({ hasText: 'rita@revision.example' });
    await grant.getByText('Aktiv').waitFor();
    await grant.getByText('Årsrevision 2025').waitFor();
    await shot(page, '7-auditor-granted');
    await expectNoSeriousA11yViolations(page, 'auditor granted');

    // An overlapping second grant is refused at the e-mail field.
    await page.getByRole('textbox', { name: 'Revisorens e-mail' }).fill('rita@revision.example');
    await page.getByLabel('Adgang til og med').fill(dayFromNow(20));
    await page.getByRole('button', { name: 'Giv adgang' }).click();
    await page.getByText('har allerede en adgang til denne organisation', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Tilbagekald adgangen for Rita Revisor' }).click();
    await dialog.getByRole('button', { name: 'Tilbagekald' }).click();
    await grant.getByText('Tilbagekaldt').waitFor();
    await page.getByText('Adgangen for Rita Revisor er tilbagekaldt.').waitFor();

    // In English too.
    await page.getByText('English', { exact: true }).click();
    await expectHeading(page, 'Auditors');
    await page.getByText('Access ends by itself at the end date', { exact: false }).waitFor();
    await expectNoSeriousA11yViolations(page, 'auditors (English)');
    await page.getByText('Dansk', { exact: true }).click();
    await expectHeading(page, 'Revisorer');

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 180_000);

  it('a platform administrator changes a platform setting; others have no settings in the menu', async () => {
    const { t, base, browser } = app;
    const platform = await createUserWithMfa(t, { platformAdmin: true, name: 'Pia Platform' });
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await signInThroughUi(page, base, platform);
    await page.getByRole('navigation').getByRole('link', { name: 'Indstillinger' }).click();
    await expectHeading(page, 'Platformsindstillinger');
    expect(new URL(page.url()).pathname).toBe('/admin/settings');
    const form = page.getByRole('form', { name: 'Invitationers levetid' });
    await form.getByText('Standardværdi: 168').waitFor();
    await form.getByText('Standard', { exact: true }).waitFor();
    await page.getByRole('form', { name: 'Længste adgang for revisorer' }).waitFor();
    await page.getByRole('form', { name: 'Levetid for links til ny adgangskode' }).waitFor();
    await shot(page, '8-settings');
    await expectNoSeriousA11yViolations(page, 'platform settings');

    const hours = form.getByRole('textbox', { name: 'Timer' });
    await hours.fill('0');
    await form.getByRole('button', { name: 'Gem' }).click();
    await form.getByText('Skriv et tal fra 1 til 720.').waitFor();
    await hours.fill('48');
    await form.getByRole('button', { name: 'Gem' }).click();
    await form.getByText('»Invitationers levetid« er gemt.').waitFor();
    await expect.poll(() => form.getByText('Standard', { exact: true }).count()).toBe(0);
    await expectNoSeriousA11yViolations(page, 'platform setting saved');
    const stored = (await t.asOperator('GET', '/api/v1/platform/settings')).json() as {
      items: Array<{ key: string; value: unknown }>;
    };
    expect(stored.items.find((s) => s.key === 'invitation_ttl_hours')?.value).toBe(48);

    await page.reload();
    await expectHeading(page, 'Platformsindstillinger');
    expect(await form.getByRole('textbox', { name: 'Timer' }).inputValue()).toBe('48');
    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();

    // An organisation admin has neither the menu entry nor the screen.
    const org = await createOrg(t, { name: 'Region Uden Indstillinger', kind: 'region' });
    const admin = await createUserWithMfa(t, { org: org.slug, role: 'admin' });
    const other = await browser.newContext();
    const adminPage = await other.newPage();
    const adminProblems = await watch(adminPage, { allow: [SESSION_PROBE] });
    await signInThroughUi(adminPage, base, admin);
    expect(await adminPage.getByRole('navigation').getByRole('link', { name: 'Indstillinger' }).count()).toBe(
      0,
    );
    await adminPage.goto(`${base}/admin/settings`);
    await expectHeading(adminPage, 'Platformsindstillinger');
    await adminPage.getByTestId('settings-no-access').waitFor();
    await expectNoSeriousA11yViolations(adminPage, 'platform settings refused');
    expect([...(await cspViolations(adminPage)), ...adminProblems]).toEqual([]);
    await other.close();
  }, 180_000);
});
