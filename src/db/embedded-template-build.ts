import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/postgresql';
import { startEmbedded } from './embedded';
import { DIR, KEY_FILE, migrationsHash, pgliteVersion, TARBALL, usableTemplate } from './embedded-template';
import { migrate, ormOptions } from './orm';

/** Builds the template when it is missing or stale; returns whether it built one. */
export async function ensureTemplate(log: (msg: string) => void = () => undefined): Promise<boolean> {
  if (usableTemplate()) return false;
  const started = Date.now();
  const embedded = await startEmbedded(null, { fromTemplate: false });
  try {
    const orm = await MikroORM.init(ormOptions(embedded.url, 1, { acquireTimeoutMs: 120_000 }));
    try {
      await migrate(orm);
    } finally {
      await orm.close(true);
    }
    const tarball = await embedded.dump();
    mkdirSync(DIR, { recursive: true });
    // Written aside and renamed: a process reading the template never sees half of it.
    writeFileSync(`${TARBALL}.tmp`, tarball);
    renameSync(`${TARBALL}.tmp`, TARBALL);
    writeFileSync(KEY_FILE, JSON.stringify({ pglite: pgliteVersion(), migrations: migrationsHash(), built: new Date().toISOString() }) + '\n');
  } finally {
    await embedded.close();
  }
  log(`embedded store template built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
