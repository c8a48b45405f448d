import { MikroORM, Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../logger';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../migrations';
import { SqlCountingLogger } from './sql-counter';
import { startEmbedded, EmbeddedDatabase } from './embedded';
import { GateOptions, installGate } from './gate';
import { HealthProbe } from './health';

export type StoreKind = 'postgres' | 'embedded';

export interface DatabaseOptions {
  /** PostgreSQL URL; absent means the embedded database. */
  url?: string;
  /** Directory of the embedded database; null or 'memory://' for an in-memory one. */
  dataDir?: string | null;
  poolSize?: number;
  logger?: Logger;
  /** Print every statement through the logger at debug level. */
  logQueries?: boolean;
  /**
   * PostgreSQL `statement_timeout` (ms) of every pooled connection: a runaway statement is
   * cancelled by the server. Not applied to the embedded store (one single-threaded session).
   */
  statementTimeoutMs?: number;
  /** Per-request statement cap and per-caller connection cap (src/db/gate.ts); none when absent. */
  gate?: Omit<GateOptions, 'perCaller'> & { perCaller: number };
  /** How long a statement waits for a pooled connection before DATABASE_BUSY (default 5 s). */
  acquireTimeoutMs?: number;
  /** Connect lazily, on the first statement (a read replica may be away when the API starts). */
  lazy?: boolean;
  /**
   * The embedded store, already being opened (src/main.ts starts its worker first, so PGlite opens
   * while the main thread loads the application's modules).
   */
  embedded?: Promise<EmbeddedDatabase>;
}

export interface Database {
  orm: MikroORM;
  kind: StoreKind;
  /** The URL the pool connects to (for the embedded store, its loopback socket). */
  url: string;
  /** The embedded store: which template a new store was unpacked from (src/db/embedded-template.ts). */
  madeFrom?: 'demo' | 'schema' | null;
  /** Whether the database answers a trivial statement within `timeoutMs`, on a connection of its own (not the pool's). */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** MikroORM options shared by the server, the CLI commands and the tests. */
export function ormOptions(
  url: string,
  poolSize: number,
  opts: Pick<DatabaseOptions, 'logger' | 'logQueries' | 'statementTimeoutMs'> & { acquireTimeoutMs?: number } = {},
): Options {
  const log = opts.logger;
  return {
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    // Scalars are mapped explicitly (see the entities); no reflection of TS types at runtime.
    forceUtcTimezone: true,
    allowGlobalContext: false,
    // Statements only, never their parameters: those hold names and contacts (docs/limits.md).
    debug: opts.logQueries ? ['query'] : false,
    loggerFactory: (options) =>
      new SqlCountingLogger({
        ...options,
        writer: (message) => (log ? log.debug({ orm: true }, message) : undefined),
      }),
    pool: {
      min: 0,
      max: poolSize,
      // Fail fast when the database is away instead of queueing requests for a minute.
      acquireTimeoutMillis: opts.acquireTimeoutMs ?? 5_000,
      createTimeoutMillis: opts.acquireTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
    },
    driverOptions: {
      connection: { connectionTimeoutMillis: 5_000, keepAlive: true, ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}) },
      // Knex's own warnings (e.g. a connection cut under it) go to the structured log, not the console.
      log: {
        warn: (m: unknown) => log?.warn({ knex: m }, 'database driver warning'),
        error: (m: unknown) => log?.error({ knex: m }, 'database driver error'),
        deprecate: (m: unknown) => log?.debug({ knex: m }, 'database driver deprecation'),
        debug: (m: unknown) => log?.debug({ knex: m }, 'database driver debug'),
      },
    },
    migrations: {
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      tableName: 'mikro_orm_migrations',
    },
    // stat_rollup is written by triggers and read by raw SQL only (stats module): no entity, so the
    // schema diff must leave it alone.
    schemaGenerator: { disableForeignKeys: false, skipTables: ['stat_rollup', 'data_version', 'item_publication'] },
  };
}

/**
 * Opens the configured store: PostgreSQL when a URL is given, otherwise the embedded PGlite
 * database (one connection: PGlite is a single session, so the pool must never hold two).
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null;
  let url = opts.url;
  let poolSize = opts.poolSize ?? 10;
  if (!url) {
    embedded = await (opts.embedded ?? startEmbedded(opts.dataDir === undefined ? './data' : opts.dataDir));
    url = embedded.url;
    poolSize = 1;
  }
  let orm: MikroORM;
  try {
    // The embedded store's one connection is shared by the requests and the background load (chunks
    // of seconds on a busy machine): waiting for it is expected, not a sign the database is away.
    orm = await MikroORM.init({
      ...ormOptions(url, poolSize, embedded ? { ...opts, statementTimeoutMs: undefined, acquireTimeoutMs: Math.max(30_000, opts.acquireTimeoutMs ?? 0) } : opts),
      ...(opts.lazy ? { connect: false } : {}),
    });
  } catch (err) {
    await embedded?.close();
    throw err;
  }
  if (opts.gate) {
    // perCaller 0: a third of the pool (at least one connection).
    installGate(orm, { maxStatements: opts.gate.maxStatements, perCaller: opts.gate.perCaller || Math.max(1, Math.floor(poolSize / 3)), callerWaitMs: opts.gate.callerWaitMs });
  }
  const probe = new HealthProbe(embedded ? () => embedded!.ping() : url, opts.statementTimeoutMs);
  // Opened now, so that a health check under load runs one `select 1`, not a connection set-up.
  await probe.ping(5_000);
  let closed = false;
  return {
    orm,
    kind: embedded ? 'embedded' : 'postgres',
    madeFrom: embedded?.madeFrom ?? null,
    url,
    ping: (timeoutMs) => probe.ping(timeoutMs),
    async close() {
      if (closed) return;
      closed = true;
      await probe.close();
      await orm.close(true);
      await embedded?.close();
    },
  };
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
