import { keepAlive } from './startup';
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
import type { RequestContext } from './context';
import { createErrorFormatter } from './errors';
import { createTokenVerifier } from './auth/tokens';
import { batchCap, RateLimits } from './auth/limits';
import { limitRules, limitsPlugin, MAX_SELECTIONS } from './http/limits-plugin';
import { authenticateFirst, bodyByCaller, bodyErrors } from './http/intake';
import { getSchema } from './schema';
import { importRoutes } from './modules/imports/import.routes';
import { restRoutes } from './http/rest';
import { contextFactory, ContextFactoryDeps, sqlTally } from './http/context';
import { batchedMutationsPlugin } from './http/plugins/batched-mutations';
import { writeScopePlugin } from './http/plugins/write-scope';
import { readYourWritesPlugin } from './http/plugins/read-your-writes';
import { statementHeadersPlugin } from './http/plugins/statement-headers';
import { metricsPlugin, metricsRoute } from './http/metrics';
import { DataVersions } from './cache/versions';
import { ResponseCache } from './cache/response-cache';
import { startSubscriptionServer } from './subscriptions/server';
import { ReadRouting } from './db/replica';
import { closeRedis, openRedis } from './redis';
import { corsMiddleware } from './http/cors';
import { pageRoutes } from './http/pages';
import { mountedRoutes, MountedRoute, openApiDocument } from './http/openapi';

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  /** Live subscription groups of this process (tests, metrics). */
  subscriptionGroups(): number;
  /** The HTTP routes mounted (method and path), for the test that the OpenAPI document describes each. */
  routes(): MountedRoute[];
  /** Stops accepting, lets in-flight requests finish (bounded by the grace period), closes the pool. */
  stop(): Promise<void>;
}

/** Start-up hooks: a server already listening (bound early by src/startup.ts) and what /health adds. */
export interface ServerOptions {
  httpServer?: http.Server;
  health?: () => Record<string, unknown>;
  /** A streaming replica for the reads (src/db/replica.ts). */
  replica?: Database | null;
}

/** Builds the HTTP server (express 5: /health, /metrics, /graphql, /reports, CSV exports) and starts listening. */
export async function startServer(config: AppConfig, db: Database, logger: Logger, opts: ServerOptions = {}): Promise<RunningServer> {
  const redis = await openRedis(config.redis.url, logger);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.limits.trustProxy);
  const rateLimits = new RateLimits(config.limits, redis, config.redis.keyPrefix);
  const routing = new ReadRouting(db, opts.replica ?? null, config.replica, logger, redis, config.redis.keyPrefix);
  await routing.start();
  const deps: ContextFactoryDeps = { db, config, logger, verifyToken: createTokenVerifier(config.auth, { maxLifetimeS: config.limits.tokenMaxLifetimeS, clockSkewS: config.limits.clockSkewS }), rateLimits, routing };
  const httpServer = opts.httpServer ?? keepAlive(http.createServer(app));
  // Before Apollo's drain plugin hooks the server (it listens to 'request' too). The early
  // "starting" answer stays until every route below is mounted: a bare express app would answer
  // its own HTML 404 in between.
  let routesMounted = !opts.httpServer;
  if (opts.httpServer) {
    const starting = httpServer.listeners('request') as http.RequestListener[];
    httpServer.removeAllListeners('request').on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (routesMounted) app(req, res);
      else for (const listener of starting) listener(req, res);
    });
  }
  const development = config.nodeEnv === 'development';
  const formatError = createErrorFormatter(logger, development);
  // Data versions, the response cache and subscriptions (docs/caching.md, docs/subscriptions.md).
  const versions = new DataVersions(db, logger);
  await versions.start();
  const responseCache = new ResponseCache(config.cache, versions, logger);
  const schema = await getSchema({ maxPageSize: config.maxPageSize });
  const subscriptions = startSubscriptionServer({ httpServer, schema, db, config, logger, versions, verifyToken: deps.verifyToken, formatError });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.introspection,
    // Without introspection, no "Did you mean …?" either (docs/limits.md).
    hideSchemaDetailsFromClientErrors: !config.introspection,
    allowBatchedHttpRequests: true,
    parseOptions: { maxTokens: config.limits.maxTokens },
    maxRecursiveSelections: MAX_SELECTIONS,
    validationRules: limitRules(config.limits),
    includeStacktraceInErrorResponses: development,
    // main.ts owns SIGTERM/SIGINT: drain, close the pool, exit once.
    stopOnTerminationSignals: false,
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      // The IDE at GET /graphql is GraphiQL, served by pageRoutes (src/http/pages.ts) with all its assets.
      ApolloServerPluginLandingPageDisabled(),
      // No type or field carries a cache hint. Apollo's default cache-control plugin would still
      // wrap every resolver (thousands per dashboard request) to compute a policy of "no cache".
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(config),
      metricsPlugin(),
      batchedMutationsPlugin(),
      writeScopePlugin(),
      readYourWritesPlugin(routing),
      statementHeadersPlugin(),
      responseCache.plugin(),
    ],
  });
  await apollo.start();

  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID()),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );

  app.use(corsMiddleware(config.corsOrigins));
  app.use(pageRoutes({ introspection: config.introspection }));

  app.get('/health', async (_req, res) => {
    const up = await db.ping(2_000); // on a connection of its own, never waiting behind the pool
    if (!up) res.set('Retry-After', '5');
    res.status(up ? 200 : 503).json({
      status: up ? 'ok' : 'unavailable',
      database: up ? 'up' : 'down',
      store: db.kind,
      ...(routing.enabled ? await routing.status() : {}),
      uptimeSeconds: Math.round(process.uptime()),
      ...opts.health?.(),
    });
  });
  app.get('/metrics', metricsRoute(db, config.metricsToken));

  const contextOf = contextFactory(deps);
  app.use(
    '/graphql',
    sqlTally,
    authenticateFirst(db, deps.verifyToken),
    bodyByCaller(config.limits),
    bodyErrors,
    sqlTally,
    rateLimits.ipMiddleware(),
    batchCap(config.limits.maxBatch),
    responseCache.fastPath(),
    expressMiddleware(apollo, { context: ({ req, res }) => contextOf(req, res) }),
  );

  app.use(rateLimits.ipMiddleware(), sqlTally, restRoutes(contextOf, formatError));
  app.use(
    rateLimits.ipMiddleware(),
    sqlTally,
    importRoutes(contextOf, { formatError, bodyLimit: config.limits.bodyLimitWriter, afterWrite: (p) => routing.noteWrite(p) }),
  );

  const openApi = JSON.stringify(openApiDocument());
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openApi);
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found', graphql: '/graphql', health: '/health', reports: '/reports/<unit code>/<year>.md|.html', openapi: '/openapi.json' });
  });
  routesMounted = true;

  if (!httpServer.listening) {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
  }
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    httpServer,
    subscriptionGroups: () => subscriptions.hub.groupCount,
    routes: () => mountedRoutes(app),
    stop: () =>
      (stopping ??= (async () => {
        await subscriptions.close();
        await apollo.stop(); // drains the HTTP server: in-flight requests finish first
        await versions.stop();
        await responseCache.close();
        await routing.close();
        await closeRedis(redis);
        await db.close();
      })()),
  };
}
