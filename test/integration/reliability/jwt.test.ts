/**
 * Forged and misused tokens against the local stack, which verifies bearer tokens as the API's JWT
 * authorizer does (HS256 with the local secret, issuer, audience, expiry) and leaves roles and the
 * agency claim to the handlers. Each attack must end in 401 (not a valid token) or 403 (a valid
 * token that may not do this), and must change nothing.
 */
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET } from '../../../infra/local/stack.ts';
import { sampleCall, startTestStack, type TestStack } from '../../support/stack.ts';

const AGENCY = 'SO-TP';
const secret = new TextEncoder().encode(LOCAL_JWT_SECRET);

let stack: TestStack;
let code: string;
let versionBefore: number;

interface Forge {
  roles?: string[];
  agencyId?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
  key?: Uint8Array;
  alg?: string;
}

/** A token shaped like the local ones (and Cognito's ID tokens), with one thing wrong at a time. */
function forge(f: Forge = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    name: 'Kẻ giả mạo',
    'cognito:groups': f.roles ?? ['officer'],
    ...(f.agencyId === undefined ? { 'custom:agencyId': AGENCY } : f.agencyId ? { 'custom:agencyId': f.agencyId } : {}),
  })
    .setProtectedHeader({ alg: f.alg ?? 'HS256', typ: 'JWT' })
    .setSubject('attacker')
    .setIssuer(f.issuer ?? 'pakn-local')
    .setAudience(f.audience ?? 'pakn')
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (f.expiresIn ?? 3600))
    .sign(f.key ?? secret);
}

beforeAll(async () => {
  stack = await startTestStack();
  const operator = await stack.token('operator');
  const coordinator = await stack.token('coordinator');
  const call = await stack.api('POST', '/v1/hotline/calls', {
    token: operator,
    body: sampleCall({
      calledAt: new Date(Date.now() - 3_600_000).toISOString(),
      content: 'Công dân đề nghị được giải đáp, hướng dẫn cụ thể nội dung đã trình bày qua điện thoại.',
    }),
  });
  code = call.json.code;
  const classify = await stack.api('POST', `/v1/cases/${code}/classify`, {
    token: coordinator,
    body: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'dat-dai', agencyId: AGENCY },
  });
  expect(classify.status, classify.text).toBe(200);
  versionBefore = classify.json.version;
});
afterAll(() => stack?.close());

const accept = (token: string) => stack.api('POST', `/v1/cases/${code}/accept`, { token });

describe('tokens that are not valid: 401', () => {
  it('control: the same forge with every field right is accepted', async () => {
    // Proves the forge itself is sound, so each 401 below is caused by the one thing changed.
    const r = await stack.api('GET', '/v1/agency/cases', { token: await forge() });
    expect(r.status, r.text).toBe(200);
  });

  it.each<[string, () => Promise<string>]>([
    ['signed with another key', () => forge({ key: new TextEncoder().encode('another-secret-of-enough-length') })],
    ['expired an hour ago', () => forge({ expiresIn: -3600 })],
    ['for another audience', () => forge({ audience: 'another-app' })],
    ['from another issuer', () => forge({ issuer: 'https://evil.example' })],
    ['signed with HS512 instead of HS256', () => forge({ alg: 'HS512' })],
    [
      'with alg "none" and no signature',
      async () =>
        new UnsecuredJWT({ 'cognito:groups': ['officer'], 'custom:agencyId': AGENCY, name: 'Kẻ giả mạo' })
          .setSubject('attacker')
          .setIssuer('pakn-local')
          .setAudience('pakn')
          .setIssuedAt()
          .setExpirationTime('1h')
          .encode(),
    ],
    [
      'with its payload swapped for a coordinator one, signature kept',
      async () => {
        const [header, , signature] = (await forge()).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            sub: 'attacker',
            'cognito:groups': ['coordinator'],
            iss: 'pakn-local',
            aud: 'pakn',
            exp: Math.floor(Date.now() / 1000) + 3600,
          }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['that is not a JWT at all', async () => 'not-a-token'],
  ])('refuses a token %s', async (_name, make) => {
    const token = await make();
    const routes = [
      accept(token),
      stack.api('GET', '/v1/agency/cases', { token }),
      stack.api('GET', '/v1/cases', { token }),
      stack.api('POST', '/v1/hotline/calls', { token, body: sampleCall() }),
      // The public view answers anonymous callers, but a token sent with it must still be valid.
      stack.api('GET', `/v1/cases/${code}`, { token }),
    ];
    for (const r of await Promise.all(routes)) {
      expect(r.status, r.text).toBe(401);
      expect(r.json.error.code).toMatch(/unauthenticated|invalid_token/);
    }
  });
});

describe('valid tokens that may not do this: 403', () => {
  it('an officer token without the agency claim cannot act on or list agency cases', async () => {
    const token = await forge({ agencyId: '' });
    expect((await accept(token)).status).toBe(403);
    expect((await stack.api('GET', '/v1/agency/cases', { token })).status).toBe(403);
  });

  it('an officer of another agency cannot accept the case', async () => {
    expect((await accept(await forge({ agencyId: 'SO-YT' }))).status).toBe(403);
  });

  it('an operator or a citizen-looking token cannot take officer or coordinator actions', async () => {
    const operator = await forge({ roles: ['operator'] });
    const nobody = await forge({ roles: [] });
    for (const token of [operator, nobody]) {
      expect((await accept(token)).status).toBe(403);
      expect((await stack.api('GET', '/v1/cases', { token })).status).toBe(403);
    }
  });

  it('none of the attacks changed the case', async () => {
    const r = await stack.api('GET', `/v1/cases/${code}`, { token: await stack.token('coordinator') });
    expect(r.json.status).toBe('assigned');
    expect(r.json.version).toBe(versionBefore);
  });
});
