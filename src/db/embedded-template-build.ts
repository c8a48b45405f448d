import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { startEmbedded } from './embedded';
import { currentKey, DIR, keyFile, tarball, TemplateKind, usableTemplate } from './embedded-template';
import { migrate, ormOptions } from './orm';
import { seedReferenceOnce } from '../seed';
import { seedDemoCore } from '../demo/demo-activity';

/** Builds each template that is missing or stale; returns the kinds it built. */
export async function ensureTemplates(log: (msg: string) => void = () => undefined): Promise<TemplateKind[]> {
  const built: TemplateKind[] = [];
  for (const kind of ['schema', 'demo'] as const) {
    if (usableTemplate(kind)) continue;
    const started = Date.now();
    // The demo template starts from the schema template just built.
    const embedded = await startEmbedded(null, { template: kind === 'demo' ? 'schema' : false });
    try {
      const orm = await MikroORM.init(ormOptions(embedded.url, 1, { acquireTimeoutMs: 600_000 }));
      try {
        await migrate(orm);
        if (kind === 'demo') {
          // What the first start with the defaults loads (src/app.ts): SEED_SCALE 1, the demo's core.
          await seedReferenceOnce(orm.em as unknown as EntityManager, { scale: 1 });
          await seedDemoCore(orm.em.fork() as unknown as EntityManager);
        }
      } finally {
        await orm.close(true);
      }
      const data = await embedded.dump();
      mkdirSync(DIR, { recursive: true });
      // Written aside and renamed: a process reading the template never sees half of it.
      writeFileSync(`${tarball(kind)}.tmp`, data);
      renameSync(`${tarball(kind)}.tmp`, tarball(kind));
      writeFileSync(keyFile(kind), JSON.stringify({ ...currentKey(kind), built: new Date().toISOString() }) + '\n');
    } finally {
      await embedded.close();
    }
    log(`embedded store template "${kind}" built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built.push(kind);
  }
  return built;
}
