import { mkdirSync } from 'node:fs';
import path from 'node:path';
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

describeInChromium(
  'the inventory registers edited in Chromium',
  'test/e2e/inventory-registers.test.ts',
  (app) => {
    it('a security officer adds and edits a process, edits a component, deletes a supplier, adds and removes dependencies', async () => {
      const { t, base, browser } = app;
      const org = await createOrg(t, { name: 'Hospital Registre', kind: 'hospital' });
      const officer = await createUserWithMfa(t, { org: org.slug, role: 'security_officer' });
      const api = `/api/v1/orgs/${org.slug}/inventory`;
      for (const [route, body] of [
        ['systems', { key: 'SYS-1', name: 'Journal' }],
        ['systems', { key: 'SYS-2', name: 'Laboratoriesystem' }],
        ['processes', { key: 'PROC-1', name: 'Akut modtagelse', importance: 'high' }],
        ['suppliers', { key: 'SUP-1', name: 'Leverandøren A/S' }],
        ['components', { key: 'COMP-1', system: 'SYS-1', product: 'PostgreSQL', version: '15' }],
        ['dependencies', { from_type: 'system', from_key: 'SYS-1', to_type: 'supplier', to_key: 'SUP-1' }],
      ] as const) {
        const r = await t.asOperator('POST', `${api}/${route}`, body);
        expect(r.statusCode, r.body).toBe(201);
      }
      const read = async <T>(path: string) => {
        const r = await t.asOperator('GET', `${api}/${path}`);
        expect(r.statusCode, r.body).toBe(200);
        return r.json() as T;
      };

      mkdirSync(artifacts, { recursive: true });
      const context = await browser.newContext();
      const page = await context.newPage();
      const shot = (name: string) =>
        page.screenshot({ path: path.join(artifacts, `inventory-registers-${name}.png`), fullPage: true });
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, officer);

      // Processes: add one, then change another's name and importance.
      await page.goto(`${base}/orgs/${org.slug}/inventory?tab=processes`);
      await expectHeading(page, 'Inventar');
      const processes = page.getByTestId('processes');
      await processes.getByRole('cell', { name: 'PROC-1', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Tilføj proces' }).click();
      const add = page.getByRole('form', { name: 'Tilføj proces' });
      await add.getByLabel('Nøgle').fill('PROC-2');
      await add.getByLabel('Navn').fill('Laboratorieprøver');
      await add.getByLabel('Betydning').selectOption({ label: 'Middel' });
      await add.getByLabel('Beskrivelse').fill('Prøver fra afdelingerne');
      await expectNoSeriousA11yViolations(page, 'add a process');
      await add.getByRole('button', { name: 'Gem' }).click();
      await page.getByText('Ændringerne af PROC-2 er gemt.').waitFor();
      await processes.getByRole('cell', { name: 'Laboratorieprøver' }).waitFor();

      await processes.getByRole('button', { name: 'Redigér PROC-1' }).click();
      const edit = page.getByRole('form', { name: 'Redigér PROC-1' });
      expect(await edit.getByLabel('Navn').inputValue()).toBe('Akut modtagelse');
      await edit.getByLabel('Navn').fill('Akut modtagelse og traume');
      await edit.getByLabel('Betydning').selectOption({ label: 'Kritisk' });
      await shot('1-process-form');
      await expectNoSeriousA11yViolations(page, 'edit a process');
      await edit.getByRole('button', { name: 'Gem' }).click();
      await page.getByText('Ændringerne af PROC-1 er gemt.').waitFor();
      await processes.getByRole('cell', { name: 'Akut modtagelse og traume' }).waitFor();
      expect(await read<Record<string, unknown>>('processes/PROC-1')).toMatchObject({
        name: 'Akut modtagelse og traume',
        importance: 'critical',
        description: null,
      });
      expect(await read<Record<string, unknown>>('processes/PROC-2')).toMatchObject({
        name: 'Laboratorieprøver',
        importance: 'medium',
        description: 'Prøver fra afdelingerne',
      });

      // Components: a new version; the system stays.
      await page.getByRole('tab', { name: 'Komponenter' }).click();
      const components = page.getByTestId('components');
      await components.getByRole('button', { name: 'Redigér COMP-1' }).click();
      const comp = page.getByRole('form', { name: 'Redigér COMP-1' });
      expect(await comp.getByLabel('System').inputValue()).toBe('SYS-1');
      await comp.getByLabel('Version').fill('16.2');
      await comp.getByRole('button', { name: 'Gem' }).click();
      await page.getByText('Ændringerne af COMP-1 er gemt.').waitFor();
      await components.getByRole('cell', { name: '16.2' }).waitFor();
      expect(await read<Record<string, unknown>>('components/COMP-1')).toMatchObject({
        system: 'SYS-1',
        product: 'PostgreSQL',
        version: '16.2',
      });
      await expectNoSeriousA11yViolations(page, 'components list with actions');

      // Dependencies: PROC-2 comes to use SYS-2; SYS-1 → SUP-1 is removed.
      await page.getByRole('tab', { name: 'Afhængigheder' }).click();
      const deps = page.getByTestId('dependencies-register');
      await expect.poll(() => deps.locator('tbody tr').count()).toBe(1);
      await page.getByRole('button', { name: 'Tilføj afhængighed' }).click();
      const dep = page.getByRole('form', { name: 'Tilføj afhængighed' });
      await dep.getByLabel('Fra (type)').selectOption({ label: 'Proces' });
      // A process depends on systems only: the "to" choice follows.
      expect(await dep.getByLabel('Til (type)').locator('option').allTextContents()).toEqual(['System']);
      await dep.getByLabel('Fra (nøgle)').fill('PROC-2');
      await dep.getByLabel('Til (nøgle)').fill('SYS-2');
      await expectNoSeriousA11yViolations(page, 'add a dependency');
      await dep.getByRole('button', { name: 'Gem' }).click();
      await expect.poll(() => deps.locator('tbody tr').count()).toBe(2);
      await deps
        .getByRole('row', { name: /PROC-2 · Laboratorieprøver.*SYS-2 · Laboratoriesystem/ })
        .waitFor();
      await shot('2-dependencies');

      await deps.getByRole('button', { name: 'Fjern afhængigheden SYS-1 → SUP-1' }).click();
      await page.getByRole('dialog', { name: 'Fjern afhængigheden?' }).waitFor();
      await expectNoSeriousA11yViolations(page, 'remove a dependency');
      await page.getByRole('dialog').getByRole('button', { name: 'Fjern', exact: true }).click();
      await expect.poll(() => deps.locator('tbody tr').count()).toBe(1);
      const left = await read<{ items: Array<Record<string, unknown>> }>('dependencies');
      expect(left.items.map((d) => `${d.from_key}→${d.to_key}`)).toEqual(['PROC-2→SYS-2']);

      // Suppliers: delete one behind the confirmation.
      await page.getByRole('tab', { name: 'Leverandører' }).click();
      const suppliers = page.getByTestId('suppliers');
      await suppliers.getByRole('button', { name: 'Slet SUP-1' }).click();
      await page.getByRole('dialog', { name: 'Slet SUP-1?' }).waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Slet', exact: true }).click();
      await page.getByText('Intet her endnu.').waitFor();
      const gone = await t.asOperator('GET', `${api}/suppliers/SUP-1`);
      expect(gone.statusCode).toBe(404);

      const violations = await cspViolations(page);
      expect([...violations, ...problems]).toEqual([]);
      await context.close();
    }, 120_000);
  },
);
