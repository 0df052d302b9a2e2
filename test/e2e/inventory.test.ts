import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createOrg, createUserWithMfa, nextTotpCode } from '../factories.js';
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

const FIXTURES = path.resolve('test/fixtures/inventory');
/** Intl writes "40 %" with a no-break space in Danish. */
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();

/** Chooses a file in the import wizard, imports it and waits for the outcome's heading. */
async function importFile(page: Page, file: string, outcome: string) {
  await page.getByLabel('3. Fil').setInputFiles(path.join(FIXTURES, file));
  await page.getByRole('button', { name: 'Importér', exact: true }).click();
  await page
    .getByRole('heading', { level: 2, name: outcome })
    .waitFor()
    .catch(async (e) => {
      throw new Error(`${e}\n${await page.locator('main').innerText()}`);
    });
}

describeInChromium('the inventory and the scorecard in Chromium', 'test/e2e/inventory.test.ts', (app) => {
  it('a security officer imports systems, opens one with its graph, sees the scorecard, fixes MFA and sees it change; a bad file shows its errors', async () => {
    const { t, base, browser } = app;
    // Imports run as background jobs: this process works the queues, as `vaern serve` does.
    await t.runtime.ctx.jobs.work();
    const org = await createOrg(t, { name: 'Hospital Inventar', kind: 'hospital' });
    const officer = await createUserWithMfa(t, {
      org: org.slug,
      role: 'security_officer',
      name: 'Sif Sikkerhed',
    });
    mkdirSync(artifacts, { recursive: true });
    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (name: string) =>
      page.screenshot({ path: path.join(artifacts, `inventory-${name}.png`), fullPage: true });
    // The edit form sends one value the server refuses (400), on purpose.
    const refusedPatch = { status: [400], url: /\/inventory\/systems\/PACS-01$/ };
    const problems = await watch(page, { allow: [SESSION_PROBE, refusedPatch] });
    await signInThroughUi(page, base, officer);

    // An empty inventory, reached from the menu.
    await page.getByRole('navigation').getByRole('link', { name: 'Inventar' }).click();
    await expectHeading(page, 'Inventar');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org.slug}/inventory`);
    await page.getByText('Ingen systemer endnu. Tilføj et, eller importér en fil.').waitFor();
    await expectNoSeriousA11yViolations(page, 'empty inventory');

    // The import wizard: the register's template downloads with the session.
    await page.getByRole('link', { name: 'Importér en fil' }).click();
    await expectHeading(page, 'Importér et register');
    expect(await page.getByRole('radio', { name: 'Systemer' }).isChecked()).toBe(true);
    const templateHref = await page.getByTestId('template-link').getAttribute('href');
    expect(templateHref).toBe(`/api/v1/orgs/${org.slug}/inventory/templates/systems.csv`);
    const template = await page.request.get(`${base}${templateHref}`);
    expect(template.status()).toBe(200);
    expect((await template.text()).split(/\r?\n/)[0]).toMatch(/^key;name;owner_email;health_data;/);
    await shot('1-import-wizard');
    await expectNoSeriousA11yViolations(page, 'import wizard');

    // Importing without a file is explained, not sent.
    await page.getByRole('button', { name: 'Importér', exact: true }).click();
    await page.getByText('Vælg en fil at importere.').waitFor();

    // The systems file: eight systems, five of them critical (critical or high), two with MFA.
    await importFile(page, 'systems.csv', 'Filen er importeret');
    expect(await text(page.getByTestId('import-rows'))).toBe('8');
    expect(await text(page.getByTestId('import-created'))).toBe('8');
    expect(await text(page.getByTestId('import-updated'))).toBe('0');
    await shot('2-import-summary');
    await expectNoSeriousA11yViolations(page, 'import summary');

    // The list: all eight; the criticality filter and the search are the server's.
    await page.getByRole('link', { name: 'Gå til inventaret' }).click();
    await expectHeading(page, 'Inventar');
    const rows = page.getByTestId('system-row');
    await expect.poll(() => rows.count()).toBe(8);
    await page.getByRole('checkbox', { name: 'Kritisk', exact: true }).check();
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.locator('td:first-child').allTextContents()).toEqual(['EPJ-01', 'INF-01', 'PACS-01']);
    await page.getByRole('button', { name: 'Sortér efter Navn' }).click();
    await expect
      .poll(() => rows.locator('td:first-child').allTextContents())
      .toEqual(['PACS-01', 'EPJ-01', 'INF-01']);
    expect(await page.getByRole('columnheader', { name: /Navn/ }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
    await page.getByRole('searchbox', { name: 'Søg' }).fill('pumpe');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByText('Infusionspumper').waitFor();
    await shot('3-list-filtered');
    await expectNoSeriousA11yViolations(page, 'systems list, filtered');
    await page.getByRole('button', { name: 'Nulstil filtrene' }).click();
    await expect.poll(() => rows.count()).toBe(8);

    // Around PACS-01: a process uses it; it uses EPJ-01 and a supplier; it has a component.
    const api = `/api/v1/orgs/${org.slug}/inventory`;
    for (const [route, body] of [
      ['processes', { key: 'PROC-BILLED', name: 'Billeddiagnostik', importance: 'critical' }],
      ['suppliers', { key: 'SUP-BILLED', name: 'Billedfirmaet A/S' }],
      [
        'components',
        { key: 'PACS-DB', system: 'PACS-01', vendor: 'PostgreSQL', product: 'PostgreSQL', version: '15.6' },
      ],
      [
        'dependencies',
        { from_type: 'process', from_key: 'PROC-BILLED', to_type: 'system', to_key: 'PACS-01' },
      ],
      ['dependencies', { from_type: 'system', from_key: 'PACS-01', to_type: 'system', to_key: 'EPJ-01' }],
      [
        'dependencies',
        { from_type: 'system', from_key: 'PACS-01', to_type: 'supplier', to_key: 'SUP-BILLED' },
      ],
    ] as const) {
      const r = await t.asOperator('POST', `${api}/${route}`, body);
      expect(r.statusCode, r.body).toBe(201);
    }

    // The system's page: its fields by group, its components and its dependency graph.
    await rows.getByRole('link', { name: 'PACS-01' }).click();
    await expectHeading(page, 'System PACS-01');
    await page.getByTestId('system-name').getByText('Billeddiagnostik (PACS)').waitFor();
    const ownership = page.getByTestId('group-ownership');
    expect(await text(ownership.getByRole('row', { name: /Kritikalitet/ }).locator('td'))).toBe('Kritisk');
    expect(await text(ownership.getByRole('row', { name: /Vurderet af/ }).locator('td'))).toBe('Anne Holm');
    expect(
      await text(page.getByTestId('group-recovery').getByRole('row', { name: /RTO/ }).locator('td')),
    ).toBe('4 timer');
    expect(
      await text(
        page
          .getByTestId('group-identifiers')
          .getByRole('row', { name: /IP-adresser/ })
          .locator('td'),
      ),
    ).toBe('10.40.2.10/32');
    const mfaRow = page.getByTestId('baseline-mfa');
    expect(await text(mfaRow.locator('td').first())).toBe('Nej');
    expect(await text(mfaRow.locator('td').last())).toBe('Password only');
    expect(await text(page.getByTestId('baseline-patch').locator('td').first())).toBe('Bagud');
    await page.getByTestId('components').getByText('PACS-DB').waitFor();
    const graph = page.getByTestId('dependency-graph');
    await graph.waitFor();
    expect(
      await graph
        .locator('[data-node-type]')
        .evaluateAll((g) => g.map((n) => n.getAttribute('data-node-type'))),
    ).toEqual(['process', 'system', 'system', 'supplier', 'component']);
    expect(await graph.getAttribute('role')).toBe('img');
    expect(await graph.locator('desc').textContent()).toContain('bruges af 1 processer eller systemer');
    // The dependencies as a table under the graph (the component is in the components table).
    await expect.poll(() => page.getByTestId('dependencies').locator('tbody tr').count()).toBe(3);
    await shot('4-system');
    await expectNoSeriousA11yViolations(page, 'system page');

    // The scorecard from the imported data: criterion 5 is 2 of 5 critical systems with MFA.
    await page.getByRole('navigation').getByRole('link', { name: 'Scorekort', exact: true }).click();
    await expectHeading(page, 'Scorekort');
    const c5 = page.getByTestId('criterion-5');
    await expect.poll(() => text(c5.getByTestId('figure'))).toBe('40 %');
    expect(await text(c5.getByTestId('fraction'))).toBe('2 af 5');
    expect(await text(c5.getByTestId('status'))).toBe('✗ Ikke opfyldt');
    expect(await c5.getAttribute('data-status')).toBe('failed');
    const c2 = page.getByTestId('criterion-2');
    expect(await text(c2.getByTestId('fraction'))).toBe('5 af 6');
    // No management report signed yet: criterion 3 fails (it is measured since the report exists).
    expect(await text(page.getByTestId('criterion-3').getByTestId('status'))).toBe('✗ Ikke opfyldt');
    expect(await text(page.getByTestId('criterion-1').getByTestId('figure'))).toBe(
      '6 af 8 systemer har sundhedsdata',
    );
    await page.getByTestId('confirmation-none').waitFor();
    // Its evidence: the systems that miss it first.
    await c5.getByRole('button', { name: 'Vis systemerne bag kriterium 5' }).click();
    const evidence = page.getByTestId('evidence-5').getByTestId('evidence-row');
    await expect.poll(() => evidence.count()).toBe(5);
    expect(await evidence.locator('td:first-child a').allTextContents()).toEqual([
      'INF-01',
      'LAB-01',
      'PACS-01',
      'EPJ-01',
      'MED-01',
    ]);
    expect(await c5.getByRole('button', { name: 'Skjul systemerne' }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    // Today's snapshot gives each criterion its first trend point.
    await page.getByRole('button', { name: 'Gem dagens måling' }).click();
    await page.getByText(/Målingen for \d{4}-\d{2}-\d{2} er gemt\./).waitFor();
    await expect
      .poll(async () =>
        (await c5.getByTestId('sparkline').getAttribute('aria-label'))?.replace(/\u00a0/g, ' '),
      )
      .toBe('Udvikling over 90 dage: 1 måling, 40 %.');
    await shot('5-scorecard');
    await expectNoSeriousA11yViolations(page, 'scorecard with evidence');

    // The system owner's fix: PACS-01 gets multi-factor login through the edit form.
    await evidence.getByRole('link', { name: 'PACS-01' }).click();
    await expectHeading(page, 'System PACS-01');
    await page.getByRole('button', { name: 'Redigér' }).click();
    const form = page.getByRole('form', { name: 'Redigér PACS-01' });
    await form.getByLabel('Totrinslogin (MFA)', { exact: true }).selectOption({ label: 'Ja' });
    await form.getByLabel('Totrinslogin bekræftet den').fill('2026-03-15');
    await form.getByLabel('Dokumentation: totrinslogin').fill('Authenticator app for all users');
    await shot('6-edit-form');
    await expectNoSeriousA11yViolations(page, 'system edit form');
    // A value the server refuses is shown at its field, and nothing is saved.
    await form.getByLabel('Mål for genetableringstid (RTO)').fill('fire');
    await form.getByRole('button', { name: 'Gem' }).click();
    await form.getByText('Systemet blev ikke gemt').waitFor();
    await form.getByText('Kontrollér værdien.').waitFor();
    await form.getByLabel('Mål for genetableringstid (RTO)').fill('4');
    await form.getByRole('button', { name: 'Gem' }).click();
    await page.getByText('Ændringerne af PACS-01 er gemt.').waitFor();
    await expect.poll(() => text(page.getByTestId('baseline-mfa').locator('td').first())).toBe('Ja');
    expect(await text(page.getByTestId('baseline-mfa').locator('td').last())).toBe(
      'Authenticator app for all users',
    );

    // The scorecard follows: 3 of 5.
    await page.getByRole('navigation').getByRole('link', { name: 'Scorekort', exact: true }).click();
    await expectHeading(page, 'Scorekort');
    await expect.poll(() => text(page.getByTestId('criterion-5').getByTestId('fraction'))).toBe('3 af 5');
    expect(await text(page.getByTestId('criterion-5').getByTestId('figure'))).toBe('60 %');
    await shot('7-scorecard-after');

    // In English too: the criterion and the server's detail sentence.
    await page.getByText('English', { exact: true }).click();
    await expectHeading(page, 'Scorecard');
    await page.getByRole('heading', { name: '5. Multi-factor login on critical systems' }).waitFor();
    await expect.poll(() => text(page.getByTestId('criterion-5').getByTestId('fraction'))).toBe('3 of 5');
    await page.getByText('Dansk', { exact: true }).click();
    await expectHeading(page, 'Scorekort');

    // A file with errors is refused whole, with the row and column of each error.
    await page.getByRole('navigation').getByRole('link', { name: 'Inventar' }).click();
    await page.getByRole('link', { name: 'Importér en fil' }).click();
    await expectHeading(page, 'Importér et register');
    await importFile(page, 'systems-refused.csv', 'Filen blev afvist');
    const errors = await page
      .getByTestId('import-error')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
      );
    for (const expected of [
      ['2', 'criticality'],
      ['3', 'health_data'],
      ['3', 'assessed_on'],
      ['4', 'mfa'],
    ]) {
      expect(errors).toContainEqual(expected);
    }
    expect(
      errors.some(([row, column]) => row === '4' && (column === 'key' || column === '(hele rækken)')),
    ).toBe(true);
    await shot('8-import-refused');
    await expectNoSeriousA11yViolations(page, 'refused import');
    // Nothing of it was applied.
    const list = await t.asOperator('GET', `${api}/systems?q=NY-`);
    expect(list.json().items).toEqual([]);

    const violations = await cspViolations(page);
    expect([...violations, ...problems]).toEqual([]);
    await context.close();
  }, 180_000);

  it('management confirms the inventory with a TOTP code and criterion 1 passes', async () => {
    const { t, base, browser } = app;
    const org = await createOrg(t, { name: 'Hospital Ledelse', kind: 'hospital' });
    for (const body of [
      { key: 'EPJ-01', name: 'Elektronisk patientjournal', health_data: true, criticality: 'critical' },
      { key: 'HR-01', name: 'Lønsystem', health_data: false, criticality: 'low' },
    ]) {
      const r = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/inventory/systems`, body);
      expect(r.statusCode, r.body).toBe(201);
    }
    const director = await createUserWithMfa(t, {
      org: org.slug,
      role: 'management',
      name: 'Dorthe Direktør',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    // One wrong code is refused by the server (400), on purpose.
    const wrongCode = { status: [400], url: /\/inventory\/confirmations$/ };
    const problems = await watch(page, { allow: [SESSION_PROBE, wrongCode] });
    await signInThroughUi(page, base, director);

    await page.getByRole('navigation').getByRole('link', { name: 'Scorekort', exact: true }).click();
    await expectHeading(page, 'Scorekort');
    const c1 = page.getByTestId('criterion-1');
    await expect.poll(() => text(c1.getByTestId('status'))).toBe('✗ Ikke opfyldt');
    expect(await text(c1.getByTestId('figure'))).toBe('1 af 2 systemer har sundhedsdata');
    await page.getByTestId('confirmation-none').waitFor();
    // Management reads the scorecard but does not write snapshots.
    expect(await page.getByRole('button', { name: 'Gem dagens måling' }).count()).toBe(0);

    const form = page.getByRole('form', { name: 'Bekræft inventaret' });
    await form.getByLabel('Erklæring').fill('Ledelsen har gennemgået systemoversigten.');
    await form.getByLabel('Kode fra godkendelsesappen').fill('000000');
    await form.getByRole('button', { name: 'Bekræft og underskriv' }).click();
    await form.getByText('Inventaret blev ikke bekræftet').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'inventory-10-confirm-refused.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'confirmation refused');

    await form
      .getByLabel('Kode fra godkendelsesappen')
      .fill(await nextTotpCode(director.id, director.mfaSecret));
    await form.getByRole('button', { name: 'Bekræft og underskriv' }).click();
    await page.getByText('Inventaret er bekræftet.').waitFor();
    const latest = page.getByTestId('confirmation-latest');
    await latest.getByText(`Dorthe Direktør (${director.email})`).waitFor();
    await latest.getByText('Ledelsen har gennemgået systemoversigten.').waitFor();
    expect(await text(latest.getByTestId('confirmation-sha'))).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(() => text(c1.getByTestId('status'))).toBe('✓ Opfyldt');
    await page.screenshot({ path: path.join(artifacts, 'inventory-11-confirmed.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'inventory confirmed');

    const violations = await cspViolations(page);
    expect([...violations, ...problems]).toEqual([]);
    await context.close();
  }, 120_000);

  it('the sector coordinator sees every scorecard side by side and the critical-and-shared map', async () => {
    const { t, base, browser } = app;
    const sector = await createOrg(t, { name: 'Sektorenheden Scorekort', kind: 'sector_unit' });
    const owner = await createOrg(t, { name: 'Region Delt', kind: 'region' });
    const user = await createOrg(t, { name: 'Hospital Bruger', kind: 'hospital' });
    const post = async (slug: string, body: Record<string, unknown>) => {
      const r = await t.asOperator('POST', `/api/v1/orgs/${slug}/inventory/systems`, body);
      expect(r.statusCode, r.body).toBe(201);
    };
    await post(owner.slug, {
      key: 'NAT-EPJ',
      name: 'National patientjournal',
      health_data: true,
      criticality: 'critical',
      mfa: true,
      shared: true,
      vendor: 'Journalleverandøren',
      product: 'EPJ Suite',
    });
    await post(owner.slug, { key: 'R-LOK', name: 'Lokalt system', health_data: true, criticality: 'low' });
    await post(user.slug, {
      key: 'EPJ-BRUG',
      name: 'Journal (lokal brug)',
      health_data: true,
      criticality: 'critical',
      mfa: false,
      shared_system: `${owner.slug}/NAT-EPJ`,
    });
    await post(user.slug, { key: 'LAB', name: 'Laboratoriesystem', criticality: 'high', mfa: true });
    const coordinator = await createUserWithMfa(t, {
      org: sector.slug,
      role: 'sector_coordinator',
      name: 'Sara Sektor',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await signInThroughUi(page, base, coordinator);

    await page.getByRole('navigation').getByRole('link', { name: 'Sektorens scorekort' }).click();
    await expectHeading(page, 'Sektorens scorekort');
    const ownerRow = page.getByTestId('sector-org').filter({ hasText: 'Region Delt' });
    const userRow = page.getByTestId('sector-org').filter({ hasText: 'Hospital Bruger' });
    await ownerRow.waitFor();
    // Criterion 5 side by side: the owner's one critical system has MFA, the user's does not.
    expect(await text(ownerRow.getByTestId('cell-5'))).toBe('✓ 100 % Opfyldt');
    expect(await ownerRow.getByTestId('cell-5').getAttribute('data-status')).toBe('passed');
    expect(await text(userRow.getByTestId('cell-5'))).toBe('✗ 50 % Ikke opfyldt');
    expect(await text(userRow.getByTestId('cell-3'))).toBe('✗ Ikke opfyldt');

    // The map: the shared record counts two organisations, at its highest criticality.
    const map = page.getByTestId('critical-shared-map');
    await map.waitFor();
    expect(await map.getAttribute('role')).toBe('img');
    expect(await map.locator('[data-testid="bubble"]').count()).toBeGreaterThan(0);
    const shared = page
      .getByTestId('critical-shared-items')
      .locator('tbody tr')
      .filter({ hasText: 'NAT-EPJ' });
    expect(await shared.locator('td').allTextContents()).toEqual([
      'NAT-EPJ · National patientjournal',
      'Region Delt',
      'Journalleverandøren EPJ Suite',
      'Kritisk',
      'Kritisk',
      '2',
    ]);
    // The local system is counted in the map but never named.
    expect(await page.getByText('Lokalt system').count()).toBe(0);
    await page.locator('summary', { hasText: 'Kortet som tabel' }).click();
    const buckets = page.getByTestId('critical-shared-buckets');
    await buckets.getByRole('row', { name: 'Kritisk 2 1' }).first().waitFor();
    await page.screenshot({ path: path.join(artifacts, 'inventory-9-sector.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'sector scorecards');

    // The thresholds and periods are the sector's: the coordinator lowers the pass share to 50 %,
    // and the hospital's 1 of 2 critical systems with MFA now passes.
    const passShare = page.getByTestId('sector-settings').getByTestId('setting-scorecard_pass_percent');
    await passShare.getByLabel('Procent').fill('50');
    await passShare.getByRole('button', { name: 'Gem' }).click();
    await passShare.getByRole('status').getByText('»Scorekort: andel for at opfylde« er gemt.').waitFor();
    await userRow.getByTestId('cell-5').getByText('Opfyldt', { exact: true }).waitFor();
    expect(await text(userRow.getByTestId('cell-5'))).toBe('✓ 50 % Opfyldt');
    await passShare.getByText('Standard', { exact: true }).waitFor({ state: 'detached' });
    await page
      .getByTestId('sector-settings')
      .screenshot({ path: path.join(artifacts, 'inventory-11-sector-settings.png') });
    await expectNoSeriousA11yViolations(page, 'sector settings');
    const reset = await t.asOperator('PUT', '/api/v1/platform/settings/scorecard_pass_percent', {
      value: 95,
    });
    expect(reset.statusCode).toBe(200);

    const violations = await cspViolations(page);
    expect([...violations, ...problems]).toEqual([]);
    await context.close();
  }, 120_000);
});
