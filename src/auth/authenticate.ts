import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyRepository } from '../modules/apikeys/api-key.repository';
import { ANONYMOUS, KEY_SCOPES, KeyScope, Principal, UnauthenticatedError } from './principal';
import { apiKeyPrefix, hashApiKey, TokenVerifier } from './tokens';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Who is asking, from the request headers: `Authorization: Bearer <JWT>` (staff), `X-Api-Key`
 * (integrators), or nobody (anonymous). A credential that is present but expired, malformed,
 * unknown or revoked is UNAUTHENTICATED, never anonymous. One SQL statement for staff and keys
 * (their unit, fresh: units move), none for anonymous callers.
 */
export async function authenticate(em: EntityManager, headers: Headers, verify: TokenVerifier): Promise<Principal> {
  const authorization = header(headers, 'authorization');
  const apiKey = header(headers, 'x-api-key');
  if (authorization !== undefined && apiKey !== undefined) throw new UnauthenticatedError('Send either a bearer token or an API key, not both.');
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    const claims = await verify(m[1]);
    const unit = await ApiKeyRepository.staffUnit(em, claims.tenant, claims.unit);
    if (!unit) throw new UnauthenticatedError(`The token names unit ${claims.unit} of tenant ${claims.tenant}, which does not exist.`);
    return { kind: 'staff', sub: claims.sub, unit, roles: claims.roles, lapsesAt: claims.lapsesAt };
  }
  if (apiKey !== undefined) {
    const prefix = apiKeyPrefix(apiKey.trim());
    if (!prefix) throw new UnauthenticatedError('The API key is malformed.');
    const found = await ApiKeyRepository.authenticate(em, prefix, hashApiKey(apiKey.trim()));
    if (!found) throw new UnauthenticatedError('The API key is unknown or revoked.');
    const scopes = found.scopes.filter((s): s is KeyScope => (KEY_SCOPES as readonly string[]).includes(s));
    return { kind: 'key', keyId: found.id, prefix: found.prefix, unit: found.unit, scopes };
  }
  return ANONYMOUS;
}
