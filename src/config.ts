import { bool, cleanEnv, num, str, makeValidator, EnvError } from 'envalid';

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

const postgresUrl = makeValidator<string>((input) => {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new EnvError('must be a postgres:// or postgresql:// URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new EnvError('must be a postgres:// or postgresql:// URL');
  }
  return input;
});

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
  /** Load the reference units and demo data when the database has no tenant yet. */
  seedOnEmpty: boolean;
  /** Load the deterministic demo activity (the seed reports' figures) with the reference data. */
  demoData: boolean;
  /** Schools generated per county are multiplied by this (1 = realistic; tests use less). */
  seedScale: number;
  /** Serve the GraphQL introspection and the Apollo landing page/explorer. */
  introspection: boolean;
  /** Milliseconds a request may take to drain on SIGTERM before connections are cut. */
  shutdownGraceMs: number;
}

/**
 * Reads and validates configuration from the environment. A bad variable is reported as one line
 * naming it, and the process exits with status 78 (EX_CONFIG) when `exitOnError` is set.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, exitOnError = true): AppConfig {
  const spec = {
    PORT: tcpPort({ default: 4000 }),
    HOST: str({ default: '0.0.0.0' }),
    DATABASE_URL: postgresUrl({ default: undefined }),
    DATA_DIR: str({ default: './data' }),
    LOG_LEVEL: str({ choices: [...LOG_LEVELS], default: 'info' }),
    NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'production' }),
    MAX_PAGE_SIZE: num({ default: 500 }),
    DB_POOL_SIZE: num({ default: 10 }),
    SEED_ON_EMPTY: bool({ default: true }),
    SEED_SCALE: num({ default: 1 }),
    DEMO_DATA: bool({ default: true }),
    INTROSPECTION: bool({ default: true }),
    SHUTDOWN_GRACE_MS: num({ default: 10_000 }),
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
  return {
    port: clean.PORT,
    host: clean.HOST,
    databaseUrl: clean.DATABASE_URL || undefined,
    dataDir: clean.DATA_DIR,
    logLevel: clean.LOG_LEVEL as AppConfig['logLevel'],
    nodeEnv: clean.NODE_ENV as AppConfig['nodeEnv'],
    maxPageSize: Math.floor(positive('MAX_PAGE_SIZE', clean.MAX_PAGE_SIZE)),
    dbPoolSize: Math.floor(positive('DB_POOL_SIZE', clean.DB_POOL_SIZE)),
    seedOnEmpty: clean.SEED_ON_EMPTY,
    seedScale: positive('SEED_SCALE', clean.SEED_SCALE),
    demoData: clean.DEMO_DATA,
    introspection: clean.INTROSPECTION,
    shutdownGraceMs: positive('SHUTDOWN_GRACE_MS', clean.SHUTDOWN_GRACE_MS),
  };
}
