import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
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

/** Intl writes some dates and percentages with a no-break space. */
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
/** The node types of the system's dependency graph, in drawing order (left, middle, right). */
const nodeTypes = (page: Page) =>
  page
    .getByTestId('dependency-graph')
    .locator('[data-node-type]')
    .evaluateAll((g) => g.map((n) => n.getAttribute('data-node-type')));
/** A date as the web app shows it (Intl in the browser, Danish, medium). */
const shownDate = (page: Page, iso: string) =>
  page.evaluate(
    (d) =>
      new Intl.DateTimeFormat('da-DK', { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(`${d}T00:00:00Z`),
      ),
    iso,
  );

describeInChromium(
  "a system's page: its dependencies and its restore procedure, edited in Chromium",
  'test/e2e/inventory-system-page.test.ts',
  (app) => {
    it('a security officer adds and removes dependencies on the system page and the graph follows; a member only reads them', async () => {
      const { t, base, browser } = app;
      const org = await createOrg(t, { name: 'Hospital Systemside', kind: 'hospital' });
      const officer = await createUserWithMfa(t, { org: org.slug, role: 'security_officer' });
      const member = await createUserWithMfa(t, { org: org.slug, role: 'member' });
      const api = `/api/v1/orgs/${org.slug}/inventory`;
      for (const [route, body] of [
        ['systems', { key: 'SYS-A', name: 'Røntgen', criticality: 'high' }],
        ['systems', { key: 'SYS-B', name: 'Booking' }],
        ['processes', { key: 'PROC-1', name: 'Billeddiagnostik' }],
        ['suppliers', { key: 'SUP-1', name: 'Røntgenfirmaet A/S' }],
        ['components', { key: 'COMP-1', system: 'SYS-A', product: 'PostgreSQL', version: '15' }],
        ['dependencies', { from_type: 'process', from_key: 'PROC-1', to_type: 'system', to_key: 'SYS-A' }],
      ] as const) {
        const r = await t.asOperator('POST', `${api}/${route}`, body);
        expect(r.statusCode, r.body).toBe(201);
      }

      mkdirSync(artifacts, { recursive: true });
      const context = await browser.newContext();
      const page = await context.newPage();
      const shot = (name: string) =>
        page.screenshot({ path: path.join(artifacts, `inventory-system-page-${name}.png`), fullPage: true });
      // One dependency on a key that does not exist is refused by the server (400), on purpose.
      const refusedDependency = { status: [400], url: /\/inventory\/dependencies$/ };
      const problems = await watch(page, { allow: [SESSION_PROBE, refusedDependency] });
      await signInThroughUi(page, base, officer);

      await page.goto(`${base}/orgs/${org.slug}/inventory/systems/SYS-A`);
      await expectHeading(page, 'System SYS-A');
      const deps = page.getByTestId('dependencies');
      await expect.poll(() => deps.locator('tbody tr').count()).toBe(1);
      expect(await nodeTypes(page)).toEqual(['process', 'system', 'component']);
      expect(await text(deps.locator('tbody tr').first().locator('td').nth(0))).toBe('Bruges af');

      // SYS-A comes to use the supplier.
      await page.getByRole('button', { name: 'Tilføj afhængighed' }).click();
      const form = page.getByRole('form', { name: 'Tilføj afhængighed' });
      await form.getByText('»Bruger«: hvad SYS-A afhænger af').waitFor();
      expect(await form.getByLabel('Retning').inputValue()).toBe('uses');
      expect(await form.getByLabel('Type').locator('option').allTextContents()).toEqual([
        'System',
        'Leverandør',
      ]);
      await form.getByLabel('Type').selectOption({ label: 'Leverandør' });
      await form.getByLabel('Nøgle').fill('SUP-1');
      await expectNoSeriousA11yViolations(page, 'add a dependency on the system page');
      await form.getByRole('button', { name: 'Gem' }).click();
      await form.waitFor({ state: 'detached' });
      await expect.poll(() => nodeTypes(page)).toEqual(['process', 'system', 'supplier', 'component']);
      await expect.poll(() => deps.locator('tbody tr').count()).toBe(2);
      await deps.getByRole('row', { name: /Bruger Leverandør SUP-1 Røntgenfirmaet A\/S/ }).waitFor();
      expect(await page.getByTestId('dependency-graph').locator('desc').textContent()).toContain(
        'bruger 1 systemer eller leverandører',
      );

      // A key that does not exist is refused, with the server's reason, and nothing changes.
      await page.getByRole('button', { name: 'Tilføj afhængighed' }).click();
      await form.getByLabel('Retning').selectOption({ label: 'Bruges af' });
      // What uses a system: a process or another system.
      expect(await form.getByLabel('Type').locator('option').allTextContents()).toEqual(['Proces', 'System']);
      await form.getByLabel('Nøgle').fill('SYS-NOPE');
      await form.getByRole('button', { name: 'Gem' }).click();
      await form.getByRole('alert').getByText('Afhængigheden blev ikke tilføjet').waitFor();
      await expectNoSeriousA11yViolations(page, 'a refused dependency on the system page');

      // SYS-B comes to use SYS-A.
      await form.getByLabel('Nøgle').fill('SYS-B');
      await form.getByRole('button', { name: 'Gem' }).click();
      await form.waitFor({ state: 'detached' });
      await expect
        .poll(() => nodeTypes(page))
        .toEqual(['process', 'system', 'system', 'supplier', 'component']);
      await deps.getByRole('row', { name: /Bruges af System SYS-B Booking/ }).waitFor();
      await shot('1-dependencies-added');
      expect(await deps.locator('tbody tr').count()).toBe(3);
      // In the graph's order: what uses the system (processes, systems), then what it uses.
      expect(await deps.locator('tbody tr td:nth-child(3)').allTextContents()).toEqual([
        'PROC-1',
        'SYS-B',
        'SUP-1',
      ]);

      // The supplier goes again, behind a confirmation.
      await deps.getByRole('button', { name: 'Fjern afhængigheden SYS-A → SUP-1' }).click();
      const dialog = page.getByRole('dialog', { name: 'Fjern afhængigheden?' });
      await dialog
        .getByText('SYS-A · Røntgen afhænger ikke længere af SUP-1 · Røntgenfirmaet A/S.')
        .waitFor();
      await expectNoSeriousA11yViolations(page, 'remove a dependency on the system page');
      await dialog.getByRole('button', { name: 'Fjern', exact: true }).click();
      await expect.poll(() => nodeTypes(page)).toEqual(['process', 'system', 'system', 'component']);
      await expect.poll(() => deps.locator('tbody tr').count()).toBe(2);
      expect(await page.getByTestId('dependency-graph').locator('desc').textContent()).toContain(
        'bruges af 2 processer eller systemer, bruger 0 systemer eller leverandører',
      );
      const left = await t.asOperator('GET', `${api}/dependencies?system=SYS-A`);
      expect(
        (left.json().items as Array<Record<string, string>>).map((d) => `${d.from_key}→${d.to_key}`).sort(),
      ).toEqual(['PROC-1→SYS-A', 'SYS-B→SYS-A']);
      await expectNoSeriousA11yViolations(page, 'system page after the changes');

      // The form in English: the same choices, in English words.
      await page.getByText('English', { exact: true }).click();
      await expectHeading(page, 'System SYS-A');
      await page.getByRole('button', { name: 'Add a dependency' }).click();
      const english = page.getByRole('form', { name: 'Add a dependency' });
      await english.getByText('“Uses”: what SYS-A depends on').waitFor();
      expect(await english.getByLabel('Direction').locator('option').allTextContents()).toEqual([
        'Uses',
        'Used by',
      ]);
      await english.getByRole('button', { name: 'Cancel' }).click();
      await english.waitFor({ state: 'detached' });
      await page.getByText('Dansk', { exact: true }).click();
      await expectHeading(page, 'System SYS-A');

      const violations = await cspViolations(page);
      expect([...violations, ...problems]).toEqual([]);
      await context.close();

      // A member sees the graph and the table, but neither adds nor removes.
      const readerContext = await browser.newContext();
      const reader = await readerContext.newPage();
      const readerProblems = await watch(reader, { allow: [SESSION_PROBE] });
      await signInThroughUi(reader, base, member);
      await reader.goto(`${base}/orgs/${org.slug}/inventory/systems/SYS-A`);
      await expectHeading(reader, 'System SYS-A');
      const readerDeps = reader.getByTestId('dependencies');
      await expect.poll(() => readerDeps.locator('tbody tr').count()).toBe(2);
      expect(await nodeTypes(reader)).toEqual(['process', 'system', 'system', 'component']);
      expect(await reader.getByRole('button', { name: 'Tilføj afhængighed' }).count()).toBe(0);
      expect(await readerDeps.getByRole('button').count()).toBe(0);
      expect(await readerDeps.getByRole('columnheader').allTextContents()).toEqual([
        'Retning',
        'Type',
        'Nøgle',
        'Navn',
      ]);
      await expectNoSeriousA11yViolations(reader, 'system page, read-only');
      expect([...(await cspViolations(reader)), ...readerProblems]).toEqual([]);
      await readerContext.close();
    }, 150_000);

    it("editing a system's restore procedure with its date shows on its page and moves criterion 9 and its evidence", async () => {
      const { t, base, browser } = app;
      const org = await createOrg(t, { name: 'Hospital Genetablering', kind: 'hospital' });
      const officer = await createUserWithMfa(t, { org: org.slug, role: 'security_officer' });
      for (const body of [
        { key: 'R-1', name: 'Patientjournal', criticality: 'critical', restore_procedure: false },
        {
          key: 'R-2',
          name: 'Laboratorium',
          criticality: 'high',
          restore_procedure: true,
          restore_procedure_on: '2026-01-10',
        },
        // Not critical: outside criterion 9's set.
        { key: 'R-3', name: 'Kantine', criticality: 'low' },
      ]) {
        const r = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/inventory/systems`, body);
        expect(r.statusCode, r.body).toBe(201);
      }
      const context = await browser.newContext();
      const page = await context.newPage();
      const shot = (name: string) =>
        page.screenshot({ path: path.join(artifacts, `inventory-system-page-${name}.png`), fullPage: true });
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, officer);

      // Before: 1 of 2 critical systems has a documented restore procedure; R-1 misses it.
      await page.getByRole('navigation').getByRole('link', { name: 'Scorekort', exact: true }).click();
      await expectHeading(page, 'Scorekort');
      const c9 = page.getByTestId('criterion-9');
      await expect.poll(() => text(c9.getByTestId('fraction'))).toBe('1 af 2');
      expect(await text(c9.getByTestId('status'))).toBe('✗ Ikke opfyldt');
      await c9.getByRole('button', { name: 'Vis systemerne bag kriterium 9' }).click();
      const evidence = page.getByTestId('evidence-9').getByTestId('evidence-row');
      await expect.poll(() => evidence.count()).toBe(2);
      expect(await evidence.locator('td:first-child a').allTextContents()).toEqual(['R-1', 'R-2']);
      const r1 = evidence.filter({ has: page.getByRole('link', { name: 'R-1', exact: true }) });
      expect(await text(r1.locator('td').nth(1))).toBe('✗ Opfylder ikke');
      expect(await r1.locator('td').nth(3).locator('p').allTextContents()).toEqual([
        'Genetableringsprocedure: nej',
        'Dokumenteret den: ikke registreret',
        'Link: ikke registreret',
      ]);

      // The fix on R-1's page: documented, on a date, with a link and a note.
      await r1.getByRole('link', { name: 'R-1' }).click();
      await expectHeading(page, 'System R-1');
      const row = page.getByTestId('baseline-restore_procedure');
      expect(await text(row.locator('td').nth(0))).toBe('Nej');
      expect(await text(row.locator('td').nth(1))).toBe('—');
      await page.getByRole('button', { name: 'Redigér' }).click();
      const form = page.getByRole('form', { name: 'Redigér R-1' });
      await form.getByLabel('Procedure for genetablering dokumenteret').selectOption({ label: 'Ja' });
      await form.getByLabel('Genetableringsprocedure dokumenteret eller gennemgået den').fill('2026-09-01');
      await form
        .getByLabel('Genetableringsprocedure (link eller henvisning)')
        .fill('https://intranet.example.dk/r1-genetablering');
      await form.getByLabel('Dokumentation: genetableringsprocedure').fill('Gennemgået med leverandøren');
      await expectNoSeriousA11yViolations(page, 'system form with the restore procedure');
      await form.getByRole('button', { name: 'Gem' }).click();
      await page.getByText('Ændringerne af R-1 er gemt.').waitFor();
      const day = await shownDate(page, '2026-09-01');
      await expect.poll(() => text(row.locator('td').nth(0))).toBe('Ja');
      expect(await text(row.locator('td').nth(1))).toBe(day.replace(/\u00a0/g, ' '));
      expect(await text(row.locator('td').nth(2))).toBe(
        'Gennemgået med leverandørenGenetableringsprocedure (link eller henvisning): https://intranet.example.dk/r1-genetablering',
      );
      await shot('2-restore-procedure');
      const saved = await t.asOperator('GET', `/api/v1/orgs/${org.slug}/inventory/systems/R-1`);
      expect(saved.json()).toMatchObject({
        restore_procedure: true,
        restore_procedure_on: '2026-09-01',
        restore_procedure_link: 'https://intranet.example.dk/r1-genetablering',
        restore_procedure_note: 'Gennemgået med leverandøren',
      });

      // After: 2 of 2, passed; R-1's evidence names the date.
      await page.getByRole('navigation').getByRole('link', { name: 'Scorekort', exact: true }).click();
      await expectHeading(page, 'Scorekort');
      await expect.poll(() => text(c9.getByTestId('fraction'))).toBe('2 af 2');
      expect(await text(c9.getByTestId('status'))).toBe('✓ Opfyldt');
      expect(await text(c9.getByTestId('figure'))).toBe('100 %');
      await c9.getByRole('button', { name: 'Vis systemerne bag kriterium 9' }).click();
      await expect.poll(() => evidence.count()).toBe(2);
      await expect.poll(() => text(r1.locator('td').nth(1))).toBe('✓ Opfylder');
      expect(
        (await r1.locator('td').nth(3).locator('p').allTextContents()).map((s) => s.replace(/\u00a0/g, ' ')),
      ).toEqual([
        'Genetableringsprocedure: ja',
        `Dokumenteret den: ${day.replace(/\u00a0/g, ' ')}`,
        'Link: https://intranet.example.dk/r1-genetablering',
      ]);
      await shot('3-criterion-9');
      await expectNoSeriousA11yViolations(page, 'criterion 9 with its evidence');

      const violations = await cspViolations(page);
      expect([...violations, ...problems]).toEqual([]);
      await context.close();
    }, 120_000);
  },
);
