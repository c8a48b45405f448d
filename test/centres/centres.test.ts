import { adminHeaders, ANONYMOUS_HEADERS, gql, gqlData, startTestApp, TestApp } from '../support/app';
import type { EntityManager } from '@mikro-orm/postgresql';
import { unitId } from '../../src/modules/units/unit.seed';
import { Scope } from '../../src/scope';
import { CentreRepository } from '../../src/modules/centres/centre.repository';

let t: TestApp;
const sql = (q: string, p: unknown[] = []) => t.app.db.orm.em.getConnection().execute(q, p);

const HUNAN = 430000;
const CHANGSHA = unitId(HUNAN, '430100');
const FURONG = unitId(HUNAN, '430102'); // a county of Changsha
const ZHUZHOU = unitId(HUNAN, '430200');
const TAIYUAN = unitId(140000, '140100');
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
let furongSchool: string;
let zhuzhouCounty: string;

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.05 });
  const data = await gqlData(t, `{
    furong: unit(code: "430102") { children(level: SCHOOL) { id } }
    zhuzhou: unit(code: "430200") { children(level: COUNTY) { id } }
  }`);
  furongSchool = data.furong.children[0].id;
  zhuzhouCounty = data.zhuzhou.children[0].id;
});
afterAll(async () => t?.close());

function expectBadInput(res: Awaited<ReturnType<typeof gql>>, field: string) {
  expect(res.body.errors?.length).toBeGreaterThan(0);
  const err = res.body.errors![0];
  expect(err.extensions?.code).toBe('BAD_USER_INPUT');
  expect(err.extensions?.field).toBe(field);
  expect(err.extensions?.stacktrace).toBeUndefined();
  return err;
}

const CENTRE_FIELDS = 'id kind name openedOn status onlineHallUrl unit { code } lastCheck { checkedAt ok httpStatus note }';
const CREATE = `mutation($input: CreateCentreInput!) { createCentre(input: $input) { ${CENTRE_FIELDS} } }`;

/** Creates as an ADMIN of the unit's tenant (Hunan, or Shanxi for Taiyuan). */
async function create(input: Record<string, unknown>) {
  return (await gqlData(t, CREATE, { input }, input.unitId === TAIYUAN ? await adminHeaders('140000') : undefined)).createCentre;
}

const centreCount = async () => (await sql('select count(*)::int as n from centre'))[0].n as number;
const checkCount = async (centreId?: string) =>
  (await sql(`select count(*)::int as n from centre_check ${centreId ? 'where centre_id = ?' : ''}`, centreId ? [centreId] : []))[0].n as number;

describe('centres: create, read, update, close, delete', () => {
  it('creates a centre at a unit and reads it back by id and from the unit', async () => {
    const c = await create({
      unitId: CHANGSHA,
      kind: 'CENTER',
      name: '长沙市教育阳光服务中心',
      openedOn: '2014-03-01',
      onlineHallUrl: 'https://jyj.changsha.gov.cn/ygfw/',
    });
    expect(c).toMatchObject({
      kind: 'CENTER',
      name: '长沙市教育阳光服务中心',
      openedOn: '2014-03-01',
      status: 'ACTIVE',
      onlineHallUrl: 'https://jyj.changsha.gov.cn/ygfw/',
      unit: { code: '430100' },
      lastCheck: null,
    });
    const data = await gqlData(t, `query($id: ID!) {
      centre(id: $id) { ${CENTRE_FIELDS} }
      unit(code: "430100") { centres { id name } stations: centres(kind: STATION) { id } active: centres(status: ACTIVE) { id } }
      unknown: centre(id: "${UNKNOWN}") { id }
      malformed: centre(id: "not-a-uuid") { id }
    }`, { id: c.id });
    expect(data.centre).toEqual(c);
    expect(data.unit.centres).toEqual([{ id: c.id, name: '长沙市教育阳光服务中心' }]);
    expect(data.unit.stations).toEqual([]);
    expect(data.unit.active).toEqual([{ id: c.id }]);
    expect(data.unknown).toBeNull();
    expect(data.malformed).toBeNull();
    // Stored with the unit's tenant.
    const [row] = await sql('select tenant_id, unit_id from centre where id = ?', [c.id]);
    expect(row).toEqual({ tenant_id: HUNAN, unit_id: CHANGSHA });
  });

  it('refuses bad input with the field path, and writes nothing', async () => {
    const before = await centreCount();
    const base = { unitId: FURONG, kind: 'STATION', name: '芙蓉区教育阳光服务站' };
    const cases: [Record<string, unknown>, string][] = [
      [{ onlineHallUrl: 'javascript:alert(1)' }, 'input.onlineHallUrl'],
      [{ onlineHallUrl: 'ftp://jyj.changsha.gov.cn/' }, 'input.onlineHallUrl'],
      [{ onlineHallUrl: 'not a url' }, 'input.onlineHallUrl'],
      [{ onlineHallUrl: `https://example.cn/${'a'.repeat(490)}` }, 'input.onlineHallUrl'],
      [{ name: '长'.repeat(201) }, 'input.name'],
      [{ name: '   ' }, 'input.name'],
      [{ unitId: UNKNOWN }, 'input.unitId'],
      [{ unitId: 'x' }, 'input.unitId'],
      [{ tenant: '140000' }, 'input.unitId'], // a Hunan unit, asserted to be Shanxi's
      [{ tenant: 'hunan' }, 'input.tenant'],
      [{ openedOn: '2999-01-01' }, 'input.openedOn'],
    ];
    for (const [override, field] of cases) {
      expectBadInput(await gql(t, CREATE, { input: { ...base, ...override } }), field);
    }
    expect(await centreCount()).toBe(before);
    // A name of exactly 200 characters and the tenant it belongs to are fine.
    const ok = await create({ ...base, tenant: '430000', name: '长'.repeat(200) });
    expect(ok.name).toHaveLength(200);
    await gqlData(t, `mutation { deleteCentre(id: "${ok.id}") }`);
  });

  it('keeps centre names unique per unit, not across units', async () => {
    const first = await create({ unitId: FURONG, kind: 'STATION', name: '芙蓉区阳光服务站' });
    expectBadInput(await gql(t, CREATE, { input: { unitId: FURONG, kind: 'POINT', name: '芙蓉区阳光服务站' } }), 'input.name');
    const elsewhere = await create({ unitId: ZHUZHOU, kind: 'STATION', name: '芙蓉区阳光服务站' });
    expect(elsewhere.unit.code).toBe('430200');
    const second = await create({ unitId: FURONG, kind: 'POINT', name: '芙蓉区阳光服务点' });
    const rename = await gql(t, `mutation($id: ID!) { updateCentre(id: $id, input: { name: "芙蓉区阳光服务站" }) { id } }`, { id: second.id });
    expectBadInput(rename, 'input.name');
    for (const c of [first, elsewhere, second]) await gqlData(t, `mutation { deleteCentre(id: "${c.id}") }`);
  });

  it('updates only the given fields, clears with null, closes and deletes', async () => {
    const c = await create({ unitId: furongSchool, kind: 'POINT', name: '学校阳光服务点', openedOn: '2015-09-01', onlineHallUrl: 'http://school.example.cn/ygfw' });
    const UPDATE = `mutation($id: ID!, $input: UpdateCentreInput!) { updateCentre(id: $id, input: $input) { ${CENTRE_FIELDS} } }`;
    const updated = (await gqlData(t, UPDATE, { id: c.id, input: { name: '学校教育阳光服务点', onlineHallUrl: null, status: 'SUSPENDED' } })).updateCentre;
    expect(updated).toMatchObject({ kind: 'POINT', name: '学校教育阳光服务点', openedOn: '2015-09-01', onlineHallUrl: null, status: 'SUSPENDED' });

    expectBadInput(await gql(t, UPDATE, { id: c.id, input: { name: null } }), 'input.name');
    expectBadInput(await gql(t, UPDATE, { id: c.id, input: { onlineHallUrl: 'mailto:a@b.cn' } }), 'input.onlineHallUrl');
    expectBadInput(await gql(t, UPDATE, { id: c.id, input: { openedOn: '2999-12-31' } }), 'input.openedOn');
    const missing = await gql(t, UPDATE, { id: UNKNOWN, input: { name: 'x' } });
    expect(missing.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expectBadInput(await gql(t, UPDATE, { id: 'nope', input: { name: 'x' } }), 'id');

    const closed = (await gqlData(t, `mutation { closeCentre(id: "${c.id}") { status name } }`)).closeCentre;
    expect(closed).toEqual({ status: 'CLOSED', name: '学校教育阳光服务点' });
    const notFound = await gql(t, `mutation { closeCentre(id: "${UNKNOWN}") { id } }`);
    expect(notFound.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    await gqlData(t, `mutation { reportCentreCheck(input: { centreId: "${c.id}", checkedAt: "2024-01-01T00:00:00Z", ok: true, httpStatus: 200 }) { recorded } }`);
    expect(await checkCount(c.id)).toBe(1);
    expect((await gqlData(t, `mutation { deleteCentre(id: "${c.id}") }`)).deleteCentre).toBe(c.id);
    expect((await gqlData(t, `{ centre(id: "${c.id}") { id } }`)).centre).toBeNull();
    expect(await checkCount(c.id)).toBe(0); // its history went with it
    // The delete convention: a retry answers NOT_FOUND (the centre is gone) and changes nothing.
    expect((await gql(t, `mutation { deleteCentre(id: "${c.id}") }`)).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('keeps integrity in the database whoever writes', async () => {
    const insert = (tenant: number, unit: string) =>
      sql(`insert into centre (tenant_id, id, unit_id, kind, name) values (?, gen_random_uuid(), ?, 'POINT', 'x')`, [tenant, unit]);
    await expect(insert(HUNAN, UNKNOWN)).rejects.toThrow(/not a unit of tenant/);
    await expect(insert(140000, CHANGSHA)).rejects.toThrow(/not a unit of tenant/); // a Hunan unit under Shanxi's tenant
    await expect(
      sql(`insert into centre_check (tenant_id, id, centre_id, checked_at, ok) values (?, gen_random_uuid(), ?, now(), true)`, [HUNAN, UNKNOWN]),
    ).rejects.toThrow(/not a centre of tenant/);
    const c = await create({ unitId: zhuzhouCounty, kind: 'STATION', name: '县阳光服务站' });
    await expect(sql('delete from org_unit where tenant_id = ? and id = ?', [HUNAN, zhuzhouCounty])).rejects.toThrow(/still owns/);
    await gqlData(t, `mutation { deleteCentre(id: "${c.id}") }`);
  });
});

describe('centre checks: history and latest', () => {
  const REPORT = `mutation($input: CentreCheckInput!) { reportCentreCheck(input: $input) {
    recorded becameLatest centre { lastCheck { checkedAt ok httpStatus note } checks { checkedAt ok httpStatus note } } } }`;

  it('moves the latest forward only, and keeps every check in the history', async () => {
    const c = await create({ unitId: ZHUZHOU, kind: 'CENTER', name: '株洲市教育阳光服务中心', onlineHallUrl: 'https://jyj.zhuzhou.gov.cn/' });
    const report = async (checkedAt: string, ok: boolean, httpStatus: number | null, note?: string) =>
      (await gqlData(t, REPORT, { input: { centreId: c.id, checkedAt, ok, httpStatus, note } })).reportCentreCheck;

    const r1 = await report('2025-03-01T02:00:00Z', false, 503, '网上大厅入口无法访问');
    expect(r1).toMatchObject({ recorded: true, becameLatest: true });
    expect(r1.centre.lastCheck).toEqual({ checkedAt: '2025-03-01T02:00:00.000Z', ok: false, httpStatus: 503, note: null });

    const r2 = await report('2025-03-15T02:00:00Z', true, 200);
    expect(r2).toMatchObject({ recorded: true, becameLatest: true });
    expect(r2.centre.lastCheck).toMatchObject({ checkedAt: '2025-03-15T02:00:00.000Z', ok: true, httpStatus: 200 });

    // An older check arriving late joins the history but does not move the latest back.
    const r3 = await report('2025-02-01T02:00:00Z', false, null, 'connection refused');
    expect(r3).toMatchObject({ recorded: true, becameLatest: false });
    expect(r3.centre.lastCheck).toMatchObject({ checkedAt: '2025-03-15T02:00:00.000Z', ok: true });
    expect(r3.centre.checks.map((k: any) => k.checkedAt)).toEqual(['2025-03-15T02:00:00.000Z', '2025-03-01T02:00:00.000Z', '2025-02-01T02:00:00.000Z']);
    expect(r3.centre.checks[1].note).toBe('网上大厅入口无法访问');
    expect(r3.centre.checks[2]).toEqual({ checkedAt: '2025-02-01T02:00:00.000Z', ok: false, httpStatus: null, note: 'connection refused' });

    // The same instant again (a retry) is not recorded twice.
    const r4 = await report('2025-03-15T02:00:00Z', true, 200);
    expect(r4).toMatchObject({ recorded: false, becameLatest: false });
    expect(await checkCount(c.id)).toBe(3);

    // The latest fields on the row are the newest check's.
    const [row] = await sql('select check_checked_at, check_ok, check_http_status from centre where id = ?', [c.id]);
    expect(new Date(row.check_checked_at).toISOString()).toBe('2025-03-15T02:00:00.000Z');
    expect([row.check_ok, row.check_http_status]).toEqual([true, 200]);

    const page = await gqlData(t, `{ centre(id: "${c.id}") { checks(first: 1) { checkedAt } } }`);
    expect(page.centre.checks).toEqual([{ checkedAt: '2025-03-15T02:00:00.000Z' }]);
  });

  it('refuses a check in the future, of an unknown centre or with a bad status, and writes nothing', async () => {
    const c = await create({ unitId: ZHUZHOU, kind: 'POINT', name: '株洲市阳光服务点' });
    const before = await checkCount();
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expectBadInput(await gql(t, REPORT, { input: { centreId: c.id, checkedAt: future, ok: true } }), 'input.checkedAt');
    expectBadInput(await gql(t, REPORT, { input: { centreId: UNKNOWN, checkedAt: '2025-01-01T00:00:00Z', ok: true } }), 'input.centreId');
    expectBadInput(await gql(t, REPORT, { input: { centreId: 'x', checkedAt: '2025-01-01T00:00:00Z', ok: true } }), 'input.centreId');
    expectBadInput(await gql(t, REPORT, { input: { centreId: c.id, checkedAt: '2025-01-01T00:00:00Z', ok: true, httpStatus: 42 } }), 'input.httpStatus');
    expectBadInput(await gql(t, REPORT, { input: { centreId: c.id, checkedAt: '2025-01-01T00:00:00Z', ok: true, note: 'x'.repeat(501) } }), 'input.note');
    expect(await checkCount()).toBe(before);
    expect((await gqlData(t, `{ centre(id: "${c.id}") { lastCheck { ok } } }`)).centre.lastCheck).toBeNull();
  });
});

describe('reportCentreChecks: bulk, validated per row', () => {
  const BULK = `mutation($tenant: String!, $checks: [CentreCheckInput!]!) { reportCentreChecks(tenant: $tenant, checks: $checks) {
    received recorded duplicates latestUpdated } }`;
  let ids: string[] = [];
  let shanxiCentre: string;

  beforeAll(async () => {
    const schools = await gqlData(t, '{ units(filter: { tenant: "430000", level: SCHOOL }, first: 20) { edges { node { id } } } }');
    const list: string[] = schools.units.edges.map((e: any) => e.node.id);
    const m = list.map((id, i) => `c${i}: createCentre(input: { unitId: "${id}", kind: POINT, name: "批量测试服务点" }) { id }`).join('\n');
    const created = await gqlData(t, `mutation { ${m} }`);
    ids = list.map((_, i) => created[`c${i}`].id);
    shanxiCentre = (await create({ unitId: TAIYUAN, kind: 'CENTER', name: '太原市教育阳光服务中心' })).id;
  });

  /** 4,000 checks: 200 per centre, one a day from 2025-01-01. */
  function batch() {
    const rows: { centreId: string; checkedAt: string; ok: boolean; httpStatus: number | null; note?: string }[] = [];
    for (let day = 0; day < 200; day++) {
      for (const [i, centreId] of ids.entries()) {
        const checkedAt = new Date(Date.UTC(2025, 0, 1 + day, 1, i)).toISOString();
        rows.push({ centreId, checkedAt, ok: (day + i) % 7 !== 0, httpStatus: (day + i) % 7 !== 0 ? 200 : 502 });
      }
    }
    return rows;
  }

  it('writes nothing when one row among thousands is bad, and names every bad row', async () => {
    const before = await checkCount();
    const rows = batch();
    expect(rows).toHaveLength(4000);
    const one = rows.map((r) => ({ ...r }));
    one[2345].checkedAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await gql(t, BULK, { tenant: '430000', checks: one });
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ROWS', field: 'checks.2345.checkedAt', rowErrorCount: 1 });
    expect(res.body.errors?.[0].extensions?.rowErrors).toEqual([{ index: 2345, field: 'checkedAt', path: 'checks.2345.checkedAt', message: expect.stringMatching(/future/) }]);
    expect(await checkCount()).toBe(before);

    const many = rows.map((r) => ({ ...r }));
    many[3] = { ...many[3], centreId: UNKNOWN };
    many[10] = { ...many[10], centreId: shanxiCentre }; // a centre of another tenant
    many[11] = { ...many[11], centreId: 'not-a-uuid' };
    many[12] = { ...many[12], httpStatus: 700 };
    many[3999] = { ...many[3999], note: 'n'.repeat(501) };
    const res2 = (await gql(t, BULK, { tenant: '430000', checks: many })).body.errors![0].extensions!;
    expect(res2.rowErrors.map((e: any) => [e.index, e.field])).toEqual([
      [3, 'centreId'],
      [10, 'centreId'],
      [11, 'centreId'],
      [12, 'httpStatus'],
      [3999, 'note'],
    ]);
    expect(await checkCount()).toBe(before);
    for (const id of ids) expect((await sql('select check_checked_at from centre where id = ?', [id]))[0].check_checked_at).toBeNull();
  });

  it('writes a valid batch: every check in the history, the newest per centre as its latest; a retry writes nothing', async () => {
    const before = await checkCount();
    const rows = batch();
    const res = (await gqlData(t, BULK, { tenant: '430000', checks: rows })).reportCentreChecks;
    expect(res).toEqual({ received: 4000, recorded: 4000, duplicates: 0, latestUpdated: 20 });
    expect(await checkCount()).toBe(before + 4000);
    const latest = await gqlData(t, `{ ${ids.map((id, i) => `c${i}: centre(id: "${id}") { lastCheck { checkedAt ok httpStatus } }`).join(' ')} }`);
    for (const [i] of ids.entries()) {
      const newest = rows.filter((r) => r.centreId === ids[i]).sort((a, b) => b.checkedAt.localeCompare(a.checkedAt))[0];
      expect(latest[`c${i}`].lastCheck).toEqual({ checkedAt: newest.checkedAt, ok: newest.ok, httpStatus: newest.httpStatus });
    }
    const again = (await gqlData(t, BULK, { tenant: '430000', checks: rows })).reportCentreChecks;
    expect(again).toEqual({ received: 4000, recorded: 0, duplicates: 4000, latestUpdated: 0 });
    expect(await checkCount()).toBe(before + 4000);

    // An older batch fills the history without moving any latest back.
    const older = ids.map((centreId) => ({ centreId, checkedAt: '2024-06-01T00:00:00Z', ok: false, httpStatus: 404 }));
    const res3 = (await gqlData(t, BULK, { tenant: '430000', checks: older })).reportCentreChecks;
    expect(res3).toMatchObject({ recorded: 20, latestUpdated: 0 });
  });

  it('refuses more than 5,000 rows and an unknown tenant as a whole', async () => {
    const rows = Array.from({ length: 5001 }, (_, i) => ({ centreId: ids[0], checkedAt: new Date(Date.UTC(2023, 0, 1, 0, 0, i)).toISOString(), ok: true }));
    expectBadInput(await gql(t, BULK, { tenant: '430000', checks: rows }), 'checks');
    expectBadInput(await gql(t, BULK, { tenant: '999999', checks: rows.slice(0, 1) }), 'tenant');
    const empty = (await gqlData(t, BULK, { tenant: '430000', checks: [] })).reportCentreChecks;
    expect(empty).toEqual({ received: 0, recorded: 0, duplicates: 0, latestUpdated: 0 });
  });
});

describe('the centres connection', () => {
  const LIST = `query($filter: CentreFilter, $first: Int!, $after: String) { centres(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { name kind status unit { code } lastCheck { ok } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
  // Centres are public: listed as the public, across tenants.
  const list = async (filter: Record<string, unknown>, first = 500) => (await gqlData(t, LIST, { filter, first }, ANONYMOUS_HEADERS)).centres;
  const names = (conn: any) => conn.edges.map((e: any) => e.node.name).sort();

  beforeAll(async () => {
    // Changsha: the city, a county of it and a school of that county. Zhuzhou: the city and a county.
    const fixtures: [string, string, string][] = [
      [CHANGSHA, 'CENTER', '过滤-长沙市中心'],
      [FURONG, 'STATION', '过滤-芙蓉区服务站'],
      [furongSchool, 'POINT', '过滤-芙蓉区学校服务点'],
      [ZHUZHOU, 'CENTER', '过滤-株洲市中心'],
      [zhuzhouCounty, 'STATION', '过滤-株洲县服务站'],
      [TAIYUAN, 'STATION', '过滤-太原市服务站'],
    ];
    const created: Record<string, string> = {};
    for (const [unit, kind, name] of fixtures) created[name] = (await create({ unitId: unit, kind, name })).id;
    await gqlData(t, `mutation { closeCentre(id: "${created['过滤-株洲县服务站']}") { id } }`);
    await gqlData(t, `mutation {
      a: reportCentreCheck(input: { centreId: "${created['过滤-长沙市中心']}", checkedAt: "2025-05-01T00:00:00Z", ok: true, httpStatus: 200 }) { recorded }
      b: reportCentreCheck(input: { centreId: "${created['过滤-芙蓉区服务站']}", checkedAt: "2025-05-01T00:00:00Z", ok: false, httpStatus: 500 }) { recorded }
    }`);
  });

  it('lists the centres of a unit, or of its whole subtree (Changsha with its counties and schools, not Zhuzhou)', async () => {
    expect(names(await list({ unitId: CHANGSHA, search: '过滤' }))).toEqual(['过滤-长沙市中心']);
    const subtree = await list({ unitId: CHANGSHA, subtree: true, search: '过滤' });
    expect(names(subtree)).toEqual(['过滤-芙蓉区学校服务点', '过滤-芙蓉区服务站', '过滤-长沙市中心'].sort());
    expect(subtree.totalCount).toBe(3);
    for (const e of subtree.edges) expect(e.node.unit.code.startsWith('4301') || e.node.unit.code.startsWith('24301')).toBe(true);
    expect(names(await list({ unitId: FURONG, subtree: true, search: '过滤' }))).toEqual(['过滤-芙蓉区学校服务点', '过滤-芙蓉区服务站'].sort());
    expect(names(await list({ unitId: ZHUZHOU, subtree: true, search: '过滤' }))).toEqual(['过滤-株洲县服务站', '过滤-株洲市中心'].sort());
    // The whole province: both cities' centres, not Shanxi's.
    const hunan = await list({ unitId: unitId(HUNAN, '430000'), subtree: true, search: '过滤' });
    expect(hunan.totalCount).toBe(5);
  });

  it('filters by tenant, kind, status, search and reachability', async () => {
    expect(names(await list({ tenant: '140000', search: '过滤' }))).toEqual(['过滤-太原市服务站']);
    expect((await list({ tenant: '430000', unitId: TAIYUAN })).totalCount).toBe(0); // a unit of another tenant matches nothing
    const unknownTenant = await gql(t, LIST, { filter: { tenant: '999999' }, first: 5 }, ANONYMOUS_HEADERS);
    expect(unknownTenant.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.tenant' });
    expect(names(await list({ kind: 'STATION', search: '过滤' }))).toEqual(['过滤-太原市服务站', '过滤-株洲县服务站', '过滤-芙蓉区服务站'].sort());
    expect(names(await list({ status: 'CLOSED', search: '过滤' }))).toEqual(['过滤-株洲县服务站']);
    expect(names(await list({ search: '芙蓉区' }))).toEqual(['过滤-芙蓉区学校服务点', '过滤-芙蓉区服务站'].sort());
    expect((await list({ search: '%' })).totalCount).toBe(0); // wildcards are literal
    expect(names(await list({ reachable: true, search: '过滤' }))).toEqual(['过滤-长沙市中心']);
    const unreachable = names(await list({ reachable: false, search: '过滤' }));
    expect(unreachable).toContain('过滤-芙蓉区服务站'); // the latest check failed
    expect(unreachable).toContain('过滤-株洲市中心'); // never checked
    expect(unreachable).not.toContain('过滤-长沙市中心');
    expect(names(await list({ unitId: CHANGSHA, subtree: true, kind: 'STATION', reachable: false, search: '过滤' }))).toEqual(['过滤-芙蓉区服务站']);
  });

  it('applies a narrower request scope to every read of a mutation (centres are public to readers)', async () => {
    const [changsha] = await sql('select path from org_unit where id = ?', [CHANGSHA]);
    const em = t.app.db.orm.em.fork() as EntityManager;
    expect(await new CentreRepository(em, Scope.subtree(HUNAN, changsha.path)).count({ search: '过滤' })).toBe(5); // Hunan's, to read
    const scoped = new CentreRepository(em, Scope.subtree(HUNAN, changsha.path).beginWrites());
    const everyone = new CentreRepository(em, Scope.public());
    const all = (await everyone.list({ search: '过滤' }, 100, null)).map((r) => r.centre);
    expect(all).toHaveLength(6);
    const visible = (await scoped.list({ search: '过滤' }, 100, null)).map((r) => r.centre.name).sort();
    expect(visible).toEqual(['过滤-芙蓉区学校服务点', '过滤-芙蓉区服务站', '过滤-长沙市中心'].sort());
    expect(await scoped.count({ search: '过滤' })).toBe(3);
    expect((await scoped.findByIds(all.map((c) => c.id))).map((c) => c.name).sort()).toEqual(visible);
    expect((await scoped.ofUnits([CHANGSHA, ZHUZHOU, TAIYUAN], null, null)).every((c) => c.unitId === CHANGSHA)).toBe(true);
    expect((await new CentreRepository(em, Scope.tenant(140000)).list({ search: '过滤' }, 100, null)).map((r) => r.centre.name)).toEqual(['过滤-太原市服务站']);
  });

  it('refuses a subtree without a unit, malformed ids and foreign cursors', async () => {
    expectBadInput(await gql(t, LIST, { filter: { subtree: true }, first: 5 }), 'filter.subtree');
    expectBadInput(await gql(t, LIST, { filter: { unitId: 'x' }, first: 5 }), 'filter.unitId');
    expectBadInput(await gql(t, LIST, { filter: { search: '长'.repeat(101) }, first: 5 }), 'filter.search');
    expectBadInput(await gql(t, LIST, { filter: { tenant: 'x' }, first: 5 }), 'filter.tenant');
    expectBadInput(await gql(t, LIST, { first: 501 }), 'first');
    const units = await gqlData(t, '{ units(first: 1) { pageInfo { endCursor } } }');
    expectBadInput(await gql(t, LIST, { first: 5, after: units.units.pageInfo.endCursor }), 'after');
    expectBadInput(await gql(t, LIST, { first: 5, after: 'garbage!' }), 'after');
  });

  it('pages with stable cursors: every centre once, in unit-code order, matching totalCount', async () => {
    const seen: { code: string; name: string }[] = [];
    let after: string | null = null;
    let total = -1;
    for (let page = 0; page < 50; page++) {
      const conn: any = (await gqlData(t, LIST, { filter: { tenant: '430000' }, first: 4, after })).centres;
      total = conn.totalCount;
      expect(conn.edges.length).toBeLessThanOrEqual(4);
      expect(conn.pageInfo.hasPreviousPage).toBe(false);
      if (conn.edges.length) expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
      seen.push(...conn.edges.map((e: any) => ({ code: e.node.unit.code, name: e.node.name })));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(total).toBe(await (async () => (await sql('select count(*)::int as n from centre where tenant_id = ?', [HUNAN]))[0].n)());
    expect(total).toBeGreaterThan(8);
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((s) => `${s.code}|${s.name}`)).size).toBe(total);
    const codes = seen.map((s) => s.code);
    expect([...codes].sort()).toEqual(codes);
  });
});
