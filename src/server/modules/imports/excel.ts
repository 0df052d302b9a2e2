/**
 * exceljs, loaded on first use: it costs the process about 27 MB, and most never read or write a
 * workbook (a scan import, the web app's requests). Node caches the module after the first load.
 */
export async function loadExcel(): Promise<typeof import('exceljs')> {
  return (await import('exceljs')).default;
}
