import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
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

/** Clicks a download button or link and answers the file's suggested name and its bytes. */
async function download(page: Page, click: () => Promise<void>) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const where = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(where) };
}

describeInChromium(
  'inventory export and XLSX import in Chromium',
  'test/e2e/inventory-export.test.ts',
  (app) => {
    it('exports a list as CSV and XLSX with its buttons, imports the XLSX export unchanged, and imports a file made from the XLSX template', async () => {
      const { t, base, browser } = app;
      await t.runtime.ctx.jobs.work();
      const org = await createOrg(t, { name: 'Hospital Eksport', kind: 'hospital' });
      const officer = await createUserWithMfa(t, {
        org: org.slug,
        role: 'security_officer',
        name: 'Eva Eksport',
      });
      for (const body of [
        { key: 'EPJ-01', name: 'Journal, elektronisk', criticality: 'critical', ip_addresses: ['10.1.2.3'] },
        { key: 'LAB-01', name: 'Laboratoriesystem', health_data: true, hostnames: ['lab-01', 'lab-02'] },
      ]) {
        const r = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/inventory/systems`, body);
        expect(r.statusCode, r.body).toBe(201);
      }
      mkdirSync(artifacts, { recursive: true });
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'vaern-export-e2e-'));
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, officer);

      // The systems list offers the systems and their dependencies, each as CSV and XLSX.
      await page.getByRole('navigation').getByRole('link', { name: 'Inventar' }).click();
      await expectHeading(page, 'Inventar');
      await expect.poll(() => page.getByTestId('system-row').count()).toBe(2);
      const day = new Date().toISOString().slice(0, 10);
      const csv = await download(page, () =>
        page.getByRole('link', { name: 'Eksportér systemer (CSV)' }).click(),
      );
      expect(csv.name).toBe(`${org.slug}-systems-${day}.csv`);
      const lines = csv.bytes
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split('\r\n');
      expect(lines[0]).toMatch(/^key,name,owner_email,health_data,/);
      expect(lines.slice(1, 3).map((l) => l.split(',')[0])).toEqual(['EPJ-01', 'LAB-01']);
      expect(lines[1]).toContain('"Journal, elektronisk"');
      expect(lines[2]).toContain('lab-01;lab-02');
      const xlsx = await download(page, () =>
        page.getByRole('link', { name: 'Eksportér systemer (XLSX)' }).click(),
      );
      expect(xlsx.name).toBe(`${org.slug}-systems-${day}.xlsx`);
      expect(xlsx.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
      await page.getByTestId('export-dependencies-csv').waitFor();
      await page.screenshot({ path: path.join(artifacts, 'inventory-export-1-list.png'), fullPage: true });
      await expectNoSeriousA11yViolations(page, 'systems list with export buttons');
      // Another register's tab exports that register.
      await page.getByRole('tab', { name: 'Processer' }).click();
      expect(await page.getByRole('link', { name: 'Eksportér processer (XLSX)' }).getAttribute('href')).toBe(
        `/api/v1/orgs/${org.slug}/inventory/export/processes.xlsx`,
      );

      // The wizard: both templates, and the XLSX export imports back with nothing changed.
      await page.getByRole('link', { name: 'Importér en fil' }).click();
      await expectHeading(page, 'Importér et register');
      await page.getByRole('link', { name: 'Hent skabelonen for Systemer (CSV)' }).waitFor();
      const template = await download(page, () =>
        page.getByRole('link', { name: 'Hent skabelonen for Systemer (XLSX)' }).click(),
      );
      expect(template.name).toBe('systems.xlsx');
      await expectNoSeriousA11yViolations(page, 'import wizard with both templates');
      const exported = path.join(scratch, xlsx.name);
      writeFileSync(exported, xlsx.bytes);
      await page.getByLabel('3. Fil').setInputFiles(exported);
      await page.getByRole('button', { name: 'Importér', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'Filen er importeret' }).waitFor();
      expect(await page.getByTestId('import-rows').textContent()).toBe('2');
      expect(await page.getByTestId('import-unchanged').textContent()).toBe('2');
      expect(await page.getByTestId('import-created').textContent()).toBe('0');
      expect(await page.getByTestId('import-updated').textContent()).toBe('0');

      // A workbook filled in from the XLSX template: its example row, as a new system of our own.
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(template.bytes as unknown as ArrayBuffer);
      const sheet = book.worksheets[0];
      if (!sheet) throw new Error('the template has no sheet');
      const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
      const cell = (name: string) => sheet.getRow(2).getCell(header.indexOf(name) + 1);
      cell('key').value = 'PUMPE-01';
      cell('name').value = 'Infusionspumper';
      cell('owner_email').value = null; // the template's owner is no member here
      cell('medical_device').value = true;
      const filled = path.join(scratch, 'systemer.xlsx');
      await book.xlsx.writeFile(filled);
      await page.getByRole('button', { name: 'Importér en fil mere' }).click();
      await page.getByLabel('3. Fil').setInputFiles(filled);
      await page.getByRole('button', { name: 'Importér', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'Filen er importeret' }).waitFor();
      expect(await page.getByTestId('import-created').textContent()).toBe('1');
      await page.screenshot({
        path: path.join(artifacts, 'inventory-export-2-xlsx-import.png'),
        fullPage: true,
      });
      await expectNoSeriousA11yViolations(page, 'XLSX import summary');
      const pump = await t.asOperator('GET', `/api/v1/orgs/${org.slug}/inventory/systems/PUMPE-01`);
      expect(pump.json()).toMatchObject({
        name: 'Infusionspumper',
        medical_device: true,
        criticality: 'critical',
        rpo_hours: 0.25,
        ip_addresses: ['10.20.0.0/24', '10.30.1.15/32'],
      });

      expect([...(await cspViolations(page)), ...problems]).toEqual([]);
      await context.close();
      rmSync(scratch, { recursive: true, force: true });
    }, 120_000);
  },
);
