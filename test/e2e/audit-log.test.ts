import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

describeInChromium('reading the audit log in Chromium', 'test/e2e/audit-log.test.ts', (app) => {
  it('an organisation admin filters the log, opens an entry, exports CSV and sees the export recorded', async () => {
    const { t, base, browser } = app;
    const org = await createOrg(t, { name: 'Region Revision', kind: 'region' });
    const admin = await createUserWithMfa(t, { org: org.slug, role: 'admin', name: 'Alma Admin' });
    const member = await createUser(t, { org: org.slug, role: 'member', name: 'Mads Medlem' });
    const token = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/tokens`, {
      name: 'scanner',
      role: 'member',
    });
    expect(token.statusCode).toBe(201);
    expect(
      (await t.asOperator('DELETE', `/api/v1/orgs/${org.slug}/tokens/${token.json().id}`)).statusCode,
    ).toBeLessThan(300);
    mkdirSync(artifacts, { recursive: true });

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `audit-log-${name}.png`) });
    // Chromium logs the expected refusal of the session probe before sign-in.
    const problems = await watch(page, { allow: [SESSION_PROBE] });

    // Sign in with password and TOTP.
    await signInThroughUi(page, base, admin, {
      onChallenge: () => expectNoSeriousA11yViolations(page, 'MFA challenge'),
    });

    // The menu leads an admin to the audit log of the organisation.
    await page.getByRole('navigation').getByRole('link', { name: 'Revisionsspor' }).click();
    await expectHeading(page, 'Revisionsspor');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org.slug}/audit`);
    const rows = page.getByTestId('audit-entry');
    await rows.first().waitFor();
    const actions = await page.getByTestId('audit-log').locator('tbody code').allInnerTexts();
    expect(actions).toEqual(expect.arrayContaining(['membership.add', 'token.create', 'token.revoke']));
    await shot('1-all');
    await expectNoSeriousA11yViolations(page, 'audit log');

    // Filter by action; only the revocation is left.
    await page.getByLabel('Handling').fill('token.revoke');
    await page.getByRole('button', { name: 'Søg' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByText('1 post vist').waitFor();

    // The entry opens to its values before and after, side by side.
    await page.getByRole('button', { name: /^Vis værdierne for post \d+$/ }).click();
    const changes = page.getByTestId('entry-changes');
    await changes.waitFor();
    expect(await changes.getByRole('columnheader').allInnerTexts()).toEqual(['Felt', 'Før', 'Efter']);
    const revoked = changes
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: /revoked_at/ }) });
    const [before, after] = await revoked.getByRole('cell').allInnerTexts();
    expect(before).toBe('null');
    expect(new Date(after ?? '').toString()).not.toBe('Invalid Date');
    await changes.getByText('scanner').first().waitFor();
    await shot('2-revoke-expanded');
    await expectNoSeriousA11yViolations(page, 'audit log with an entry open');

    // The export carries the current filters and downloads a CSV file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Eksportér CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^audit-${org.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
    );
    const csv = readFileSync(await download.path(), 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(csv[0]).toBe('seq,at,actor_type,actor,action,target_type,target_id,before,after,hash');
    expect(csv.filter((line) => line.includes(',token.revoke,'))).toHaveLength(1);
    expect(csv.filter((line) => line.includes(',token.create,'))).toHaveLength(0);

    // The export is itself in the log, with the filters it used.
    await page.getByLabel('Handling').fill('audit.export');
    await page.getByRole('button', { name: 'Søg' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByText(admin.email).waitFor();
    await page.getByRole('button', { name: /^Vis værdierne for post \d+$/ }).click();
    await changes.getByRole('rowheader', { name: /action/ }).waitFor();
    expect(await changes.getByRole('cell').allInnerTexts()).toEqual(['—', 'token.revoke']);
    await shot('3-export-recorded');

    // In English too.
    await page.getByText('English', { exact: true }).click();
    await expectHeading(page, 'Audit log');
    await page
      .getByRole('button', { name: 'Export CSV' })
      .or(page.getByRole('link', { name: 'Export CSV' }))
      .waitFor();
    await shot('4-english');
    await page.getByText('Dansk', { exact: true }).click();
    await expectHeading(page, 'Revisionsspor');

    const violations = await cspViolations(page);
    expect([...violations, ...problems]).toEqual([]);
    await context.close();

    // A member has no audit log in the menu, and the screen refuses them.
    const other = await browser.newContext();
    const memberPage = await other.newPage();
    const memberProblems = await watch(memberPage, { allow: [SESSION_PROBE] });
    await signInThroughUi(memberPage, base, member);
    await memberPage.getByRole('link', { name: 'Profil' }).waitFor();
    expect(await memberPage.getByRole('link', { name: 'Revisionsspor' }).count()).toBe(0);
    await memberPage.goto(`${base}/orgs/${org.slug}/audit`);
    await expectHeading(memberPage, 'Revisionsspor');
    await memberPage.getByTestId('audit-no-access').waitFor();
    expect(await memberPage.getByTestId('audit-log').count()).toBe(0);
    await memberPage.screenshot({ path: path.join(artifacts, 'audit-log-5-member-no-access.png') });
    const memberViolations = await cspViolations(memberPage);
    expect([...memberViolations, ...memberProblems]).toEqual([]);
    await other.close();
  }, 120_000);
});
