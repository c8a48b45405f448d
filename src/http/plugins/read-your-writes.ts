import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../../context';
import type { ReadRouting } from '../../db/replica';

/** Read-your-writes on a replica: after a mutation, this caller's next reads wait for its commit. */
export function readYourWritesPlugin(routing: ReadRouting): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue }) {
          if (operation?.operation === 'mutation') await routing.noteWrite(contextValue.principal);
        },
      };
    },
  };
}
