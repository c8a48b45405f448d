import { ANONYMOUS_HEADERS, gql, gqlData, startTestApp, TestApp } from '../support/app';

let t: TestApp;

beforeAll(async () => {
  // The set-up writes 100 units' rows in a few requests of hundreds of aliases and statements:
  // above the default limits, which are not under test here (test/hardening).
  t = await startTestApp({ seedScale: 0.05, env: { MAX_ALIASES: '400', MAX_STATEMENTS: '5000' } });
  // The first 100 Hunan schools (in the order `units` lists them) each get a centre with checks,
  // two officers and a responsible department.
  const schools = await gqlData(t, '{ units(filter: { tenant: "430000", level: SCHOOL }, first: 100) { edges { node { id } } } }');
  const ids: string[] = schools.units.edges.map((e: any) => e.node.id);
  expect(ids).toHaveLength(100);
  const centres = await gqlData(t, `mutation { ${ids.map((id, i) => `c${i}: createCentre(input: { unitId: "${id}", kind: POINT, name: "阳光服务点", onlineHallUrl: "https://s${i}.example.cn/" }) { id }`).join('\n')} }`);
  await gqlData(t, `mutation { ${ids
    .map((id, i) => `
      a${i}: addOfficer(input: { unitId: "${id}", name: "专干${i}", role: OFFICER, phone: "0731-8220${String(i).padStart(4, '0')}" }) { id }
      b${i}: addOfficer(input: { unitId: "${id}", name: "负责人${i}", role: LEAD, email: "lead${i}@example.cn" }) { id }
      r${i}: setResponsibleDepartment(unitId: "${id}", department: "办公室", designatedAt: "2019-01-01") { designatedAt }`)
    .join('\n')} }`);
  const checks = ids.flatMap((_, i) => [1, 2, 3].map((d) => ({ centreId: centres[`c${i}`].id, checkedAt: `2025-0${d}-01T00:00:00Z`, ok: d !== 2, httpStatus: d !== 2 ? 200 : 500 })));
  const report = await gqlData(t, 'mutation($c: [CentreCheckInput!]!) { reportCentreChecks(tenant: "430000", checks: $c) { recorded } }', { c: checks });
  expect(report.reportCentreChecks).toEqual({ recorded: 300 });
});
afterAll(async () => t?.close());

async function both(query: string) {
  // As the public (no authentication statement; personal fields hidden). test/auth counts staff reads.
  const ten = await gql(t, query, { n: 10 }, ANONYMOUS_HEADERS);
  const hundred = await gql(t, query, { n: 100 }, ANONYMOUS_HEADERS);
  expect(ten.body.errors).toBeUndefined();
  expect(hundred.body.errors).toBeUndefined();
  expect(Number.isFinite(hundred.statements)).toBe(true);
  return { ten, hundred };
}

describe('SQL statements per request do not grow with the number of units, centres or officers', () => {
  it('units with their centres (unit, latest and past checks), officers (personal fields, unit) and department', async () => {
    const { ten, hundred } = await both(`query($n: Int!) { units(filter: { tenant: "430000", level: SCHOOL }, first: $n) { edges { node {
      code
      responsibleDepartment
      centres { name unit { code } lastCheck { ok } checks(first: 2) { checkedAt ok } }
      officers { name role phone email unit { code parent { code } } }
    } } } }`);
    const nodes = hundred.body.data.units.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(100);
    for (const n of nodes) {
      expect(n.responsibleDepartment).toBe('办公室');
      expect(n.centres).toHaveLength(1);
      expect(n.centres[0].unit.code).toBe(n.code);
      expect(n.centres[0].lastCheck).toEqual({ ok: true });
      expect(n.centres[0].checks.map((k: any) => k.checkedAt)).toEqual(['2025-03-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z']);
      expect(n.officers.map((o: any) => o.role)).toEqual(['LEAD', 'OFFICER']);
      for (const o of n.officers) expect([o.phone, o.email]).toEqual([null, null]);
    }
    expect(hundred.statements).toBe(ten.statements);
    // tenants + units + department + centres + checks + officers + the officers' units' parents.
    expect(hundred.statements).toBeLessThanOrEqual(7);
  });

  it('the centres connection with each centre’s unit and its parent', async () => {
    const { ten, hundred } = await both(`query($n: Int!) { centres(filter: { tenant: "430000" }, first: $n) {
      totalCount edges { node { name unit { code parent { code } } lastCheck { checkedAt } } } } }`);
    expect(hundred.body.data.centres.edges).toHaveLength(100);
    for (const e of hundred.body.data.centres.edges) expect(e.node.unit.parent.code).toMatch(/^43/);
    expect(hundred.statements).toBe(ten.statements);
    // tenants + centres + count + units + parents.
    expect(hundred.statements).toBeLessThanOrEqual(5);
  });

  it('the officers connection with each officer’s unit and personal fields', async () => {
    const { ten, hundred } = await both(`query($n: Int!) { officers(filter: { tenant: "430000", role: OFFICER }, first: $n) {
      totalCount edges { node { name phone email unit { code responsibleDepartment centres { name } } } } } }`);
    expect(hundred.body.data.officers.edges).toHaveLength(100);
    expect(hundred.body.data.officers.totalCount).toBe(100);
    expect(hundred.statements).toBe(ten.statements);
    // tenants + officers + count + units + department + centres.
    expect(hundred.statements).toBeLessThanOrEqual(6);
  });

  it('batches centre ids given at the top level through one loader', async () => {
    const ids = (await gqlData(t, '{ centres(first: 50) { edges { node { id } } } }')).centres.edges.map((e: any) => e.node.id);
    const aliased = (n: number) => `{ ${ids.slice(0, n).map((id: string, i: number) => `c${i}: centre(id: "${id}") { name unit { code } }`).join(' ')} }`;
    const five = await gql(t, aliased(5), undefined, ANONYMOUS_HEADERS);
    const fifty = await gql(t, aliased(50), undefined, ANONYMOUS_HEADERS);
    expect(Object.keys(fifty.body.data)).toHaveLength(50);
    expect(fifty.statements).toBe(five.statements);
    expect(fifty.statements).toBeLessThanOrEqual(2);
  });
});
