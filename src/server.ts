import http from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { pinoHttp } from 'pino-http';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import type { Database } from './db/orm';
import type { Request } from 'express';
import { createContext, RequestContext } from './context';
import { BadInputError, createErrorFormatter } from './errors';
import { authenticate } from './auth/authenticate';
import { createTokenVerifier, TokenVerifier } from './auth/tokens';
import { batchCap, costError, depthRule, operationCost, RateLimits } from './auth/limits';
import { getSchema } from './schema';
import { roundTrips, SqlTally, withSqlTally } from './db/sql-counter';
import { restRoutes } from './rest';
import { mayWrite, ReadRouting } from './db/replica';
import { closeRedis, openRedis } from './redis';
import { corsMiddleware } from './http/cors';
import { pageRoutes } from './http/pages';

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  /** Stops accepting, lets in-flight requests finish (bounded by the grace period), closes the pool. */
  stop(): Promise<void>;
}

/** Answers whether the database takes a trivial statement within `timeoutMs`. */
async function pingDatabase(db: Database, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const ping = db.orm.em.getConnection().execute('select 1 as ok');
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health check timed out')), timeoutMs);
    });
    await Promise.race([ping, timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** What building a request's context needs (one per server). */
export interface ContextFactoryDeps {
  db: Database;
  config: AppConfig;
  logger: Logger;
  verifyToken: TokenVerifier;
  rateLimits: RateLimits;
  /** Where a request's reads go: the primary, or the read replica when one is configured. */
  routing: ReadRouting;
}

/**
 * The context of one request: authenticates its credentials (bearer token, API key, or none),
 * charges an API key's rate limit, and builds the scope every read and write of the request goes
 * through. /graphql builds its context here, and so must every other route that reads data, so
 * that one principal and one scope apply to all of them. An expired, malformed, unknown or revoked
 * credential throws UNAUTHENTICATED (401); it never falls back to anonymous.
 */
export async function createRequestContext(deps: ContextFactoryDeps, req: Request, sql: SqlTally): Promise<RequestContext> {
  const em = deps.db.orm.em.fork({ useContext: false });
  const principal = await authenticate(em as never, req.headers, deps.verifyToken);
  if (principal.kind === 'key') await deps.rateLimits.consumeKey(principal.keyId, Array.isArray(req.body) ? Math.max(1, req.body.length) : 1);
  const { orm } = await deps.routing.ormFor(principal, () => mayWrite(req.method, req.body));
  const ctx = createContext(orm, deps.config, deps.logger, sql, principal, String(req.id ?? ''));
  (ctx as { batched?: boolean }).batched = Array.isArray(req.body) && req.body.length > 1;
  return ctx;
}

/** Creates the RequestContext of an HTTP request (after `sqlTally` ran). */
export type ContextFactory = (req: express.Request, res: express.Response) => Promise<RequestContext>;

/**
 * The one way an HTTP request gets its RequestContext: /graphql and the REST routes (reports,
 * CSV exports) both call it, so the caller's principal, scope and identity apply to both.
 */
export function contextFactory(deps: ContextFactoryDeps): ContextFactory {
  return (req, res) => createRequestContext(deps, req, res.locals.sqlTally as SqlTally);
}

/** Runs the rest of the request inside its own SQL tally: every statement it causes is counted there. */
function sqlTally(_req: express.Request, res: express.Response, next: express.NextFunction): void {
  const tally: SqlTally = { statements: 0 };
  res.locals.sqlTally = tally;
  withSqlTally(tally, next);
}

/** Builds the HTTP server (express 5: /health, /graphql, /reports, CSV exports) and starts listening. */
export async function startServer(config: AppConfig, db: Database, logger: Logger, replica: Database | null = null): Promise<RunningServer> {
  const redis = await openRedis(config.redis.url, logger);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.limits.trustProxy);
  const rateLimits = new RateLimits(config.limits, redis, config.redis.keyPrefix);
  const routing = new ReadRouting(db, replica, config.replica, logger, redis, config.redis.keyPrefix);
  await routing.start();
  const deps: ContextFactoryDeps = { db, config, logger, verifyToken: createTokenVerifier(config.auth), rateLimits, routing };
  const httpServer = http.createServer(app);
  const development = config.nodeEnv === 'development';

  const apollo = new ApolloServer<RequestContext>({
    schema: await getSchema(),
    introspection: config.introspection,
    allowBatchedHttpRequests: true,
    validationRules: [depthRule(config.limits.maxDepth)],
    includeStacktraceInErrorResponses: development,
    // main.ts owns SIGTERM/SIGINT: drain, close the pool, exit once.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger, development),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      // The IDE at GET /graphql is GraphiQL, served by pageRoutes (src/http/pages.ts) with all its assets.
      ApolloServerPluginLandingPageDisabled(),
      // No type or field carries a cache hint. Apollo's default cache-control plugin would still
      // wrap every resolver (thousands per dashboard request) to compute a policy of "no cache".
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ request, document, operation, contextValue, schema }) {
              if (operation?.operation === 'mutation') {
                // A batch shares one context (and its loaders): a mutation must not reuse rows a
                // query of the same batch read under the read scope.
                if ((contextValue as { batched?: boolean }).batched) {
                  throw new BadInputError('Mutations cannot be batched: send each mutation in a request of its own.', undefined, {
                    reason: 'BATCHED_MUTATION',
                    http: { status: 400 },
                  });
                }
                // From here on every read of this request sees only what the principal may write.
                contextValue.scope.beginWrites();
              }
              const cost = operationCost(schema, document, request.operationName, request.variables, config.maxPageSize);
              if (cost !== null && cost > config.limits.maxCost) throw costError(cost, config.limits.maxCost);
            },
            async willSendResponse({ contextValue, response, operation }) {
              // Read-your-writes on a replica: this caller's next reads wait for this commit.
              if (operation?.operation === 'mutation') await routing.noteWrite(contextValue.principal);
              // How many SQL statements this operation cost: dashboards and the benchmark read it.
              response.http.headers.set('x-sql-statements', String(contextValue.sql.statements));
              response.http.headers.set('x-sql-round-trips', String(roundTrips(contextValue.sql)));
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID()),
      autoLogging: { ignore: (req) => req.url === '/health' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );

  app.use(corsMiddleware(config.corsOrigins));
  app.use(pageRoutes({ introspection: config.introspection }));

  app.get('/health', async (_req, res) => {
    const up = await pingDatabase(db, 2_000);
    res.status(up ? 200 : 503).json({
      status: up ? 'ok' : 'unavailable',
      database: up ? 'up' : 'down',
      store: db.kind,
      ...(routing.enabled ? await routing.status() : {}),
      uptimeSeconds: Math.round(process.uptime()),
    });
  });

  const contextOf = contextFactory(deps);
  app.use(
    '/graphql',
    express.json({ limit: '20mb' }),
    rateLimits.ipMiddleware(),
    batchCap(config.limits.maxBatch),
    sqlTally,
    expressMiddleware(apollo, { context: ({ req, res }) => contextOf(req, res) }),
  );

  app.use(rateLimits.ipMiddleware(), sqlTally, restRoutes(contextOf, logger, development));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found', graphql: '/graphql', health: '/health', reports: '/reports/<unit code>/<year>.md|.html' });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    httpServer,
    stop: () =>
      (stopping ??= (async () => {
        await apollo.stop(); // drains the HTTP server: in-flight requests finish first
        await routing.close();
        await closeRedis(redis);
        await db.close();
      })()),
  };
}
