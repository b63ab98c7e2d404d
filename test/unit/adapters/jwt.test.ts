import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signLocalToken, verifyToken } from '../../../shared/adapters/jwt.ts';
import { resetConfig } from '../../../shared/config.ts';

const SECRET = 'unit-test-secret-0123456789';
const T0 = new Date('2026-03-02T01:00:00Z');
const operator = { sub: 'op-1', name: 'Điện thoại viên', roles: ['operator'] };

const mint = (claims: { exp?: number; nbf?: number }, secret = SECRET) => {
  const jwt = new SignJWT({ 'cognito:groups': ['operator'] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('op-2')
    .setIssuer('pakn-local')
    .setAudience('pakn')
    .setIssuedAt(Math.floor(T0.getTime() / 1000));
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
  return jwt.sign(new TextEncoder().encode(secret));
};

describe('verifyToken (verified tokens cached until they expire)', () => {
  beforeEach(() => {
    vi.stubEnv('JWT_LOCAL_SECRET', SECRET);
    vi.stubEnv('JWT_ISSUER', 'pakn-local');
    vi.stubEnv('JWT_AUDIENCE', 'pakn');
    resetConfig();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    resetConfig();
  });

  it('serves a verified token again, and still rejects it once it has expired', async () => {
    const token = await signLocalToken(operator, T0, 600);
    expect((await verifyToken(token)).sub).toBe('op-1');
    vi.setSystemTime(T0.getTime() + 300_000);
    expect((await verifyToken(token)).sub).toBe('op-1');
    // Past `exp` and the 30 s leeway: refused although it was cached.
    vi.setSystemTime(T0.getTime() + 631_000);
    await expect(verifyToken(token)).rejects.toThrow(/exp/);
    await expect(verifyToken(token)).rejects.toThrow(/exp/);
  });

  it('never caches a failure, and never turns one into a success', async () => {
    const good = await signLocalToken(operator, T0, 600);
    const forged = await mint({ exp: Math.floor(T0.getTime() / 1000) + 600 }, 'another-secret-0123456789');
    await expect(verifyToken(forged)).rejects.toThrow();
    await expect(verifyToken(forged)).rejects.toThrow();
    await verifyToken(good);
    const tampered = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(verifyToken(tampered)).rejects.toThrow();
    // A token not yet valid fails now and passes once its time comes.
    const later = await mint({
      nbf: Math.floor(T0.getTime() / 1000) + 120,
      exp: Math.floor(T0.getTime() / 1000) + 600,
    });
    await expect(verifyToken(later)).rejects.toThrow(/nbf/);
    vi.setSystemTime(T0.getTime() + 120_000);
    expect((await verifyToken(later)).sub).toBe('op-2');
  });

  it('verifies again under a new configuration (another secret refuses the cached token)', async () => {
    const token = await signLocalToken(operator, T0, 600);
    await verifyToken(token);
    vi.stubEnv('JWT_LOCAL_SECRET', 'rotated-secret-0123456789');
    resetConfig();
    await expect(verifyToken(token)).rejects.toThrow();
  });

  it('hands out copies: a caller changing its claims does not change the cached ones', async () => {
    const token = await signLocalToken(operator, T0, 600);
    const first = await verifyToken(token);
    first.sub = 'someone-else';
    expect((await verifyToken(token)).sub).toBe('op-1');
    (await verifyToken(token)).name = 'x';
    ((await verifyToken(token))['cognito:groups'] as string[]).push('admin');
    expect(await verifyToken(token)).toMatchObject({ name: operator.name, 'cognito:groups': ['operator'] });
  });

  it('verifies a token without an expiry on every use', async () => {
    const token = await mint({});
    expect((await verifyToken(token)).sub).toBe('op-2');
    expect((await verifyToken(token)).sub).toBe('op-2');
  });
});
