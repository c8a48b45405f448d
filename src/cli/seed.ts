import 'reflect-metadata';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { migrate, openDatabase } from '../db/orm';
import { seedReference } from '../seed';
import { seedDemoActivity } from '../demo/demo-activity';

/**
 * `npm run seed`: migrates, then loads the reference data (idempotent) into DATABASE_URL or the
 * embedded store. `npm run seed -- --demo` also loads the demo activity (once).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, logger });
  try {
    await migrate(db.orm);
    const started = Date.now();
    const result = await seedReference(db.orm.em.fork(), { scale: config.seedScale });
    logger.info({ ...result, store: db.kind, ms: Date.now() - started }, result.unitsInserted ? 'reference units loaded' : 'reference units already present: nothing changed');
    if (process.argv.includes('--demo')) {
      const demo = await seedDemoActivity(db.orm.em.fork());
      logger.info(demo, demo.loaded ? 'demo activity loaded' : 'demo activity already present: nothing changed');
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
