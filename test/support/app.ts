import 'reflect-metadata';
import { loadConfig, AppConfig } from '../../src/config';
import { createLogger, Logger } from '../../src/logger';
import { startApp, App } from '../../src/app';
import { seedReference } from '../../src/seed';
import { seedDemoActivity } from '../../src/demo/demo-activity';
import { createTestDatabase, TestDatabase, TEST_STORE } from './database';
import { mintToken, StaffClaims } from '../../src/auth/tokens';
import type { Role } from '../../src/auth/principal';
import type { DestinationStream } from 'pino';

/** The HS256 secret the test servers verify staff tokens with (set in the test configuration only). */
export const TEST_JWT_SECRET = 'test-only-secret-0123456789abcdef0123456789abcdef';

/** Headers of a staff member: a token signed with the test secret. */
export async function staffHeaders(s: { tenant: string; unit?: string; roles: Role[]; sub?: string; expiresIn?: string | number }): Promise<Record<string, string>> {
  const claims: StaffClaims = { sub: s.sub ?? `test-${s.roles.join('-').toLowerCase()}`, tenant: s.tenant, unit: s.unit ?? s.tenant, roles: s.roles };
  return { authorization: `Bearer ${await mintToken(TEST_JWT_SECRET, claims, { expiresIn: s.expiresIn ?? '1h' })}` };
}

/** Headers of a province-level ADMIN of `tenant` (every permission inside that tenant). */
export function adminHeaders(tenant = '430000'): Promise<Record<string, string>> {
  return (admins[tenant] ??= staffHeaders({ tenant, roles: ['ADMIN'], sub: `admin-${tenant}`, expiresIn: '6h' }));
}
const admins: Record<string, Promise<Record<string, string>>> = {};

/** An ADMIN of a seeded tenant named in a test's input; Hunan's for any other (e.g. a bad code under test). */
export function adminHeadersFor(tenant: unknown): Promise<Record<string, string>> {
  return adminHeaders(['430000', '420000', '140000'].includes(String(tenant)) ? String(tenant) : '430000');
}

/** No credentials: the public. */
export const ANONYMOUS_HEADERS: Record<string, string> = {};

export interface TestApp {
  app: App;
  config: AppConfig;
  url: string;
  base: string;
  store: typeof TEST_STORE;
  /**
   * Headers `gql`/`gqlData` send when a call passes none: by default a Hunan (430000) province
   * ADMIN, so tests of writes read and write as staff; `startTestApp({ as: null })` or passing
   * `ANONYMOUS_HEADERS` asks as the public.
   */
  headers: Record<string, string>;
  close(): Promise<void>;
}

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
  /** SQL statements the request ran, from the x-sql-statements header. */
  statements: number;
  /** Dependent round trips to the database (statements sent together count once), from x-sql-round-trips. */
  roundTrips: number;
}

/**
 * Starts the real server (the same start-up path as `npm start`) on a free port, on a database of
 * its own: an in-memory embedded store, or a fresh PostgreSQL database when TEST_DATABASE_URL is set.
 * The reference units are loaded at `seedScale` (1 = the full demo set).
 */
export async function startTestApp(
  opts: {
    seedScale?: number;
    env?: Record<string, string>;
    databaseUrl?: string;
    demo?: boolean;
    as?: { tenant: string; unit?: string; roles: Role[] } | null;
    /** Where the server's log lines go (a test that reads the logs); stdout by default. */
    logTo?: DestinationStream;
  } = {},
): Promise<TestApp> {
  let db: TestDatabase | null = null;
  let databaseUrl = opts.databaseUrl;
  if (!databaseUrl && TEST_STORE === 'postgres') {
    db = await createTestDatabase();
    databaseUrl = db.url;
  }
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      NODE_ENV: 'test',
      DATA_DIR: 'memory://',
      SEED_SCALE: String(opts.seedScale ?? 0.2),
      DEMO_DATA: opts.demo ? 'true' : 'false',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      // Many tests send thousands of requests from one address; the limit tests set their own.
      RATE_LIMIT_PER_IP: '1000000',
      RATE_LIMIT_PER_KEY: '1000000',
      // A busy machine makes statements wait longer for a connection: not a failure in a test (the
      // tests of DATABASE_BUSY set their own).
      DB_ACQUIRE_TIMEOUT_MS: '120000',
      DB_CALLER_WAIT_MS: '120000',
      // Loading the full demo on a busy machine takes long statements.
      ...(opts.demo ? { STATEMENT_TIMEOUT_MS: '0' } : {}),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...opts.env,
    },
    false,
  );
  const logger = createLogger(config, opts.logTo);
  let app: App;
  try {
    app = await startApp(config, logger, { waitForBackground: true });
    if (databaseUrl && !opts.databaseUrl && config.seedOnEmpty) {
      // PostgreSQL is never seeded implicitly by the server; do what `npm run seed` does.
      await seedReference(app.db.orm.em.fork(), { scale: config.seedScale });
      if (opts.demo) await seedDemoActivity(app.db.orm.em.fork());
    }
  } catch (err) {
    await db?.drop();
    throw err;
  }
  const base = `http://127.0.0.1:${app.server.port}`;
  const as = opts.as === undefined ? { tenant: '430000', roles: ['ADMIN'] as Role[] } : opts.as;
  return {
    app,
    config,
    url: `${base}/graphql`,
    base,
    store: TEST_STORE,
    headers: as ? await staffHeaders({ ...as, sub: `test-${as.tenant}`, expiresIn: '6h' }) : {},
    async close() {
      await app.stop();
      await db?.drop();
    },
  };
}

/** POSTs a GraphQL operation to the running server. */
export async function gql<T = any>(t: { url: string; headers?: Record<string, string> }, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(headers ?? t.headers ?? {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResponse<T>['body'];
  return { status: res.status, headers: res.headers, body, statements: Number(res.headers.get('x-sql-statements') ?? NaN), roundTrips: Number(res.headers.get('x-sql-round-trips') ?? NaN) };
}

/** The data of a response that must not have errors. */
export async function gqlData<T = any>(t: { url: string; headers?: Record<string, string> }, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T> {
  const res = await gql<T>(t, query, variables, headers);
  if (res.body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data as T;
}
