import { adminHeaders, adminHeadersFor, ANONYMOUS_HEADERS, gql, gqlData, staffHeaders, startTestApp, TestApp } from '../support/app';

let t: TestApp;
const ids: Record<string, string> = {};

async function db<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return t.app.db.orm.em.fork().getConnection().execute(sql, params as any[]);
}
async function eventCount(): Promise<number> {
  const [row] = await db<{ n: number }>('select count(*)::int as n from interaction_event');
  return row.n;
}

const FIELDS = 'id kind status receivedAt dueAt repliedAt reply onTime overdue statusReason duplicateOfId unit { code }';
const CREATE = `mutation($input: CreateInteractionInput!) { createInteraction(input: $input) { ${FIELDS} } }`;
const REPLY = `mutation($id: ID!, $at: DateTime!, $reply: String!) { replyInteraction(id: $id, repliedAt: $at, reply: $reply) { ${FIELDS} } }`;

/** Creates as an ADMIN of the tenant written to (Hunan unless the input names another). */
async function create(input: Record<string, unknown>) {
  const headers = await adminHeadersFor(input.tenant ?? '430000');
  return gql(t, CREATE, { input: { tenant: '430000', unitId: ids['430000'], kind: 'MAILBOX', channel: 'MAILBOX_WEB', subject: '学位咨询', ...input } }, headers);
}
async function created(input: Record<string, unknown>): Promise<any> {
  const res = await create(input);
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.createInteraction;
}
function expectBad(res: { body: any }, field: string) {
  expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(res.body.errors[0].extensions.field).toBe(field);
  expect(res.body.errors[0].extensions.stacktrace).toBeUndefined();
}

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  for (const code of ['430000', '430100', '430102', '420000', '420900', '420902', '420921']) {
    ids[code] = (await gqlData(t, `query($c: String!) { unit(code: $c) { id } }`, { c: code }, ANONYMOUS_HEADERS)).unit.id;
  }
});
afterAll(async () => t?.close());

describe('reply rules', () => {
  it('lists the defaults, and a tenant’s own rule applies to that tenant’s new events only', async () => {
    const before = (await gqlData(t, '{ replyRules(tenant: "430000") { kind workingDays isDefault expectsReply } }')).replyRules;
    const byKind = Object.fromEntries(before.map((r: any) => [r.kind, r]));
    for (const k of ['MAILBOX', 'CONSULTATION', 'COMPLAINT', 'PORTAL_QA', 'HOTLINE', 'SERVICE_REQUEST']) expect(byKind[k]).toMatchObject({ workingDays: 5, isDefault: true, expectsReply: true });
    for (const k of ['INTERVIEW', 'SURVEY', 'SOLICITATION']) expect(byKind[k]).toMatchObject({ workingDays: null, expectsReply: false });

    const set = await gqlData(t, 'mutation { setReplyRule(tenant: "430000", kind: HOTLINE, workingDays: 2) { kind workingDays isDefault } }');
    expect(set.setReplyRule).toEqual({ kind: 'HOTLINE', workingDays: 2, isDefault: false });
    const hunan = (await gqlData(t, '{ replyRules(tenant: "430000") { kind workingDays isDefault } }')).replyRules;
    expect(hunan.find((r: any) => r.kind === 'HOTLINE')).toEqual({ kind: 'HOTLINE', workingDays: 2, isDefault: false });
    const hubei = (await gqlData(t, '{ replyRules(tenant: "420000") { kind workingDays isDefault } }', undefined, ANONYMOUS_HEADERS)).replyRules;
    expect(hubei.find((r: any) => r.kind === 'HOTLINE')).toEqual({ kind: 'HOTLINE', workingDays: 5, isDefault: true });

    // Received Thu 2024-02-08: 2 working days = Fri 9, Sun 18 (调休) → due end of Feb 18 Shanghai.
    const call = await created({ kind: 'HOTLINE', channel: 'PHONE', receivedAt: '2024-02-08T02:00:00Z' });
    expect(call.dueAt).toBe('2024-02-18T16:00:00.000Z');
    const inHubei = await created({ tenant: '420000', unitId: ids['420900'], kind: 'HOTLINE', channel: 'PHONE', receivedAt: '2024-02-08T02:00:00Z' });
    expect(inHubei.dueAt).toBe('2024-02-21T16:00:00.000Z');

    expectBad(await gql(t, 'mutation { setReplyRule(tenant: "430000", kind: INTERVIEW, workingDays: 3) { kind } }'), 'workingDays');
    expectBad(await gql(t, 'mutation { setReplyRule(tenant: "430000", kind: MAILBOX, workingDays: 0) { kind } }'), 'workingDays');
    expectBad(await gql(t, 'mutation { setReplyRule(tenant: "999999", kind: MAILBOX, workingDays: 3) { kind } }'), 'tenant');
  });
});

describe('deadlines on the working-day calendar, through the API', () => {
  it('a mailbox letter received 2024-02-08 is due at the end of 2024-02-21 Shanghai time; on-time and late replies', async () => {
    // 23:30 Beijing time on Feb 8 is still Feb 8 in Shanghai.
    const onTime = await created({ receivedAt: '2024-02-08T15:30:00Z' });
    expect(onTime).toMatchObject({ kind: 'MAILBOX', status: 'OPEN', dueAt: '2024-02-21T16:00:00.000Z', onTime: null, overdue: true, unit: { code: '430000' } });
    // 23:59 on Feb 21 Shanghai: the last minute of the last day.
    const r1 = (await gqlData(t, REPLY, { id: onTime.id, at: '2024-02-21T15:59:00Z', reply: '已答复' })).replyInteraction;
    expect(r1).toMatchObject({ status: 'REPLIED', repliedAt: '2024-02-21T15:59:00.000Z', reply: '已答复', onTime: true, overdue: false });

    const late = await created({ receivedAt: '2024-02-08T01:00:00Z' });
    const r2 = (await gqlData(t, REPLY, { id: late.id, at: '2024-02-21T16:00:00Z', reply: '迟复' })).replyInteraction; // 00:00 Feb 22
    expect(r2).toMatchObject({ onTime: false, overdue: true });
  });

  it('skips the National Day break and counts its make-up Saturday', async () => {
    // Received Mon 2019-09-30: Oct 1–7 off; working days Oct 8, 9, 10, 11, Sat 12 (调休) → due end of Oct 12.
    const e = await created({ kind: 'CONSULTATION', channel: 'PORTAL', receivedAt: '2019-09-30T03:00:00Z' });
    expect(e.dueAt).toBe('2019-10-12T16:00:00.000Z');
    // Received Fri 2025-09-26 (Sat 27 rest, Sun 28 worked; Oct 1–8 off): 28, 29, 30, Oct 9, 10 → end of Oct 10.
    const e2 = await created({ kind: 'PORTAL_QA', channel: 'PORTAL', receivedAt: '2025-09-26T03:00:00Z' });
    expect(e2.dueAt).toBe('2025-10-10T16:00:00.000Z');
  });

  it('interviews, surveys and solicitations are HELD: no deadline, never overdue, cannot be replied to', async () => {
    for (const kind of ['INTERVIEW', 'SURVEY', 'SOLICITATION']) {
      const e = await created({ kind, channel: 'PORTAL', subject: `${kind} 2014`, receivedAt: '2014-06-01T02:00:00Z' });
      expect(e).toMatchObject({ status: 'HELD', dueAt: null, onTime: null, overdue: false });
      expectBad(await gql(t, REPLY, { id: e.id, at: '2014-06-02T02:00:00Z', reply: 'x' }), 'id');
    }
  });
});

describe('every write is validated and writes nothing when refused', () => {
  it('refuses bad createInteraction input with the field path', async () => {
    const n = await eventCount();
    const future = new Date(Date.now() + 2 * 86_400_000).toISOString();
    expectBad(await create({ receivedAt: future }), 'input.receivedAt');
    expectBad(await create({ receivedAt: '1999-12-31T00:00:00Z' }), 'input.receivedAt');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', unitId: ids['420900'] }), 'input.unitId'); // a Hubei unit under Hunan
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', unitId: '00000000-0000-4000-8000-000000000000' }), 'input.unitId');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', unitId: 'nope' }), 'input.unitId');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', subject: '问'.repeat(501) }), 'input.subject');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', subject: '' }), 'input.subject');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', requesterName: 'x'.repeat(101) }), 'input.requesterName');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', requesterContact: 'x'.repeat(201) }), 'input.requesterContact');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', externalId: 'x'.repeat(101) }), 'input.externalId');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', centreId: 'not-a-uuid' }), 'input.centreId');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', tenant: '43' }), 'input.tenant');
    expectBad(await create({ receivedAt: '2024-01-01T00:00:00Z', tenant: '999999' }), 'input.tenant');
    expect((await create({ receivedAt: '2024-01-01T00:00:00Z', kind: 'LETTER_BOMB' })).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await eventCount()).toBe(n);
    // External ids are unique per unit: the second one is refused, the same id at another unit is fine.
    await created({ receivedAt: '2024-01-01T00:00:00Z', externalId: 'HN-1' });
    expectBad(await create({ receivedAt: '2024-01-02T00:00:00Z', externalId: 'HN-1' }), 'input.externalId');
    await created({ receivedAt: '2024-01-01T00:00:00Z', externalId: 'HN-1', unitId: ids['430100'] });
    expect(await eventCount()).toBe(n + 2);
  });

  it('refuses illegal replies and workflow steps, and leaves the row as it was', async () => {
    const e = await created({ receivedAt: '2024-03-04T02:00:00Z' });
    const snapshot = async () => (await db('select status, replied_at, reply, status_reason, duplicate_of, updated_at from interaction_event where id = ?', [e.id]))[0];
    const before = await snapshot();
    expectBad(await gql(t, REPLY, { id: e.id, at: '2024-03-04T01:59:59Z', reply: '早于收件' }), 'repliedAt');
    expectBad(await gql(t, REPLY, { id: e.id, at: new Date(Date.now() + 3_600_000).toISOString(), reply: '未来' }), 'repliedAt');
    expectBad(await gql(t, REPLY, { id: e.id, at: '2024-03-05T02:00:00Z', reply: '' }), 'reply');
    expectBad(await gql(t, REPLY, { id: e.id, at: '2024-03-05T02:00:00Z', reply: 'x'.repeat(5001) }), 'reply');
    expectBad(await gql(t, 'mutation($id: ID!) { reopenInteraction(id: $id) { id } }', { id: e.id }), 'id'); // OPEN: nothing to reopen
    expectBad(await gql(t, 'mutation($id: ID!) { markDuplicateInteraction(id: $id, duplicateOfId: $id) { id } }', { id: e.id }), 'duplicateOfId');
    expectBad(await gql(t, 'mutation($id: ID!) { invalidateInteraction(id: $id, reason: "") { id } }', { id: e.id }), 'reason');
    expect(await snapshot()).toEqual(before);

    // A duplicate must point to an event of the same tenant.
    const hubei = await created({ tenant: '420000', unitId: ids['420900'], receivedAt: '2024-03-04T02:00:00Z' });
    expectBad(await gql(t, 'mutation($id: ID!, $d: ID!) { markDuplicateInteraction(id: $id, duplicateOfId: $d) { id } }', { id: e.id, d: hubei.id }), 'duplicateOfId');
    expect(await snapshot()).toEqual(before);

    // INVALID: no reply until reopened.
    const inv = (await gqlData(t, 'mutation($id: ID!) { invalidateInteraction(id: $id, reason: "无效提问") { status statusReason onTime overdue } }', { id: e.id })).invalidateInteraction;
    expect(inv).toEqual({ status: 'INVALID', statusReason: '无效提问', onTime: null, overdue: false });
    expectBad(await gql(t, REPLY, { id: e.id, at: '2024-03-05T02:00:00Z', reply: '答复' }), 'id');
    expectBad(await gql(t, 'mutation($id: ID!) { invalidateInteraction(id: $id, reason: "again") { id } }', { id: e.id }), 'id');
    const reopened = (await gqlData(t, 'mutation($id: ID!) { reopenInteraction(id: $id) { status statusReason } }', { id: e.id })).reopenInteraction;
    expect(reopened).toEqual({ status: 'OPEN', statusReason: null });
    const replied = (await gqlData(t, REPLY, { id: e.id, at: '2024-03-05T02:00:00Z', reply: '答复' })).replyInteraction;
    expect(replied).toMatchObject({ status: 'REPLIED', onTime: true });
    expectBad(await gql(t, REPLY, { id: e.id, at: '2024-03-06T02:00:00Z', reply: '再答' }), 'id'); // already REPLIED

    // Duplicates: linked, not deletable while referenced, reopen clears the link.
    const dup = await created({ receivedAt: '2024-03-04T03:00:00Z' });
    const marked = (await gqlData(t, 'mutation($id: ID!, $d: ID!) { markDuplicateInteraction(id: $id, duplicateOfId: $d) { status duplicateOfId duplicateOf { id } } }', { id: dup.id, d: e.id }))
      .markDuplicateInteraction;
    expect(marked).toEqual({ status: 'DUPLICATE', duplicateOfId: e.id, duplicateOf: { id: e.id } });
    expectBad(await gql(t, 'mutation($id: ID!) { deleteInteraction(id: $id) }', { id: e.id }), 'id');
    expect((await gqlData(t, 'mutation($id: ID!) { reopenInteraction(id: $id) { status duplicateOfId } }', { id: dup.id })).reopenInteraction).toEqual({ status: 'OPEN', duplicateOfId: null });
    expect((await gqlData(t, 'mutation($id: ID!) { deleteInteraction(id: $id) }', { id: e.id })).deleteInteraction).toBe(e.id);
    expect(await gqlData(t, 'query($id: ID!) { interaction(id: $id) { id } }', { id: e.id })).toEqual({ interaction: null });
    const gone = await gql(t, 'mutation($id: ID!) { deleteInteraction(id: $id) }', { id: e.id });
    expect(gone.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('personal data', () => {
  it('is stored but hidden from the public; shown only when canSeePersonalData(unit path) allows it', async () => {
    const e = await created({ receivedAt: '2024-04-01T02:00:00Z', unitId: ids['430102'], requesterName: '张三', requesterContact: '13800000000' });
    const [row] = await db('select requester_name, requester_contact from interaction_event where id = ?', [e.id]);
    expect(row).toEqual({ requester_name: '张三', requester_contact: '13800000000' });

    const Q = `query($id: ID!) { interaction(id: $id) { requesterName requesterContact subject }
      interactions(filter: { unitId: $id2 }) { edges { node { requesterName requesterContact } } } }`.replace('$id2', `"${ids['430102']}"`);
    // Events are private rows: the public and staff of another county do not see them at all.
    const pub = await gqlData(t, Q, { id: e.id }, ANONYMOUS_HEADERS);
    expect(pub.interaction).toBeNull();
    expect(pub.interactions.edges).toEqual([]);
    const zhuzhou = await gqlData(t, Q, { id: e.id }, await staffHeaders({ tenant: '430000', unit: '430200', roles: ['VIEWER'] }));
    expect(zhuzhou.interaction).toBeNull();
    expect(zhuzhou.interactions.edges).toEqual([]);
    // Staff of Changsha (whose subtree holds Furong) see the requester.
    const changshaStaff = await gqlData(t, Q, { id: e.id }, await staffHeaders({ tenant: '430000', unit: '430100', roles: ['VIEWER'] }));
    expect(changshaStaff.interaction).toEqual({ requesterName: '张三', requesterContact: '13800000000', subject: '学位咨询' });

    // The owning unit's path decides: staff of Furong itself see the requester; staff of Tianxin,
    // Furong's sibling under Changsha, do not see the event at all.
    const furongStaff = await gqlData(t, Q, { id: e.id }, await staffHeaders({ tenant: '430000', unit: '430102', roles: ['VIEWER'] }));
    expect(furongStaff.interaction).toEqual({ requesterName: '张三', requesterContact: '13800000000', subject: '学位咨询' });
    const tianxinStaff = await gqlData(t, Q, { id: e.id }, await staffHeaders({ tenant: '430000', unit: '430103', roles: ['VIEWER'] }));
    expect(tianxinStaff.interaction).toBeNull();
    expect(tianxinStaff.interactions.edges).toEqual([]);
  });
});

describe('listing: filters, subtree, cursor paging and counts', () => {
  // Hubei (420000) is used by this block alone: Xiaogan and two of its counties.
  const rows: any[] = [];
  let centreId = '';
  let hunanAdmin: Record<string, string>;
  afterAll(() => {
    t.headers = hunanAdmin;
  });
  beforeAll(async () => {
    // This block reads and writes as an ADMIN of Hubei.
    hunanAdmin = t.headers;
    t.headers = await adminHeaders('420000');
    const spec: [string, string, string, string][] = [
      // unit, kind, channel, receivedAt
      ['420900', 'MAILBOX', 'MAILBOX_WEB', '2018-03-01T16:30:00Z'], // 2018-03-02 in Shanghai
      ['420900', 'MAILBOX', 'MAILBOX_WEB', '2018-03-01T15:30:00Z'], // 2018-03-01 in Shanghai
      ['420902', 'CONSULTATION', 'WECHAT', '2018-05-10T02:00:00Z'],
      ['420902', 'COMPLAINT', 'PHONE', '2018-06-11T02:00:00Z'],
      ['420921', 'PORTAL_QA', 'PORTAL', '2018-07-02T02:00:00Z'],
      ['420921', 'INTERVIEW', 'PORTAL', '2018-08-15T02:00:00Z'],
      ['420000', 'MAILBOX', 'LETTER', '2018-09-03T02:00:00Z'],
    ];
    for (let i = 0; i < 3; i++) for (const s of spec) rows.push({ unitCode: s[0], kind: s[1], channel: s[2], receivedAt: new Date(Date.parse(s[3]) + i * 60_000).toISOString(), subject: `孝感${s[1]}问题${i}` });
    const centre = await gqlData(t, `mutation { createCentre(input: { unitId: "${ids['420900']}", kind: CENTER, name: "孝感市教育阳光服务中心" }) { id } }`);
    centreId = centre.createCentre.id;
    rows[0].centreId = centreId;
    // History: some replied on time, one late, one invalid, one duplicate.
    rows[2].repliedAt = '2018-05-11T02:00:00Z'; // on time
    rows[3].repliedAt = '2018-07-11T02:00:00Z'; // late
    rows[4].status = 'INVALID';
    rows[7].status = 'DUPLICATE';
    const res = await gqlData(t, `mutation($rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "420000", idempotencyKey: "list-fixture", rows: $rows) { accepted } }`, { rows });
    expect(res.ingestInteractions.accepted).toBe(21);
  });

  const count = async (filter: Record<string, unknown>) =>
    (await gqlData(t, 'query($f: InteractionFilter) { interactions(filter: $f, first: 0) { totalCount } }', { f: { tenant: '420000', ...filter } })).interactions.totalCount;

  it('filters by unit (own or subtree), kind(s), status, channel, centre, Shanghai days, overdue and subject', async () => {
    const hubeiBefore = 2; // the two Hubei events created by earlier tests (420900), before the fixture
    expect(await count({})).toBe(21 + hubeiBefore);
    expect(await count({ unitId: ids['420900'] })).toBe(6 + hubeiBefore);
    expect(await count({ unitId: ids['420900'], subtree: true })).toBe(18 + hubeiBefore);
    expect(await count({ unitId: ids['420000'], subtree: true })).toBe(21 + hubeiBefore);
    expect(await count({ unitId: ids['420902'], subtree: true })).toBe(6);
    expect(await count({ kind: 'INTERVIEW' })).toBe(3);
    expect(await count({ kinds: ['CONSULTATION', 'COMPLAINT'] })).toBe(6);
    expect(await count({ kind: 'COMPLAINT', kinds: ['CONSULTATION'] })).toBe(0);
    expect(await count({ status: 'HELD' })).toBe(3);
    expect(await count({ channel: 'LETTER' })).toBe(3);
    expect(await count({ centreId })).toBe(1);
    // Day boundaries in Asia/Shanghai: 16:30Z on Mar 1 is Mar 2.
    expect(await count({ receivedFrom: '2018-03-02', receivedTo: '2018-03-02' })).toBe(3);
    expect(await count({ receivedFrom: '2018-03-01', receivedTo: '2018-03-01' })).toBe(3);
    expect(await count({ receivedFrom: '2018-05-01', receivedTo: '2018-07-31' })).toBe(9);
    expect(await count({ search: '孝感COMPLAINT' })).toBe(3);
    expect(await count({ search: '%' })).toBe(0);
    expectBad(await gql(t, '{ interactions(filter: { subtree: true }) { totalCount } }'), 'filter.subtree');
    // An event's centre must be a centre of its unit; a centre with events is closed, not deleted.
    const other = { unitCode: '420902', kind: 'SERVICE_REQUEST', channel: 'IN_PERSON', receivedAt: '2018-03-05T02:00:00Z', subject: '办事', centreId };
    const refused = await gql(t, `mutation($rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "420000", idempotencyKey: "wrong-centre", rows: $rows) { accepted } }`, { rows: [other] });
    expect(refused.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rows.0.centreId' });
    const single = await gql(t, `mutation { createInteraction(input: { tenant: "420000", unitId: "${ids['420902']}", centreId: "${centreId}", kind: SERVICE_REQUEST, channel: IN_PERSON, subject: "办事", receivedAt: "2018-03-05T02:00:00Z" }) { id } }`);
    expect(single.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.centreId' });
    const del = await gql(t, `mutation { deleteCentre(id: "${centreId}") }`);
    expect(del.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await count({ centreId })).toBe(1);
    expectBad(await gql(t, '{ interactions(filter: { unitId: "x" }) { totalCount } }'), 'filter.unitId');
    expectBad(await gql(t, '{ interactions(filter: { receivedFrom: "2018-02-01", receivedTo: "2018-01-01" }) { totalCount } }'), 'filter.receivedTo');
  });

  it('gives report figures through totalCount: received, replied, replied on time, overdue, invalid, duplicate, held', async () => {
    const sub = { unitId: ids['420900'], subtree: true, receivedFrom: '2018-01-01', receivedTo: '2018-12-31' };
    const received = await count({ ...sub, kinds: ['MAILBOX', 'CONSULTATION', 'COMPLAINT', 'PORTAL_QA'] });
    const replied = await count({ ...sub, status: 'REPLIED' });
    const repliedOnTime = await count({ ...sub, status: 'REPLIED', overdue: false });
    const overdue = await count({ ...sub, overdue: true });
    const invalid = await count({ ...sub, status: 'INVALID' });
    const duplicate = await count({ ...sub, status: 'DUPLICATE' });
    const held = await count({ ...sub, status: 'HELD' });
    expect({ received, replied, repliedOnTime, overdue, invalid, duplicate, held }).toEqual({
      received: 15, replied: 2, repliedOnTime: 1,
      // still OPEN past their 2018 deadlines: 15 − 2 replied − 1 invalid − 1 duplicate = 11, plus the late reply
      overdue: 12, invalid: 1, duplicate: 1, held: 3,
    });
    // The fields agree with the filters.
    const page = await gqlData(t, 'query($f: InteractionFilter) { interactions(filter: $f, first: 50) { edges { node { status onTime overdue } } } }', { f: { tenant: '420000', ...sub } });
    const nodes = page.interactions.edges.map((e: any) => e.node);
    expect(nodes.filter((n: any) => n.overdue).length).toBe(overdue);
    expect(nodes.filter((n: any) => n.onTime === true).length).toBe(repliedOnTime);
  });

  it('pages with cursors in (receivedAt desc, id desc) order: every event once, = totalCount', async () => {
    const seen: any[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const page: any = (await gqlData(t, 'query($a: String) { interactions(filter: { tenant: "420000" }, first: 4, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id receivedAt } } } }', { a: after })).interactions;
      total = page.totalCount;
      seen.push(...page.edges.map((e: any) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen.map((n) => n.id)).size).toBe(total);
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1], b = seen[i];
      expect(a.receivedAt > b.receivedAt || (a.receivedAt === b.receivedAt && a.id > b.id)).toBe(true);
    }
    const foreign = (await gqlData(t, '{ units(first: 1) { pageInfo { endCursor } } }')).units.pageInfo.endCursor;
    expectBad(await gql(t, 'query($a: String) { interactions(after: $a) { totalCount } }', { a: foreign }), 'after');
    expect((await gqlData(t, '{ interaction(id: "00000000-0000-4000-8000-000000000000") { id } }')).interaction).toBeNull();
    expect((await gqlData(t, '{ interaction(id: "junk") { id } }')).interaction).toBeNull();
  });
});

describe('SQL statements per request', () => {
  it('10 and 100 events with their unit (code, parent), personal fields and duplicateOf cost the same', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({
      unitCode: ['430100', '430102', '430000'][i % 3], kind: 'COMPLAINT', channel: 'WEIBO', subject: `统计${i}`,
      receivedAt: new Date(Date.parse('2020-01-06T02:00:00Z') + i * 3_600_000).toISOString(), requesterName: `人${i}`,
    }));
    await gqlData(t, `mutation($rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "430000", idempotencyKey: "stmt", rows: $rows) { accepted } }`, { rows });
    const Q = `query($n: Int!) { interactions(filter: { tenant: "430000", kind: COMPLAINT, channel: WEIBO }, first: $n) {
      totalCount edges { node { id subject requesterName requesterContact onTime overdue duplicateOf { id } unit { code parent { code } } } } } }`;
    const ten = await gql(t, Q, { n: 10 });
    const hundred = await gql(t, Q, { n: 100 });
    expect(ten.body.errors).toBeUndefined();
    expect(hundred.body.data.interactions.edges).toHaveLength(100);
    // Read by Hunan's province ADMIN: the subtree holds every event, so requester names are visible.
    expect(hundred.body.data.interactions.edges.every((e: any) => /^43/.test(e.node.unit.code) && /^人\d+$/.test(e.node.requesterName))).toBe(true);
    expect(hundred.statements).toBe(ten.statements);
    // the caller's unit (authentication) + page + count + units + parents
    expect(hundred.statements).toBeLessThanOrEqual(5);
  });
});
