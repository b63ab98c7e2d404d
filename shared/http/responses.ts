/** The one response shaper and the one place that maps domain errors to HTTP statuses. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type DomainErrorKind, RateLimited } from '../domain/errors.ts';
import { log } from '../log.ts';

const STATUS: Record<DomainErrorKind, number> = {
  validation: 422,
  not_found: 404,
  forbidden: 403,
  unauthenticated: 401,
  state_conflict: 409,
  version_mismatch: 412,
  payload_too_large: 413,
  rate_limited: 429,
};

/** Codes that are not "unprocessable" but malformed (400) or of the wrong media type (415). */
const STATUS_BY_CODE: Record<string, number> = { invalid_json: 400, unsupported_media_type: 415 };

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(e: unknown): APIGatewayProxyStructuredResultV2 {
  if (e instanceof DomainError) {
    const status = STATUS_BY_CODE[e.code] ?? STATUS[e.kind];
    const headers: Record<string, string> =
      e instanceof RateLimited ? { 'retry-after': String(e.retryAfterSeconds) } : {};
    return json(
      status,
      { error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) } },
      headers,
    );
  }
  log('error', 'unhandled error', { error: String((e as Error)?.stack ?? e) });
  return json(500, { error: { code: 'internal_error', message: 'Hệ thống đang gặp sự cố, vui lòng thử lại sau.' } });
}
