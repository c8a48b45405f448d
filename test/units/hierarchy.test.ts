import { gql, gqlData, startTestApp, TestApp } from '../support/app';

/** The 14 cities and prefectures of Hunan with their GB/T 2260 codes. */
const HUNAN_CITIES: [string, string][] = [
  ['430100', '长沙'], ['430200', '株洲'], ['430300', '湘潭'], ['430400', '衡阳'], ['430500', '邵阳'],
  ['430600', '岳阳'], ['430700', '常德'], ['430800', '张家界'], ['430900', '益阳'], ['431000', '郴州'],
  ['431100', '永州'], ['431200', '怀化'], ['431300', '娄底'], ['433100', '湘西'],
];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.2, as: null });
});
afterAll(async () => t?.close());

describe('the unit hierarchy over GraphQL', () => {
  it('answers the 14 Hunan cities/prefectures under 430000 with their real codes', async () => {
    const data = await gqlData(t, '{ unit(code: "430000") { name children(level: CITY) { code name } } }');
    expect(data.unit.name).toBe('湖南省教育厅');
    expect(data.unit.children.map((c: any) => c.code)).toEqual(HUNAN_CITIES.map(([code]) => code));
    for (const [i, [, name]] of HUNAN_CITIES.entries()) expect(data.unit.children[i].name).toContain(name);
  });

  it('holds 122 county-level units in Hunan, 7 under Xiaogan and 11 cities in Shanxi', async () => {
    const data = await gqlData(t, `{
      hunan: unit(code: "430000") { descendants(level: COUNTY, first: 1) { totalCount } }
      xiaogan: unit(code: "420900") { name children(level: COUNTY) { code } }
      shanxi: unit(code: "140000") { children(level: CITY) { code } }
    }`);
    expect(data.hunan.descendants.totalCount).toBe(122);
    expect(data.xiaogan.children.map((c: any) => c.code)).toEqual(['420902', '420921', '420922', '420923', '420981', '420982', '420984']);
    expect(data.shanxi.children).toHaveLength(11);
  });

  it('hangs universities and affiliated institutions directly under the province, below it in level', async () => {
    const data = await gqlData(t, `{ unit(code: "430000") {
      unis: children(level: SCHOOL) { code name kind level depth parent { code } }
    } }`);
    const names = data.unit.unis.map((u: any) => u.name);
    for (const name of ['湖南大学', '中南大学', '湘潭大学', '湖南省教育考试院', '湖南省教育厅信息中心']) expect(names).toContain(name);
    const hnu = data.unit.unis.find((u: any) => u.name === '湖南大学');
    expect(hnu).toMatchObject({ code: '4143010532', kind: 'UNIVERSITY', level: 'SCHOOL', depth: 1, parent: { code: '430000' } });
    expect(data.unit.unis.find((u: any) => u.name === '湖南省教育考试院').kind).toBe('AFFILIATED_INSTITUTION');
  });

  it('walks ancestors root first and reports depth', async () => {
    const data = await gqlData(t, `{ unit(code: "430102") { depth parent { code } ancestors { code level } children(level: SCHOOL) { code depth ancestors { code } } } }`);
    expect(data.unit.depth).toBe(2);
    expect(data.unit.parent.code).toBe('430100');
    expect(data.unit.ancestors).toEqual([{ code: '430000', level: 'PROVINCE' }, { code: '430100', level: 'CITY' }]);
    expect(data.unit.children.length).toBeGreaterThan(0);
    for (const s of data.unit.children) {
      expect(s.code).toMatch(/^\d{10}$/);
      expect(s.depth).toBe(3);
      expect(s.ancestors.map((a: any) => a.code)).toEqual(['430000', '430100', '430102']);
    }
  });

  it('finds units by id, and answers null for unknown ids and codes', async () => {
    const { unit } = await gqlData(t, '{ unit(code: "430100") { id code } }');
    const again = await gqlData(t, 'query($id: ID!) { unit(id: $id) { code } }', { id: unit.id });
    expect(again.unit.code).toBe('430100');
    const none = await gqlData(t, `{
      a: unit(code: "999999") { id }
      b: unit(id: "00000000-0000-0000-0000-000000000000") { id }
      c: unit(id: "not-a-uuid") { id }
      d: unit(id: "${unit.id}", code: "430200") { id }
      e: unit(code: "430100", tenant: "140000") { id }
    }`);
    expect(none).toEqual({ a: null, b: null, c: null, d: null, e: null });
  });

  it('pages descendants with stable cursors: every unit once, in code order, matching totalCount', async () => {
    const query = `query($after: String) { unit(code: "430100") { descendants(first: 37, after: $after) {
      totalCount edges { cursor node { code } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = -1;
    for (let page = 0; page < 100; page++) {
      const data: any = await gqlData(t, query, { after });
      const conn = data.unit.descendants;
      total = conn.totalCount;
      seen.push(...conn.edges.map((e: any) => e.node.code));
      if (conn.edges.length) {
        expect(conn.pageInfo.startCursor).toBe(conn.edges[0].cursor);
        expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
      }
      expect(conn.pageInfo.hasPreviousPage).toBe(false);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(37 * 2);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort()).toEqual(seen);
    // Every descendant sits under Changsha: its counties and the schools below them.
    const counties = await gqlData(t, '{ unit(code: "430100") { descendants(level: COUNTY, first: 500) { totalCount edges { node { code parent { code } } } } } }');
    expect(counties.unit.descendants.totalCount).toBe(9); // 芙蓉 天心 岳麓 开福 雨花 望城 长沙县 浏阳 宁乡
    for (const e of counties.unit.descendants.edges) expect(e.node.parent.code).toBe('430100');
  });

  it('filters units by tenant, level, kind, parent, ancestor and search, paging with totalCount', async () => {
    const data = await gqlData(t, `{
      cities: units(filter: { tenant: "430000", level: CITY }, first: 500) { totalCount edges { node { code } } }
      shanxiCities: units(filter: { tenant: "140000", level: CITY }) { totalCount }
      unis: units(filter: { tenant: "430000", kind: UNIVERSITY }, first: 500) { totalCount }
      underXiaogan: units(filter: { ancestorId: "${(await gqlData(t, '{ unit(code: "420900") { id } }')).unit.id}", level: COUNTY }) { totalCount edges { node { code } } }
      search: units(filter: { search: "芙蓉区" , level: COUNTY }) { edges { node { code name } } }
      byCode: units(filter: { search: "4301" , level: COUNTY }) { totalCount }
    }`);
    expect(data.cities.totalCount).toBe(14);
    expect(data.shanxiCities.totalCount).toBe(11);
    expect(data.unis.totalCount).toBeGreaterThanOrEqual(36);
    expect(data.underXiaogan.totalCount).toBe(7);
    expect(data.search.edges).toEqual([{ node: { code: '430102', name: '长沙市芙蓉区教育局' } }]);
    expect(data.byCode.totalCount).toBe(9);
    // An unknown tenant is bad input, as everywhere.
    const none = await gql(t, '{ units(filter: { tenant: "999999" }) { totalCount } }');
    expect(none.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.tenant' });

    const parent = await gqlData(t, '{ unit(code: "430102") { id children { code } } }');
    const byParent = await gqlData(t, `{ units(filter: { parentId: "${parent.unit.id}" }, first: 500) { totalCount edges { node { code } } } }`);
    expect(byParent.units.totalCount).toBe(parent.unit.children.length);
    expect(byParent.units.edges.map((e: any) => e.node.code)).toEqual(parent.unit.children.map((c: any) => c.code));
  });

  it('treats a search with LIKE wildcards literally', async () => {
    const data = await gqlData(t, '{ units(filter: { search: "%" }) { totalCount } }');
    expect(data.units.totalCount).toBe(0);
  });

  it('lists the tenants with their root units', async () => {
    const data = await gqlData(t, '{ tenants { code name root { code level } } }');
    expect(data.tenants).toEqual([
      { code: '140000', name: '山西省', root: { code: '140000', level: 'PROVINCE' } },
      { code: '420000', name: '湖北省', root: { code: '420000', level: 'PROVINCE' } },
      { code: '430000', name: '湖南省', root: { code: '430000', level: 'PROVINCE' } },
    ]);
  });

  it('answers a 404 with directions off the API routes', async () => {
    const res = await fetch(`${t.base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ graphql: '/graphql' });
    const r = await gql(t, '{ __typename }');
    expect(r.body.data).toEqual({ __typename: 'Query' });
  });
});
