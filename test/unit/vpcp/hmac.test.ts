import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors.ts';
import { signBody, signedBytes, verifySignature } from '../../../shared/http/hmac.ts';

const SECRET = 'unit-test-vpcp-secret-0123456789';
const body = Buffer.from('{"maPakn":"VPCP-1","tieuDe":"Đường hỏng"}', 'utf8');

const refusal = (fn: () => void): DomainError => {
  try {
    fn();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a refusal');
};

describe('X-Signature verification', () => {
  it('accepts the HMAC-SHA256 of the raw bytes, in either hex case', () => {
    const header = signBody(SECRET, body);
    expect(header).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
    expect(() => verifySignature(body, header, SECRET)).not.toThrow();
    expect(() => verifySignature(body, header.toUpperCase().replace('SHA256=', 'sha256='), SECRET)).not.toThrow();
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without the scheme', createHmac('sha256', SECRET).update(body).digest('hex')],
    ['of another body', signBody(SECRET, `${body.toString()} `)],
    ['with another secret', signBody('another-secret-0123456789abcdef', body)],
    ['truncated', signBody(SECRET, body).slice(0, 40)],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['sha1', `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`],
  ])('refuses a signature %s with 401 invalid_signature', (_what, header) => {
    const e = refusal(() => verifySignature(body, header, SECRET));
    expect(e).toBeInstanceOf(DomainError);
    expect(e.kind).toBe('unauthenticated');
    expect(e.code).toBe('invalid_signature');
  });

  it('refuses everything when no secret is configured (fails closed)', () => {
    expect(refusal(() => verifySignature(body, signBody(SECRET, body), undefined)).kind).toBe('unauthenticated');
  });

  it('signs the bytes as sent: base64 bodies are decoded, text bodies taken as UTF-8', () => {
    expect(signedBytes({ body: body.toString('base64'), isBase64Encoded: true }).equals(body)).toBe(true);
    expect(signedBytes({ body: body.toString('utf8'), isBase64Encoded: false }).equals(body)).toBe(true);
    expect(signedBytes({ isBase64Encoded: false }).length).toBe(0);
  });
});
