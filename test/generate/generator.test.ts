import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createTestDatabase, TestDatabase, TEST_STORE } from '../support/database';
import { Database, migrate, openDatabase } from '../../src/db/orm';
import { DEFAULTS, generate, GenerateOptions, GenerateProgress, parseArgs, UsageError } from '../../src/generate/generator';

/**
 * The province-scale generator at a tiny scale, on the store of this run (PostgreSQL with
 * TEST_DATABASE_URL, else the embedded one): the rows asked for, schools beyond the reference ones,
 * rollups exact against the recount, the same rows again after --reset (determinism), and a second
 * run that changes nothing.
 */
const TENANT = 430000;

let tdb: TestDatabase;
let db: Database;
let em: EntityManager;
const phases: string[] = [];
const progress: GenerateProgress = { phase: (name) => phases.push(name), tick: () => undefined };

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await openDatabase({ url: tdb.url, dataDir: 'memory://', poolSize: 2 });
  await migrate(db.orm);
  em = db.orm.em.fork() as EntityManager;
});

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

/** A digest of everything the generator writes for the tenant (columns it sets, not now() defaults). */
async function digest(): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    org_unit: `select id, code, name, level, kind, parent_id, path from org_unit where tenant_id = ${TENANT}`,
    interaction_event: `select id, unit_id, kind, channel, subject, received_at, due_at, replied_at, status from interaction_event where tenant_id = ${TENANT}`,
    disclosure_item: `select id, unit_id, title, document_number, category_code, channels, special_column, status, published_at from disclosure_item where tenant_id = ${TENANT}`,
    disclosure_application: `select id, unit_id, received_at, due_at, status, outcome, decided_at from disclosure_application where tenant_id = ${TENANT}`,
    disclosure_dispute: `select id, application_id, kind, status, outcome from disclosure_dispute where tenant_id = ${TENANT}`,
    centre: `select id, unit_id, kind, opened_on, status, online_hall_url, check_ok from centre where tenant_id = ${TENANT}`,
    officer: `select id, unit_id, role, active from officer where tenant_id = ${TENANT}`,
    stat_rollup: `select * from stat_rollup where tenant_id = ${TENANT}`,
  };
  const out: Record<string, string> = {};
  for (const [t, sql] of Object.entries(tables)) {
    const [row] = await em.execute(`select count(*)::int as n, md5(coalesce(string_agg(x::text, ',' order by x::text), '')) as h from (${sql}) x`);
    out[t] = `${row.n}:${row.h}`;
  }
  return out;
}

async function count(sql: string): Promise<number> {
  const [row] = await em.execute(sql);
  return Number(row.n);
}

describe(`npm run generate at a tiny scale (${TEST_STORE})`, () => {
  let options: GenerateOptions;
  let first: Record<string, string>;

  it('generates the rows asked for, schools beyond the reference ones, and exact rollups', async () => {
    // The reference schools at this seed scale, then 40 more to generate.
    options = { ...DEFAULTS, tenant: TENANT, events: 12_000, disclosures: 3_000, fromYear: 2023, toYear: 2024, seedScale: 0.02, chunk: 5_000, schools: 0 };
    const result0 = await generate(em.fork() as EntityManager, { ...options, events: 0, disclosures: 0 }, progress);
    expect(result0.generated).toBe(true);
    const reference = await count(`select count(*)::int as n from org_unit where tenant_id = ${TENANT} and level = 'SCHOOL' and kind not in ('UNIVERSITY', 'AFFILIATED_INSTITUTION')`);
    expect(reference).toBeGreaterThan(100);
    options.schools = reference + 40;

    const result = await generate(em.fork() as EntityManager, { ...options, reset: true }, progress);
    expect(result.generated).toBe(true);
    expect(phases).toEqual(expect.arrayContaining(['interaction events', 'disclosure items', 'rollups']));
    expect(result.counts.interaction_event).toBe(12_000);
    expect(result.counts.disclosure_item).toBe(3_000);
    expect(await count(`select count(*)::int as n from org_unit where tenant_id = ${TENANT} and level = 'SCHOOL' and code like '3%'`)).toBe(40);
    // Generated schools sit under counties, with a derived path, and carry activity.
    expect(await count(`select count(*)::int as n from org_unit s join org_unit c on c.tenant_id = s.tenant_id and c.id = s.parent_id
                         where s.tenant_id = ${TENANT} and s.code like '3%' and c.level = 'COUNTY' and s.path = c.path || s.id || '/'`)).toBe(40);
    expect(await count(`select count(distinct e.unit_id)::int as n from interaction_event e join org_unit u on u.tenant_id = e.tenant_id and u.id = e.unit_id
                         where e.tenant_id = ${TENANT} and u.code like '3%'`)).toBeGreaterThan(30);
    // Every event inside the years asked for (Asia/Shanghai days), replied ones before or after their deadline.
    expect(await count(`select count(*)::int as n from interaction_event where tenant_id = ${TENANT}
                         and (received_at < '2023-01-01T00:00:00+08:00' or received_at >= '2025-01-01T00:00:00+08:00')`)).toBe(0);
    expect(await count(`select count(*)::int as n from interaction_event where tenant_id = ${TENANT} and status = 'REPLIED' and replied_at < due_at`)).toBeGreaterThan(9_000);

    // Rollups: no row differs from the recount of the raw tables; the province's figure equals a raw count.
    expect(await count(`select count(*)::int as n from rollup_verify(${TENANT})`)).toBe(0);
    const [fig] = await em.execute(`select coalesce(sum(r.c0), 0)::int as n from stat_rollup r join org_unit u on u.tenant_id = r.tenant_id and u.id = r.unit_id
      where r.tenant_id = ${TENANT} and u.parent_id is null and r.scope = 'S' and r.grp = 1 and r.grain = 'Y' and r.bucket = '2024-01-01'`);
    expect(Number(fig.n)).toBe(await count(`select count(*)::int as n from interaction_event where tenant_id = ${TENANT} and received_at >= '2024-01-01T00:00:00+08:00' and received_at < '2025-01-01T00:00:00+08:00'`));
    expect(result.rollupRows).toBe(await count(`select count(*)::int as n from stat_rollup where tenant_id = ${TENANT}`));
    // The rollup triggers are on again: a later write is counted.
    first = await digest();
  });

  it('does nothing when run again with the same options, and refuses other options without --reset', async () => {
    const again = await generate(em.fork() as EntityManager, options, progress);
    expect(again.generated).toBe(false);
    expect(again.reason).toMatch(/already generated/);
    const other = await generate(em.fork() as EntityManager, { ...options, events: 5_000 }, progress);
    expect(other.generated).toBe(false);
    expect(other.reason).toMatch(/--reset/);
    expect(await digest()).toEqual(first);
  });

  it('generates the same rows and rollups again after --reset (deterministic)', async () => {
    const again = await generate(em.fork() as EntityManager, { ...options, reset: true }, progress);
    expect(again.generated).toBe(true);
    expect(await digest()).toEqual(first);
  });

  it('keeps the rollups exact for writes after the load (triggers back on)', async () => {
    const [unit] = await em.execute(`select id from org_unit where tenant_id = ${TENANT} and code like '3%' order by code limit 1`);
    await em.execute(
      `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status)
       values (${TENANT}, gen_random_uuid(), '${unit.id}', 'MAILBOX', 'MAILBOX_WEB', 'after the load', '2024-05-05T03:00:00Z', 'OPEN')`,
    );
    expect(await count(`select count(*)::int as n from rollup_verify(${TENANT})`)).toBe(0);
  });

  it('rejects bad arguments with a clear message', () => {
    expect(parseArgs(['--tenant', '430000', '--events', '100', '--years', '2019-2024', '--reset'])).toMatchObject({ tenant: 430000, events: 100, fromYear: 2019, toYear: 2024, reset: true });
    expect(() => parseArgs(['--years', '2024-2019'])).toThrow(UsageError);
    expect(() => parseArgs(['--years', '2030'])).toThrow(/2014–2026/);
    expect(() => parseArgs(['--events', '-5'])).toThrow(/--events must be an integer/);
    expect(() => parseArgs(['--tenant', 'hunan'])).toThrow(/6-digit/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument --fast/);
    // The CLI says so and exits 2 before touching any database.
    const cli = spawnSync(process.execPath, [path.resolve(__dirname, '../../dist/src/cli/generate.js'), '--years', '2030'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' } });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/--years must be/);
    expect(cli.stderr).toMatch(/usage: npm run generate/);
  });
});
