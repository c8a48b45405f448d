import { AuthChecker, Authorized } from 'type-graphql';
import type { RequestContext } from '../context';
import { ForbiddenError } from '../errors';
import { Permission, permissionsOf, UnauthenticatedError } from './principal';

/**
 * Declares what a Query or Mutation field needs: any one of the permissions (see
 * src/auth/principal.ts for the roles and scopes that grant them). Fields without it are open to
 * everyone, and read through the request's scope. Where the principal may act (which subtree,
 * which tenant) is the scope's business, not the field's.
 */
export function Allow(...permissions: Permission[]): MethodDecorator & PropertyDecorator {
  return Authorized(...permissions);
}

/** The type-graphql auth checker behind `@Allow`: anonymous → UNAUTHENTICATED, lacking → FORBIDDEN. */
export const authChecker: AuthChecker<RequestContext, string> = ({ context }, permissions) => {
  const principal = context.principal;
  if (principal.kind === 'anonymous') throw new UnauthenticatedError('This operation needs a bearer token or an API key.');
  const granted = permissionsOf(principal);
  if (permissions.length === 0 || permissions.some((p) => granted.has(p as Permission))) return true;
  throw new ForbiddenError(`This operation needs ${permissions.join(' or ')}, which ${principal.kind === 'key' ? 'the key’s scopes' : 'the token’s roles'} do not grant.`);
};
