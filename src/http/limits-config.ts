import { num, str } from 'envalid';

/**
 * The hardening limits (issue 14) read from the environment, apart from src/config.ts so that the
 * shared configuration file only spreads them in. Documented in docs/limits.md.
 */
export interface HardeningLimits {
  /** Most lexical tokens a GraphQL document may have (graphql-js parse `maxTokens`). */
  maxTokens: number;
  /** Most aliases in an operation, fragments expanded (graphql-armor). */
  maxAliases: number;
  /** Most directives in an operation, fragments expanded (graphql-armor). */
  maxDirectives: number;
  /** Most SQL statements one HTTP request may run. */
  maxStatements: number;
  /** Most connections one caller (API key, staff member, client address) may hold at once; 0: a third of the pool. */
  dbConcurrencyPerCaller: number;
  /** Largest request body of the public and of read-only credentials, in bytes. */
  bodyLimitPublic: number;
  /** Largest request body of a credential that may write, in bytes (a 5,000-row ingest is about 1 MB). */
  bodyLimitWriter: number;
  /** Longest lifetime (exp − iat) a staff token may have, in seconds. */
  tokenMaxLifetimeS: number;
  /** Clock skew tolerated on exp, nbf and iat, in seconds (at most 300). */
  clockSkewS: number;
}

const bytes = (value: string, name: string, fail: (message: string) => never): number => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb)?\s*$/i.exec(value);
  if (!m) fail(`Invalid configuration: ${name}: must be a size like 64kb or 4mb, got "${value}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  return Math.floor(Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1));
};

export const HARDENING_ENV = {
  MAX_TOKENS: num({ default: 10_000 }),
  MAX_ALIASES: num({ default: 50 }),
  MAX_DIRECTIVES: num({ default: 20 }),
  MAX_STATEMENTS: num({ default: 200 }),
  DB_CONCURRENCY_PER_CALLER: num({ default: 0 }),
  BODY_LIMIT_PUBLIC: str({ default: '64kb' }),
  BODY_LIMIT_WRITER: str({ default: '8mb' }),
  AUTH_TOKEN_MAX_LIFETIME_S: num({ default: 24 * 3600 }),
  AUTH_CLOCK_SKEW_S: num({ default: 60 }),
};

type Clean = { [K in keyof typeof HARDENING_ENV]: K extends 'BODY_LIMIT_PUBLIC' | 'BODY_LIMIT_WRITER' ? string : number };

export function hardeningLimits(
  clean: Clean,
  positive: (name: string, v: number) => number,
  nonNegative: (name: string, v: number) => number,
  fail: (message: string) => never,
): HardeningLimits {
  const skew = Math.floor(nonNegative('AUTH_CLOCK_SKEW_S', clean.AUTH_CLOCK_SKEW_S));
  if (skew > 300) fail(`Invalid configuration: AUTH_CLOCK_SKEW_S: must be at most 300 seconds, got ${skew}`);
  return {
    maxTokens: Math.floor(positive('MAX_TOKENS', clean.MAX_TOKENS)),
    maxAliases: Math.floor(positive('MAX_ALIASES', clean.MAX_ALIASES)),
    maxDirectives: Math.floor(positive('MAX_DIRECTIVES', clean.MAX_DIRECTIVES)),
    maxStatements: Math.floor(positive('MAX_STATEMENTS', clean.MAX_STATEMENTS)),
    dbConcurrencyPerCaller: Math.floor(nonNegative('DB_CONCURRENCY_PER_CALLER', clean.DB_CONCURRENCY_PER_CALLER)),
    bodyLimitPublic: positive('BODY_LIMIT_PUBLIC', bytes(clean.BODY_LIMIT_PUBLIC, 'BODY_LIMIT_PUBLIC', fail)),
    bodyLimitWriter: positive('BODY_LIMIT_WRITER', bytes(clean.BODY_LIMIT_WRITER, 'BODY_LIMIT_WRITER', fail)),
    tokenMaxLifetimeS: Math.floor(positive('AUTH_TOKEN_MAX_LIFETIME_S', clean.AUTH_TOKEN_MAX_LIFETIME_S)),
    clockSkewS: skew,
  };
}
