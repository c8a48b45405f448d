import 'reflect-metadata';
import { Database, migrate, openDatabase } from '../../src/db/orm';
import { seedReferenceUnits } from '../../src/modules/units/unit.seed';
import { createTestDatabase, TestDatabase } from '../support/database';

let tdb: TestDatabase;
let db: Database;
const sql = (q: string, p: unknown[] = []) => db.orm.em.getConnection().execute(q, p);
const unit = async (code: string, tenant = 430000) => (await sql('select * from org_unit where tenant_id = ? and code = ?', [tenant, code]))[0];

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await openDatabase({ url: tdb.url, dataDir: null, poolSize: 2 });
  await migrate(db.orm);
  await seedReferenceUnits(db.orm.em.fork(), { scale: 0.05 });
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

const insert = (tenant: number, code: string, level: string, parentCode: string | null, parentTenant = tenant) =>
  sql(
    `insert into org_unit (tenant_id, id, code, name, level, kind, parent_id)
     values (?, gen_random_uuid(), ?, 'x', ?, 'EDUCATION_BUREAU', (select id from org_unit where tenant_id = ? and code = ?))`,
    [tenant, code, level, parentTenant, parentCode],
  );

describe('the database keeps the hierarchy sound whoever writes', () => {
  it('derives path and depth from the parent', async () => {
    const province = await unit('430000');
    const city = await unit('430100');
    const county = await unit('430102');
    expect(province.path).toBe(`/${province.id}/`);
    expect(city.path).toBe(`${province.path}${city.id}/`);
    expect(county.path).toBe(`${city.path}${county.id}/`);
    expect([province.depth, city.depth, county.depth]).toEqual([0, 1, 2]);
  });

  it('refuses a child at or above its parent’s level, a root that is not a province, and a parent of another tenant', async () => {
    await expect(insert(430000, '430199', 'CITY', '430100')).rejects.toThrow(/level below its parent/);
    await expect(insert(430000, '430198', 'PROVINCE', '430100')).rejects.toThrow(/level below its parent/);
    await expect(insert(430000, '430197', 'COUNTY', null)).rejects.toThrow(/needs a parent/);
    await expect(insert(430000, '430196', 'COUNTY', '140100', 140000)).rejects.toThrow(/not a unit of tenant/);
    expect(await unit('430199')).toBeUndefined();
  });

  it('keeps codes unique within a tenant but not across tenants', async () => {
    await expect(insert(430000, '430102', 'COUNTY', '430100')).rejects.toThrow(/org_unit_tenant_code_key/);
    await insert(140000, '430102', 'COUNTY', '140100');
    expect((await unit('430102', 140000)).tenant_id).toBe(140000);
  });

  it('moves a unit with its whole subtree in one statement, and refuses cycles', async () => {
    const county = await unit('430181'); // 浏阳市, under Changsha
    const before = await sql('select count(*)::int as n from org_unit where tenant_id = 430000 and path like ?', [`${county.path}%`]);
    expect(before[0].n).toBeGreaterThan(1);
    const target = await unit('430200'); // Zhuzhou
    await sql('update org_unit set parent_id = ? where tenant_id = 430000 and id = ?', [target.id, county.id]);
    const moved = await unit('430181');
    expect(moved.path).toBe(`${target.path}${moved.id}/`);
    const after = await sql('select count(*)::int as n, min(depth) as d from org_unit where tenant_id = 430000 and path like ? and id <> ?', [`${moved.path}%`, moved.id]);
    expect(after[0].n).toBe(before[0].n - 1);
    const stale = await sql('select count(*)::int as n from org_unit where tenant_id = 430000 and path like ?', [`${county.path}%`]);
    expect(stale[0].n).toBe(0);
    // A school cannot take its own county (or anything) as a child: levels forbid cycles.
    const school = (await sql('select * from org_unit where parent_id = ? limit 1', [moved.id]))[0];
    await expect(sql('update org_unit set parent_id = ? where tenant_id = 430000 and id = ?', [school.id, moved.id])).rejects.toThrow(/descendant|level below/);
    await expect(sql(`update org_unit set level = 'SCHOOL' where tenant_id = 430000 and id = ?`, [target.id])).rejects.toThrow(/not below it|level below/);
  });

  it('refuses a unit-owned row whose unit is of another tenant, and deleting a unit that owns rows', async () => {
    const shanxi = await unit('140100', 140000);
    const event = (tenant: number, unitId: string) =>
      sql(
        `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status)
         values (?, gen_random_uuid(), ?, 'MAILBOX', 'PORTAL', 'x', now(), 'OPEN') returning id`,
        [tenant, unitId],
      );
    await expect(event(430000, shanxi.id)).rejects.toThrow(/not a unit of tenant 430000/);
    await expect(
      sql(`insert into disclosure_item (tenant_id, id, unit_id, title, category_code, channels, status) values (430000, gen_random_uuid(), ?, 't', 'NEWS', '{WECHAT}', 'DRAFT')`, [shanxi.id]),
    ).rejects.toThrow(/not a unit of tenant 430000/);
    const [row] = await event(140000, shanxi.id);
    const school = (await sql(`select id from org_unit where tenant_id = 140000 and parent_id = ? limit 1`, [shanxi.id]))[0];
    await sql(`insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status) values (140000, gen_random_uuid(), ?, 'MAILBOX', 'PORTAL', 'x', now(), 'OPEN')`, [school.id]);
    await expect(sql('delete from org_unit where tenant_id = 140000 and id = ?', [school.id])).rejects.toThrow(/still owns rows/);
    expect((await unit((await sql('select code from org_unit where id = ?', [school.id]))[0].code, 140000)).id).toBe(school.id);
    expect(row.id).toBeDefined();
  });

  it('checks the unit rule once per statement: one foreign row in a bulk insert or update writes nothing', async () => {
    const shanxi = await unit('140100', 140000);
    const hunan = await unit('430100');
    const count = async () => (await sql(`select count(*)::int as n from interaction_event where tenant_id = 430000 and subject = 'bulk'`))[0].n;
    const before = await count();
    // 1,000 good rows and, last, one whose unit is in another tenant.
    await expect(
      sql(
        `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status)
         select 430000, gen_random_uuid(), case when i = 1000 then cast(? as uuid) else cast(? as uuid) end, 'MAILBOX', 'PORTAL', 'bulk', now(), 'OPEN'
           from generate_series(0, 1000) as i`,
        [shanxi.id, hunan.id],
      ),
    ).rejects.toThrow(new RegExp(`interaction_event row: unit ${shanxi.id} is not a unit of tenant 430000`));
    expect(await count()).toBe(before);
    await sql(
      `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status)
       select 430000, gen_random_uuid(), ?, 'MAILBOX', 'PORTAL', 'bulk', now(), 'OPEN' from generate_series(1, 3)`,
      [hunan.id],
    );
    expect(await count()).toBe(before + 3);
    // Moving the rows to a unit of another tenant is refused as a whole; other updates pass.
    await expect(sql(`update interaction_event set unit_id = ? where tenant_id = 430000 and subject = 'bulk'`, [shanxi.id])).rejects.toThrow(/not a unit of tenant 430000/);
    expect((await sql(`select count(*)::int as n from interaction_event where tenant_id = 430000 and subject = 'bulk' and unit_id = ?`, [hunan.id]))[0].n).toBe(before + 3);
    await sql(`update interaction_event set channel = 'MAILBOX_WEB' where tenant_id = 430000 and subject = 'bulk'`);
    // A centre check must name a centre of its own tenant.
    await expect(
      sql(`insert into centre_check (tenant_id, id, centre_id, checked_at, ok) values (430000, gen_random_uuid(), gen_random_uuid(), now(), true)`),
    ).rejects.toThrow(/is not a centre of tenant 430000/);
  });

  it('seeds idempotently: a second run inserts nothing and changes nothing', async () => {
    const snapshot = async () => (await sql(`select md5(string_agg(tenant_id || code || name || level || kind || path, ',' order by tenant_id, code)) as h, count(*)::int as n from org_unit`))[0];
    const before = await snapshot();
    const again = await seedReferenceUnits(db.orm.em.fork(), { scale: 0.05 });
    expect(again.unitsInserted).toBe(0);
    expect(again.tenantsInserted).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
