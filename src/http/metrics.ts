import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Database } from '../db/orm';
import type { SqlTally } from '../db/sql-counter';
import { metrics, operationLabel, readPools, registry, watchPool } from '../metrics';

/** Outcomes a GraphQL response is labelled with: ok, or one of these codes (anything else: ERROR). */
const OUTCOMES = new Set([
  'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND',
  'CONFLICT', 'RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo plugin timing every operation (by operation name, type and outcome), with the SQL
 * statements and database time of its request.
 */
export function metricsPlugin(): ApolloServerPlugin<{ sql: SqlTally }> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ request, operation, document, response, contextValue, errors }) {
          const seconds = (performance.now() - started) / 1000;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const first = errors?.[0] ?? body?.errors?.[0];
          const code = first ? String((first.extensions as { code?: unknown } | undefined)?.code ?? 'ERROR') : 'ok';
          // A request that failed validation has no resolved operation: its document still names it.
          const named = document?.definitions.filter((d) => d.kind === 'OperationDefinition');
          const operationName = operationLabel(operation?.name?.value ?? request.operationName ?? (named?.length === 1 ? named[0].name?.value : undefined));
          metrics.graphqlDuration.observe({ operation: operationName, type: operation?.operation ?? 'unknown', outcome: code === 'ok' || OUTCOMES.has(code) ? code : 'ERROR' }, seconds);
          const sql = contextValue?.sql;
          if (sql) {
            metrics.sqlPerRequest.observe({ operation: operationName }, sql.statements);
            metrics.dbTimePerRequest.observe({ operation: operationName }, (sql.ms ?? 0) / 1000);
          }
        },
      };
    },
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /metrics in the Prometheus text format. With `token` set, the scrape must send
 * `Authorization: Bearer <token>` (401 otherwise).
 */
export function metricsRoute(db: Database, token: string | undefined): RequestHandler {
  const knex = db.orm.em.getConnection().getKnex() as unknown as { client: { pool?: Parameters<typeof watchPool>[0] } };
  watchPool(knex.client.pool);
  const expected = token ? digest(token) : null;
  return async (req, res) => {
    if (expected) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!timingSafeEqual(digest(given), expected)) {
        res.set('WWW-Authenticate', 'Bearer realm="metrics"').status(401).type('text/plain').send('metrics need a bearer token\n');
        return;
      }
    }
    readPools();
    res.set('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  };
}
