import { currentLanguage } from './i18n';

/** An RFC 9457 problem from the Værn API; `title` is already in the person's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    /** The fields the server refused (`body.slug`, …), with its (English) reason. */
    readonly fields: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(title);
    this.name = 'ApiError';
  }
}

/** The CSRF token of the current session, sent as x-csrf-token on every write. */
let csrfToken: string | undefined;

export function forgetCsrfToken() {
  csrfToken = undefined;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One call to /api/v1 with the session cookie; throws ApiError on a problem answer. */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': currentLanguage(),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = (data ?? {}) as { code?: unknown; title?: unknown; errors?: unknown };
    throw new ApiError(
      response.status,
      typeof problem.code === 'string' ? problem.code : 'error.unknown',
      typeof problem.title === 'string' ? problem.title : response.statusText,
      Array.isArray(problem.errors) ? problem.errors : [],
    );
  }
  const token = (data as { csrf_token?: unknown } | null)?.csrf_token;
  if (typeof token === 'string') csrfToken = token;
  return data as T;
}
