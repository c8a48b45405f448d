import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../../context';
import { roundTrips } from '../../db/sql-counter';

/** How many SQL statements (and dependent round trips) an operation cost: dashboards and the benchmark read it. */
export function statementHeadersPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          response.http.headers.set('x-sql-statements', String(contextValue.sql.statements));
          response.http.headers.set('x-sql-round-trips', String(roundTrips(contextValue.sql)));
        },
      };
    },
  };
}
