/**
 * Bearer-token verification for routes the API's authorizer does not guard (optional-token routes)
 * and for the local stack. On AWS: the Cognito issuer's JWKS; locally: an HS256 shared secret.
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { config } from '../config.ts';

export type Claims = JWTPayload & Record<string, unknown>;

let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

export async function verifyToken(token: string): Promise<Claims> {
  const cfg = config();
  const options = { issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE, clockTolerance: 30 };
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
