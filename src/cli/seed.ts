import 'reflect-metadata';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { migrate, openDatabase } from '../db/orm';
import { seedReference } from '../seed';

/** `npm run seed`: migrates, then loads the reference units (idempotent) into DATABASE_URL or the embedded store. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, logger });
  try {
    await migrate(db.orm);
    const started = Date.now();
    const result = await seedReference(db.orm.em.fork(), { scale: config.seedScale });
    logger.info({ ...result, store: db.kind, ms: Date.now() - started }, result.unitsInserted ? 'reference units loaded' : 'reference units already present: nothing changed');
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
