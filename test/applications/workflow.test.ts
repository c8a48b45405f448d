import { adminHeadersFor, ANONYMOUS_HEADERS, gql, gqlData, staffHeaders, startTestApp, TestApp } from '../support/app';

let t: TestApp;
let changsha: string; // 430100
let taiyuan: string; // 140100 (another tenant)

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  const d = await gqlData(t, '{ a: unit(code: "430100") { id } b: unit(code: "140100") { id } }', undefined, ANONYMOUS_HEADERS);
  changsha = d.a.id;
  taiyuan = d.b.id;
});
afterAll(async () => t?.close());

const FIELDS = `id status outcome legalGround receivedAt dueAt extended extendedAt extensionReason decidedAt withdrawnAt feeCharged onTime overdue
  applicantType applicantName applicantContact subject channel externalId unit { code }`;

const CREATE = `mutation($input: CreateDisclosureApplicationInput!) { createDisclosureApplication(input: $input) { ${FIELDS} } }`;
const EXTEND = `mutation($id: ID!, $reason: String!, $at: DateTime!) { extendDisclosureApplication(id: $id, reason: $reason, at: $at) { ${FIELDS} } }`;
const DECIDE = `mutation($id: ID!, $input: DecideDisclosureApplicationInput!) { decideDisclosureApplication(id: $id, input: $input) { ${FIELDS} } }`;
const WITHDRAW = `mutation($id: ID!, $at: DateTime!) { withdrawDisclosureApplication(id: $id, at: $at) { ${FIELDS} } }`;

function input(over: Record<string, unknown> = {}) {
  return {
    tenant: '430000',
    unitId: changsha,
    applicantType: 'CITIZEN',
    applicantName: '张三',
    applicantContact: '13800000000',
    subject: '申请公开2023年义务教育阶段招生计划',
    channel: 'ONLINE',
    receivedAt: '2023-09-25T10:00:00+08:00',
    ...over,
  };
}

async function create(over: Record<string, unknown> = {}): Promise<any> {
  // As an ADMIN of the tenant written to.
  return (await gqlData(t, CREATE, { input: input(over) }, await adminHeadersFor(over.tenant ?? '430000'))).createDisclosureApplication;
}

async function rowCount(): Promise<number> {
  const [row] = await t.app.db.orm.em.getConnection().execute('select count(*)::int as n from disclosure_application');
  return row.n;
}

function expectBadInput(res: any, field: string) {
  expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(res.body.errors[0].extensions.field).toBe(field);
  expect(res.body.data?.[Object.keys(res.body.data ?? {})[0]] ?? null).toBeNull();
}

describe('deadlines: 20 working days of the tenant calendar', () => {
  it('runs across the National Day break: received 2023-09-25 → due at the end of 2023-10-27 Shanghai time', async () => {
    const a = await create();
    expect(a.status).toBe('RECEIVED');
    expect(a.dueAt).toBe('2023-10-27T16:00:00.000Z'); // 2023-10-28 00:00 +08:00, exclusive
    expect(a.unit.code).toBe('430100');
    expect(a.extended).toBe(false);
    expect(a.onTime).toBeNull();
    expect(a.overdue).toBe(true); // long past and still open
  });

  it('runs across the Spring Festival break and its 调休 Sundays', async () => {
    // 2024: off Feb 10–17, Sun Feb 4 and Sun Feb 18 worked. Received Mon Feb 5:
    // Feb 6–9 (4), Sun 18 (5), 19–23 (10), 26–Mar 1 (15), Mar 4–8 (20).
    const a = await create({ receivedAt: '2024-02-05T09:00:00+08:00' });
    expect(a.dueAt).toBe('2024-03-08T16:00:00.000Z');
    // Receipt late in the Shanghai evening counts on that Shanghai day (15:30Z = 23:30 +08:00).
    const late = await create({ receivedAt: '2024-02-04T15:30:00Z' });
    // Received Sun Feb 4: Feb 5–9 (5), Sun 18 (6), 19–23 (11), 26–Mar 1 (16), Mar 4–7 (20).
    expect(late.dueAt).toBe('2024-03-07T16:00:00.000Z');
  });

  it('follows a tenant’s own calendar change', async () => {
    // Hunan declares Mon 2019-03-04 a holiday; Shanxi does not.
    await gqlData(t, 'mutation { setCalendarDay(tenant: "430000", date: "2019-03-04", working: false, name: "测试假日") { day } }');
    const hunan = await create({ receivedAt: '2019-03-01T10:00:00+08:00' });
    const shanxi = await create({ tenant: '140000', unitId: taiyuan, receivedAt: '2019-03-01T10:00:00+08:00' });
    // Shanxi: Mar 4–8 … Mar 25–29 → due end of Fri Mar 29; Hunan one working day later, Mon Apr 1.
    expect(shanxi.dueAt).toBe('2019-03-29T16:00:00.000Z');
    expect(hunan.dueAt).toBe('2019-04-01T16:00:00.000Z');
  });
});

describe('the single extension', () => {
  it('adds 20 working days counted from the original due date, and refuses a second one', async () => {
    const a = await create();
    const ext = await gqlData(t, EXTEND, { id: a.id, reason: '需要第三方意见', at: '2023-10-20T10:00:00+08:00' });
    const e = ext.extendDisclosureApplication;
    expect(e.extended).toBe(true);
    expect(e.extensionReason).toBe('需要第三方意见');
    expect(e.extendedAt).toBe('2023-10-20T02:00:00.000Z');
    // Original last day Fri Oct 27; Oct 30–31 (2), Nov 1–3 (5), 6–10 (10), 13–17 (15), 20–24 (20).
    expect(e.dueAt).toBe('2023-11-24T16:00:00.000Z');
    const again = await gql(t, EXTEND, { id: a.id, reason: '再次延期', at: '2023-10-21T10:00:00+08:00' });
    expectBadInput(again, 'id');
    const read = await gqlData(t, `query($id: ID!) { disclosureApplication(id: $id) { dueAt extensionReason } }`, { id: a.id });
    expect(read.disclosureApplication).toEqual({ dueAt: '2023-11-24T16:00:00.000Z', extensionReason: '需要第三方意见' });
  });

  it('is refused after the original deadline, before receipt, or once decided', async () => {
    const a = await create();
    expectBadInput(await gql(t, EXTEND, { id: a.id, reason: 'x', at: '2023-10-28T00:00:00+08:00' }), 'at');
    expectBadInput(await gql(t, EXTEND, { id: a.id, reason: 'x', at: '2023-09-24T10:00:00+08:00' }), 'at');
    expectBadInput(await gql(t, EXTEND, { id: a.id, reason: 'x'.repeat(501), at: '2023-10-20T10:00:00+08:00' }), 'reason');
    await gqlData(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: '2023-10-10T10:00:00+08:00' } });
    expectBadInput(await gql(t, EXTEND, { id: a.id, reason: 'x', at: '2023-10-11T10:00:00+08:00' }), 'id');
  });
});

describe('decisions, fees, on time and overdue', () => {
  it('decides on time with a fee, and refuses deciding twice', async () => {
    const a = await create();
    const d = (await gqlData(t, DECIDE, { id: a.id, input: { outcome: 'PARTLY_GRANTED', decidedAt: '2023-10-27T23:59:00+08:00', feeCharged: 12.5 } }))
      .decideDisclosureApplication;
    expect(d).toMatchObject({ status: 'DECIDED', outcome: 'PARTLY_GRANTED', feeCharged: 12.5, onTime: true, overdue: false, legalGround: null });
    const [row] = await t.app.db.orm.em.getConnection().execute('select fee_charged::text as fee from disclosure_application where id = ?', [a.id]);
    expect(row.fee).toBe('12.50');
    const twice = await gql(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: '2023-10-28T10:00:00+08:00' } });
    expectBadInput(twice, 'id');
    const read = await gqlData(t, `query($id: ID!) { disclosureApplication(id: $id) { outcome feeCharged } }`, { id: a.id });
    expect(read.disclosureApplication).toEqual({ outcome: 'PARTLY_GRANTED', feeCharged: 12.5 });
  });

  it('counts a decision at or after the deadline as late; fees default to 0', async () => {
    const a = await create();
    const d = (await gqlData(t, DECIDE, { id: a.id, input: { outcome: 'NOT_HELD', decidedAt: '2023-10-28T00:00:00+08:00' } })).decideDisclosureApplication;
    expect(d).toMatchObject({ onTime: false, overdue: false, feeCharged: 0 });
  });

  it('requires a legal ground for a refusal', async () => {
    const a = await create();
    expectBadInput(await gql(t, DECIDE, { id: a.id, input: { outcome: 'REFUSED', decidedAt: '2023-10-10T10:00:00+08:00' } }), 'input.legalGround');
    expectBadInput(await gql(t, DECIDE, { id: a.id, input: { outcome: 'REFUSED', decidedAt: '2023-10-10T10:00:00+08:00', legalGround: '   ' } }), 'input.legalGround');
    const ok = await gqlData(t, DECIDE, { id: a.id, input: { outcome: 'REFUSED', decidedAt: '2023-10-10T10:00:00+08:00', legalGround: '商业秘密' } });
    expect(ok.decideDisclosureApplication).toMatchObject({ outcome: 'REFUSED', legalGround: '商业秘密', onTime: true });
  });

  it('refuses a decision before receipt, in the future, or with a bad fee, and writes nothing', async () => {
    const a = await create();
    expectBadInput(await gql(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: '2023-09-24T10:00:00+08:00' } }), 'input.decidedAt');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expectBadInput(await gql(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: future } }), 'input.decidedAt');
    expectBadInput(await gql(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: '2023-10-10T10:00:00+08:00', feeCharged: -1 } }), 'input.feeCharged');
    expectBadInput(await gql(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: '2023-10-10T10:00:00+08:00', feeCharged: 1.234 } }), 'input.feeCharged');
    expectBadInput(await gql(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: '2023-10-10T10:00:00+08:00', legalGround: 'x'.repeat(501) } }), 'input.legalGround');
    const read = await gqlData(t, `query($id: ID!) { disclosureApplication(id: $id) { status outcome decidedAt feeCharged } }`, { id: a.id });
    expect(read.disclosureApplication).toEqual({ status: 'RECEIVED', outcome: null, decidedAt: null, feeCharged: 0 });
  });

  it('an application received just now is open and not overdue', async () => {
    const a = await create({ receivedAt: new Date().toISOString() });
    expect(a).toMatchObject({ overdue: false, onTime: null, status: 'RECEIVED' });
    expect(new Date(a.dueAt).getTime()).toBeGreaterThan(Date.now() + 20 * 86_400_000);
  });

  it('withdraws an open application once; withdrawn ones cannot be decided', async () => {
    const a = await create();
    const w = (await gqlData(t, WITHDRAW, { id: a.id, at: '2023-10-01T10:00:00+08:00' })).withdrawDisclosureApplication;
    expect(w).toMatchObject({ status: 'WITHDRAWN', withdrawnAt: '2023-10-01T02:00:00.000Z', onTime: null, overdue: false });
    expectBadInput(await gql(t, WITHDRAW, { id: a.id, at: '2023-10-02T10:00:00+08:00' }), 'id');
    expectBadInput(await gql(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: '2023-10-10T10:00:00+08:00' } }), 'id');
  });

  it('deletes an application; unknown ids read as null and cannot be decided', async () => {
    const a = await create();
    const del = await gqlData(t, 'mutation($id: ID!) { deleteDisclosureApplication(id: $id) }', { id: a.id });
    expect(del.deleteDisclosureApplication).toBe(a.id);
    const read = await gqlData(t, `query($id: ID!) { disclosureApplication(id: $id) { id } x: disclosureApplication(id: "nope") { id } }`, { id: a.id });
    expect(read).toEqual({ disclosureApplication: null, x: null });
    const res = await gql(t, DECIDE, { id: a.id, input: { outcome: 'GRANTED', decidedAt: '2023-10-10T10:00:00+08:00' } });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('validation: field paths, nothing written', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a unit of another tenant', { unitId: '' }, 'input.unitId'],
    ['an unknown unit', { unitId: '00000000-0000-4000-8000-000000000000' }, 'input.unitId'],
    ['an unknown tenant', { tenant: '990000' }, 'input.tenant'],
    ['an over-long applicant name', { applicantName: '名'.repeat(101) }, 'input.applicantName'],
    ['an empty applicant name', { applicantName: '' }, 'input.applicantName'],
    ['an over-long contact', { applicantContact: '1'.repeat(201) }, 'input.applicantContact'],
    ['an over-long subject', { subject: '事'.repeat(1001) }, 'input.subject'],
    ['an over-long external id', { externalId: 'x'.repeat(101) }, 'input.externalId'],
    ['a receipt far in the future', { receivedAt: '2099-01-01T00:00:00Z' }, 'input.receivedAt'],
    ['a receipt two days ahead', { receivedAt: '' }, 'input.receivedAt'],
    ['a receipt before 2000', { receivedAt: '1999-12-31T10:00:00+08:00' }, 'input.receivedAt'],
  ];
  it.each(cases)('refuses %s', async (_name, over, field) => {
    const patch = { ...over };
    if (patch.unitId === '') patch.unitId = taiyuan;
    if (patch.receivedAt === '') patch.receivedAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const before = await rowCount();
    const res = await gql(t, CREATE, { input: input(patch) });
    expectBadInput(res, field);
    expect(await rowCount()).toBe(before);
  });

  it('accepts a receipt a few hours ahead (clock skew) and a unique external id per unit', async () => {
    const soon = await create({ receivedAt: new Date(Date.now() + 3 * 3_600_000).toISOString(), externalId: 'CS-2024-001' });
    expect(soon.externalId).toBe('CS-2024-001');
    const before = await rowCount();
    expectBadInput(await gql(t, CREATE, { input: input({ externalId: 'CS-2024-001' }) }), 'input.externalId');
    expect(await rowCount()).toBe(before);
    // A retry of the same submission answers the stored application and writes nothing.
    const first = await create({ externalId: 'CS-2024-002' });
    const count = await rowCount();
    const retry = await create({ externalId: 'CS-2024-002' });
    expect(retry.id).toBe(first.id);
    expect(await rowCount()).toBe(count);
    // The same external id at another unit is another application.
    const other = await create({ tenant: '140000', unitId: taiyuan, externalId: 'CS-2024-001' });
    expect(other.externalId).toBe('CS-2024-001');
  });
});

describe('personal data', () => {
  it('is stored but never served to the public nor to staff outside the subtree', async () => {
    const a = await create({ applicantName: '李四', applicantContact: '湖南省长沙市 13900000000' });
    // The province ADMIN who recorded it sees the applicant.
    expect(a.applicantName).toBe('李四');
    expect(a.applicantContact).toBe('湖南省长沙市 13900000000');
    const READ = `query($id: ID!) { disclosureApplication(id: $id) { applicantName applicantContact applicantType subject } }`;
    const LIST = `{ disclosureApplications(filter: { tenant: "430000" }, first: 500) { totalCount edges { node { applicantName applicantContact } } } }`;
    for (const headers of [ANONYMOUS_HEADERS, await staffHeaders({ tenant: '430000', unit: '430200', roles: ['VIEWER'] })]) {
      expect((await gqlData(t, READ, { id: a.id }, headers)).disclosureApplication).toBeNull(); // applications are private rows
      expect((await gqlData(t, LIST, undefined, headers)).disclosureApplications).toEqual({ totalCount: 0, edges: [] });
    }
    const changsha = await gqlData(t, READ, { id: a.id }, await staffHeaders({ tenant: '430000', unit: '430100', roles: ['VIEWER'] }));
    expect(changsha.disclosureApplication).toEqual({ applicantName: '李四', applicantContact: '湖南省长沙市 13900000000', applicantType: 'CITIZEN', subject: input().subject });
    const [row] = await t.app.db.orm.em.getConnection().execute('select applicant_name, applicant_contact from disclosure_application where id = ?', [a.id]);
    expect(row).toEqual({ applicant_name: '李四', applicant_contact: '湖南省长沙市 13900000000' });
  });
});

describe('database constraints back the workflow rules', () => {
  it('refuses a decided row without outcome, a refusal without ground, a negative fee, whoever writes', async () => {
    const a = await create();
    const conn = t.app.db.orm.em.getConnection();
    const bad = async (set: string) => {
      await expect(conn.execute(`update disclosure_application set ${set} where id = ?`, [a.id])).rejects.toThrow(/check constraint/i);
    };
    await bad(`status = 'DECIDED'`);
    await bad(`status = 'DECIDED', outcome = 'REFUSED', decided_at = now()`);
    await bad(`fee_charged = -1`);
    await bad(`extended = true`);
    const [row] = await conn.execute('select status, fee_charged::text as fee, extended from disclosure_application where id = ?', [a.id]);
    expect(row).toEqual({ status: 'RECEIVED', fee: '0.00', extended: false });
  });
});
