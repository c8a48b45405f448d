import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../../context';

/**
 * Switches a mutation's scope to writing before any resolver runs: from then on every read of the
 * request sees only what the principal may write (src/scope.ts, `Scope.beginWrites`).
 */
export function writeScopePlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'mutation') contextValue.scope.beginWrites();
        },
      };
    },
  };
}
