import { gql, gqlData, startTestApp, TestApp, adminHeaders, adminHeadersFor } from '../support/app';

let t: TestApp;
const ids: Record<string, string> = {};
let school: { id: string; code: string };

const CREATE = `mutation($input: CreateDisclosureApplicationInput!) { createDisclosureApplication(input: $input) { id receivedAt } }`;
const DECIDE = `mutation($id: ID!, $input: DecideDisclosureApplicationInput!) { decideDisclosureApplication(id: $id, input: $input) { id } }`;
const LIST = `query($filter: DisclosureApplicationFilter, $first: Int, $after: String) {
  disclosureApplications(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id subject receivedAt status overdue extended unit { code } } } pageInfo { hasNextPage endCursor }
  }
}`;

async function create(unitId: string, receivedAt: string, subject: string, tenant = '430000'): Promise<string> {
  const d = await gqlData(t, CREATE, {
    input: { tenant, unitId, applicantType: 'LEGAL_PERSON', applicantName: '某公司', subject, channel: 'LETTER', receivedAt },
  }, await adminHeadersFor(tenant));
  return d.createDisclosureApplication.id;
}

async function subjects(filter: Record<string, unknown>): Promise<string[]> {
  // Applications are private rows: read by an ADMIN of the tenant the filter names (Hunan by default).
  const d = await gqlData(t, LIST, { filter, first: 500 }, await adminHeadersFor(filter.tenant ?? '430000'));
  expect(d.disclosureApplications.totalCount).toBe(d.disclosureApplications.edges.length);
  return d.disclosureApplications.edges.map((e: any) => e.node.subject).sort();
}

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  const d = await gqlData(t, '{ a: unit(code: "430000") { id } b: unit(code: "430100") { id } c: unit(code: "430102") { id } d: unit(code: "430200") { id } e: unit(code: "140000") { id } }', undefined, {});
  Object.assign(ids, { p: d.a.id, cs: d.b.id, fr: d.c.id, zz: d.d.id, sx: d.e.id });
  const s = await gqlData(t, `query($id: ID!) { units(filter: { ancestorId: $id, level: SCHOOL }, first: 1) { edges { node { id code } } } }`, { id: ids.fr });
  school = s.units.edges[0].node;

  // Carried over into 2024: c1 (open), c2 (decided in 2024). Not carried: n1 (decided in 2023), n2 (received 2024).
  const c1 = await create(ids.cs, '2023-12-28T10:00:00+08:00', 'c1');
  const c2 = await create(ids.fr, '2023-12-20T10:00:00+08:00', 'c2');
  const n1 = await create(school.id, '2023-12-01T10:00:00+08:00', 'n1');
  await create(ids.zz, '2024-01-01T00:30:00+08:00', 'n2'); // 2023-12-31T16:30Z: a 2024 receipt in Shanghai
  await create(ids.sx, '2023-12-30T10:00:00+08:00', 'sx', '140000');
  await gqlData(t, DECIDE, { id: c2, input: { outcome: 'GRANTED', decidedAt: '2024-01-10T10:00:00+08:00' } });
  await gqlData(t, DECIDE, { id: n1, input: { outcome: 'DUPLICATE', decidedAt: '2023-12-15T10:00:00+08:00' } });
  await gqlData(t, `mutation($id: ID!) { extendDisclosureApplication(id: $id, reason: \"需征求第三方意见\", at: "2024-01-05T10:00:00+08:00") { id } }`, { id: c1 });
  ids.c1 = c1;
  ids.c2 = c2;
  await create(ids.cs, new Date().toISOString(), 'now');
});
afterAll(async () => t?.close());

describe('disclosureApplications filters', () => {
  it('filters by tenant, unit and subtree (the unit and every unit below it)', async () => {
    expect(await subjects({ tenant: '430000' })).toEqual(['c1', 'c2', 'n1', 'n2', 'now']);
    expect(await subjects({ tenant: '140000' })).toEqual(['sx']);
    const unknownTenant = await gql(t, LIST, { filter: { tenant: '990000' }, first: 5 }, await adminHeaders('430000'));
    expect(unknownTenant.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.tenant' });
    expect(await subjects({ unitId: ids.cs })).toEqual(['c1', 'now']);
    expect(await subjects({ unitId: ids.cs, subtree: true })).toEqual(['c1', 'c2', 'n1', 'now']);
    expect(await subjects({ unitId: ids.fr, subtree: true })).toEqual(['c2', 'n1']);
    expect(await subjects({ unitId: school.id, subtree: true })).toEqual(['n1']);
    expect(await subjects({ unitId: ids.p, subtree: true })).toEqual(['c1', 'c2', 'n1', 'n2', 'now']);
    expect(await subjects({ unitId: ids.p })).toEqual([]);
  });

  it('filters by status, outcome, extension, overdue and Shanghai receipt days', async () => {
    expect(await subjects({ status: 'DECIDED' })).toEqual(['c2', 'n1']);
    expect(await subjects({ outcome: 'DUPLICATE' })).toEqual(['n1']);
    expect(await subjects({ extended: true })).toEqual(['c1']);
    expect(await subjects({ tenant: '430000', overdue: true })).toEqual(['c1', 'n2']);
    expect(await subjects({ tenant: '430000', overdue: false })).toEqual(['c2', 'n1', 'now']);
    expect(await subjects({ tenant: '430000', receivedFrom: '2024-01-01', receivedTo: '2024-01-01' })).toEqual(['n2']);
    expect(await subjects({ tenant: '430000', receivedFrom: '2023-01-01', receivedTo: '2023-12-31' })).toEqual(['c1', 'c2', 'n1']);
  });

  it('answers "carried over into 2024" (上年结转) with pendingAt, and which of them were decided in 2024', async () => {
    expect(await subjects({ tenant: '430000', pendingAt: '2024-01-01' })).toEqual(['c1', 'c2']);
    expect(await subjects({ tenant: '430000', pendingAt: '2024-01-01', status: 'DECIDED', decidedFrom: '2024-01-01', decidedTo: '2024-12-31' })).toEqual(['c2']);
    expect(await subjects({ tenant: '430000', pendingAt: '2023-12-10' })).toEqual(['n1']);
  });

  it('refuses malformed filter values with their field path', async () => {
    const bad = async (variables: Record<string, unknown>, field: string) => {
      const res = await gql(t, LIST, variables);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
    };
    await bad({ filter: { unitId: 'nope' } }, 'filter.unitId');
    await bad({ filter: { tenant: 'hunan' } }, 'filter.tenant');
    await bad({ first: 501 }, 'first');
    await bad({ first: 5, after: 'garbage!' }, 'after');
  });
});

describe('paging', () => {
  it('pages in (receivedAt desc, id desc) order with stable cursors, equal receipts included', async () => {
    // Five more at the very same instant, so the id decides their order.
    for (let i = 0; i < 5; i++) await create(ids.zz, '2022-06-01T10:00:00+08:00', `same${i}`);
    const seen: any[] = [];
    let after: string | null = null;
    let total = -1;
    for (let page = 0; page < 20; page++) {
      const d: any = await gqlData(t, LIST, { filter: { tenant: '430000' }, first: 2, after });
      total = d.disclosureApplications.totalCount;
      seen.push(...d.disclosureApplications.edges.map((e: any) => e.node));
      if (!d.disclosureApplications.pageInfo.hasNextPage) break;
      after = d.disclosureApplications.pageInfo.endCursor;
    }
    expect(total).toBe(10);
    expect(seen).toHaveLength(10);
    expect(new Set(seen.map((n) => n.id)).size).toBe(10);
    const sorted = [...seen].sort((a, b) => (a.receivedAt === b.receivedAt ? (a.id < b.id ? 1 : -1) : a.receivedAt < b.receivedAt ? 1 : -1));
    expect(seen.map((n) => n.id)).toEqual(sorted.map((n) => n.id));
    expect(seen[0].subject).toBe('now');
  });
});

describe('reconsiderations and lawsuits', () => {
  const FILE = `mutation($input: FileDisclosureDisputeInput!) { fileDisclosureDispute(input: $input) { id kind status outcome filedAt concludedAt note unit { code } application { id subject } } }`;
  const CONCLUDE = `mutation($id: ID!, $outcome: DisputeOutcome!, $at: DateTime!) { concludeDisclosureDispute(id: $id, outcome: $outcome, concludedAt: $at) { id status outcome concludedAt } }`;
  const DISPUTES = `query($filter: DisclosureDisputeFilter, $first: Int, $after: String) { disclosureDisputes(filter: $filter, first: $first, after: $after) {
    totalCount edges { node { id kind status outcome note unit { code } } } pageInfo { hasNextPage endCursor } } }`;

  it('files, concludes and lists disputes with the report’s categories', async () => {
    const r = (await gqlData(t, FILE, { input: { tenant: '430000', unitId: ids.cs, applicationId: ids.c1, kind: 'RECONSIDERATION', filedAt: '2024-02-20T10:00:00+08:00', note: '不服延期' } }))
      .fileDisclosureDispute;
    expect(r).toMatchObject({ kind: 'RECONSIDERATION', status: 'PENDING', outcome: null, unit: { code: '430100' }, application: { id: ids.c1, subject: 'c1' } });
    const l = (await gqlData(t, FILE, { input: { tenant: '430000', unitId: ids.fr, kind: 'LAWSUIT', filedAt: '2024-03-01T10:00:00+08:00' } })).fileDisclosureDispute;
    expect(l.application).toBeNull();
    await gqlData(t, FILE, { input: { tenant: '140000', unitId: ids.sx, kind: 'LAWSUIT', filedAt: '2024-03-02T10:00:00+08:00' } }, await adminHeaders('140000'));

    const c = (await gqlData(t, CONCLUDE, { id: r.id, outcome: 'CORRECTED', at: '2024-04-01T10:00:00+08:00' })).concludeDisclosureDispute;
    expect(c).toEqual({ id: r.id, status: 'CONCLUDED', outcome: 'CORRECTED', concludedAt: '2024-04-01T02:00:00.000Z' });
    const twice = await gql(t, CONCLUDE, { id: r.id, outcome: 'UPHELD', at: '2024-04-02T10:00:00+08:00' });
    expect(twice.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const early = await gql(t, CONCLUDE, { id: l.id, outcome: 'UPHELD', at: '2024-02-01T10:00:00+08:00' });
    expect(early.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'concludedAt' });

    const list = async (filter: Record<string, unknown>, tenant = '430000') =>
      (await gqlData(t, DISPUTES, { filter, first: 50 }, await adminHeaders(tenant))).disclosureDisputes.edges.map((e: any) => `${e.node.kind}:${e.node.status}:${e.node.unit.code}`);
    expect(await list({ tenant: '430000' })).toEqual(['LAWSUIT:PENDING:430102', 'RECONSIDERATION:CONCLUDED:430100']);
    expect(await list({ tenant: '430000', kind: 'LAWSUIT' })).toEqual(['LAWSUIT:PENDING:430102']);
    expect(await list({ status: 'PENDING' })).toEqual(['LAWSUIT:PENDING:430102']); // staff see their own tenant only
    expect(await list({ status: 'PENDING' }, '140000')).toEqual(['LAWSUIT:PENDING:140000']);
    expect(await list({ unitId: ids.cs })).toEqual(['RECONSIDERATION:CONCLUDED:430100']);
    expect(await list({ unitId: ids.cs, subtree: true })).toEqual(['LAWSUIT:PENDING:430102', 'RECONSIDERATION:CONCLUDED:430100']);
    expect(await list({ tenant: '430000', filedFrom: '2024-03-01', filedTo: '2024-03-01' })).toEqual(['LAWSUIT:PENDING:430102']);
    expect(await list({ outcome: 'CORRECTED' })).toEqual(['RECONSIDERATION:CONCLUDED:430100']);

    // unit and application of every dispute come through the per-request loaders: principal + page + units + applications.
    // The default caller is an ADMIN of Hunan: the Shanxi lawsuit is not theirs to see.
    const withRelated = await gql(t, `{ disclosureDisputes(first: 50) { edges { node { unit { code } application { subject unit { code } } } } } }`);
    expect(withRelated.body.errors).toBeUndefined();
    expect(withRelated.body.data.disclosureDisputes.edges.map((e: any) => e.node.application?.subject ?? null).sort()).toEqual(['c1', null]);
    expect(withRelated.statements).toBeLessThanOrEqual(4);

    const page1 = (await gqlData(t, DISPUTES, { first: 1 })).disclosureDisputes;
    expect(page1.totalCount).toBe(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await gqlData(t, DISPUTES, { first: 1, after: page1.pageInfo.endCursor })).disclosureDisputes;
    expect(page2.edges[0].node.id).not.toBe(page1.edges[0].node.id);
    expect(page2.edges).toHaveLength(1);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    // An application a dispute refers to cannot be deleted.
    const del = await gql(t, 'mutation($id: ID!) { deleteDisclosureApplication(id: $id) }', { id: ids.c1 });
    expect(del.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('refuses bad disputes with field paths and writes nothing', async () => {
    const count = async () => (await t.app.db.orm.em.getConnection().execute('select count(*)::int as n from disclosure_dispute'))[0].n;
    const before = await count();
    const bad = async (over: Record<string, unknown>, field: string) => {
      const res = await gql(t, FILE, { input: { tenant: '430000', unitId: ids.cs, kind: 'LAWSUIT', filedAt: '2024-03-01T10:00:00+08:00', ...over } });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    };
    await bad({ unitId: ids.sx }, 'input.unitId');
    await bad({ applicationId: ids.c2 }, 'input.applicationId'); // addressed to 430102, not 430100
    await bad({ applicationId: '00000000-0000-4000-8000-000000000000' }, 'input.applicationId');
    await bad({ applicationId: ids.c1, filedAt: '2023-12-01T10:00:00+08:00' }, 'input.filedAt');
    await bad({ filedAt: '2099-01-01T00:00:00Z' }, 'input.filedAt');
    await bad({ note: 'x'.repeat(1001) }, 'input.note');
    expect(await count()).toBe(before);
  });
});

describe('statements per request', () => {
  it('costs the same for 10 and for 100 applications with their units', async () => {
    const counties = await gqlData(t, '{ units(filter: { tenant: "430000", level: COUNTY }, first: 100) { edges { node { id } } } }');
    const unitIds: string[] = counties.units.edges.map((e: any) => e.node.id);
    const have = (await gqlData(t, LIST, { filter: { tenant: '430000' }, first: 1 })).disclosureApplications.totalCount;
    for (let i = have; i < 110; i++) await create(unitIds[i % unitIds.length], new Date(Date.UTC(2022, 0, 1) + i * 3_600_000).toISOString(), `bulk${i}`);
    const Q = `query($n: Int!) { disclosureApplications(filter: { tenant: "430000" }, first: $n) {
      totalCount edges { node { id unit { code parent { code } } applicantName applicantContact onTime overdue feeCharged } } } }`;
    const ten = await gql(t, Q, { n: 10 });
    const hundred = await gql(t, Q, { n: 100 });
    expect(ten.body.errors).toBeUndefined();
    expect(hundred.body.errors).toBeUndefined();
    expect(ten.body.data.disclosureApplications.edges).toHaveLength(10);
    expect(hundred.body.data.disclosureApplications.edges).toHaveLength(100);
    const codes = new Set(hundred.body.data.disclosureApplications.edges.map((e: any) => e.node.unit.code));
    expect(codes.size).toBeGreaterThan(50);
    expect(Number.isFinite(hundred.statements)).toBe(true);
    expect(hundred.statements).toBe(ten.statements);
    if (process.env.PRINT_STATEMENTS) console.log(`statements: 10 → ${ten.statements}, 100 → ${hundred.statements}`);
    // principal + tenants + page + count + units + parents
    expect(hundred.statements).toBeLessThanOrEqual(6);
  });
});
