import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { allRollupFunctions } from '../../migrations/rollup-sql';
import { Database, migrate, openDatabase } from '../../src/db/orm';
import { seedReference } from '../../src/seed';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * Migrations are frozen once landed: their files do not change, they import neither another
 * migration nor the living rollup SQL (only frozen snapshots), their timestamps are unique, the
 * functions of a migrated database are the living rollup SQL.
 */
const DIR = join(__dirname, '../../migrations');
const MIGRATION_FILE = /^Migration(\d{14})_\w+\.ts$/;
const files = readdirSync(DIR).filter((f) => MIGRATION_FILE.test(f)).sort();
const source = (f: string) => readFileSync(join(DIR, f), 'utf8');
const importsOf = (text: string) => [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => m[1]);

describe('migration files', () => {
  it('have unique timestamps, but for the two of 090000 that databases recorded under both names', () => {
    const byStamp = new Map<string, string[]>();
    for (const f of files) {
      const stamp = MIGRATION_FILE.exec(f)![1];
      byStamp.set(stamp, [...(byStamp.get(stamp) ?? []), f]);
    }
    const shared = [...byStamp].filter(([, fs]) => fs.length > 1);
    expect(shared).toEqual([['20261122090000', ['Migration20261122090000_item_unit_published.ts', 'Migration20261122090000_reports_inspection.ts']]]);
  });

  it('import no other migration and not the living rollup SQL, but for the imports that landed before this rule', () => {
    const LANDED = ['Migration20261122080000 -> ./Migration20261122070000_rollups', 'Migration20261122110000 -> ./Migration20261122070000_rollups', 'Migration20261122110000 -> ./Migration20261122080000_rollup_rebuild_fast'];
    const found: string[] = [];
    for (const f of files) {
      for (const target of importsOf(source(f))) {
        if (/^\.\/Migration\d/.test(target) || target === './rollup-sql') found.push(`${f.slice(0, 23)} -> ${target}`);
      }
    }
    expect(found.sort()).toEqual(LANDED.sort());
    // Snapshots (migrations/snapshots/, none yet) are frozen too: they import nothing of the project.
    for (const f of existsSync(join(DIR, 'snapshots')) ? readdirSync(join(DIR, 'snapshots')) : []) {
      expect(importsOf(readFileSync(join(DIR, 'snapshots', f), 'utf8')).filter((t) => !t.startsWith('@'))).toEqual([]);
    }
  });

  it('that landed are unchanged (migrations/landed.sha256; add a file there once it lands)', () => {
    const landed = readFileSync(join(DIR, 'landed.sha256'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
    expect(landed.length).toBeGreaterThanOrEqual(17);
    for (const [hash, file] of landed) {
      expect({ file, hash: createHash('sha256').update(readFileSync(join(DIR, file))).digest('hex') }).toEqual({ file, hash });
    }
  });
});

describe('a migrated database', () => {
  let tdb: TestDatabase;
  let db: Database;
  const sql = <T = any>(q: string, p: unknown[] = []) => (db.orm.em.fork() as EntityManager).getConnection().execute<T[]>(q, p as any[]);

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await openDatabase({ url: tdb.url, dataDir: null, poolSize: 2 });
    await migrate(db.orm);
    await seedReference(db.orm.em.fork() as EntityManager, { scale: 0 });
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('holds exactly the functions of migrations/rollup-sql.ts', async () => {
    for (const statement of allRollupFunctions()) {
      const name = /function (\w+)\(/.exec(statement)![1];
      const body = statement.slice(statement.indexOf('$$') + 2, statement.lastIndexOf('$$'));
      const [row] = await sql<{ src: string }>(`select prosrc as src from pg_proc where proname = ? and pronamespace = 'public'::regnamespace`, [name]);
      expect({ name, src: row?.src }).toEqual({ name, src: body });
    }
  });

});
