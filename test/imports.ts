import { clientAddress } from './factories.js';
import type { TestApp } from './server.js';

/**
 * Uploading a file to an import through the API and following it to its end, as a person's
 * browser or the CLI does: the tests of every kind of import share it.
 */

/** An import's state once it has finished, as `GET …/imports/{id}` gives it, and its id. */
export interface FinishedImport {
  id: string;
  status: 'succeeded' | 'refused' | 'failed';
  error_list: Array<{ row: number | null; column: string | null; code: string; message: string }>;
  [field: string]: unknown;
}

const FINAL = new Set(['succeeded', 'refused', 'failed']);
/** No import in a test takes this long; one that does is stuck. */
const FOLLOW_MS = 120_000;

/** Follows an import until it has finished: its state then. */
export async function followImport<T extends FinishedImport = FinishedImport>(
  t: TestApp,
  org: { slug: string },
  auth: string,
  id: string,
  lang = 'en',
): Promise<T> {
  const deadline = Date.now() + FOLLOW_MS;
  for (;;) {
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/imports/${id}`,
      remoteAddress: clientAddress(),
      headers: { authorization: auth, 'accept-language': lang },
    });
    if (r.statusCode !== 200) throw new Error(`following import ${id}: ${r.statusCode} ${r.body}`);
    const state = r.json();
    if (FINAL.has(state.status)) return { ...state, id } as T;
    if (Date.now() > deadline) throw new Error(`import ${id} did not finish (${state.status})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Uploads `body` to an import of `kind` (`query`: its name and options) and follows it to its end. */
export async function uploadImport<T extends FinishedImport = FinishedImport>(
  t: TestApp,
  org: { slug: string },
  auth: string,
  upload: { kind: string; query: string; contentType: string; body: string | Buffer; lang?: string },
): Promise<T> {
  const r = await t.inject({
    method: 'POST',
    url: `/api/v1/orgs/${org.slug}/imports/${upload.kind}?${upload.query}`,
    remoteAddress: clientAddress(),
    headers: { authorization: auth, 'content-type': upload.contentType },
    payload: upload.body,
  });
  if (r.statusCode !== 202)
    throw new Error(`uploading to the ${upload.kind} import: ${r.statusCode} ${r.body}`);
  return followImport<T>(t, org, auth, r.json().import_id, upload.lang);
}
