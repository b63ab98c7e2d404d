/**
 * Bearer-token verification for routes the API's authorizer does not guard (optional-token routes)
 * and for the local stack. On AWS: the Cognito issuer's JWKS; locally: an HS256 shared secret.
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type Config, config } from '../config.ts';

export type Claims = JWTPayload & Record<string, unknown>;

let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

/** Leeway on `exp` and `nbf`, for clocks a little apart. */
const CLOCK_TOLERANCE_S = 30;

/**
 * Tokens already verified in this container, until they expire: a signed token does not change,
 * so one verification serves every request that carries it. Keyed by the exact token string and
 * tied to the configuration it was verified under; only successes are kept; least recently used
 * entries leave first.
 */
const verified = new Map<string, { claims: Claims; exp: number; nbf?: number; cfg: Config }>();
const VERIFIED_LIMIT = 500;

/** Whether the token's time claims allow it at `nowS` (seconds), as the verifier judges them. */
const inTime = (exp: number, nbf: number | undefined, nowS: number): boolean =>
  exp > nowS - CLOCK_TOLERANCE_S && (nbf === undefined || nbf <= nowS + CLOCK_TOLERANCE_S);

export async function verifyToken(token: string): Promise<Claims> {
  const cfg = config();
  const nowS = Math.floor(Date.now() / 1000);
  const hit = verified.get(token);
  if (hit) {
    verified.delete(token);
    if (hit.cfg === cfg && inTime(hit.exp, hit.nbf, nowS)) {
      verified.set(token, hit);
      // A copy: what a caller does with its claims never reaches the next request's.
      return structuredClone(hit.claims);
    }
  }
  const claims = await verifySignedToken(token, cfg);
  // A token without an expiry is verified every time rather than trusted for ever.
  if (typeof claims.exp === 'number' && inTime(claims.exp, claims.nbf, nowS)) {
    if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.keys().next().value as string);
    verified.set(token, {
      claims: structuredClone(claims),
      exp: claims.exp,
      ...(typeof claims.nbf === 'number' ? { nbf: claims.nbf } : {}),
      cfg,
    });
  }
  return claims;
}

async function verifySignedToken(token: string, cfg: Config): Promise<Claims> {
  const options = { issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE, clockTolerance: CLOCK_TOLERANCE_S };
  if (cfg.JWT_LOCAL_SECRET) {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(cfg.JWT_LOCAL_SECRET), {
      ...options,
      algorithms: ['HS256'],
    });
    return payload as Claims;
  }
  jwks ??= createRemoteJWKSet(new URL(`${cfg.JWT_ISSUER.replace(/\/$/, '')}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(token, jwks, { ...options, algorithms: ['RS256'] });
  return payload as Claims;
}

/** Local stack only: mint a token with the claims Cognito would put in an ID token. */
export async function signLocalToken(
  claims: { sub: string; name: string; email?: string; roles: string[]; agencyId?: string },
  now: Date,
  ttlSeconds = 12 * 3600,
): Promise<string> {
  const cfg = config();
  if (!cfg.JWT_LOCAL_SECRET) throw new Error('JWT_LOCAL_SECRET is not set: local tokens are for the local stack only');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    name: claims.name,
    ...(claims.email ? { email: claims.email } : {}),
    'cognito:groups': claims.roles,
    ...(claims.agencyId ? { 'custom:agencyId': claims.agencyId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(cfg.JWT_ISSUER)
    .setAudience(cfg.JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(new TextEncoder().encode(cfg.JWT_LOCAL_SECRET));
}
