import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { OPERATOR_SCOPE, type Tx, withTenant } from '../src/server/db/tenant.js';
import { translate } from '../src/server/lib/messages.js';
import { storeFile } from '../src/server/modules/files/service.js';
import * as imports from '../src/server/modules/imports/queries.js';
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

/**
 * An import that Værn ended failed without a run (a recovery): in either language its answer says
 * failed with the error's message, and the audit trail has one entry for its end, `action`.
 */
export async function expectEndedFailed(
  t: TestApp,
  org: { id: string; slug: string },
  headers: Record<string, string>,
  id: string,
  o: { code: string; action: string },
): Promise<void> {
  for (const lang of ['en', 'da'] as const) {
    const got = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/imports/${id}`,
      headers: { ...headers, 'accept-language': lang },
    });
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().status).toBe('failed');
    const message = got.json().error_list[0].message as string;
    expect(message).toBe(translate(o.code, lang));
    expect(message).not.toBe(o.code);
  }
  const audit = await withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
    const r = await sql<{ action: string; status: string }>`
      select action, after ->> 'status' as status from audit_log
      where org_id = ${org.id} and target_type = 'import' and target_id = ${id}`.execute(tx.q);
    return r.rows;
  });
  expect(audit).toEqual([{ action: o.action, status: 'failed' }]);
}

/**
 * What a run leaves when its process dies: the stored file, the import (under a lease of
 * `inlineLeaseSeconds` when a request runs it), started, with one staged row; `more` adds what the
 * kind's merge would have left, in the same transaction. Its id.
 */
export async function startedImport(
  t: TestApp,
  o: {
    orgId: string;
    kind: string;
    fileName: string;
    content: string;
    options: Record<string, unknown>;
    createdBy: { type: 'user'; id: string; name: string };
    inlineLeaseSeconds?: number;
    more?: (tx: Tx, id: string) => Promise<unknown>;
  },
): Promise<string> {
  const file = await storeFile({
    ctx: t.runtime.ctx,
    actor: { kind: 'operator', label: 'test' },
    orgId: o.orgId,
    name: o.fileName,
    contentType: 'application/octet-stream',
    body: (async function* () {
      yield Buffer.from(o.content);
    })(),
  });
  return withTenant(t.runtime.ctx.db.kysely, { orgIds: [o.orgId], operator: true }, async (tx) => {
    const id = await imports.insertImport(tx, {
      orgId: o.orgId,
      kind: o.kind,
      fileId: file.id,
      fileName: file.name,
      options: o.options,
      createdBy: o.createdBy,
      bytesTotal: file.size,
      ...(o.inlineLeaseSeconds ? { inlineLeaseSeconds: o.inlineLeaseSeconds } : {}),
    });
    // The run that died: its claim on the import (migration 0056) is nobody's now.
    expect(await imports.startRun(tx, o.orgId, id, randomUUID())).toBe(true);
    await imports.stageRows(tx, o.orgId, id, JSON.stringify([{ row_no: 1, key: 'x', data: { a: 1 } }]));
    await o.more?.(tx, id);
    return id;
  });
}

/**
 * An import as the database holds it, read as the operator: its state, its lease (run inside a
 * request), its end, and how many staged rows and scan work rows (hosts) it still has.
 */
export async function importState(t: TestApp, orgId: string, id: string) {
  return withTenant(t.runtime.ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
    const r = await sql<{
      status: string;
      error_list: Array<{ code: string }>;
      inline_lease_until: Date | null;
      finished_at: Date | null;
      staged: number;
      work: number;
    }>`
      select status, error_list, inline_lease_until, finished_at,
             (select count(*)::int from import_rows r where r.org_id = i.org_id and r.import_id = i.id) as staged,
             (select count(*)::int from scan_import_hosts h where h.org_id = i.org_id and h.import_id = i.id) as work
      from imports i where i.org_id = ${orgId} and i.id = ${id}`.execute(tx.q);
    return r.rows[0];
  });
}
