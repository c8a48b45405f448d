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
        async willSendResponse({ request, operation, response, contextValue, errors }) {
          const seconds = (performance.now() - started) / 1000;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const first = errors?.[0] ?? body?.errors?.[0];
          const code = first ? String((first.extensions as { code?: unknown } | undefined)?.code ?? 'ERROR') : 'ok';
          const operationName = operationLabel(operation?.name?.value ?? request.operationName);
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

/** Rollup rows written, from PostgreSQL's table statistics (triggers and rebuilds alike), at most once a second. */
function rollupReader(db: Database): () => Promise<void> {
  let last = 0;
  return async () => {
    if (Date.now() - last < 1_000) return;
    last = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const read = db.orm.em
        .getConnection()
        .execute(`select coalesce(sum(n_tup_ins), 0)::bigint as ins, coalesce(sum(n_tup_upd), 0)::bigint as upd from pg_stat_user_tables where relname = 'stat_rollup'`);
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 1_000)));
      const [row] = (await Promise.race([read, timeout])) as { ins: string; upd: string }[];
      metrics.rollupRowsWritten.set({ kind: 'inserted' }, Number(row.ins));
      metrics.rollupRowsWritten.set({ kind: 'updated' }, Number(row.upd));
    } catch {
      // The database is busy or away: the last values stay; /health reports the database.
    } finally {
      clearTimeout(timer);
    }
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
  const readRollups = rollupReader(db);
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
    await readRollups();
    res.set('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  };
}
