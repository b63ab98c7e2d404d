/**
 * Request signatures for machine endpoints: `X-Signature: sha256=<hex>`, HMAC-SHA256 of the raw
 * body bytes with a shared secret. Checked before the body is parsed, in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors.ts';
import { log } from '../log.ts';

/** The body exactly as the caller sent it: API Gateway base64-encodes what it does not take as text. */
export function signedBytes(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** The header value a sender puts on `body`. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const refused = () =>
  new DomainError('unauthenticated', 'invalid_signature', 'Chữ ký yêu cầu (X-Signature) bị thiếu hoặc không hợp lệ.');

/** Throws 401 unless `header` is the HMAC-SHA256 of `body` under `secret`; no secret refuses all. */
export function verifySignature(body: Buffer, header: string | undefined, secret: string | undefined): void {
  if (!secret) {
    log('error', 'HMAC secret not configured: every signed request is refused');
    throw refused();
  }
  const given = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  const expected = createHmac('sha256', secret).update(body).digest();
  // Compare even when the header is malformed, so the answer takes the same time either way.
  const candidate = given ? Buffer.from(given, 'hex') : Buffer.alloc(expected.length);
  if (!timingSafeEqual(candidate, expected) || !given) throw refused();
}
