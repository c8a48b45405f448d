import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, JWTPayload, SignJWT } from 'jose';
import type { AppConfig } from '../config';
import { ROLES, Role, UnauthenticatedError } from './principal';

/** The claims of a staff token. */
export interface StaffClaims {
  /** Who (a user id of the identity provider). */
  sub: string;
  /** Province code of the tenant, e.g. "430000". */
  tenant: string;
  /** Code of the staff member's unit, e.g. "430100". */
  unit: string;
  roles: Role[];
  /** Set by the verifier: when the token stops being accepted (its `exp` plus the clock skew), in ms. */
  lapsesAt?: number;
}

/**
 * Mints an HS256 staff token (development, scripts, tests). Production tokens come from the
 * identity provider, verified with AUTH_JWT_SECRET or AUTH_JWKS_URL.
 */
export async function mintToken(
  secret: string,
  claims: StaffClaims,
  opts: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({ tenant: claims.tenant, unit: claims.unit, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '8h');
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

export type TokenVerifier = (token: string) => Promise<StaffClaims>;

/** How long a token may live and how far clocks may disagree, in seconds (AUTH_TOKEN_MAX_LIFETIME_S, AUTH_CLOCK_SKEW_S). */
export interface TokenLifetime {
  maxLifetimeS: number;
  clockSkewS: number;
}
export const DEFAULT_LIFETIME: TokenLifetime = { maxLifetimeS: 24 * 3600, clockSkewS: 60 };

/**
 * A verifier of staff tokens from the configuration: HS256 with the secret, or the keys of a
 * JWKS URL (cached and refreshed by jose). Any failure is UNAUTHENTICATED: expired, bad signature,
 * wrong issuer/audience, missing or malformed claims, or no verification configured.
 */
export function createTokenVerifier(auth: AppConfig['auth'], lifetime: TokenLifetime = DEFAULT_LIFETIME): TokenVerifier {
  const secret = auth.jwtSecret ? new TextEncoder().encode(auth.jwtSecret) : null;
  const jwks = auth.jwksUrl ? createRemoteJWKSet(new URL(auth.jwksUrl)) : null;
  // Every token must expire: `exp` is required, and exp − iat (or exp − now without iat) is at most
  // the configured lifetime. exp, nbf and iat are checked with the bounded clock skew.
  const options = {
    issuer: auth.issuer,
    audience: auth.audience,
    algorithms: secret ? ['HS256'] : ['RS256', 'ES256', 'PS256', 'EdDSA'],
    requiredClaims: ['exp'],
    clockTolerance: lifetime.clockSkewS,
  };
  return async (token) => {
    if (!secret && !jwks) throw new UnauthenticatedError('Bearer tokens are not accepted: the server has no AUTH_JWT_SECRET or AUTH_JWKS_URL.');
    let payload: JWTPayload;
    try {
      payload = secret ? (await jwtVerify(token, secret, options)).payload : (await jwtVerify(token, jwks!, options)).payload;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('The token has expired.');
      throw new UnauthenticatedError('The token is invalid.');
    }
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
    if (issuedAt > now + lifetime.clockSkewS) throw new UnauthenticatedError('The token is issued in the future.');
    if (typeof payload.exp !== 'number' || payload.exp - issuedAt > lifetime.maxLifetimeS + lifetime.clockSkewS) {
      throw new UnauthenticatedError(`The token lives longer than the ${lifetime.maxLifetimeS} s allowed; ask for a shorter one.`);
    }
    const { sub, tenant, unit, roles } = payload as JWTPayload & Record<string, unknown>;
    if (typeof sub !== 'string' || !sub || typeof tenant !== 'string' || typeof unit !== 'string' || [sub, tenant, unit].some((c) => c.length > 200 || c.includes('\u0000'))) {
      throw new UnauthenticatedError('The token lacks the sub, tenant or unit claim.');
    }
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => (ROLES as readonly string[]).includes(r as string))) {
      throw new UnauthenticatedError(`The token's roles claim must list some of ${ROLES.join(', ')}.`);
    }
    return { sub, tenant, unit, roles: roles as Role[], lapsesAt: (payload.exp + lifetime.clockSkewS) * 1000 };
  };
}

/** A new API key: `edk_<prefix>_<secret>`; the prefix finds the row, the SHA-256 of the whole key checks it. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const key = `edk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The prefix of a well-formed key, or null. */
export function apiKeyPrefix(key: string): string | null {
  const m = /^edk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(key);
  return m ? m[1] : null;
}
