import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../lib/errors.js';
import { issueMessage } from '../lib/field-messages.js';
import {
  type Locale,
  localeFromHeader,
  type MessageKey,
  type MessageParams,
  translate,
} from '../lib/messages.js';

export function requestLocale(request: FastifyRequest): Locale {
  const actor = request.actor;
  if (actor?.kind === 'user' && !request.headers['accept-language']) return actor.locale;
  return localeFromHeader(request.headers['accept-language']);
}

/** RFC 9457 problem details; `code` is the stable message key, `title`/`detail` are translated. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: MessageKey | string,
  params: MessageParams = {},
  errors: FieldError[] = [],
) {
  const locale = requestLocale(request);
  const body: Record<string, unknown> = {
    type: `urn:vaern:problem:${code}`,
    title: translate(code, locale, params),
    status,
    code,
    instance: request.url.split('?')[0],
  };
  if (errors.length > 0)
    body.errors = errors.map((e) => ({
      path: e.path,
      message: e.code ? translate(e.code, locale, e.params ?? {}) : e.message,
    }));
  return reply.code(status).type('application/problem+json; charset=utf-8').send(body);
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    return sendProblem(request, reply, error.status, error.code, error.params, error.fieldErrors);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: [error.validationContext, v.instancePath.replace(/^\//, '').replaceAll('/', '.')]
        .filter(Boolean)
        .join('.'),
      message: v.message ?? 'invalid',
      ...issueMessage({ ...v.params, code: v.keyword, message: v.message ?? '' }),
    }));
    return sendProblem(request, reply, 400, 'error.validation', {}, errors);
  }
  // A row another transaction holds for longer than the request may wait (waitForLocksAtMost).
  if ((error as { code?: string }).code === '55P03') {
    void reply.header('retry-after', '5');
    return sendProblem(request, reply, 409, 'error.busy');
  }
  const status = error.statusCode ?? 500;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return sendProblem(request, reply, 413, 'error.too_large', {
      limit: String(request.routeOptions.bodyLimit),
    });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
    return sendProblem(request, reply, 415, 'error.unsupported_media_type');
  }
  if (status === 429) {
    const seconds = Math.ceil(Number(reply.getHeader('retry-after') ?? 60));
    return sendProblem(request, reply, 429, 'error.rate_limited', { seconds });
  }
  if (status >= 400 && status < 500) {
    return sendProblem(request, reply, status, 'error.bad_request', {}, [
      { path: '', message: error.message },
    ]);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(request, reply, 500, 'error.internal');
}
