import { ANONYMOUS_HEADERS, TestApp, gql, gqlData, startTestApp } from '../support/app';

let t: TestApp;
let schoolCodes: string[];
let hubeiCode: string;

const INGEST = `mutation($tenant: String!, $key: String!, $rows: [DisclosureIngestRow!]!) {
  ingestDisclosures(tenant: $tenant, idempotencyKey: $key, rows: $rows) { accepted duplicates replayed }
}`;
const ingest = (key: string, rows: unknown[], tenant = '430000') => gql(t, INGEST, { tenant, key, rows });

function rows(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({
    unitCode: schoolCodes[i % schoolCodes.length],
    title: `${tag} 第${i}号 关于转发教育部通知的通知`,
    documentNumber: `湘教通〔2020〕${i}号`,
    categoryCode: ['NEWS', 'NOTICE', 'POLICY_INTERPRETATION', 'BUDGET_FINAL_ACCOUNTS', 'ADMISSIONS', 'OTHER'][i % 6],
    channels: i % 2 ? ['DEPARTMENT_PORTAL', 'WECHAT'] : ['GOVERNMENT_PORTAL'],
    specialColumn: tag,
    url: `https://jyt.hunan.gov.cn/${tag}/${i}.html`,
    publishedAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
    externalId: `${tag}-${i}`,
  }));
}

async function countIn(column: string): Promise<number> {
  return (await gqlData(t, `query($c: String!) { disclosureItems(filter: { specialColumn: $c }, first: 0) { totalCount } }`, { c: column })).disclosureItems.totalCount;
}
async function totalItems(): Promise<number> {
  return (await gqlData(t, '{ disclosureItems(first: 0) { totalCount } }')).disclosureItems.totalCount;
}

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  const schools = await gqlData(t, '{ units(filter: { tenant: "430000", level: SCHOOL }, first: 200) { edges { node { code } } } }');
  schoolCodes = schools.units.edges.map((e: any) => e.node.code);
  hubeiCode = (await gqlData(t, '{ units(filter: { tenant: "420000", level: COUNTY }, first: 1) { edges { node { code } } } }', undefined, ANONYMOUS_HEADERS)).units.edges[0].node.code;
});
afterAll(async () => t?.close());

describe('ingestDisclosures', () => {
  it('inserts PUBLISHED rows with a PUBLISH record, replays a retry and refuses a conflicting one', async () => {
    const batch = rows(50, 'small');
    const first = await ingest('k-small', batch);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.ingestDisclosures).toEqual({ accepted: 50, duplicates: 0, replayed: false });
    expect(await countIn('small')).toBe(50);
    const one = await gqlData(t, `{ disclosureItems(filter: { specialColumn: "small", search: "第7号" }, first: 5) { edges { node { status publishedAt channels unit { code } category { code } reviews { step reviewer decision } } } } }`);
    expect(one.disclosureItems.edges).toHaveLength(1);
    const node = one.disclosureItems.edges[0].node;
    expect(node.status).toBe('PUBLISHED');
    expect(node.publishedAt).toBe(new Date(Date.UTC(2020, 0, 1) + 7 * 60_000).toISOString());
    expect(node.channels).toEqual(['DEPARTMENT_PORTAL', 'WECHAT']);
    expect(node.unit.code).toBe(schoolCodes[7 % schoolCodes.length]);
    expect(node.reviews).toEqual([{ step: 'PUBLISH', reviewer: 'ingest:k-small', decision: 'APPROVED' }]);

    const before = await totalItems();
    const retry = await ingest('k-small', batch);
    expect(retry.body.data.ingestDisclosures).toEqual({ accepted: 50, duplicates: 0, replayed: true });
    expect(await totalItems()).toBe(before);

    const changed = batch.map((r, i) => (i === 3 ? { ...r, title: r.title + '（更正）' } : r));
    const conflict = await ingest('k-small', changed);
    expect(conflict.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await totalItems()).toBe(before);

    // The same rows under a new key: their (unit, externalId) exist, so they are skipped.
    const again = await ingest('k-small-2', batch);
    expect(again.body.data.ingestDisclosures).toMatchObject({ accepted: 0, duplicates: 50, replayed: false });
    expect(await totalItems()).toBe(before);
  });

  it('takes DRAFT rows into the workflow and resolves units by id too', async () => {
    const unit = await gqlData(t, `query($c: String!) { unit(code: $c) { id } }`, { c: schoolCodes[0] });
    const res = await ingest('k-draft', [{ unitId: unit.unit.id, title: '草稿', categoryCode: 'OTHER', channels: ['WEIBO'], status: 'DRAFT', specialColumn: 'draft' }]);
    expect(res.body.data.ingestDisclosures.accepted).toBe(1);
    const d = await gqlData(t, `{ disclosureItems(filter: { specialColumn: "draft" }) { edges { node { status publishedAt reviews { step } } } } }`);
    expect(d.disclosureItems.edges[0].node).toEqual({ status: 'DRAFT', publishedAt: null, reviews: [] });
  });

  it('reports every bad row, writes nothing and leaves the key free', async () => {
    const before = await totalItems();
    const bad = rows(20, 'bad');
    bad[3] = { ...bad[3], categoryCode: 'NO_SUCH' };
    bad[5] = { ...bad[5], unitCode: hubeiCode };
    bad[8] = { ...bad[8], title: 'x'.repeat(501) };
    bad[11] = { ...bad[11], publishedAt: new Date(Date.now() + 5 * 86_400_000).toISOString() };
    bad[13] = { ...bad[13], channels: ['FAX'] };
    bad[15] = { ...bad[15], url: 'javascript:alert(1)' };
    bad[17] = { ...bad[17], externalId: bad[16].externalId, unitCode: bad[16].unitCode };
    const res = await ingest('k-bad', bad);
    const e = res.body.errors![0];
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rows.3.categoryCode', rowErrorCount: 7 });
    expect(e.extensions!.rowErrors.map((r: any) => `${r.index}.${r.field}`)).toEqual([
      '3.categoryCode', '5.unitCode', '8.title', '11.publishedAt', '13.channels', '15.url', '17.externalId',
    ]);
    expect(await totalItems()).toBe(before);
    // The failed call did not record the key: the corrected batch goes through under it.
    const fixed = await ingest('k-bad', rows(20, 'bad'));
    expect(fixed.body.data.ingestDisclosures).toMatchObject({ accepted: 20, replayed: false });
  });

  it('refuses more than 5,000 rows and an unknown tenant', async () => {
    const res = await ingest('k-big', rows(5001, 'big'));
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rows' });
    const t2 = await ingest('k-x', rows(1, 'x'), '999999');
    expect(t2.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenant', reason: 'TENANT_MISMATCH' });
  });

  it('ingests 5,000 rows in batched statements; one bad row among 5,000 writes nothing', async () => {
    const before = await totalItems();
    const bad = rows(5000, 'bulkbad');
    bad[4321] = { ...bad[4321], publishedAt: '2099-01-01T00:00:00Z' };
    const failed = await ingest('k-bulk', bad);
    expect(failed.body.errors![0].extensions).toMatchObject({ field: 'rows.4321.publishedAt', rowErrorCount: 1 });
    expect(await totalItems()).toBe(before);

    const batch = rows(5000, 'bulk');
    const started = Date.now();
    const res = await ingest('k-bulk', batch);
    const ms = Date.now() - started;
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.ingestDisclosures).toEqual({ accepted: 5000, duplicates: 0, replayed: false });
    // key + units + categories + items + reviews + result (+ transaction statements)
    expect(res.statements).toBeLessThanOrEqual(12);
    // eslint-disable-next-line no-console
    console.log(`ingest of 5000 rows on ${t.store}: ${ms} ms, ${res.statements} statements`);
    expect(await countIn('bulk')).toBe(5000);
    const byChannel = await gqlData(t, '{ disclosureItems(filter: { specialColumn: "bulk", channel: WECHAT }, first: 0) { totalCount } }');
    expect(byChannel.disclosureItems.totalCount).toBe(2500);
    const retry = await ingest('k-bulk', batch);
    expect(retry.body.data.ingestDisclosures.replayed).toBe(true);
    expect(await totalItems()).toBe(before + 5000);
  });
});
