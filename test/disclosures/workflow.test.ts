import { ANONYMOUS_HEADERS, TestApp, adminHeaders, gql, gqlData, startTestApp } from '../support/app';
import { seedDisclosureCategories } from '../../src/modules/disclosures/disclosure.seed';
import type { EntityManager } from '@mikro-orm/postgresql';

let t: TestApp;
let schoolId: string; // a school of Hunan
let countyId: string; // its county
let otherCountyId: string; // another county of Hunan (outside the first)
let hubeiUnitId: string;

const ITEM = `id status title documentNumber categoryCode channels specialColumn url publishedAt externalId
  unit { id code } category { code name } reviews { step reviewer decision note }`;

async function create(input: Record<string, unknown>) {
  return gql(t, `mutation($input: CreateDisclosureItemInput!) { createDisclosureItem(input: $input) { ${ITEM} } }`, {
    input: { tenant: '430000', unitId: schoolId, title: '关于做好2020年招生工作的通知', categoryCode: 'NOTICE', channels: ['DEPARTMENT_PORTAL'], ...input },
  });
}
async function createOk(input: Record<string, unknown> = {}) {
  const res = await create(input);
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.createDisclosureItem;
}
const submit = (id: string) => gql(t, `mutation($id: ID!) { submitDisclosureItem(id: $id, reviewer: "办公室") { ${ITEM} } }`, { id });
const review = (id: string, step: string, decision: string) =>
  gql(t, `mutation($id: ID!, $input: ReviewDisclosureItemInput!) { reviewDisclosureItem(id: $id, input: $input) { ${ITEM} } }`, {
    id,
    input: { step, reviewer: '法规处', decision, note: 'ok' },
  });
const publish = (id: string, publishedAt?: string) =>
  gql(t, `mutation($id: ID!, $at: DateTime) { publishDisclosureItem(id: $id, reviewer: "信息中心", publishedAt: $at) { ${ITEM} } }`, { id, at: publishedAt });
const withdraw = (id: string) => gql(t, `mutation($id: ID!) { withdrawDisclosureItem(id: $id, reviewer: "信息中心", note: "误发") { ${ITEM} } }`, { id });
const del = (id: string) => gql(t, `mutation($id: ID!) { deleteDisclosureItem(id: $id) }`, { id });
const update = (id: string, input: Record<string, unknown>) =>
  gql(t, `mutation($id: ID!, $input: UpdateDisclosureItemInput!) { updateDisclosureItem(id: $id, input: $input) { ${ITEM} } }`, { id, input });

function expectBad(res: Awaited<ReturnType<typeof gql>>, field: string, message?: RegExp) {
  expect(res.body.errors).toBeDefined();
  expect(res.body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(res.body.errors![0].extensions?.field).toBe(field);
  if (message) expect(res.body.errors![0].message).toMatch(message);
}

async function itemCount(): Promise<number> {
  return (await gqlData(t, '{ disclosureItems(first: 0) { totalCount } }')).disclosureItems.totalCount;
}

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  const counties = await gqlData(t, `{ unit(code: "430100") { children(level: COUNTY) { id code children(level: SCHOOL) { id code } } } }`);
  const withSchool = counties.unit.children.filter((c: any) => c.children.length > 0);
  countyId = withSchool[0].id;
  schoolId = withSchool[0].children[0].id;
  otherCountyId = withSchool[1].id;
  hubeiUnitId = (await gqlData(t, '{ unit(code: "420900") { id } }', undefined, ANONYMOUS_HEADERS)).unit.id;
});
afterAll(async () => t?.close());

describe('category taxonomies', () => {
  it('seeds each tenant with the categories of its reports', async () => {
    const q = `query($t: String!) { disclosureCategories(tenant: $t) { code name sortOrder active } }`;
    // Categories are public: read as the public, across tenants.
    const shanxi = (await gqlData(t, q, { t: '140000' }, ANONYMOUS_HEADERS)).disclosureCategories;
    expect(shanxi.map((c: any) => c.code)).toEqual(['NOTICE', 'DEPARTMENT_WORK', 'EDUCATION_COLUMNS', 'DISCLOSURE', 'NEWS']);
    expect(shanxi.map((c: any) => c.name)).toContain('公告通知');
    const hubei = (await gqlData(t, q, { t: '420000' }, ANONYMOUS_HEADERS)).disclosureCategories;
    expect(hubei).toHaveLength(16);
    expect(hubei.map((c: any) => c.name)).toEqual(expect.arrayContaining(['孝感教育新闻', '规划财务', '教育工会', '体育卫生']));
    const hunan = (await gqlData(t, q, { t: '430000' })).disclosureCategories;
    expect(hunan.map((c: any) => c.code)).toEqual(expect.arrayContaining(['NEWS', 'NOTICE', 'POLICY_INTERPRETATION', 'BUDGET_FINAL_ACCOUNTS', 'ADMISSIONS', 'OTHER']));
    expect((await gql(t, q, { t: '999999' })).body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenant' });
  });

  it('seeds idempotently: a second run inserts nothing', async () => {
    expect(await seedDisclosureCategories(t.app.db.orm.em.fork() as EntityManager)).toBe(0);
    const q = `{ disclosureCategories(tenant: "420000") { code } }`;
    expect((await gqlData(t, q, undefined, ANONYMOUS_HEADERS)).disclosureCategories).toHaveLength(16);
  });

  it('upserts a category, and an inactive one takes no new items', async () => {
    const m = `mutation($input: DisclosureCategoryInput!) { upsertDisclosureCategory(tenant: "430000", input: $input) { code name active sortOrder } }`;
    const c = await gqlData(t, m, { input: { code: 'ARCHIVE_TEST', name: '归档', sortOrder: 900, active: false } });
    expect(c.upsertDisclosureCategory).toEqual({ code: 'ARCHIVE_TEST', name: '归档', active: false, sortOrder: 900 });
    expectBad(await create({ categoryCode: 'ARCHIVE_TEST' }), 'input.categoryCode', /inactive/);
    const again = await gqlData(t, m, { input: { code: 'ARCHIVE_TEST', name: '归档资料', sortOrder: 900, active: true } });
    expect(again.upsertDisclosureCategory.name).toBe('归档资料');
    expect((await create({ categoryCode: 'ARCHIVE_TEST' })).body.errors).toBeUndefined();
    expectBad(await gql(t, m, { input: { code: 'bad code', name: 'x' } }), 'input.code');
  });
});

describe('validation', () => {
  it('refuses bad input and writes nothing', async () => {
    const before = await itemCount();
    expectBad(await create({ categoryCode: 'NO_SUCH' }), 'input.categoryCode', /does not exist/);
    // A category of another tenant's list: Hubei has PLANNING_FINANCE, Hunan does not.
    expectBad(await create({ categoryCode: 'PLANNING_FINANCE' }), 'input.categoryCode');
    expectBad(await create({ unitId: hubeiUnitId }), 'input.unitId', /^No unit .* in tenant 430000\.$/);
    expectBad(await create({ unitId: '00000000-0000-4000-8000-000000000000' }), 'input.unitId');
    expectBad(await create({ title: '长'.repeat(501) }), 'input.title');
    expectBad(await create({ documentNumber: 'x'.repeat(101) }), 'input.documentNumber');
    expectBad(await create({ url: 'ftp://example.org/a' }), 'input.url');
    expectBad(await create({ channels: [] }), 'input.channels');
    const badChannel = await create({ channels: ['FAX'] });
    expect(badChannel.body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expectBad(await create({ tenant: '999999' }), 'input.tenant');
    expect(await itemCount()).toBe(before);
  });

  it('refuses a publication date more than a day ahead', async () => {
    const item = await createOk();
    await submit(item.id);
    await review(item.id, 'OFFICE_REVIEW', 'APPROVED');
    expectBad(await publish(item.id, new Date(Date.now() + 3 * 86_400_000).toISOString()), 'publishedAt', /future/);
    const ok = await publish(item.id, '2020-06-01T02:00:00Z');
    expect(ok.body.data.publishDisclosureItem.publishedAt).toBe('2020-06-01T02:00:00.000Z');
  });

  it('keeps externalId unique per unit', async () => {
    await createOk({ externalId: 'ext-1' });
    expectBad(await create({ externalId: 'ext-1' }), 'input.externalId');
  });
});

describe('review workflow', () => {
  it('goes DRAFT → IN_REVIEW → reviewed → PUBLISHED → WITHDRAWN with a record per step', async () => {
    const item = await createOk({ documentNumber: '湘教通〔2020〕51号', url: 'https://jyt.hunan.gov.cn/a.html', specialColumn: '高校信息公开专栏' });
    expect(item.status).toBe('DRAFT');
    expect(item.publishedAt).toBeNull();
    expect(item.unit.id).toBe(schoolId);
    expect(item.category).toEqual({ code: 'NOTICE', name: '通知文件' });
    expect((await submit(item.id)).body.data.submitDisclosureItem.status).toBe('IN_REVIEW');
    await review(item.id, 'OFFICE_REVIEW', 'APPROVED');
    await review(item.id, 'LEGAL_REVIEW', 'APPROVED');
    await review(item.id, 'CONFIDENTIALITY_REVIEW', 'APPROVED');
    const pub = (await publish(item.id)).body.data.publishDisclosureItem;
    expect(pub.status).toBe('PUBLISHED');
    expect(Date.now() - Date.parse(pub.publishedAt)).toBeLessThan(60_000);
    const w = (await withdraw(item.id)).body.data.withdrawDisclosureItem;
    expect(w.status).toBe('WITHDRAWN');
    expect(w.reviews.map((r: any) => r.step)).toEqual(['SUBMIT', 'OFFICE_REVIEW', 'LEGAL_REVIEW', 'CONFIDENTIALITY_REVIEW', 'PUBLISH', 'WITHDRAW']);
    expect(w.reviews[5].note).toBe('误发');
    expect((await del(item.id)).body.data.deleteDisclosureItem).toBe(item.id);
    expect((await gqlData(t, `query($id: ID!) { disclosureItem(id: $id) { id } }`, { id: item.id })).disclosureItem).toBeNull();
  });

  it('refuses every illegal step, naming the current status, and changes nothing', async () => {
    const item = await createOk();
    // DRAFT: no review, publish, withdraw.
    expectBad(await review(item.id, 'OFFICE_REVIEW', 'APPROVED'), 'id', /DRAFT/);
    expectBad(await publish(item.id), 'id', /DRAFT/);
    expectBad(await withdraw(item.id), 'id', /DRAFT/);
    await submit(item.id);
    // IN_REVIEW: no submit, update, withdraw; steps that are not reviews are refused on `input.step`.
    expectBad(await submit(item.id), 'id', /IN_REVIEW/);
    expectBad(await update(item.id, { title: '新标题' }), 'id', /IN_REVIEW/);
    expectBad(await withdraw(item.id), 'id', /IN_REVIEW/);
    expectBad(await review(item.id, 'PUBLISH', 'APPROVED'), 'input.step');
    expectBad(await review(item.id, 'SUBMIT', 'APPROVED'), 'input.step');
    expectBad(await review(item.id, 'OFFICE_REVIEW', 'NONE'), 'input.decision');
    // Publish without an approving review.
    expectBad(await publish(item.id), 'id', /without an approving review/);
    await review(item.id, 'LEGAL_REVIEW', 'APPROVED');
    await publish(item.id);
    // PUBLISHED: no submit, review, publish, update, delete.
    expectBad(await submit(item.id), 'id', /PUBLISHED/);
    expectBad(await review(item.id, 'OFFICE_REVIEW', 'APPROVED'), 'id', /PUBLISHED/);
    expectBad(await publish(item.id), 'id', /PUBLISHED/);
    expectBad(await update(item.id, { title: '新标题' }), 'id', /PUBLISHED/);
    expectBad(await del(item.id), 'id', /withdraw it first/);
    await withdraw(item.id);
    // WITHDRAWN: nothing but delete.
    for (const res of [await submit(item.id), await publish(item.id), await withdraw(item.id), await review(item.id, 'OFFICE_REVIEW', 'APPROVED')]) {
      expectBad(res, 'id', /WITHDRAWN/);
    }
    const after = await gqlData(t, `query($id: ID!) { disclosureItem(id: $id) { status title reviews { step } } }`, { id: item.id });
    expect(after.disclosureItem.status).toBe('WITHDRAWN');
    expect(after.disclosureItem.title).toBe('关于做好2020年招生工作的通知');
    expect(after.disclosureItem.reviews.map((r: any) => r.step)).toEqual(['SUBMIT', 'LEGAL_REVIEW', 'PUBLISH', 'WITHDRAW']);
    expectBad(await submit('00000000-0000-4000-8000-000000000000'), 'id', /No disclosure item/);
  });

  it('sends a rejected item back to DRAFT; approvals before the rejection do not count', async () => {
    const item = await createOk();
    await submit(item.id);
    await review(item.id, 'OFFICE_REVIEW', 'APPROVED');
    const rej = (await review(item.id, 'CONFIDENTIALITY_REVIEW', 'REJECTED')).body.data.reviewDisclosureItem;
    expect(rej.status).toBe('DRAFT');
    const upd = (await update(item.id, { title: '修改后的标题', channels: ['WECHAT', 'WEIBO'], documentNumber: null })).body.data.updateDisclosureItem;
    expect(upd.title).toBe('修改后的标题');
    expect(upd.channels).toEqual(['WECHAT', 'WEIBO']);
    await submit(item.id);
    expectBad(await publish(item.id), 'id', /without an approving review/);
    await review(item.id, 'CONFIDENTIALITY_REVIEW', 'APPROVED');
    expect((await publish(item.id)).body.data.publishDisclosureItem.status).toBe('PUBLISHED');
  });
});

describe('listing', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const mk = async (name: string, input: Record<string, unknown>, publishedAt: string | null) => {
      const item = await createOk({ specialColumn: '列表测试', ...input });
      ids[name] = item.id;
      if (publishedAt) {
        await submit(item.id);
        await review(item.id, 'OFFICE_REVIEW', 'APPROVED');
        const r = await publish(item.id, publishedAt);
        if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
      }
    };
    // 2021-03-01 00:30 Shanghai is 2021-02-28 16:30 UTC: it belongs to March 1st.
    await mk('a', { title: '甲 预算公开', categoryCode: 'BUDGET_FINAL_ACCOUNTS', channels: ['DEPARTMENT_PORTAL', 'WECHAT'] }, '2021-02-28T16:30:00Z');
    await mk('b', { title: '乙 招生简章', categoryCode: 'ADMISSIONS', channels: ['WEIBO'], documentNumber: '湘教通〔2021〕7号' }, '2021-03-05T02:00:00Z');
    await mk('c', { title: '丙 县级动态', unitId: countyId, categoryCode: 'NEWS', channels: ['WECHAT'] }, '2021-03-31T15:59:00Z');
    await mk('d', { title: '丁 其他县', unitId: otherCountyId, categoryCode: 'NEWS', channels: ['GOVERNMENT_PORTAL'] }, '2021-04-01T03:00:00Z');
    await mk('e', { title: '戊 草稿', categoryCode: 'NEWS', channels: ['WECHAT'] }, null);
  });

  const list = async (filter: Record<string, unknown>, first = 50, after?: string, order?: string) =>
    (
      await gqlData(
        t,
        `query($f: DisclosureItemFilter, $first: Int!, $after: String, $order: DisclosureOrder) {
           disclosureItems(filter: $f, first: $first, after: $after, order: $order) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title } } }
         }`,
        { f: { specialColumn: '列表测试', ...filter }, first, after, order },
      )
    ).disclosureItems;
  const names = (conn: any) => conn.edges.map((e: any) => Object.keys(ids).find((k) => ids[k] === e.node.id));

  it('sorts by published_at desc nulls last and pages with stable cursors', async () => {
    const all = await list({});
    expect(names(all)).toEqual(['d', 'c', 'b', 'a', 'e']);
    expect(all.totalCount).toBe(5);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await list({}, 2, after);
      seen.push(...names(page));
      expect(page.totalCount).toBe(5);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['d', 'c', 'b', 'a', 'e']);
    const byCreated = await list({}, 50, undefined, 'CREATED_AT_DESC');
    expect(names(byCreated)).toEqual(['e', 'd', 'c', 'b', 'a']);
    const p1 = await list({}, 3, undefined, 'CREATED_AT_DESC');
    expect(names(await list({}, 3, p1.pageInfo.endCursor, 'CREATED_AT_DESC'))).toEqual(['b', 'a']);
    const bad = await gql(t, `{ disclosureItems(first: 2, after: "${all.edges[0].cursor}", order: CREATED_AT_DESC) { totalCount } }`);
    expect(bad.body.errors![0].extensions?.field).toBe('after');
  });

  it('filters by status, category, channel, search, unit and subtree, and Shanghai days', async () => {
    expect(names(await list({ status: 'PUBLISHED' }))).toEqual(['d', 'c', 'b', 'a']);
    expect(names(await list({ status: 'DRAFT' }))).toEqual(['e']);
    expect(names(await list({ categoryCode: 'NEWS' }))).toEqual(['d', 'c', 'e']);
    expect(names(await list({ channel: 'WECHAT' }))).toEqual(['c', 'a', 'e']);
    expect(names(await list({ search: '招生' }))).toEqual(['b']);
    expect(names(await list({ search: '〔2021〕7' }))).toEqual(['b']);
    expect(names(await list({ unitId: countyId }))).toEqual(['c']);
    expect(names(await list({ unitId: countyId, subtree: true }))).toEqual(['c', 'b', 'a', 'e']);
    expect(names(await list({ publishedFrom: '2021-03-01', publishedTo: '2021-03-31' }))).toEqual(['c', 'b', 'a']);
    expect(names(await list({ publishedTo: '2021-02-28' }))).toEqual([]);
    expect(names(await list({ publishedFrom: '2021-04-01' }))).toEqual(['d']);
    // Hubei is not Hunan's staff's province: to them it is no tenant, which is bad input as everywhere.
    const otherTenant = await gql(t, `{ disclosureItems(filter: { tenant: "420000" }) { totalCount } }`);
    expect(otherTenant.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.tenant' });
    expect((await gql(t, `{ disclosureItems(filter: { subtree: true }) { totalCount } }`)).body.errors![0].extensions?.field).toBe('filter.subtree');
  });

  it('answers OrgUnit.disclosureItems per unit and subtree, batched over parents', async () => {
    const q = `query($code: String!) { unit(code: $code) { children(level: COUNTY) { id disclosureItems(subtree: true, first: 2) { totalCount edges { node { id } } } } } }`;
    const city = await gql(t, q, { code: '430100' });
    expect(city.body.errors).toBeUndefined();
    const counties = city.body.data.unit.children;
    const first = counties.find((c: any) => c.id === countyId);
    const top = await gqlData(t, `query($u: ID!) { disclosureItems(filter: { unitId: $u, subtree: true }, first: 2) { totalCount edges { node { id } } } }`, { u: countyId });
    expect(first.disclosureItems.totalCount).toBeGreaterThanOrEqual(4);
    expect(first.disclosureItems).toEqual(top.disclosureItems);
    const other = counties.find((c: any) => c.id === otherCountyId);
    expect(other.disclosureItems.edges.map((e: any) => e.node.id)).toContain(ids.d);
    const own = await gqlData(t, `query($u: ID!) { disclosureItem: unit(id: $u) { disclosureItems(status: DRAFT) { edges { node { id } } } } }`, { u: countyId });
    expect(own.disclosureItem.disclosureItems.edges).toEqual([]);
    const small = await gql(t, q, { code: '420900' }, await adminHeaders('420000'));
    expect(small.body.data.unit.children.length).toBeLessThan(counties.length);
    expect(small.statements).toBe(city.statements);
  });

  it('costs the same statements for 10 and 100 items with unit, category and reviews', async () => {
    // 100 more items across several units, some with reviews.
    const units = (await gqlData(t, `query($id: ID!) { unit(id: $id) { descendants(level: SCHOOL, first: 20) { edges { node { id } } } } }`, {
      id: (await gqlData(t, '{ unit(code: "430100") { id } }')).unit.id,
    })).unit.descendants.edges.map((e: any) => e.node.id);
    const rows = Array.from({ length: 100 }, (_, i) => ({
      unitId: units[i % units.length],
      title: `批量 ${i}`,
      categoryCode: ['NEWS', 'NOTICE', 'ADMISSIONS'][i % 3],
      channels: ['DEPARTMENT_PORTAL'],
      specialColumn: '计数测试',
      publishedAt: new Date(Date.UTC(2022, 0, 1) + i * 3_600_000).toISOString(),
    }));
    await gqlData(t, `mutation($rows: [DisclosureIngestRow!]!) { ingestDisclosures(tenant: "430000", idempotencyKey: "count-test", rows: $rows) { accepted } }`, { rows });
    const q = `query($n: Int!) { disclosureItems(filter: { specialColumn: "计数测试" }, first: $n) { totalCount edges { node { id unit { code parent { code } } category { name } reviews { step reviewer } } } } }`;
    const ten = await gql(t, q, { n: 10 });
    const hundred = await gql(t, q, { n: 100 });
    expect(ten.body.errors).toBeUndefined();
    expect(hundred.body.data.disclosureItems.edges).toHaveLength(100);
    for (const e of hundred.body.data.disclosureItems.edges) {
      expect(e.node.unit.code).toMatch(/^\d{10}$/);
      expect(e.node.category.name).toBeTruthy();
      expect(e.node.reviews).toEqual([{ step: 'PUBLISH', reviewer: 'ingest:count-test' }]);
    }
    expect(hundred.statements).toBe(ten.statements);
    // the caller's unit (authentication) + page + count + units + parents + categories + reviews
    expect(hundred.statements).toBeLessThanOrEqual(7);
  });
});
