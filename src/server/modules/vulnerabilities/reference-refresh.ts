import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withTenant } from '../../db/tenant.js';
import type { JobDefinition } from '../../jobs/queue.js';
import type { Actor } from '../../lib/actor.js';
import { startImport } from '../imports/service.js';
import { readSetting } from '../settings/registry.js';
import { findSectorUnit } from './reference-queries.js';

/**
 * The daily refresh of KEV and EPSS: each from the URL in its platform setting (`kev_url`,
 * `epss_url`; empty = off). The file is downloaded (at most DOWNLOAD_MAX_BYTES, within
 * DOWNLOAD_TIMEOUT_MS), stored and imported into the sector unit's organisation through the same
 * import as `vaern import kev|epss`, started by this job as its actor, so the import's audit
 * entry names the job.
 */

export const DOWNLOAD_MAX_BYTES = 256 * 1024 * 1024;
export const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

const SOURCES = [
  { kind: 'kev', setting: 'kev_url', contentType: 'application/json' },
  { kind: 'epss', setting: 'epss_url', contentType: 'application/octet-stream' },
] as const;

/** The response body, refused once it passes the limit. */
async function* limited(body: AsyncIterable<Uint8Array>, url: string): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > DOWNLOAD_MAX_BYTES) throw new Error(`${url} is larger than ${DOWNLOAD_MAX_BYTES} bytes`);
    yield chunk;
  }
}

export interface RefreshResult {
  kind: string;
  import_id?: string;
  skipped?: string;
}

/** Downloads and starts the configured imports; returns what it started or why it did not. */
export async function refreshReferenceData(ctx: AppContext): Promise<RefreshResult[]> {
  const { sector, urls } = await withTenant(ctx.db.kysely, { orgIds: [] }, async (tx) => ({
    sector: await findSectorUnit(tx),
    urls: { kev: await readSetting(tx, 'kev_url'), epss: await readSetting(tx, 'epss_url') },
  }));
  const results: RefreshResult[] = [];
  for (const source of SOURCES) {
    const url = urls[source.kind];
    if (!url) {
      results.push({ kind: source.kind, skipped: 'no URL configured' });
      continue;
    }
    if (!sector) {
      results.push({ kind: source.kind, skipped: 'no single sector unit organisation' });
      continue;
    }
    const actor: Actor = {
      kind: 'job',
      job: 'vulnerabilities.refresh',
      orgId: sector.id,
      onBehalfOf: { type: 'job', name: 'vulnerabilities.refresh' },
    };
    const response = await fetch(url, {
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
      redirect: 'follow',
    });
    if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (length > DOWNLOAD_MAX_BYTES) throw new Error(`${url} is larger than ${DOWNLOAD_MAX_BYTES} bytes`);
    const fileName = decodeURIComponent(new URL(url).pathname.split('/').pop() || source.kind);
    const started = await startImport({
      ctx,
      actor,
      org: sector,
      kind: source.kind,
      contentType: source.contentType,
      contentLength: Number.isFinite(length) ? length : undefined,
      fileName,
      options: {},
      body: limited(response.body as unknown as AsyncIterable<Uint8Array>, url),
    });
    results.push({ kind: source.kind, import_id: started.import_id });
  }
  return results;
}

const refreshPayload = z.strictObject({});

export const refreshJob = (ctx: AppContext): JobDefinition<typeof refreshPayload> => ({
  name: 'vulnerabilities.refresh',
  payload: refreshPayload,
  retryLimit: 3,
  expireInSeconds: 1800,
  // Twenty past four UTC, every day (CISA and FIRST publish during the previous day, US time).
  schedule: '20 4 * * *',
  handle: async () => {
    const results = await refreshReferenceData(ctx);
    ctx.log.info({ results }, 'vulnerability reference data refresh started');
  },
});

export const referenceJobs = (ctx: AppContext): JobDefinition[] => [refreshJob(ctx)];
