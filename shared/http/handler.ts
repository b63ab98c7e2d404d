/**
 * The one way an HTTP function is built: a middy handler that parses and validates the request,
 * establishes who is calling, runs the use case, and shapes every error the same way.
 * Handlers stay thin: `httpHandler(options, ({ body, actor, now }) => useCase(...))`.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { rateLimiter } from '../adapters/deps.ts';
import { type Claims, verifyToken } from '../adapters/jwt.ts';
import { config } from '../config.ts';
import type { Actor, Role } from '../domain/actor.ts';
import { hasRole, ROLES } from '../domain/actor.ts';
import { DomainError, forbidden, RateLimited } from '../domain/errors.ts';
import { parseInput } from '../domain/validation.ts';
import { log } from '../log.ts';
import { signedBytes, verifySignature } from './hmac.ts';
import { errorResponse, json } from './responses.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpOptions<S extends z.ZodType | undefined> {
  /** `jwt`: the API authorizer verified the token; `optional-jwt`: verify it here when sent. */
  access: 'public' | 'jwt' | 'optional-jwt' | 'hmac';
  roles?: Role[];
  body?: S;
  /** Keep the raw body (HMAC-signed machine endpoints verify it byte for byte). */
  rawBody?: boolean;
  /** `hmac` access: the shared secret `X-Signature` is checked with, before the body is parsed. */
  hmacSecret?: string;
}

export interface HttpRequest<B> {
  event: HttpEvent;
  body: B;
  rawBody: string;
  actor?: Actor;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** `If-Match: "<version>"`, when sent. */
  ifMatch?: number;
  now: Date;
}

type Body<S> = S extends z.ZodType ? z.output<S> : undefined;

export function httpHandler<S extends z.ZodType | undefined = undefined>(
  options: HttpOptions<S>,
  run: (req: HttpRequest<Body<S>>) => Promise<HttpResult>,
) {
  return middy<HttpEvent, HttpResult>()
    .use(errorShaper())
    .handler(async (event) => run((await parseRequest(event, options)) as HttpRequest<Body<S>>));
}

/** Registered first so its `onError` runs last: every thrown error becomes the contract's error body. */
function errorShaper(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      request.response = errorResponse(request.error);
    },
  };
}

/** Lower-cased headers and the decoded body, refused over {@link MAX_BODY_BYTES} (413). */
export function readRaw(event: HttpEvent): { headers: Record<string, string>; rawBody: string } {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']));
  const rawBody = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) {
    throw new DomainError(
      'payload_too_large',
      'payload_too_large',
      `Nội dung gửi lên vượt quá ${MAX_BODY_BYTES / 1024} KB.`,
    );
  }
  return { headers, rawBody };
}

async function parseRequest<S extends z.ZodType | undefined>(
  event: HttpEvent,
  options: HttpOptions<S>,
): Promise<HttpRequest<unknown>> {
  const { headers, rawBody } = readRaw(event);
  await limitPublicWrites(event, headers, options);
  const actor = await authenticate(event, headers, options);
  let body: unknown;
  if (options.body) {
    const contentType = headers['content-type'] ?? '';
    if (rawBody && !/^application\/(.+\+)?json\b/i.test(contentType)) {
      throw new DomainError(
        'validation',
        'unsupported_media_type',
        'Chỉ nhận dữ liệu JSON (Content-Type: application/json).',
      );
    }
    let parsed: unknown;
    try {
      parsed = rawBody ? JSON.parse(rawBody) : {};
    } catch {
      throw new DomainError('validation', 'invalid_json', 'Dữ liệu gửi lên không phải JSON hợp lệ.');
    }
    body = parseInput(options.body, parsed);
  }
  const ifMatchHeader = headers['if-match'];
  let ifMatch: number | undefined;
  if (ifMatchHeader) {
    const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatchHeader.trim());
    if (!m)
      throw new DomainError('validation', 'invalid_if_match', 'If-Match phải là số phiên bản, ví dụ "3".', [
        { field: 'If-Match', message: 'Không hợp lệ.' },
      ]);
    ifMatch = Number(m[1]);
  }
  return {
    event,
    body,
    rawBody,
    ...(actor ? { actor } : {}),
    params: Object.fromEntries(Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, v ?? ''])),
    query: Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, v ?? ''])),
    headers,
    ...(ifMatch !== undefined ? { ifMatch } : {}),
    now: new Date(event.requestContext?.timeEpoch ?? Date.now()),
  };
}

async function authenticate(
  event: HttpEvent,
  headers: Record<string, string>,
  options: HttpOptions<z.ZodType | undefined>,
): Promise<Actor | undefined> {
  let claims: Claims | undefined;
  if (options.access === 'jwt') {
    claims = event.requestContext?.authorizer?.jwt?.claims as Claims | undefined;
    if (!claims?.sub) throw new DomainError('unauthenticated', 'unauthenticated', 'Cần đăng nhập.');
  } else if (options.access === 'hmac') {
    verifySignature(signedBytes(event), headers['x-signature'], options.hmacSecret);
    return undefined;
  } else if (options.access === 'optional-jwt' && headers.authorization) {
    const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization)?.[1];
    claims = token ? await verifyToken(token).catch(() => undefined) : undefined;
    if (!claims)
      throw new DomainError('unauthenticated', 'invalid_token', 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn.');
  }
  if (!claims) return undefined;
  const actor = actorFromClaims(claims);
  if (options.roles && !hasRole(actor, ...options.roles)) throw forbidden();
  return actor;
}

/**
 * Per-client abuse protection on public writes, counted in the table so every container shares the
 * count. Behind CloudFront the viewer's address arrives in `CloudFront-Viewer-Address`; the source
 * IP would be the edge's.
 */
async function limitPublicWrites(
  event: HttpEvent,
  headers: Record<string, string>,
  options: HttpOptions<z.ZodType | undefined>,
) {
  const limit = config().PAKN_PUBLIC_RATE_LIMIT;
  const method = event.requestContext?.http?.method ?? event.routeKey?.split(' ')[0];
  if (options.access !== 'public' || limit <= 0 || !method || method === 'GET') return;
  const viewer = headers['cloudfront-viewer-address']?.replace(/:\d+$/, '');
  const client = viewer || event.requestContext?.http?.sourceIp || 'unknown';
  const now = new Date(event.requestContext?.timeEpoch ?? Date.now());
  let allowed: boolean;
  try {
    allowed = await rateLimiter().allow('public', client, now, limit);
  } catch (e) {
    // Fail open: a counter that cannot be read must not stop citizens from filing; the API's own
    // throttling still caps the total.
    log('warn', 'rate limiter unavailable', { error: String((e as Error).message ?? e) });
    return;
  }
  if (!allowed) throw new RateLimited(60 - now.getUTCSeconds());
}

/** The caller of a `jwt` route (the authorizer guarantees one). */
export function requireActor(req: { actor?: Actor }): Actor {
  if (!req.actor) throw new DomainError('unauthenticated', 'unauthenticated', 'Cần đăng nhập.');
  return req.actor;
}

/** API Gateway passes array claims as a string like "[operator coordinator]"; accept both forms. */
export function actorFromClaims(claims: Claims): Actor {
  const raw = claims['cognito:groups'];
  const groups = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  const agencyId = claims['custom:agencyId'];
  return {
    id: String(claims.sub),
    name: typeof claims.name === 'string' ? claims.name : String(claims.sub),
    roles: ROLES.filter((r) => groups.includes(r)),
    ...(typeof agencyId === 'string' && agencyId ? { agencyId } : {}),
  };
}

export { json };
