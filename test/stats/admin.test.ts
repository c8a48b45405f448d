import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openDatabase } from '../../src/db/orm';
import { createLogger } from '../../src/logger';
import { loadConfig } from '../../src/config';
import { createTestDatabase, TestDatabase, TEST_STORE } from '../support/database';

/**
 * `npm run rollups -- verify|rebuild` as an operator runs it: the compiled CLI in a process of its
 * own, on the store the tests target. It must notice a drifted rollup row and repair it.
 */
const ROOT = join(__dirname, '../..');
let db: TestDatabase;
let dataDir: string | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = TEST_STORE === 'embedded' ? mkdtempSync(join(tmpdir(), 'rollups-cli-')) : undefined;
  env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', SEED_SCALE: '0.05', ...(db.url ? { DATABASE_URL: db.url } : { DATA_DIR: dataDir! }) };
  const seeded = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/seed.js')], { env, encoding: 'utf8', timeout: 240_000 });
  expect(seeded.stderr).toBe('');
  expect(seeded.status).toBe(0);
  // Some activity written straight into the raw table (the triggers keep the rollups).
  await sql(`insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status)
    select u.tenant_id, gen_random_uuid(), u.id, 'MAILBOX', 'PORTAL', 'q', timestamptz '2014-01-01 08:00+08' + (g % 365) * interval '1 day', 'HELD'
      from org_unit u cross join generate_series(1, 20) g where u.tenant_id in (430000, 420000) and u.level <> 'SCHOOL'`);
}, 300_000);
afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const res = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/rollups.js'), ...args], { env, encoding: 'utf8', timeout: 240_000 });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

/** Runs SQL on the same store while no CLI holds it (the embedded store has one owner at a time). */
async function sql<T = any>(query: string, params: unknown[] = []): Promise<T[]> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...(db.url ? { DATABASE_URL: db.url } : { DATA_DIR: dataDir! }) }, false);
  const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 1, logger: createLogger(config) });
  try {
    return await (handle.orm.em.fork() as EntityManager).execute(query, params);
  } finally {
    await handle.close();
  }
}

describe('npm run rollups', () => {
  it('verifies exact rollups, reports a drifted row, and rebuilds it from the raw rows', async () => {
    const ok = cli('verify');
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/tenant 430000: exact \(\d+ rollup rows/);
    expect(ok.out).toMatch(/tenant 420000: exact/);

    // Drift one counter of the province's 2014 interaction figures, as a bug or a manual edit would.
    const [row] = await sql(`select unit_id, grp, grain, bucket, dim, c0 from stat_rollup where tenant_id = 430000 and scope = 'S' and grp = 1 and grain = 'Y' order by c0 desc limit 1`);
    expect(Number(row.c0)).toBeGreaterThan(0);
    await sql(`update stat_rollup set c0 = c0 + 7 where tenant_id = 430000 and unit_id = ? and scope = 'S' and grp = 1 and grain = 'Y' and bucket = ? and dim = ?`, [row.unit_id, row.bucket, row.dim]);

    const bad = cli('verify');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/tenant 430000: 1 rollup rows differ/);
    expect(bad.out).toContain(`unit ${row.unit_id} S group 1 Y`);
    expect(bad.out).toContain(`expected [${Number(row.c0)},`);
    expect(bad.out).toMatch(/tenant 420000: exact/);

    const only = cli('verify', '--tenant', '420000');
    expect(only.code).toBe(0);
    expect(only.out).not.toContain('430000');

    const rebuilt = cli('rebuild', '--tenant', '430000');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.out).toMatch(/tenant 430000: rebuilt \d+ rollup rows/);
    const [after] = await sql(`select c0 from stat_rollup where tenant_id = 430000 and unit_id = ? and scope = 'S' and grp = 1 and grain = 'Y' and bucket = ? and dim = ?`, [row.unit_id, row.bucket, row.dim]);
    expect(Number(after.c0)).toBe(Number(row.c0));
    expect(cli('verify').code).toBe(0);
  }, 600_000);

  it('answers usage errors with exit code 2', () => {
    expect(cli().code).toBe(2);
    expect(cli('verify', '--tenant', 'hunan').code).toBe(2);
  });
});
