import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { Database, migrate, openDatabase } from '../../src/db/orm';
import { printSdl } from '../../src/schema';
import { createTestDatabase, TestDatabase } from '../support/database';

let tdb: TestDatabase;
let db: Database;
beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await openDatabase({ url: tdb.url, dataDir: null, poolSize: 2 });
  await migrate(db.orm);
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

describe('migrations, entities and schema.graphql stay in step', () => {
  it('migrations produce exactly the schema the entities describe', async () => {
    const diff = await db.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
    expect(diff.trim()).toBe('');
  });

  it('registers every migration file in migrations/index.ts, in order', () => {
    const dir = join(__dirname, '../../migrations');
    const files = readdirSync(dir).filter((f) => /^Migration\d+.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(MIGRATIONS.map((m) => m.name)).toEqual(files);
  });

  it('applies nothing more on a second run, and rolls back and forth cleanly', async () => {
    expect(await migrate(db.orm)).toEqual([]);
    const migrator = db.orm.getMigrator();
    await migrator.down({ to: 0 });
    const [row] = await db.orm.em.getConnection().execute(`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name in ('org_unit', 'tenant')`);
    expect(row.n).toBe(0);
    expect((await migrate(db.orm)).length).toBe(MIGRATIONS.length);
    const diff = await db.orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  it('schema.graphql is what `npm run schema` emits from the code', async () => {
    const committed = readFileSync(join(__dirname, '../../schema.graphql'), 'utf8');
    expect(committed).toBe(await printSdl());
  });
});
