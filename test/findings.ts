import { readFileSync } from 'node:fs';
import { corpus } from './corpora.js';
import { type FinishedImport, uploadImport } from './imports.js';
import type { TestApp } from './server.js';

/** The date `offset` days from now (UTC), as YYYY-MM-DD: an expiry or a due date in a test. */
export const dayFromToday = (offset: number): string =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * Imports a Nessus report of the scan corpus (`../shared/corpora/scans/<file>`) into the
 * organisation through the API, as a scanner's token does, and follows it to its end.
 */
export function scanNessusCorpus<T extends FinishedImport = FinishedImport>(
  t: TestApp,
  org: { slug: string },
  auth: string,
  file: string,
): Promise<T> {
  return uploadImport<T>(t, org, auth, {
    kind: 'scan',
    query: 'name=r&format=nessus',
    contentType: 'application/xml',
    body: readFileSync(corpus('scans', file)),
  });
}
