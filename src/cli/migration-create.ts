import 'reflect-metadata';
import { resolve } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../config';
import { migrate, openDatabase, ormOptions } from '../db/orm';

/**
 * `npm run migration:create`: diffs the entities against a database migrated to the latest
 * committed migration and writes the difference as a new file under migrations/ (then add it to
 * migrations/index.ts). Uses DATABASE_URL, or a throwaway in-memory embedded database.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : null, poolSize: 1 });
  try {
    await migrate(db.orm);
    const base = ormOptions(db.url, 1);
    const orm = await MikroORM.init({ ...base, migrations: { ...base.migrations, path: resolve(__dirname, '../../../migrations'), emit: 'ts' } });
    try {
      const result = await orm.getMigrator().createMigration();
      process.stdout.write(result.diff.up.length ? `wrote migrations/${result.fileName}: add it to migrations/index.ts\n` : 'no changes: entities and migrations agree\n');
    } finally {
      await orm.close();
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
