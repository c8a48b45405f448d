import 'reflect-metadata';
import type http from 'node:http';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { Database, migrate, openDatabase } from './db/orm';
import type { EmbeddedDatabase } from './db/embedded';
import { startServer, RunningServer } from './server';
import { seedReferenceOnce } from './seed';
import { demoSpreadPending, seedDemoActivity, seedDemoCore, seedDemoSpread } from './demo/demo-activity';
import { listenEarly, Readiness } from './startup';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface App {
  db: Database;
  server: RunningServer;
  readiness: Readiness;
  /** Settles when the work that continues after start-up (the spread demo events) is done or stopped. */
  background: Promise<void>;
  stop(): Promise<void>;
}

/** True when the database holds no tenant yet (a fresh embedded store). */
async function countUnits(db: Database): Promise<number> {
  const [row] = await db.orm.em.getConnection().execute('select count(*)::int as n from org_unit');
  return row.n;
}

async function isEmpty(db: Database): Promise<boolean> {
  const [row] = await db.orm.em.getConnection().execute('select count(*)::int as n from tenant');
  return row.n === 0;
}

/**
 * Binds the port at once (/health answers "starting" with the progress, GraphQL answers
 * UNAVAILABLE), opens the store, applies pending migrations, loads the reference data and the
 * demo's published figures into a fresh embedded store, and serves; the rest of the demo events
 * load in the background. Shared by `npm start` and the HTTP tests, so the tests run the real
 * start-up path (`waitForBackground` makes it return once everything is loaded).
 */
export async function startApp(
  config: AppConfig,
  logger: Logger,
  opts: { waitForBackground?: boolean; early?: { server: http.Server; readiness: Readiness; embedded?: Promise<EmbeddedDatabase> } } = {},
): Promise<App> {
  const readiness = opts.early?.readiness ?? new Readiness(logger);
  const early: http.Server = opts.early?.server ?? (await listenEarly(config, readiness));
  let db: Database;
  try {
    db = await readiness.step('opening the database', () =>
      openDatabase({
        url: config.databaseUrl,
        dataDir: config.dataDir,
        poolSize: config.dbPoolSize,
        logger,
        logQueries: config.logLevel === 'debug' || config.logLevel === 'trace',
        statementTimeoutMs: config.limits.statementTimeoutMs,
        acquireTimeoutMs: config.dbWait.acquireMs,
        gate: { maxStatements: config.limits.maxStatements, perCaller: config.limits.dbConcurrencyPerCaller, callerWaitMs: config.dbWait.callerMs },
        embedded: opts.early?.embedded,
      }),
      (d) => ({ store: d.kind }),
    );
  } catch (err) {
    readiness.failed = true;
    early.close();
    throw err;
  }
  let cancelled = false;
  let background: Promise<void> = Promise.resolve();
  try {
    const applied = await readiness.step('migrations', () => migrate(db.orm), (a) => ({ applied: a.length }));
    if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
    let spread = false;
    if (db.kind === 'embedded' && config.seedOnEmpty && (await isEmpty(db))) {
      const result = await readiness.step(
        'reference data',
        () => seedReferenceOnce(db.orm.em as EntityManager, { scale: config.seedScale }),
        (r) => ({ units: r.unitsTotal, calendarDays: r.calendarDaysInserted }),
      );
      logger.info({ ...result, ms: readiness.steps.at(-1)?.ms }, 'reference data loaded into the empty embedded database');
      if (config.demoData) {
        // Asked to wait for everything (the tests): the whole demo in one transaction, its rollups counted once.
        const whole = Boolean(opts.waitForBackground);
        const demo = await readiness.step("demo data: the seed reports' figures, centres and officers", () => (whole ? seedDemoActivity : seedDemoCore)(db.orm.em.fork()));
        logger.info(demo, 'demo data loaded into the empty embedded database');
        spread = !whole;
      }
    } else if (db.kind === 'embedded' && config.seedOnEmpty && config.demoData) {
      if (db.madeFrom === 'demo') {
        // A new store unpacked from the build's demo template: the reference data and the seed
        // figures are in already (src/db/embedded-template.ts); the spread events load below.
        const units = await readiness.step('reference data and the seed figures (from the template)', () => countUnits(db), (n) => ({ units: n }));
        logger.info({ units }, 'reference data and demo figures unpacked into the empty embedded database from the template');
      }
      // The spread events of a new store, or of a start stopped while they were loading.
      spread = await demoSpreadPending(db.orm.em.fork());
    }
    // The replica is read only: no migrations, no seeding; it follows the primary by replication.
    const replica = config.replica.url
      ? await openDatabase({ url: config.replica.url, poolSize: config.dbPoolSize, acquireTimeoutMs: config.dbWait.acquireMs, logger, logQueries: config.logLevel === 'debug' || config.logLevel === 'trace', statementTimeoutMs: config.limits.statementTimeoutMs, lazy: true })
      : null;
    const server = await startServer(config, db, logger, { httpServer: early, health: () => readiness.describe(), replica });
    if (spread) {
      readiness.background = { name: 'demo events spread over the cities and counties', state: 'running', done: 0, of: 0 };
      const bg = readiness.background;
      let lastLogged = 0;
      background = seedDemoSpread(db.orm.em.fork(), {
        cancelled: () => cancelled,
        onProgress: ({ done, of }) => {
          bg.done = done;
          bg.of = of;
          if (done === of || Date.now() - lastLogged > 5_000) {
            lastLogged = Date.now();
            logger.info({ done, of, percent: Math.floor((100 * done) / of) }, 'background: demo events loading');
          }
        },
      }).then(
        (r) => {
          bg.state = r.completed ? 'done' : 'failed';
          bg.ms = r.ms;
          readiness.phase = 'serving';
          if (r.completed) logger.info({ rows: r.rows, ms: r.ms }, 'background: demo events loaded');
          else logger.info({ rows: r.rows }, 'background: demo events stopped; the next start resumes them');
        },
        (err) => {
          bg.state = 'failed';
          readiness.phase = 'serving';
          if (!cancelled) logger.error({ err }, 'background: loading the demo events failed; the next start tries again');
        },
      );
    }
    readiness.markReady();
    logger.info({ url: server.url, store: db.kind, dataDir: db.kind === 'embedded' ? config.dataDir : undefined, startSeconds: readiness.describe().startSeconds }, 'API ready');
    if (opts.waitForBackground) await background;
    return {
      db,
      server,
      readiness,
      background,
      stop: async () => {
        cancelled = true;
        await background;
        await server.stop();
      },
    };
  } catch (err) {
    readiness.failed = true;
    cancelled = true;
    await background;
    early.close();
    await db.close();
    throw err;
  }
}
