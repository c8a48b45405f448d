import 'reflect-metadata';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { Database, migrate, openDatabase } from './db/orm';
import { startServer, RunningServer } from './server';
import { seedReference } from './seed';
import { seedDemoActivity } from './demo/demo-activity';

export interface App {
  db: Database;
  server: RunningServer;
  stop(): Promise<void>;
}

/** True when the database holds no tenant yet (a fresh embedded store). */
async function isEmpty(db: Database): Promise<boolean> {
  const [row] = await db.orm.em.getConnection().execute('select count(*)::int as n from tenant');
  return row.n === 0;
}

/**
 * Opens the store, applies pending migrations, loads the demo data into a fresh embedded store,
 * and serves. Shared by `npm start` and the HTTP tests, so the tests run the real start-up path.
 */
export async function startApp(config: AppConfig, logger: Logger): Promise<App> {
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    logger,
    logQueries: config.logLevel === 'debug' || config.logLevel === 'trace',
    statementTimeoutMs: config.limits.statementTimeoutMs,
  });
  try {
    const applied = await migrate(db.orm);
    if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
    if (db.kind === 'embedded' && config.seedOnEmpty && (await isEmpty(db))) {
      const started = Date.now();
      const result = await seedReference(db.orm.em.fork(), { scale: config.seedScale });
      logger.info({ ...result, ms: Date.now() - started }, 'reference data loaded into the empty embedded database');
      if (config.demoData) {
        const demo = await seedDemoActivity(db.orm.em.fork());
        logger.info(demo, 'demo data loaded into the empty embedded database');
      }
    }
    // The replica is read only: no migrations, no seeding; it follows the primary by replication.
    const replica = config.replica.url
      ? await openDatabase({ url: config.replica.url, poolSize: config.dbPoolSize, logger, logQueries: config.logLevel === 'debug' || config.logLevel === 'trace', statementTimeoutMs: config.limits.statementTimeoutMs, lazy: true })
      : null;
    const server = await startServer(config, db, logger, replica);
    logger.info({ url: server.url, store: db.kind, dataDir: db.kind === 'embedded' ? config.dataDir : undefined }, 'API ready');
    return { db, server, stop: () => server.stop() };
  } catch (err) {
    await db.close();
    throw err;
  }
}
