import { parse } from 'csv-parse/sync';
import { adminHeaders, adminHeadersFor, gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * The yearly inspection of Hunan's units for 2019 from the demo data reproduces the structure of
 * the notice (seed 003): 31 excellent units in three groups, and the units named under each problem.
 * Computed checks follow the data; inspectors' scores and findings are recorded with who and when.
 */
let t: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  // The inspection is public: read as the public; scores, findings and schemes are written by ADMINs.
  t = await startTestApp({ seedScale: 0.2, demo: true, as: null });
  const data = await gqlData(t, '{ hn: unit(code: "430000") { id } xg: unit(code: "420900") { id } }');
  Object.assign(ids, { hn: data.hn.id, xg: data.xg.id });
}, 600_000);
afterAll(async () => t?.close());

// Seed 003, as published.
const EXCELLENT = {
  CITY_BUREAUS: ['长沙市教育局', '衡阳市教育局', '常德市教育体育局', '郴州市教育局', '湘西自治州教育和体育局'],
  UNIVERSITIES: ['湘潭大学', '吉首大学', '湖南大学', '中南大学', '长沙理工大学', '湖南农业大学', '湖南师范大学', '南华大学', '长沙师范学院', '湖南财政经济学院', '湖南第一师范学院', '衡阳师范学院', '湖南文理学院', '湖南科技职业学院', '湖南工艺美术职业学院', '长沙民政职业技术学院', '湖南汽车工程职业学院', '湖南现代物流职业技术学院', '湖南铁路科技职业技术学院', '长沙航空职业技术学院'],
  AFFILIATED_INSTITUTIONS: ['湖南省教育考试院', '湖南省教育科学研究院', '湖南省教育电视台', '湖南省大中专学校学生信息咨询与就业指导中心', '湖南省学生资助管理中心', '湖南省教育厅信息中心'],
};
const NO_CONTRIBUTION = ['湘南幼儿师范高等专科学校', '湖南商务职业技术学院', '湘中幼儿师范高等专科学校', '湖南体育职业学院', '湖南九嶷职业技术学院', '湖南高尔夫旅游职业学院', '湖南吉利汽车职业技术学院'];
const NO_OFFICER = ['湘南幼儿师范高等专科学校', '湖南民族职业学院', '湖南高速铁路职业技术学院', '湖南城建职业技术学院', '长沙南方职业学院', '湖南电子科技职业学院', '湖南工商职业学院'];
const NO_ENTRANCE = ['湘中幼儿师范高等专科学校', '湖南体育职业学院', '湖南电子科技职业学院', '湖南吉利汽车职业技术学院'];
const VULNERABLE = ['湖南交通工程学院', '湖南幼儿师范高等专科学校', '湖南民族职业学院', '湖南商务职业技术学院', '湖南高速铁路职业技术学院', '湖南体育职业学院', '湖南城建职业技术学院', '娄底职业技术学院', '长沙南方职业学院', '湖南工商职业学院', '湖南吉利汽车职业技术学院'];
const DISCLOSURE_LACKING = ['湖南交通工程学院', '湘南幼儿师范高等专科学校', '湖南城建职业技术学院', '长沙南方职业学院', '湖南电子科技职业学院', '湖南高尔夫旅游职业学院', '湖南工商职业学院', '湖南吉利汽车职业技术学院'];

const INSPECTION = `query($p: ID!, $y: Int!) {
  inspection(parentId: $p, year: $y) {
    year parent { code }
    scheme { tenant total excellentThreshold isDefault dimensions { code name weight checks } }
    units { unit { id code name } group score grade rank
      dimensions { code score source checksPassed checksTotal scoredBy scoredAt note }
      findings { problem label source foundBy foundAt }
      figures { published interviews reachableEntrances officers responsibleDepartment annualReportPublishedOn } }
    notice { excellentCount excellent { group label units { name } } problems { problem heading label units { name } } }
  }
}`;

async function inspection(parentId: string, year: number, headers?: Record<string, string>): Promise<{ data: any; statements: number }> {
  const res = await gql(t, INSPECTION, { p: parentId, y: year }, headers);
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return { data: res.body.data.inspection, statements: res.statements };
}
const sorted = (xs: string[]) => [...xs].sort();
const namesOf = (units: { name: string }[]) => sorted(units.map((u) => u.name));
const problemUnits = (i: any, problem: string) => namesOf(i.notice.problems.find((p: any) => p.problem === problem)?.units ?? []);
const unitNamed = (i: any, name: string) => i.units.find((u: any) => u.unit.name === name);

describe('Hunan 2019 (seed 003)', () => {
  let i: any;
  beforeAll(async () => {
    i = (await inspection(ids.hn, 2019)).data;
  });

  it('inspects the 60 units under the department with the default scheme (100 points, 80 is excellent)', () => {
    expect(i.units).toHaveLength(60);
    expect(i.scheme).toMatchObject({ tenant: '430000', total: 100, excellentThreshold: 80, isDefault: true });
    expect(i.scheme.dimensions.map((d: any) => d.name)).toEqual(['政务公开', '在线服务', '政民互动', '组织保障']);
  });

  it('31 excellent units: 5 city bureaus, 20 universities, 6 affiliated institutions', () => {
    expect(i.notice.excellentCount).toBe(31);
    expect(i.notice.excellent.map((g: any) => [g.group, g.label])).toEqual([
      ['CITY_BUREAUS', '市州教育（体）局'],
      ['UNIVERSITIES', '高等学校'],
      ['AFFILIATED_INSTITUTIONS', '直属单位'],
    ]);
    for (const g of i.notice.excellent) expect(namesOf(g.units)).toEqual(sorted(EXCELLENT[g.group as keyof typeof EXCELLENT]));
    for (const u of i.units) expect(u.grade === 'EXCELLENT').toBe(u.score >= 80);
  });

  it('the units named under each problem', () => {
    expect(problemUnits(i, 'NO_PORTAL_CONTRIBUTION')).toEqual(sorted(NO_CONTRIBUTION));
    expect(problemUnits(i, 'NO_INTERVIEW')).toEqual(sorted(NO_CONTRIBUTION));
    expect(problemUnits(i, 'NO_RESPONSIBLE_DEPARTMENT')).toEqual(sorted(NO_OFFICER));
    expect(problemUnits(i, 'NO_OFFICER')).toEqual(sorted(NO_OFFICER));
    expect(problemUnits(i, 'CENTRE_ENTRANCE_UNREACHABLE')).toEqual(sorted(NO_ENTRANCE));
    expect(problemUnits(i, 'WEBSITE_VULNERABILITY')).toEqual(sorted(VULNERABLE));
    expect(problemUnits(i, 'NO_DISCLOSURE_CATALOGUE')).toEqual(sorted(DISCLOSURE_LACKING));
    expect(problemUnits(i, 'NO_ANNUAL_REPORT')).toEqual(sorted(DISCLOSURE_LACKING));
    expect(i.notice.problems.map((p: any) => p.heading)).toEqual([
      '（一）思想上不够重视', '（一）思想上不够重视', '（一）思想上不够重视', '（一）思想上不够重视', '（一）思想上不够重视',
      '（二）网站安全防护能力不足', '（三）政务信息公开程度不够', '（三）政务信息公开程度不够',
    ]);
  });

  it('scores: computed from the data where it can tell, the inspectors’ where they scored, with who and when', () => {
    const best = unitNamed(i, '长沙市教育局');
    expect(best).toMatchObject({ score: 100, grade: 'EXCELLENT', rank: 1, group: 'CITY_BUREAUS' });
    expect(best.dimensions.every((d: any) => d.source === 'COMPUTED' && d.checksPassed === d.checksTotal)).toBe(true);
    expect(best.figures).toMatchObject({ published: 12, interviews: 2, responsibleDepartment: true, annualReportPublishedOn: '2019-03-28' });
    expect(best.figures.reachableEntrances).toBeGreaterThan(0);

    // No entrance, no department or officer, no 2018 report: computed 0s; the experts' 10 for 政务公开.
    const poor = unitNamed(i, '湖南电子科技职业学院');
    const dims = Object.fromEntries(poor.dimensions.map((d: any) => [d.code, d]));
    expect(dims.DISCLOSURE).toMatchObject({ score: 10, source: 'MANUAL', scoredBy: '专家组', checksPassed: 1, checksTotal: 2 });
    expect(dims.DISCLOSURE.scoredAt).toBe('2020-03-12T02:00:00.000Z');
    expect(dims.ONLINE_SERVICE).toMatchObject({ score: 0, source: 'COMPUTED' });
    expect(dims.INTERACTION).toMatchObject({ score: 20, source: 'COMPUTED' });
    expect(dims.ORGANISATION).toMatchObject({ score: 0, source: 'COMPUTED', checksPassed: 0 });
    expect(poor).toMatchObject({ score: 30, grade: 'FAIL' });
    expect(poor.findings.find((f: any) => f.problem === 'NO_DISCLOSURE_CATALOGUE')).toMatchObject({ source: 'MANUAL', foundBy: '省教育厅信息中心检查组' });
    expect(poor.findings.find((f: any) => f.problem === 'NO_OFFICER')).toMatchObject({ source: 'COMPUTED', foundBy: null });
    // Ordered by score, ties share a rank.
    const scores = i.units.map((u: any) => u.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    expect(i.units.filter((u: any) => u.rank === 1)).toHaveLength(31);
  });
});

describe('recording and the data', () => {
  const SCORE = `mutation($i: InspectionScoreInput!) { setInspectionScore(input: $i) { dimension score note scoredBy scoredAt unit { name } } }`;
  const FINDING = `mutation($i: InspectionFindingInput!) { setInspectionFinding(input: $i) }`;

  it('an inspector’s score replaces the computed one, is recorded with who and when, and can be removed', async () => {
    const before = await inspection(ids.hn, 2019);
    const unit = unitNamed(before.data, '湘潭大学').unit;
    const set = await gqlData(t, SCORE, { i: { unitId: unit.id, year: 2019, dimension: 'ORGANISATION', score: 5, note: '专干变动未备案' } }, await adminHeaders('430000'));
    expect(set.setInspectionScore).toMatchObject({ dimension: 'ORGANISATION', score: 5, note: '专干变动未备案', scoredBy: 'user:admin-430000@430000', unit: { name: '湘潭大学' } });
    expect(Math.abs(Date.parse(set.setInspectionScore.scoredAt) - Date.now())).toBeLessThan(60_000);
    let after = (await inspection(ids.hn, 2019)).data;
    expect(unitNamed(after, '湘潭大学')).toMatchObject({ score: 85, grade: 'EXCELLENT' });
    await gqlData(t, SCORE, { i: { unitId: unit.id, year: 2019, dimension: 'ONLINE_SERVICE', score: 0 } }, await adminHeaders('430000'));
    after = (await inspection(ids.hn, 2019)).data;
    expect(unitNamed(after, '湘潭大学')).toMatchObject({ score: 65, grade: 'PASS' });
    expect(after.notice.excellentCount).toBe(30);
    for (const dimension of ['ORGANISATION', 'ONLINE_SERVICE']) {
      expect((await gqlData(t, SCORE, { i: { unitId: unit.id, year: 2019, dimension, score: null } }, await adminHeaders('430000'))).setInspectionScore).toBeNull();
    }
    after = (await inspection(ids.hn, 2019)).data;
    expect(unitNamed(after, '湘潭大学')).toMatchObject({ score: 100, grade: 'EXCELLENT' });
    expect(after.notice.excellentCount).toBe(31);
  });

  it('bad scores are refused and change nothing', async () => {
    const unit = unitNamed((await inspection(ids.hn, 2019)).data, '湖南大学').unit;
    const cases: [Record<string, unknown>, string][] = [
      [{ unitId: unit.id, year: 2019, dimension: 'NOPE', score: 1 }, 'input.dimension'],
      [{ unitId: unit.id, year: 2019, dimension: 'ORGANISATION', score: 21 }, 'input.score'],
      [{ unitId: unit.id, year: 2019, dimension: 'ORGANISATION', score: -1 }, 'input.score'],
      [{ unitId: unit.id, year: 1500, dimension: 'ORGANISATION', score: 1 }, 'input.year'],
      [{ unitId: 'x', year: 2019, dimension: 'ORGANISATION', score: 1 }, 'input.unitId'],
      [{ unitId: unit.id, year: 2019, dimension: 'ORGANISATION', score: 1, note: 'x'.repeat(2001) }, 'input.note'],
    ];
    for (const [i, field] of cases) {
      const res = await gql(t, SCORE, { i }, await adminHeaders('430000'));
      expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(unitNamed((await inspection(ids.hn, 2019)).data, '湖南大学')).toMatchObject({ score: 100 });
  });

  it('findings join and leave the notice', async () => {
    const unit = unitNamed((await inspection(ids.hn, 2019)).data, '中南大学').unit;
    expect(await gqlData(t, FINDING, { i: { unitId: unit.id, year: 2019, problem: 'WEBSITE_VULNERABILITY', note: '后台弱口令' } }, await adminHeaders('430000'))).toEqual({ setInspectionFinding: true });
    let i = (await inspection(ids.hn, 2019)).data;
    expect(problemUnits(i, 'WEBSITE_VULNERABILITY')).toEqual(sorted([...VULNERABLE, '中南大学']));
    expect(unitNamed(i, '中南大学').findings).toEqual([expect.objectContaining({ problem: 'WEBSITE_VULNERABILITY', source: 'MANUAL', foundBy: 'user:admin-430000@430000' })]);
    await gqlData(t, FINDING, { i: { unitId: unit.id, year: 2019, problem: 'WEBSITE_VULNERABILITY', present: false } }, await adminHeaders('430000'));
    i = (await inspection(ids.hn, 2019)).data;
    expect(problemUnits(i, 'WEBSITE_VULNERABILITY')).toEqual(sorted(VULNERABLE));
  });

  it('computed checks follow the data: designating a department and an officer clears those problems', async () => {
    const unit = unitNamed((await inspection(ids.hn, 2019)).data, '湖南民族职业学院');
    expect(unit.score).toBe(10 + 20 + 20 + 0);
    await gqlData(t, `mutation($u: ID!) { setResponsibleDepartment(unitId: $u, department: "办公室", designatedAt: "2019-05-01") { responsibleDepartment } }`, { u: unit.unit.id }, await adminHeaders('430000'));
    await gqlData(t, `mutation($u: ID!) { addOfficer(input: { unitId: $u, name: "专干", role: OFFICER }) { id } }`, { u: unit.unit.id }, await adminHeaders('430000'));
    const i = (await inspection(ids.hn, 2019)).data;
    expect(problemUnits(i, 'NO_RESPONSIBLE_DEPARTMENT')).not.toContain('湖南民族职业学院');
    expect(problemUnits(i, 'NO_OFFICER')).not.toContain('湖南民族职业学院');
    expect(unitNamed(i, '湖南民族职业学院').score).toBe(10 + 20 + 20 + 20);
  });
});

describe('schemes per tenant', () => {
  const SET = `mutation($t: String!, $i: InspectionSchemeInput!) { setInspectionScheme(tenant: $t, input: $i) { tenant total isDefault updatedBy dimensions { code weight checks } excellentThreshold passThreshold } }`;

  it('a tenant sets its own scheme; scores follow it; other tenants keep the default', async () => {
    const input = {
      dimensions: [
        { code: 'INTERACTION', name: '政民互动', weight: 50, checks: ['INTERVIEW'] },
        { code: 'ORGANISATION', name: '组织保障', weight: 50, checks: ['OFFICER'] },
      ],
      excellentThreshold: 90,
      passThreshold: 50,
    };
    const set = (await gqlData(t, SET, { t: '420000', i: input }, await adminHeaders('420000'))).setInspectionScheme;
    expect(set).toMatchObject({ tenant: '420000', total: 100, isDefault: false, updatedBy: 'user:admin-420000@420000', excellentThreshold: 90 });
    const xg = (await inspection(ids.xg, 2024)).data;
    expect(xg.units.length).toBeGreaterThanOrEqual(7); // its 7 counties and its city-run schools
    expect(xg.scheme.dimensions.map((d: any) => d.code)).toEqual(['INTERACTION', 'ORGANISATION']);
    // Xiaogan's units took part in no interview and have no officers in the demo data.
    for (const u of xg.units) expect(u).toMatchObject({ score: 0, grade: 'FAIL' });
    expect((await inspection(ids.hn, 2019)).data.scheme.isDefault).toBe(true);
  });

  it('refuses weights that do not add up to 100, duplicate codes or checks, bad thresholds, unknown tenants', async () => {
    const dim = (code: string, weight: number, checks: string[] = []) => ({ code, name: code, weight, checks });
    const cases: [string, Record<string, unknown>, string][] = [
      ['420000', { dimensions: [dim('A', 60), dim('B', 30)] }, 'input.dimensions'],
      ['420000', { dimensions: [dim('A', 50), dim('A', 50)] }, 'input.dimensions.1.code'],
      ['420000', { dimensions: [dim('A', 50, ['OFFICER']), dim('B', 50, ['OFFICER'])] }, 'input.dimensions'],
      ['420000', { dimensions: [dim('a b', 100)] }, 'input.dimensions.0.code'],
      ['420000', { dimensions: [dim('A', 100)], excellentThreshold: 101 }, 'input.excellentThreshold'],
      ['420000', { dimensions: [dim('A', 100)], excellentThreshold: 70, passThreshold: 80 }, 'input.passThreshold'],
      ['110000', { dimensions: [dim('A', 100)] }, 'tenant'],
    ];
    for (const [tenant, i, field] of cases) {
      const res = await gql(t, SET, { t: tenant, i }, await adminHeadersFor(tenant));
      expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const scheme = await gqlData(t, `{ inspectionScheme(tenant: "420000") { dimensions { code } } }`);
    expect(scheme.inspectionScheme.dimensions.map((d: any) => d.code)).toEqual(['INTERACTION', 'ORGANISATION']);
  });
});

describe('statements and exports', () => {
  it('the inspection of Hunan’s 60 units costs the same statements as that of Xiaogan’s few', async () => {
    // The statements of answering, not of a cache hit (0): the response cache is bypassed.
    const uncached = { ...t.headers, 'x-cache-bypass': '1' };
    const hn = await inspection(ids.hn, 2019, uncached);
    const xg = await inspection(ids.xg, 2019, uncached);
    expect(hn.statements).toBeGreaterThan(0);
    expect(hn.statements).toBe(xg.statements);
    expect(hn.statements).toBeLessThanOrEqual(8);
  });

  it('CSV of the inspection: one row per unit, the same scores as the query', async () => {
    const res = await fetch(`${t.base}/inspection/430000/2019.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toContain('inspection-430000-2019.csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const rows: string[][] = parse(text, { bom: true });
    expect(rows[0]).toEqual(['名次', '单位代码', '单位名称', '类别', '总分', '等级', '政务公开（40分）', '在线服务（20分）', '政民互动（20分）', '组织保障（20分）', '存在问题']);
    const i = (await inspection(ids.hn, 2019)).data;
    expect(rows).toHaveLength(61);
    expect(rows.slice(1).map((r) => [r[1], Number(r[4])])).toEqual(i.units.map((u: any) => [u.unit.code, u.score]));
    expect(rows.filter((r) => r[5] === '优秀')).toHaveLength(31);
    const poor = rows.find((r) => r[2] === '湖南吉利汽车职业技术学院')!;
    expect(poor[10]).toContain('网站上存在漏洞及暗链、后门等恶意程序');
  });

  it('CSV of a ranking: the same order and values as the rankings query', async () => {
    const q = await gqlData(t, `query($p: ID!) { rankings(parentId: $p, level: CITY, metric: ITEMS_PUBLISHED, period: { year: 2024 }, first: 500) { entries { rank value unit { code name } } } }`, { p: ids.hn });
    const res = await fetch(`${t.base}/rankings.csv?parentId=${ids.hn}&level=CITY&metric=ITEMS_PUBLISHED&year=2024`);
    expect(res.status).toBe(200);
    const rows: string[][] = parse(await res.text(), { bom: true });
    expect(rows[0]).toEqual(['名次', '单位代码', '单位名称', '指标', '统计期间', '数值']);
    expect(rows.slice(1).map((r) => [Number(r[0]), r[1], r[2], Number(r[5])])).toEqual(q.rankings.entries.map((e: any) => [e.rank, e.unit.code, e.unit.name, e.value]));
    expect(rows).toHaveLength(15);
  });

  it('bad requests answer 400/404 with a JSON error', async () => {
    const cases: [string, number, string][] = [
      ['/inspection/999999/2019.csv', 404, 'NOT_FOUND'],
      ['/inspection/430000/2019.xlsx', 400, 'BAD_USER_INPUT'],
      ['/inspection/430000/3019.csv', 400, 'BAD_USER_INPUT'],
      [`/rankings.csv?parentId=${ids.hn}&metric=NOPE&year=2024`, 400, 'BAD_USER_INPUT'],
      [`/rankings.csv?parentId=${ids.hn}&metric=ITEMS_PUBLISHED`, 400, 'BAD_USER_INPUT'],
      [`/rankings.csv?parentId=${ids.hn}&metric=ITEMS_PUBLISHED&year=2024&level=TOWN`, 400, 'BAD_USER_INPUT'],
      [`/rankings.csv?parentId=nope&metric=ITEMS_PUBLISHED&year=2024`, 400, 'BAD_USER_INPUT'],
      [`/rankings.csv?parentId=00000000-0000-0000-0000-000000000000&metric=ITEMS_PUBLISHED&year=2024`, 404, 'NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const res = await fetch(`${t.base}${path}`);
      expect([path, res.status]).toEqual([path, status]);
      expect(((await res.json()) as any).error.code).toBe(code);
    }
    const gq = await gql(t, INSPECTION, { p: '00000000-0000-0000-0000-000000000000', y: 2019 });
    expect(gq.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const gy = await gql(t, INSPECTION, { p: ids.hn, y: 20190 });
    expect(gy.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
  });
});
