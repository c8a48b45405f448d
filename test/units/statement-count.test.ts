import { gql, startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.2, as: null });
});
afterAll(async () => t?.close());

/** A dashboard-shaped query: N units, each with its parent, children, ancestors and a page of descendants. */
const QUERY = `query($n: Int!) {
  units(filter: { tenant: "430000", level: SCHOOL }, first: $n) {
    totalCount
    edges { node {
      code
      tenant { code }
      parent { code parent { code } }
      children { code }
      ancestors { code }
      descendants(first: 2) { totalCount edges { node { code } } }
    } }
  }
}`;

describe('SQL statements per request do not grow with the number of units', () => {
  it('costs the same handful of statements for 10 and for 100 units', async () => {
    const ten = await gql(t, QUERY, { n: 10 });
    const hundred = await gql(t, QUERY, { n: 100 });
    expect(ten.body.errors).toBeUndefined();
    expect(hundred.body.errors).toBeUndefined();
    expect(ten.body.data.units.edges).toHaveLength(10);
    expect(hundred.body.data.units.edges).toHaveLength(100);
    // Resolved values are real: every school has a parent and the province among its ancestors.
    for (const e of hundred.body.data.units.edges) {
      expect(e.node.parent.code).toMatch(/^\d{6}$/);
      expect(e.node.ancestors[0].code).toBe('430000');
    }
    expect(Number.isFinite(hundred.statements)).toBe(true);
    expect(hundred.statements).toBe(ten.statements);
    // units + count + tenants + parents + grandparents (+ ancestors in the same batch)
    // + children + descendants page + descendants count.
    expect(hundred.statements).toBeLessThanOrEqual(8);
  });

  it('costs the same for a province with its cities and counties as for one city', async () => {
    const q = `query($code: String!) { unit(code: $code) { children(level: CITY) { code children(level: COUNTY) { code parent { code } descendants(level: SCHOOL, first: 5) { totalCount } } } } }`;
    const province = await gql(t, q, { code: '430000' });
    const small = await gql(t, q, { code: '420000' });
    expect(province.body.errors).toBeUndefined();
    const counties = province.body.data.unit.children.flatMap((c: any) => c.children);
    expect(counties.length).toBe(122);
    expect(small.body.data.unit.children.flatMap((c: any) => c.children)).toHaveLength(7);
    expect(province.statements).toBe(small.statements);
  });

  it('batches ids given at the top level through the same loader', async () => {
    const ids = await gql(t, '{ units(filter: { tenant: "430000", level: COUNTY }, first: 50) { edges { node { id } } } }');
    const list: string[] = ids.body.data.units.edges.map((e: any) => e.node.id);
    const aliased = (n: number) => `{ ${list.slice(0, n).map((id, i) => `u${i}: unit(id: "${id}") { code parent { code } }`).join(' ')} }`;
    const five = await gql(t, aliased(5));
    const fifty = await gql(t, aliased(50));
    expect(Object.keys(fifty.body.data)).toHaveLength(50);
    expect(fifty.statements).toBe(five.statements);
    expect(fifty.statements).toBeLessThanOrEqual(2);
  });
});
