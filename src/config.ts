import { bool, cleanEnv, num, str, makeValidator, EnvError } from 'envalid';
import type { CacheConfig } from './cache/config';
import type { SubscriptionConfig } from './subscriptions/config';
import { HARDENING_ENV, HardeningLimits, hardeningLimits } from './http/limits-config';

/** Largest `first` of a connection unless MAX_PAGE_SIZE says otherwise (also what schema.graphql states). */
export const DEFAULT_MAX_PAGE_SIZE = 500;

/** Log levels pino understands. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A TCP port; 0 asks the OS for a free one (tests). */
const tcpPort = makeValidator<number>((input) => {
  const n = Number(input);
  if (!/^\d+$/.test(String(input).trim()) || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new EnvError(`must be a port number 0-65535, got "${input}"`);
  }
  return n;
});

/** A URL of one of `protocols` (e.g. 'postgres:'), else the one-line `message`. */
function urlValidator(protocols: string[], message: string) {
  return makeValidator<string>((input) => {
    try {
      if (protocols.includes(new URL(input).protocol)) return input;
    } catch {
      /* below */
    }
    throw new EnvError(message);
  });
}

const postgresUrl = urlValidator(['postgres:', 'postgresql:'], 'must be a postgres:// or postgresql:// URL');
const redisUrl = urlValidator(['redis:', 'rediss:'], 'must be a redis:// or rediss:// URL');
const httpsUrl = urlValidator(['https:', 'http:'], 'must be an http(s) URL');

export interface AppConfig {
  /** TCP port of the HTTP server (0 picks a free one). */
  port: number;
  /** Interface to bind. */
  host: string;
  /** PostgreSQL URL; when absent the embedded PGlite database under dataDir is used. */
  databaseUrl?: string;
  /** Directory of the embedded database (ignored when databaseUrl is set). */
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** development | production | test: development mode adds stack traces to errors. */
  nodeEnv: 'development' | 'production' | 'test';
  /** Largest `first` any connection accepts. */
  maxPageSize: number;
  /** Size of the PostgreSQL connection pool (the embedded database always uses 1). */
  dbPoolSize: number;
  /** How long a statement waits for a pooled connection, then for its caller's share, before DATABASE_BUSY. */
  dbWait: { acquireMs: number; callerMs: number };
  /** Load the reference units and demo data when the database has no tenant yet. */
  seedOnEmpty: boolean;
  /** Load the deterministic demo activity (the seed reports' figures) with the reference data. */
  demoData: boolean;
  /** Schools generated per county are multiplied by this (1 = realistic; tests use less). */
  seedScale: number;
  /**
   * Serve the GraphQL introspection, the Apollo landing page/explorer and "Did you mean" field
   * suggestions. Default: on, unless the operator set NODE_ENV=production (see docs/limits.md).
   */
  introspection: boolean;
  /** Milliseconds a request may take to drain on SIGTERM before connections are cut. */
  shutdownGraceMs: number;
  /** Origins browsers may call the API from (CORS); `['*']`: any origin, without cookies. */
  corsOrigins: string[];
  /** Authentication of staff tokens (JWT): an HS256 secret or a JWKS URL (one of them, or neither: no tokens accepted). */
  auth: {
    jwtSecret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
  };
  /** Bearer token GET /metrics requires (unset: the endpoint is open). */
  metricsToken?: string;
  /** Redis shared by the API instances (rate limits, read-your-writes, response cache); none by default. */
  redis: { url?: string; keyPrefix: string };
  /** A streaming replica that takes the reads (see src/db/replica.ts). */
  replica: {
    url?: string;
    /** How long a writer's reads stay on the primary waiting for the replica to replay its commit (ms). */
    maxWaitMs: number;
    /** How often the replica's replay position is read at most (ms). */
    probeIntervalMs: number;
  };
  /** Limits that keep one caller from hurting the others. */
  limits: {
    /** Deepest selection an operation may have. */
    maxDepth: number;
    /** Highest cost of an operation (every field 1, list fields times their `first`). */
    maxCost: number;
    /** Most operations in one batched HTTP request. */
    maxBatch: number;
    /** GraphQL requests per minute per client address (0: no limit). */
    ratePerIp: number;
    /** GraphQL requests per minute per API key (0: no limit). */
    ratePerKey: number;
    /** PostgreSQL statement_timeout of every pooled connection, in ms (0: none). */
    statementTimeoutMs: number;
    /** Trust X-Forwarded-For for the client address (behind a reverse proxy). */
    trustProxy: boolean;
  } & HardeningLimits;
  /** Response cache and HTTP caching (src/cache, docs/caching.md). */
  cache: CacheConfig;
  /** Subscriptions over graphql-ws (src/subscriptions, docs/subscriptions.md). */
  subscriptions: SubscriptionConfig;
}

/** `*`, or a comma-separated list of origins (`https://host[:port]`, no path). */
const corsOrigins = makeValidator<string[]>((input) => {
  const list = String(input).split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new EnvError('must be * or a comma-separated list of origins');
  for (const o of list) {
    if (o === '*') continue;
    let u: URL | null = null;
    try {
      u = new URL(o);
    } catch {
      /* below */
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== o.replace(/\/$/, '')) {
      throw new EnvError(`must be * or origins like https://dashboard.example.cn, got "${o}"`);
    }
  }
  return list.map((o) => o.replace(/\/$/, ''));
});

const jwtSecret = makeValidator<string>((input) => {
  if (String(input).length < 32) throw new EnvError('must be at least 32 characters');
  return String(input);
});

/**
 * Reads and validates configuration from the environment. A bad variable is reported as one line
 * naming it, and the process exits with status 78 (EX_CONFIG) when `exitOnError` is set.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, exitOnError = true): AppConfig {
  const spec = {
    PORT: tcpPort({ default: 4000 }),
    HOST: str({ default: '0.0.0.0' }),
    DATABASE_URL: postgresUrl({ default: undefined }),
    DATABASE_REPLICA_URL: postgresUrl({ default: undefined }),
    REPLICA_MAX_WAIT_MS: num({ default: 10_000 }),
    REDIS_URL: redisUrl({ default: undefined }),
    REDIS_KEY_PREFIX: str({ default: 'edu:' }),
    REPLICA_PROBE_MS: num({ default: 100 }),
    DATA_DIR: str({ default: './data' }),
    LOG_LEVEL: str({ choices: [...LOG_LEVELS], default: 'info' }),
    NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'production' }),
    MAX_PAGE_SIZE: num({ default: DEFAULT_MAX_PAGE_SIZE }),
    DB_POOL_SIZE: num({ default: 10 }),
    DB_ACQUIRE_TIMEOUT_MS: num({ default: 5_000 }),
    DB_CALLER_WAIT_MS: num({ default: 30_000 }),
    SEED_ON_EMPTY: bool({ default: true }),
    SEED_SCALE: num({ default: 1 }),
    DEMO_DATA: bool({ default: true }),
    INTROSPECTION: bool({ default: true }),
    SHUTDOWN_GRACE_MS: num({ default: 10_000 }),
    AUTH_JWT_SECRET: jwtSecret({ default: undefined }),
    AUTH_JWKS_URL: httpsUrl({ default: undefined }),
    AUTH_JWT_ISSUER: str({ default: undefined }),
    AUTH_JWT_AUDIENCE: str({ default: undefined }),
    MAX_DEPTH: num({ default: 12 }),
    MAX_COST: num({ default: 50_000 }),
    MAX_BATCH: num({ default: 10 }),
    RATE_LIMIT_PER_IP: num({ default: 1_200 }),
    RATE_LIMIT_PER_KEY: num({ default: 6_000 }),
    STATEMENT_TIMEOUT_MS: num({ default: 30_000 }),
    TRUST_PROXY: bool({ default: false }),
    METRICS_TOKEN: str({ default: undefined }),
    // Read by src/tracing.ts before anything else loads; validated here with the rest.
    TRACING: bool({ default: false }),
    OTEL_EXPORTER_OTLP_ENDPOINT: httpsUrl({ default: undefined }),
    RESPONSE_CACHE: bool({ default: true }),
    CACHE_TTL_SECONDS: num({ default: 60 }),
    CACHE_MAX_AGE: num({ default: 5 }),
    CACHE_MAX_ENTRIES: num({ default: 5_000 }),
    SUBSCRIPTION_INTERVAL_MS: num({ default: 1_000 }),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: num({ default: 100 }),
    MAX_SUBSCRIPTIONS_PER_CALLER: num({ default: 1_000 }),
    SUBSCRIPTION_RECHECK_MS: num({ default: 30_000 }),
    ...HARDENING_ENV,
    CORS_ORIGINS: corsOrigins({ default: ['*'] }),
  };
  const clean = cleanEnv(env, spec, {
    reporter: ({ errors }) => {
      const names = Object.keys(errors);
      if (names.length === 0) return;
      const line = names
        .map((name) => `${name}: ${(errors as Record<string, Error>)[name].message || 'invalid value'}`)
        .join('; ');
      const message = `Invalid configuration: ${line}`;
      if (exitOnError) {
        process.stderr.write(message + '\n');
        process.exit(78);
      }
      throw new Error(message);
    },
  });
  const positive = (name: string, value: number) => {
    if (!Number.isFinite(value) || value <= 0) {
      const message = `Invalid configuration: ${name}: must be a positive number, got ${value}`;
      if (exitOnError) {
        process.stderr.write(message + '\n');
        process.exit(78);
      }
      throw new Error(message);
    }
    return value;
  };
  const nonNegative = (name: string, value: number) => (value === 0 ? 0 : positive(name, value));
  const fail = (message: string): never => {
    if (exitOnError) {
      process.stderr.write(message + '\n');
      process.exit(78);
    }
    throw new Error(message);
  };
  if (clean.DATABASE_REPLICA_URL && !clean.DATABASE_URL) {
    fail('Invalid configuration: DATABASE_REPLICA_URL: a read replica needs DATABASE_URL (the primary); the embedded store has none');
  }
  if (clean.AUTH_JWT_SECRET && clean.AUTH_JWKS_URL) {
    const message = 'Invalid configuration: AUTH_JWKS_URL: set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both';
    if (exitOnError) {
      process.stderr.write(message + '\n');
      process.exit(78);
    }
    throw new Error(message);
  }
  return {
    port: clean.PORT,
    host: clean.HOST,
    databaseUrl: clean.DATABASE_URL || undefined,
    dataDir: clean.DATA_DIR,
    logLevel: clean.LOG_LEVEL as AppConfig['logLevel'],
    nodeEnv: clean.NODE_ENV as AppConfig['nodeEnv'],
    maxPageSize: Math.floor(positive('MAX_PAGE_SIZE', clean.MAX_PAGE_SIZE)),
    dbPoolSize: Math.floor(positive('DB_POOL_SIZE', clean.DB_POOL_SIZE)),
    dbWait: { acquireMs: Math.floor(positive('DB_ACQUIRE_TIMEOUT_MS', clean.DB_ACQUIRE_TIMEOUT_MS)), callerMs: Math.floor(positive('DB_CALLER_WAIT_MS', clean.DB_CALLER_WAIT_MS)) },
    seedOnEmpty: clean.SEED_ON_EMPTY,
    seedScale: positive('SEED_SCALE', clean.SEED_SCALE),
    demoData: clean.DEMO_DATA,
    // The quick start (`npm start`, NODE_ENV unset) keeps the explorer; a deployment that sets
    // NODE_ENV=production (Dockerfile, docker-compose.yml) has it off unless INTROSPECTION=true.
    introspection: env.INTROSPECTION === undefined || env.INTROSPECTION === '' ? env.NODE_ENV !== 'production' : clean.INTROSPECTION,
    shutdownGraceMs: positive('SHUTDOWN_GRACE_MS', clean.SHUTDOWN_GRACE_MS),
    redis: { url: clean.REDIS_URL || undefined, keyPrefix: clean.REDIS_KEY_PREFIX },
    replica: {
      url: clean.DATABASE_REPLICA_URL || undefined,
      maxWaitMs: Math.floor(nonNegative('REPLICA_MAX_WAIT_MS', clean.REPLICA_MAX_WAIT_MS)),
      probeIntervalMs: Math.floor(nonNegative('REPLICA_PROBE_MS', clean.REPLICA_PROBE_MS)),
    },
    corsOrigins: clean.CORS_ORIGINS,
    auth: {
      jwtSecret: clean.AUTH_JWT_SECRET || undefined,
      jwksUrl: clean.AUTH_JWKS_URL || undefined,
      issuer: clean.AUTH_JWT_ISSUER || undefined,
      audience: clean.AUTH_JWT_AUDIENCE || undefined,
    },
    metricsToken: clean.METRICS_TOKEN || undefined,
    limits: {
      maxDepth: Math.floor(positive('MAX_DEPTH', clean.MAX_DEPTH)),
      maxCost: Math.floor(positive('MAX_COST', clean.MAX_COST)),
      maxBatch: Math.floor(positive('MAX_BATCH', clean.MAX_BATCH)),
      ratePerIp: Math.floor(nonNegative('RATE_LIMIT_PER_IP', clean.RATE_LIMIT_PER_IP)),
      ratePerKey: Math.floor(nonNegative('RATE_LIMIT_PER_KEY', clean.RATE_LIMIT_PER_KEY)),
      statementTimeoutMs: Math.floor(nonNegative('STATEMENT_TIMEOUT_MS', clean.STATEMENT_TIMEOUT_MS)),
      trustProxy: clean.TRUST_PROXY,
      ...hardeningLimits(clean, positive, nonNegative, fail),
    },
    cache: {
      enabled: clean.RESPONSE_CACHE,
      ttlSeconds: positive('CACHE_TTL_SECONDS', clean.CACHE_TTL_SECONDS),
      maxAgeSeconds: Math.floor(nonNegative('CACHE_MAX_AGE', clean.CACHE_MAX_AGE)),
      maxEntries: Math.floor(positive('CACHE_MAX_ENTRIES', clean.CACHE_MAX_ENTRIES)),
      redisUrl: clean.REDIS_URL || undefined,
      redisNamespace: `${clean.REDIS_KEY_PREFIX}gql`,
    },
    subscriptions: {
      intervalMs: Math.floor(positive('SUBSCRIPTION_INTERVAL_MS', clean.SUBSCRIPTION_INTERVAL_MS)),
      perConnection: Math.floor(positive('MAX_SUBSCRIPTIONS_PER_CONNECTION', clean.MAX_SUBSCRIPTIONS_PER_CONNECTION)),
      perCaller: Math.floor(positive('MAX_SUBSCRIPTIONS_PER_CALLER', clean.MAX_SUBSCRIPTIONS_PER_CALLER)),
      recheckMs: Math.floor(positive('SUBSCRIPTION_RECHECK_MS', clean.SUBSCRIPTION_RECHECK_MS)),
    },
  };
}
