import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';

/**
 * Refuses a mutation sent in a batch. A batch shares one context (and its loaders): a mutation must
 * not reuse rows a query of the same batch read under the read scope.
 */
export function batchedMutationsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'mutation' && contextValue.batched) {
            throw new BadInputError('Mutations cannot be batched: send each mutation in a request of its own.', undefined, {
              reason: 'BATCHED_MUTATION',
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}
