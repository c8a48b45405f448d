import 'reflect-metadata';
import { loadConfig, AppConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApp, App } from '../../src/app';
import { seedReference } from '../../src/seed';
import { seedDemoActivity } from '../../src/demo/demo-activity';
import { createTestDatabase, TestDatabase, TEST_STORE } from './database';

export interface TestApp {
  app: App;
  config: AppConfig;
  url: string;
  base: string;
  store: typeof TEST_STORE;
  close(): Promise<void>;
}

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
  /** SQL statements the request ran, from the x-sql-statements header. */
  statements: number;
}

/**
 * Starts the real server (the same start-up path as `npm start`) on a free port, on a database of
 * its own: an in-memory embedded store, or a fresh PostgreSQL database when TEST_DATABASE_URL is set.
 * The reference units are loaded at `seedScale` (1 = the full demo set).
 */
export async function startTestApp(opts: { seedScale?: number; env?: Record<string, string>; databaseUrl?: string; demo?: boolean } = {}): Promise<TestApp> {
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
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...opts.env,
    },
    false,
  );
  const logger = createLogger(config);
  let app: App;
  try {
    app = await startApp(config, logger);
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
  return {
    app,
    config,
    url: `${base}/graphql`,
    base,
    store: TEST_STORE,
    async close() {
      await app.stop();
      await db?.drop();
    },
  };
}

/** POSTs a GraphQL operation to the running server. */
export async function gql<T = any>(t: { url: string }, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GqlResponse<T>> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResponse<T>['body'];
  return { status: res.status, headers: res.headers, body, statements: Number(res.headers.get('x-sql-statements') ?? NaN) };
}

/** The data of a response that must not have errors. */
export async function gqlData<T = any>(t: { url: string }, query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await gql<T>(t, query, variables);
  if (res.body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data as T;
}
