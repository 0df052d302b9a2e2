import type { MessageKey, MessageParams } from './messages.js';

/** A message key: one of messages.ts or one a module registered with addMessages. */
type Code = MessageKey | (string & {});

export interface FieldError {
  path: string;
  /** In English; replaced by the message `code` in the request's language when it has one. */
  message: string;
  code?: string;
  params?: MessageParams;
}

/** An error the caller can act on. The HTTP layer turns it into application/problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: Code,
    readonly params: MessageParams = {},
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(code);
  }
}

export const badRequest = (code: Code = 'error.bad_request', params?: MessageParams) =>
  new AppError(400, code, params);
export const unauthenticated = (code: Code = 'error.unauthenticated', params?: MessageParams) =>
  new AppError(401, code, params);
export const forbidden = (code: Code = 'error.forbidden', params?: MessageParams) =>
  new AppError(403, code, params);
export const notFound = (code: Code = 'error.not_found', params?: MessageParams) =>
  new AppError(404, code, params);
export const conflict = (code: Code = 'error.conflict', params?: MessageParams) =>
  new AppError(409, code, params);

/** PostgreSQL's unique_violation, for services that turn it into a domain message. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string } | undefined;
  if (e?.code !== '23505') return false;
  if (!constraint) return true;
  return e.constraint === constraint || (e.message ?? '').includes(constraint);
}
