import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../app/api';
import { currentLanguage } from '../app/i18n';

/**
 * An import's progress and, at the end, its summary (docs/imports.md): the framework's keys. Each
 * kind adds keys of its own (a register's counts, a scan's figures); the screens extend this.
 */
export interface ImportStatus {
  import_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'refused' | 'failed';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  error_list: Array<{ row: number | null; column: string | null; message: string }>;
  kind: string;
  phase: string | null;
  processed: number;
  progress: number;
  file_name: string | null;
  created_at: string;
  finished_at: string | null;
}

const FINISHED = new Set<string>(['succeeded', 'refused', 'failed']);

/** Whether an import has ended (succeeded, refused or failed). */
export const importFinished = (status: ImportStatus | undefined): boolean =>
  status !== undefined && FINISHED.has(status.status);

/**
 * Streams a file to the import framework as it is (the body is the file, not JSON), with its
 * media type, the kind's options in the query string and the session's CSRF token; answers the
 * new import's id. A refusal (415, 413, 400, 403) throws the server's translated problem.
 */
export async function uploadImport(opts: {
  org: string;
  kind: string;
  file: File;
  contentType: string;
  csrf: string;
  options?: Record<string, string>;
}): Promise<string> {
  // Control and formatting characters left out of the name, which the server refuses
  // (UNSHOWN in src/server/modules/imports/schemas.ts).
  const name = opts.file.name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '') || 'file';
  const query = new URLSearchParams({ name, ...opts.options });
  const response = await fetch(`/api/v1/orgs/${encodeURIComponent(opts.org)}/imports/${opts.kind}?${query}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      'accept-language': currentLanguage(),
      'content-type': opts.contentType,
      'x-csrf-token': opts.csrf,
    },
    body: opts.file,
  });
  const data = (await response.json().catch(() => null)) as {
    import_id?: string;
    code?: string;
    title?: string;
  } | null;
  if (!response.ok || !data?.import_id) {
    throw new ApiError(response.status, data?.code ?? 'error.unknown', data?.title ?? response.statusText);
  }
  return data.import_id;
}

/** Polls an import until it ends; disabled while there is no import id. */
export function useImportStatus<T extends ImportStatus>(org: string, importId: string | undefined) {
  return useQuery({
    queryKey: ['imports', org, importId],
    queryFn: () => api<T>('GET', `/orgs/${encodeURIComponent(org)}/imports/${importId}`),
    enabled: importId !== undefined,
    refetchInterval: (query) => (importFinished(query.state.data) ? false : 400),
  });
}
