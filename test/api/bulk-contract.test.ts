import { gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * The bulk contract (docs/integrators.md), the same for every bulk mutation: every row is checked,
 * every problem is answered at once in `extensions.rowErrors`, nothing is written; the tenant comes
 * from the credential; a unit outside the caller's subtree is reported without being revealed;
 * externalId is filterable; every delete answers the deleted id and NOT_FOUND on a retry.
 */

let t: TestApp;
let key: Record<string, string>;
const u: Record<string, { id: string; code: string }> = {};

async function db<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return t.app.db.orm.em.fork().getConnection().execute(sql, params as any[]);
}
const count = async (table: string) => (await db<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;

const EVENTS = `mutation($tenant: String, $key: String!, $rows: [InteractionIngestRow!]!) {
  ingestInteractions(tenant: $tenant, idempotencyKey: $key, rows: $rows) { accepted duplicates replayed ids } }`;
const ITEMS = `mutation($tenant: String, $key: String!, $rows: [DisclosureIngestRow!]!) {
  ingestDisclosures(tenant: $tenant, idempotencyKey: $key, rows: $rows) { accepted duplicates replayed } }`;
const CHECKS = `mutation($tenant: String, $checks: [CentreCheckInput!]!) {
  reportCentreChecks(tenant: $tenant, checks: $checks) { received recorded duplicates latestUpdated } }`;

/** n valid event rows of Changsha's units, received in 2024. */
function events(n: number, tag: string): any[] {
  const codes = [u.changsha.code, u.furong.code];
  return Array.from({ length: n }, (_, i) => ({
    unitCode: codes[i % 2],
    kind: 'MAILBOX',
    channel: 'PORTAL',
    subject: `${tag} ${i}`,
    receivedAt: new Date(Date.UTC(2024, 2, 1, 2, i)).toISOString(),
    ...(i % 2 ? { repliedAt: new Date(Date.UTC(2024, 2, 3, 2, i)).toISOString(), reply: '已答复' } : {}),
    externalId: `${tag}-${i}`,
  }));
}

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  for (const [name, code] of [['changsha', '430100'], ['furong', '430102'], ['zhuzhou', '430200']]) {
    u[name] = (await gqlData(t, `{ unit(code: "${code}") { id code } }`)).unit;
  }
  const created = await gqlData(t, `mutation($u: ID!) { createApiKey(input: { unitId: $u, name: "长沙市 integrator", scopes: [INGEST_INTERACTIONS, INGEST_DISCLOSURES, MANAGE_CENTRES] }) { key } }`, { u: u.changsha.id });
  key = { 'x-api-key': created.createApiKey.key };
});
afterAll(async () => t?.close());

describe('one bulk contract', () => {
  it('a batch with two bad rows (row 7 unknown unitCode, row 42 bad repliedAt) reports both in one answer and writes nothing', async () => {
    const rows = events(60, 'two-bad');
    rows[7] = { ...rows[7], unitCode: '439999' };
    rows[42] = { ...rows[42], repliedAt: '2024-01-01T00:00:00Z' }; // before receivedAt
    const before = await count('interaction_event');
    const res = await gql(t, EVENTS, { key: 'two-bad', rows }, key);
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    const e = res.body.errors![0];
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ROWS', field: 'rows.7.unitCode', rowErrorCount: 2 });
    expect(e.extensions!.rowErrors).toEqual([
      { index: 7, field: 'unitCode', path: 'rows.7.unitCode', message: 'no unit 439999 in your subtree (430100 and below)' },
      { index: 42, field: 'repliedAt', path: 'rows.42.repliedAt', message: 'repliedAt is before receivedAt' },
    ]);
    expect(e.message).toMatch(/^Row 7: `unitCode` no unit 439999 .*2 problems in 2 row\(s\).*Nothing was written\.$/);
    expect(await count('interaction_event')).toBe(before);
    // The key stayed free: the corrected batch goes through under it.
    const fixed = await gqlData(t, EVENTS, { key: 'two-bad', rows: events(60, 'two-bad') }, key);
    expect(fixed.ingestInteractions).toMatchObject({ accepted: 60, duplicates: 0, replayed: false });
    expect(await count('interaction_event')).toBe(before + 60);
  });

  it('every bulk mutation answers row errors in the same shape', async () => {
    const items = [
      { unitCode: u.changsha.code, title: '通知', categoryCode: 'NOTICE', channels: ['GOVERNMENT_PORTAL'] },
      { unitCode: u.changsha.code, title: '', categoryCode: 'NO_SUCH', channels: ['GOVERNMENT_PORTAL'] },
    ];
    const res = await gql(t, ITEMS, { key: 'items-bad', rows: items }, key);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ROWS', field: 'rows.1.title', rowErrorCount: 2 });
    expect(res.body.errors![0].extensions!.rowErrors.map((r: any) => r.path)).toEqual(['rows.1.title', 'rows.1.categoryCode']);

    const checks = [
      { centreId: '00000000-0000-4000-8000-000000000000', checkedAt: '2024-03-01T00:00:00Z', ok: true },
      { centreId: 'nope', checkedAt: '2024-03-01T00:00:00Z', ok: true },
    ];
    const res2 = await gql(t, CHECKS, { checks }, key);
    expect(res2.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ROWS', field: 'checks.0.centreId', rowErrorCount: 2 });
    expect(res2.body.errors![0].extensions!.rowErrors.map((r: any) => Object.keys(r).sort())).toEqual([
      ['field', 'index', 'message', 'path'],
      ['field', 'index', 'message', 'path'],
    ]);
  });

  it('values the schema refuses are refused by GraphQL first, one error per value, naming its place', async () => {
    const rows = events(50, 'typed');
    rows[3] = { ...rows[3], kind: 'FAX' };
    rows[42] = { ...rows[42], receivedAt: 'yesterday' };
    const before = await count('interaction_event');
    const res = await gql(t, EVENTS, { key: 'typed', rows }, key);
    expect(res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.field, /rows\[(\d+)\]\.(\w+)/.exec(e.message)?.slice(1)])).toEqual([
      ['BAD_USER_INPUT', 'variables.rows.3.kind', ['3', 'kind']],
      ['BAD_USER_INPUT', 'variables.rows.42.receivedAt', ['42', 'receivedAt']],
    ]);
    expect(await count('interaction_event')).toBe(before);
  });

  it('tenant may be omitted with a credential; given, it must match', async () => {
    const ok = await gqlData(t, EVENTS, { key: 'no-tenant', rows: events(3, 'no-tenant') }, key);
    expect(ok.ingestInteractions).toMatchObject({ accepted: 3, replayed: false });
    const same = await gqlData(t, EVENTS, { tenant: '430000', key: 'with-tenant', rows: events(2, 'with-tenant') }, key);
    expect(same.ingestInteractions.accepted).toBe(2);
    const other = await gql(t, EVENTS, { tenant: '420000', key: 'other-tenant', rows: events(2, 'other-tenant') }, key);
    expect(other.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenant', reason: 'TENANT_MISMATCH' });
    const item = await gqlData(t, ITEMS, { key: 'no-tenant', rows: [{ unitCode: u.furong.code, title: '无租户参数', categoryCode: 'NOTICE', channels: ['GOVERNMENT_PORTAL'] }] }, key);
    expect(item.ingestDisclosures).toEqual({ accepted: 1, duplicates: 0, replayed: false });
    const none = await gqlData(t, CHECKS, { checks: [] }, key);
    expect(none.reportCentreChecks.received).toBe(0);
    // The single writes too.
    const one = await gqlData(t, `mutation($u: ID!) { createInteraction(input: { unitId: $u, kind: MAILBOX, channel: PORTAL, subject: "无租户", receivedAt: "2024-03-01T00:00:00Z" }) { unit { code } } }`, { u: u.furong.id }, key);
    expect(one.createInteraction.unit.code).toBe('430102');
    const draft = await gqlData(t, `mutation($u: ID!) { createDisclosureItem(input: { unitId: $u, title: "无租户", categoryCode: "NOTICE", channels: [WECHAT] }) { status } }`, { u: u.furong.id }, key);
    expect(draft.createDisclosureItem.status).toBe('DRAFT');
    const mismatch = await gql(t, `mutation($u: ID!) { createInteraction(input: { tenant: "140000", unitId: $u, kind: MAILBOX, channel: PORTAL, subject: "x", receivedAt: "2024-03-01T00:00:00Z" }) { id } }`, { u: u.furong.id }, key);
    expect(mismatch.body.errors![0].extensions).toMatchObject({ field: 'input.tenant', reason: 'TENANT_MISMATCH' });
  });

  it('a Changsha key writing to Zhuzhou 430200 is told the truth without learning that 430200 exists', async () => {
    const rows = events(2, 'zz');
    rows[1] = { ...rows[1], unitCode: u.zhuzhou.code };
    const res = await gql(t, EVENTS, { key: 'zz', rows }, key);
    const outside = res.body.errors![0].extensions!.rowErrors[0];
    expect(outside).toMatchObject({ index: 1, field: 'unitCode', message: 'no unit 430200 in your subtree (430100 and below)' });
    // An unknown code answers the same words: nothing tells the two apart.
    rows[1] = { ...rows[1], unitCode: '430299' };
    const unknown = (await gql(t, EVENTS, { key: 'zz', rows }, key)).body.errors![0].extensions!.rowErrors[0];
    expect(unknown.message).toBe('no unit 430299 in your subtree (430100 and below)');
    expect(JSON.stringify(res.body)).not.toMatch(/株洲|tenant 430000/);
    const items = await gql(t, ITEMS, { key: 'zz', rows: [{ unitId: u.zhuzhou.id, title: 'x', categoryCode: 'NOTICE', channels: ['GOVERNMENT_PORTAL'] }] }, key);
    expect(items.body.errors![0].extensions!.rowErrors[0]).toMatchObject({ field: 'unitId', message: `no unit ${u.zhuzhou.id} in your subtree (430100 and below)` });
    // The single writes say the same.
    const one = await gql(t, `mutation($u: ID!) { createInteraction(input: { tenant: "430000", unitId: $u, kind: MAILBOX, channel: PORTAL, subject: "x", receivedAt: "2024-03-01T00:00:00Z" }) { id } }`, { u: u.zhuzhou.id }, key);
    expect(one.body.errors![0]).toMatchObject({ message: `No unit ${u.zhuzhou.id} in your subtree (430100 and below).`, extensions: { code: 'BAD_USER_INPUT', field: 'input.unitId' } });
    // A province ADMIN is told about its tenant.
    const admin = await gql(t, EVENTS, { key: 'zz-admin', rows: [{ ...rows[0], unitCode: '439999' }] });
    expect(admin.body.errors![0].extensions!.rowErrors[0].message).toBe('no unit 439999 in tenant 430000');
  });

  it('externalId: unique per unit, a stored one is skipped as a duplicate, and the lists filter by it', async () => {
    const rows = events(4, 'ext');
    const first = (await gqlData(t, EVENTS, { key: 'ext-1', rows }, key)).ingestInteractions;
    // A lost key: the same rows under a new one are duplicates, answered with the stored ids.
    const again = (await gqlData(t, EVENTS, { key: 'ext-2', rows }, key)).ingestInteractions;
    expect(again).toEqual({ accepted: 0, duplicates: 4, replayed: false, ids: first.ids });
    // The same external id at another unit is another event.
    const elsewhere = (await gqlData(t, EVENTS, { key: 'ext-3', rows: [{ ...rows[0], unitCode: rows[1].unitCode }] }, key)).ingestInteractions;
    expect(elsewhere.accepted).toBe(1);
    const found = await gqlData(t, `{ interactions(filter: { externalId: "ext-0" }) { totalCount edges { node { id unit { code } } } } }`);
    expect(found.interactions.totalCount).toBe(2);
    const one = await gqlData(t, `query($u: ID!) { interactions(filter: { externalId: "ext-0", unitId: $u }) { edges { node { id } } } }`, { u: u.changsha.id });
    expect(one.interactions.edges.map((e: any) => e.node.id)).toEqual([first.ids[0]]);
    // Twice in one batch at one unit: a row error.
    const twice = await gql(t, EVENTS, { key: 'ext-4', rows: [rows[0], rows[0]].map((r) => ({ ...r, externalId: 'twice' })) }, key);
    expect(twice.body.errors![0].extensions!.rowErrors).toEqual([expect.objectContaining({ index: 1, field: 'externalId' })]);

    await gqlData(t, ITEMS, { key: 'ext-items', rows: [{ unitCode: u.furong.code, title: '外部编号', categoryCode: 'NOTICE', channels: ['GOVERNMENT_PORTAL'], externalId: 'OA-2024-001' }] }, key);
    const items = await gqlData(t, `{ disclosureItems(filter: { externalId: "OA-2024-001" }) { edges { node { title unit { code } } } } }`);
    expect(items.disclosureItems.edges.map((e: any) => e.node)).toEqual([{ title: '外部编号', unit: { code: u.furong.code } }]);
  });

  it('every delete answers the deleted id, and NOT_FOUND once it is gone', async () => {
    const centre = (await gqlData(t, `mutation($u: ID!) { createCentre(input: { unitId: $u, kind: POINT, name: "待删除服务点" }) { id } }`, { u: u.furong.id })).createCentre.id;
    const event = (await gqlData(t, `mutation($u: ID!) { createInteraction(input: { tenant: "430000", unitId: $u, kind: MAILBOX, channel: PORTAL, subject: "删", receivedAt: "2024-03-01T00:00:00Z" }) { id } }`, { u: u.furong.id })).createInteraction.id;
    const item = (await gqlData(t, `mutation($u: ID!) { createDisclosureItem(input: { tenant: "430000", unitId: $u, title: "删", categoryCode: "NOTICE", channels: [GOVERNMENT_PORTAL] }) { id } }`, { u: u.furong.id })).createDisclosureItem.id;
    const app = (await gqlData(t, `mutation($u: ID!) { createDisclosureApplication(input: { tenant: "430000", unitId: $u, applicantType: CITIZEN, applicantName: "张三", channel: ONLINE, receivedAt: "2024-03-01T00:00:00Z", subject: "删" }) { id } }`, { u: u.furong.id })).createDisclosureApplication.id;
    for (const [field, id] of [['deleteCentre', centre], ['deleteInteraction', event], ['deleteDisclosureItem', item], ['deleteDisclosureApplication', app]]) {
      const first = await gql(t, `mutation($id: ID!) { ${field}(id: $id) }`, { id });
      expect([field, first.body.data?.[field]]).toEqual([field, id]);
      const retry = await gql(t, `mutation($id: ID!) { ${field}(id: $id) }`, { id });
      expect([field, retry.body.errors?.[0].extensions?.code]).toEqual([field, 'NOT_FOUND']);
    }
  });
});
