import { adminHeaders, ANONYMOUS_HEADERS, gql, gqlData, staffHeaders, startTestApp, TestApp } from '../support/app';
import { unitId } from '../../src/modules/units/unit.seed';

let t: TestApp;
const sql = (q: string, p: unknown[] = []) => t.app.db.orm.em.getConnection().execute(q, p);

const HUNAN = 430000;
const CHANGSHA = unitId(HUNAN, '430100');
const FURONG = unitId(HUNAN, '430102');
const ZHUZHOU = unitId(HUNAN, '430200');
const TAIYUAN = unitId(140000, '140100');
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.05 });
});
afterAll(async () => t?.close());

function expectBadInput(res: Awaited<ReturnType<typeof gql>>, field: string) {
  expect(res.body.errors?.length).toBeGreaterThan(0);
  const err = res.body.errors![0];
  expect(err.extensions?.code).toBe('BAD_USER_INPUT');
  expect(err.extensions?.field).toBe(field);
  return err;
}

const OFFICER_FIELDS = 'id name role phone email active appointedOn unit { code }';
const ADD = `mutation($input: AddOfficerInput!) { addOfficer(input: $input) { ${OFFICER_FIELDS} } }`;
/** Adds as an ADMIN of the unit's tenant; the answer is read back as the public unless `as` is given. */
const add = async (input: Record<string, unknown>) =>
  (await gqlData(t, ADD, { input }, input.unitId === TAIYUAN ? await adminHeaders('140000') : undefined)).addOfficer;
const officerCount = async () => (await sql('select count(*)::int as n from officer'))[0].n as number;

describe('responsible departments', () => {
  const SET = `mutation($unitId: ID!, $department: String!, $designatedAt: LocalDate!, $tenant: String) {
    setResponsibleDepartment(unitId: $unitId, department: $department, designatedAt: $designatedAt, tenant: $tenant) {
      responsibleDepartment designatedAt unit { code } } }`;

  it('sets and replaces one department per unit; units without one answer null', async () => {
    const set = await gqlData(t, SET, { unitId: CHANGSHA, department: '办公室', designatedAt: '2018-06-01', tenant: '430000' });
    expect(set.setResponsibleDepartment).toEqual({ responsibleDepartment: '办公室', designatedAt: '2018-06-01', unit: { code: '430100' } });
    await gqlData(t, SET, { unitId: CHANGSHA, department: '政策法规科', designatedAt: '2019-03-01' });
    const data = await gqlData(t, `{
      cs: unit(code: "430100") { responsibleDepartment responsibility { responsibleDepartment designatedAt updatedAt } }
      zz: unit(code: "430200") { responsibleDepartment responsibility { designatedAt } }
    }`);
    expect(data.cs.responsibleDepartment).toBe('政策法规科');
    expect(data.cs.responsibility).toMatchObject({ responsibleDepartment: '政策法规科', designatedAt: '2019-03-01' });
    expect(data.zz).toEqual({ responsibleDepartment: null, responsibility: null });
    expect((await sql('select count(*)::int as n from unit_responsibility where unit_id = ?', [CHANGSHA]))[0].n).toBe(1);
  });

  it('refuses bad input with the argument named', async () => {
    const ok = { unitId: ZHUZHOU, department: '办公室', designatedAt: '2019-01-01' };
    expectBadInput(await gql(t, SET, { ...ok, unitId: UNKNOWN }), 'unitId');
    expectBadInput(await gql(t, SET, { ...ok, unitId: 'x' }), 'unitId');
    expectBadInput(await gql(t, SET, { ...ok, tenant: '140000' }), 'unitId');
    expectBadInput(await gql(t, SET, { ...ok, designatedAt: '2999-01-01' }), 'designatedAt');
    expectBadInput(await gql(t, SET, { ...ok, department: '科'.repeat(201) }), 'department');
    expectBadInput(await gql(t, SET, { ...ok, department: ' ' }), 'department');
    expect((await sql('select count(*)::int as n from unit_responsibility where unit_id = ?', [ZHUZHOU]))[0].n).toBe(0);
  });
});

describe('officers', () => {
  it('adds officers, and refuses bad input with the field path, writing nothing', async () => {
    const before = await officerCount();
    const base = { unitId: FURONG, name: '张三', role: 'OFFICER' };
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '名'.repeat(51) }, 'input.name'],
      [{ name: '' }, 'input.name'],
      [{ phone: '1'.repeat(31) }, 'input.phone'],
      [{ phone: 'call me' }, 'input.phone'],
      [{ email: 'not-an-email' }, 'input.email'],
      [{ email: `${'a'.repeat(195)}@qq.com` }, 'input.email'],
      [{ unitId: UNKNOWN }, 'input.unitId'],
      [{ unitId: 'x' }, 'input.unitId'],
      [{ tenant: '140000' }, 'input.unitId'],
      [{ appointedOn: '2999-01-01' }, 'input.appointedOn'],
    ];
    for (const [override, field] of cases) expectBadInput(await gql(t, ADD, { input: { ...base, ...override } }), field);
    expect(await officerCount()).toBe(before);

    const o = await add({ ...base, tenant: '430000', phone: '0731-82207750', email: 'zhangsan@example.cn', appointedOn: '2019-05-01' });
    expect(o).toMatchObject({ name: '张三', role: 'OFFICER', active: true, appointedOn: '2019-05-01', unit: { code: '430102' } });
  });

  it('hides phone and email from the public while the database keeps them', async () => {
    const o = await add({ unitId: CHANGSHA, name: '黄军山', role: 'LEAD', phone: '0731-89783191', email: '408743077@qq.com' });
    expect([o.phone, o.email]).toEqual(['0731-89783191', '408743077@qq.com']); // staff of the unit's subtree see them
    const data = await gqlData(t, `{
      unit(code: "430100") { officers { name phone email } }
      officers(filter: { unitId: "${CHANGSHA}" }) { edges { node { name phone email } } }
    }`, undefined, ANONYMOUS_HEADERS);
    expect(data.unit.officers).toContainEqual({ name: '黄军山', phone: null, email: null });
    expect(data.officers.edges.map((e: any) => e.node)).toContainEqual({ name: '黄军山', phone: null, email: null });
    const [row] = await sql('select phone, email from officer where id = ?', [o.id]);
    expect(row).toEqual({ phone: '0731-89783191', email: '408743077@qq.com' });
  });

  it('answers personal data only to staff whose subtree holds the officer’s unit', async () => {
    const inZhuzhou = await add({ unitId: ZHUZHOU, name: '李四', role: 'CONTACT', phone: '0731-22222222' });
    const changshaStaff = await staffHeaders({ tenant: '430000', unit: '430100', roles: ['VIEWER'] });
    const data = await gqlData(t, `{ officers(filter: { tenant: "430000" }, first: 500) { edges { node { name phone email unit { code } } } } }`, undefined, changshaStaff);
    const byName = Object.fromEntries(data.officers.edges.map((e: any) => [e.node.name, e.node]));
    expect(byName['黄军山']).toMatchObject({ phone: '0731-89783191', email: '408743077@qq.com' });
    expect(byName['张三']).toMatchObject({ phone: '0731-82207750' }); // Furong is in Changsha's subtree
    expect(byName['李四']).toMatchObject({ phone: null }); // Zhuzhou is not
    expect((await gqlData(t, `{ officers(filter: { unitId: "${ZHUZHOU}" }) { edges { node { id phone } } } }`, undefined, ANONYMOUS_HEADERS)).officers.edges).toEqual([
      { node: { id: inZhuzhou.id, phone: null } },
    ]);
  });

  it('updates given fields, clears contacts with null, deactivates; units list active officers, lead first', async () => {
    const UPDATE = `mutation($id: ID!, $input: UpdateOfficerInput!) { updateOfficer(id: $id, input: $input) { ${OFFICER_FIELDS} } }`;
    const a = await add({ unitId: FURONG, name: '王五', role: 'CONTACT', phone: '13800000000', email: 'ww@example.cn' });
    const updated = (await gqlData(t, UPDATE, { id: a.id, input: { role: 'LEAD', phone: null } })).updateOfficer;
    expect(updated).toMatchObject({ name: '王五', role: 'LEAD', active: true });
    expect((await sql('select phone, email from officer where id = ?', [a.id]))[0]).toEqual({ phone: null, email: 'ww@example.cn' });
    expectBadInput(await gql(t, UPDATE, { id: a.id, input: { name: null } }), 'input.name');
    expectBadInput(await gql(t, UPDATE, { id: a.id, input: { email: 'x' } }), 'input.email');
    expectBadInput(await gql(t, UPDATE, { id: 'x', input: { name: 'y' } }), 'id');
    expect((await gql(t, UPDATE, { id: UNKNOWN, input: { name: 'y' } })).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const listed = await gqlData(t, '{ unit(code: "430102") { officers { name role } all: officers(activeOnly: false) { name active } } }');
    expect(listed.unit.officers.map((o: any) => o.role)).toEqual(['LEAD', 'OFFICER']); // 王五 (LEAD) before 张三 (OFFICER)

    const off = (await gqlData(t, `mutation { deactivateOfficer(id: "${a.id}") { active } }`)).deactivateOfficer;
    expect(off.active).toBe(false);
    const after = await gqlData(t, '{ unit(code: "430102") { officers { name } all: officers(activeOnly: false) { name active } } }');
    expect(after.unit.officers.map((o: any) => o.name)).toEqual(['张三']);
    expect(after.unit.all).toContainEqual({ name: '王五', active: false });
  });

  it('keeps officers on units of their own tenant in the database', async () => {
    await expect(
      sql(`insert into officer (tenant_id, id, unit_id, name, role) values (?, gen_random_uuid(), ?, 'x', 'OFFICER')`, [140000, CHANGSHA]),
    ).rejects.toThrow(/not a unit of tenant/);
    await expect(
      sql(`insert into unit_responsibility (tenant_id, unit_id, responsible_department, designated_at) values (?, ?, 'x', '2020-01-01')`, [HUNAN, UNKNOWN]),
    ).rejects.toThrow(/not a unit of tenant/);
  });
});

describe('the officers connection', () => {
  const LIST = `query($filter: OfficerFilter, $first: Int!, $after: String) { officers(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { name role active unit { code } } } pageInfo { hasNextPage endCursor } } }`;
  // Officers are public (without their contacts): listed as the public, across tenants.
  const list = async (filter: Record<string, unknown>, first = 500) => (await gqlData(t, LIST, { filter, first }, ANONYMOUS_HEADERS)).officers;
  const names = (conn: any) => conn.edges.map((e: any) => e.node.name).sort();

  beforeAll(async () => {
    await add({ unitId: TAIYUAN, name: '赵六', role: 'OFFICER' });
    const schools = await gqlData(t, '{ unit(code: "430102") { children(level: SCHOOL) { id } } }');
    await add({ unitId: schools.unit.children[0].id, name: '钱七', role: 'OFFICER' });
  });

  it('filters by tenant, unit, subtree, role and active', async () => {
    expect(names(await list({ tenant: '140000' }))).toEqual(['赵六']);
    expect((await list({ tenant: '430000', unitId: TAIYUAN })).totalCount).toBe(0);
    expect(names(await list({ unitId: CHANGSHA }))).toEqual(['黄军山']);
    expect(names(await list({ unitId: CHANGSHA, subtree: true }))).toEqual(['张三', '王五', '钱七', '黄军山'].sort());
    expect(names(await list({ unitId: CHANGSHA, subtree: true, active: true }))).toEqual(['张三', '钱七', '黄军山'].sort());
    expect(names(await list({ unitId: CHANGSHA, subtree: true, role: 'OFFICER' }))).toEqual(['张三', '钱七'].sort());
    expect(names(await list({ unitId: ZHUZHOU, subtree: true }))).toEqual(['李四']);
    expect(names(await list({ active: false }))).toEqual(['王五']);
    expectBadInput(await gql(t, LIST, { filter: { subtree: true }, first: 5 }), 'filter.subtree');
    expectBadInput(await gql(t, LIST, { filter: { unitId: 'nope' }, first: 5 }), 'filter.unitId');
  });

  it('pages with cursors: every officer once, matching totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = -1;
    for (let page = 0; page < 20; page++) {
      const conn: any = (await gqlData(t, LIST, { first: 2, after }, ANONYMOUS_HEADERS)).officers;
      total = conn.totalCount;
      seen.push(...conn.edges.map((e: any) => `${e.node.unit.code}|${e.node.name}`));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(total).toBe(await officerCount());
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expectBadInput(await gql(t, LIST, { first: 2, after: Buffer.from('["c","430100","x","00000000-0000-4000-8000-000000000000"]').toString('base64url') }), 'after');
  });
});
