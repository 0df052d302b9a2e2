import './messages.js';
import { readCsv } from './csv.js';
import { readNessus } from './nessus.js';
import { readOpenvas } from './openvas.js';
import { readSarif } from './sarif.js';
import type { ScanReader } from './types.js';

export { canonicalIp, canonicalName, type NormalHost, normaliseHost } from './host.js';
export * from './types.js';

export type ScanFormat = 'nessus' | 'openvas' | 'sarif' | 'csv';

/** The reader of each scanner format the vulnerabilities import takes. */
export const readers: Record<ScanFormat, ScanReader> = {
  nessus: readNessus,
  openvas: readOpenvas,
  sarif: readSarif,
  csv: readCsv,
};
