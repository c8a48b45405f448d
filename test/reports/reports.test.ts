import { adminHeaders, gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * Annual reports generated from the demo data, compared with the figures the seed reports
 * published (000: Hunan 2014; 002: Shanxi 2017; 004: Xiaogan 2018), through GraphQL and the
 * Markdown/HTML routes of the real server.
 */
let t: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  // Reports are public: read as the public; the texts are written by ADMINs of the unit's province.
  t = await startTestApp({ seedScale: 0.2, demo: true, as: null });
  const data = await gqlData(t, '{ hn: unit(code: "430000") { id } sx: unit(code: "140000") { id } xg: unit(code: "420900") { id } cs: unit(code: "430100") { id } }');
  Object.assign(ids, { hn: data.hn.id, sx: data.sx.id, xg: data.xg.id, cs: data.cs.id });
}, 600_000);
afterAll(async () => t?.close());

const REPORT = `query($unitId: ID!, $year: Int!) {
  annualReport(unitId: $unitId, year: $year) {
    title year unit { code name } period { from to } previousPeriod { from to }
    sections { key title paragraphs { heading text } tables { key title note columns { key label } rows { key label format cells { value previous change } } } }
    text { problems improvements publishedOn updatedBy }
  }
}`;

type Cell = { value: number | null; previous: number | null; change: number | null };
interface Report {
  title: string;
  sections: { key: string; title: string; paragraphs: { heading: string; text: string }[]; tables: { key: string; rows: { key: string; label: string; cells: Cell[] }[] }[] }[];
  text: { problems: string; improvements: string; publishedOn: string | null; updatedBy: string } | null;
}

async function report(unitId: string, year: number): Promise<{ report: Report; statements: number }> {
  const res = await gql(t, REPORT, { unitId, year });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return { report: res.body.data.annualReport, statements: res.statements };
}

/** The cell of row `row` (key) of table `table` of section `section`. */
function cell(r: Report, section: string, table: string, row: string, column = 0): Cell {
  const s = r.sections.find((x) => x.key === section);
  const tb = s?.tables.find((x) => x.key === table);
  const rw = tb?.rows.find((x) => x.key === row);
  if (!rw) throw new Error(`no ${section}.${table}.${row}`);
  return rw.cells[column];
}
const value = (r: Report, section: string, table: string, row: string, column = 0) => cell(r, section, table, row, column).value;
const rows = (r: Report, section: string, table: string) => r.sections.find((x) => x.key === section)!.tables.find((x) => x.key === table)!.rows;

describe('seed 000: Hunan provincial department, 2014', () => {
  let r: Report;
  beforeAll(async () => {
    r = (await report(ids.hn, 2014)).report;
  });

  it('has the statutory sections in order, titled in Chinese', () => {
    expect(r.title).toBe('湖南省教育厅2014年政府信息公开工作年度报告');
    expect(r.sections.map((s) => s.key)).toEqual(['DISCLOSURE', 'APPLICATIONS', 'INTERACTION', 'DISPUTES', 'FEES', 'CENTRES', 'OFFICERS', 'PROBLEMS']);
    expect(r.sections[1].title).toBe('二、政府信息依申请公开情况');
  });

  it('proactive disclosure: 2,732 news items and 751 notices on the department portal', () => {
    const byCategory = Object.fromEntries(rows(r, 'DISCLOSURE', 'byCategory').map((x) => [x.key, x.cells[0].value]));
    expect(byCategory).toEqual({ NEWS: 2732, NOTICE: 751 });
    expect(value(r, 'DISCLOSURE', 'totals', 'published')).toBe(2732 + 751);
    expect(value(r, 'DISCLOSURE', 'byChannel', 'DEPARTMENT_PORTAL')).toBe(3483);
    expect(rows(r, 'DISCLOSURE', 'byChannel').find((x) => x.key === 'DEPARTMENT_PORTAL')!.label).toBe('部门门户网站');
  });

  it('consultations as seed 000 counts them: 4,736 received by mailbox, consultation and complaint, 4,325 on time, 98% without invalid ones; the 59 portal questions apart', () => {
    expect(value(r, 'INTERACTION', 'consultations', 'received')).toBe(4736);
    expect(value(r, 'INTERACTION', 'consultations', 'repliedOnTime')).toBe(4325);
    expect(value(r, 'INTERACTION', 'consultations', 'invalid')).toBe(323);
    expect(Math.round(value(r, 'INTERACTION', 'consultations', 'onTimeRate')! * 100) / 100).toBe(0.98);
    expect(value(r, 'INTERACTION', 'portalQa', 'received')).toBe(59);
    expect(value(r, 'INTERACTION', 'portalQa', 'repliedOnTime')).toBe(59);
    expect(value(r, 'INTERACTION', 'portalQa', 'replyRate')).toBe(1);
    expect(value(r, 'INTERACTION', 'hotline', 'received')).toBe(0);
    const kinds = rows(r, 'INTERACTION', 'byKind');
    const mail = kinds.filter((k) => ['MAILBOX', 'CONSULTATION', 'COMPLAINT'].includes(k.key));
    expect(mail.reduce((n, k) => n + k.cells[0].value!, 0)).toBe(4736);
    expect(mail.reduce((n, k) => n + k.cells[1].value!, 0)).toBe(4325);
    // The seed's own sentence, with its figures.
    const text = r.sections.find((s) => s.key === 'INTERACTION')!.paragraphs.map((p) => p.text).join('\n');
    expect(text).toContain('共收到公众咨询投诉4736条，在规定时限内处理4325条，扣除无效提问后，按时回复率98.0%');
    expect(text).toContain('“公众问答”网友咨询问题共计59条，回复率100.0%');
  });

  it('rates are fractions in the data, marked RATE, and printed as percentages as the note says', () => {
    const t = r.sections.find((s) => s.key === 'INTERACTION')!.tables.find((x) => x.key === 'consultations') as any;
    expect(t.note).toContain('比率为百分比');
    const formats = Object.fromEntries(t.rows.map((x: any) => [x.key, x.format]));
    expect(formats).toMatchObject({ received: 'COUNT', replyRate: 'RATE', onTimeRate: 'RATE' });
  });

  it('interaction: 49 interviews, 7 surveys, 2 solicitations', () => {
    expect(value(r, 'INTERACTION', 'participation', 'interviews')).toBe(49);
    expect(value(r, 'INTERACTION', 'participation', 'surveys')).toBe(7);
    expect(value(r, 'INTERACTION', 'participation', 'solicitations')).toBe(2);
  });

  it('applications: 5 received, all answered on time, none carried over; no fees, no disputes', () => {
    expect(value(r, 'APPLICATIONS', 'totals', 'received')).toBe(5);
    expect(value(r, 'APPLICATIONS', 'totals', 'decidedOnTime')).toBe(5);
    expect(value(r, 'APPLICATIONS', 'totals', 'carriedOver')).toBe(0);
    expect(value(r, 'APPLICATIONS', 'byOutcome', 'GRANTED')).toBe(5);
    expect(value(r, 'FEES', 'fees', 'feesCharged')).toBe(0);
    expect(value(r, 'DISPUTES', 'disputes', 'filed', 0)).toBe(0);
    expect(value(r, 'DISPUTES', 'disputes', 'filed', 1)).toBe(0);
  });

  it('centres at the end of 2014: 14 at city level, 120 at county level, 4,140 at schools, 75 at universities; 170 officers', () => {
    expect(value(r, 'CENTRES', 'centres', 'city')).toBe(14);
    expect(value(r, 'CENTRES', 'centres', 'county')).toBe(120);
    expect(value(r, 'CENTRES', 'centres', 'school')).toBe(4140);
    expect(value(r, 'CENTRES', 'centres', 'university')).toBe(75);
    expect(value(r, 'CENTRES', 'centres', 'own')).toBe(1);
    expect(value(r, 'OFFICERS', 'officers', 'subtree')).toBe(170);
  });

  it('2013, a year without data, has no figures and no change beside 2014 (not 0 and +3,483)', async () => {
    expect(cell(r, 'DISCLOSURE', 'totals', 'published')).toEqual({ value: 3483, previous: null, change: null });
    expect(cell(r, 'CENTRES', 'centres', 'county')).toEqual({ value: 120, previous: null, change: null });
    expect(cell(r, 'INTERACTION', 'consultations', 'received')).toEqual({ value: 4736, previous: null, change: null });
    const empty = (await report(ids.hn, 2013)).report;
    const cells = empty.sections.filter((s) => s.key !== 'OFFICERS').flatMap((s) => s.tables.flatMap((t) => t.rows.flatMap((x) => x.cells)));
    expect(cells.length).toBeGreaterThan(20);
    expect(cells.every((c) => c.value === null && c.change === null)).toBe(true);
  });

  it('2015 has 2014 as its previous year: published 0 against 3,483', async () => {
    const next = (await report(ids.hn, 2015)).report;
    expect(cell(next, 'DISCLOSURE', 'totals', 'published')).toEqual({ value: 0, previous: 3483, change: -3483 });
    expect(cell(next, 'CENTRES', 'centres', 'county')).toEqual({ value: 120, previous: 120, change: 0 });
  });

  it('carries the stored free text', () => {
    expect(r.text?.problems).toContain('报送信息不及时');
    const p = r.sections.find((s) => s.key === 'PROBLEMS')!.paragraphs;
    expect(p.map((x) => x.heading)).toEqual(['存在的主要问题', '改进措施']);
    expect(p[1].text).toContain('加强考核评价');
  });
});

describe('stats.centres: schools and universities apart, as seed 000 counts them', () => {
  it('byReportingLevel: 14 city, 120 county, 4,140 school and 75 university centres; byLevel keeps universities at level SCHOOL', async () => {
    const data = await gqlData(t, `{ unit(code: "430000") { stats(period: { year: 2014 }) { centres { total
      byLevel { level centres } byReportingLevel { id reportingLevel centres units unitsCovered coverage } } } } }`);
    const c = data.unit.stats.centres;
    const tiers = Object.fromEntries(c.byReportingLevel.map((l: any) => [l.reportingLevel, l.centres]));
    expect(tiers).toMatchObject({ PROVINCE: 1, CITY: 14, COUNTY: 120, SCHOOL: 4140, UNIVERSITY: 75 });
    expect(c.byReportingLevel.map((l: any) => l.reportingLevel)).toEqual(['PROVINCE', 'CITY', 'COUNTY', 'SCHOOL', 'UNIVERSITY', 'AFFILIATED_INSTITUTION']);
    expect(tiers.AFFILIATED_INSTITUTION).toBe(0);
    const byLevel = Object.fromEntries(c.byLevel.map((l: any) => [l.level, l.centres]));
    expect(byLevel.SCHOOL).toBe(4140 + 75);
    expect(c.byReportingLevel.reduce((n: number, l: any) => n + l.centres, 0)).toBe(c.total);
    const uni = c.byReportingLevel.find((l: any) => l.reportingLevel === 'UNIVERSITY');
    expect(uni.units).toBe(40);
    expect(uni.unitsCovered).toBe(38); // a centre and a station at each university in code order, until 75
    expect(new Set(c.byReportingLevel.map((l: any) => l.id)).size).toBe(6);
  });
});

describe('seed 001: Hunan provincial department, 2017, against its own sentences', () => {
  let r: Report;
  let md: string;
  beforeAll(async () => {
    r = (await report(ids.hn, 2017)).report;
    md = await (await fetch(`${t.base}/reports/430000/2017.md`)).text();
  });

  it('向省政府门户网站上报1241条, 湖南教育政务网发布2826条, 政策解读6条', () => {
    expect(value(r, 'DISCLOSURE', 'byChannel', 'GOVERNMENT_PORTAL')).toBe(1241);
    expect(value(r, 'DISCLOSURE', 'byChannel', 'DEPARTMENT_PORTAL')).toBe(2826);
    expect(value(r, 'DISCLOSURE', 'byCategory', 'POLICY_INTERPRETATION')).toBe(6);
    // 2016 has data (the centres open at its end), so its zeros are figures, with the change.
    expect(md).toMatch(/\| 政府门户网站 \| 1241 \| 0 \| \+1241 \|/);
  });

  it('依申请公开15件; 厅长信箱和咨询投诉11072条、公众问答72条, 扣除重复和无效的均已答复; 线上访谈45场', () => {
    expect(value(r, 'APPLICATIONS', 'totals', 'received')).toBe(15);
    expect(value(r, 'INTERACTION', 'consultations', 'received')).toBe(11072);
    expect(value(r, 'INTERACTION', 'consultations', 'replyRate')).toBe(1);
    expect(value(r, 'INTERACTION', 'portalQa', 'received')).toBe(72);
    expect(value(r, 'INTERACTION', 'portalQa', 'replyRate')).toBe(1);
    expect(value(r, 'INTERACTION', 'participation', 'interviews')).toBe(45);
    expect(md).toMatch(/\| 收到公众咨询投诉 \| 11072 \| 0 \| \+11072 \|/);
    expect(md).toMatch(/\| 收到网友咨询问题 \| 72 \| 0 \| \+72 \|/);
  });

  // 9,586 centres need the full set of schools: test/demo/figures.test.ts reads it from this report at scale 1.
  it('年均受理服务事项36万件, 省本级1.7万件; 170人的专干队伍', () => {
    expect(value(r, 'CENTRES', 'serviceRequests', 'own')).toBe(17000);
    expect(value(r, 'CENTRES', 'serviceRequests', 'subtree')).toBe(360000);
    expect(value(r, 'OFFICERS', 'officers', 'subtree')).toBe(170);
    expect(md).toMatch(/\| 全系统受理 \| 360000 \| 0 \| \+360000 \|/);
  });
});

describe('seed 002: Shanxi provincial department, 2017, against its own sentences', () => {
  it('发布各类政务信息共计1825条: 公告通知298条, 部门工作359条, 教育专栏548条, 信息公开181条, 工作动态与市校动态439条', async () => {
    const { report: r } = await report(ids.sx, 2017);
    expect(value(r, 'DISCLOSURE', 'totals', 'published')).toBe(1825);
    const byCategory = Object.fromEntries(rows(r, 'DISCLOSURE', 'byCategory').map((x) => [x.key, x.cells[0].value]));
    expect(byCategory).toEqual({ NOTICE: 298, DEPARTMENT_WORK: 359, EDUCATION_COLUMNS: 548, DISCLOSURE: 181, NEWS: 439 });
    expect(cell(r, 'DISCLOSURE', 'totals', 'published')).toEqual({ value: 1825, previous: null, change: null });
  });

  it('未收到公开信息的申请; 厅长信箱答复留言2000余条, 热线电话答复3000余次; 无复议诉讼, 未收取费用', async () => {
    const { report: r } = await report(ids.sx, 2017);
    expect(value(r, 'APPLICATIONS', 'totals', 'received')).toBe(0);
    const mailbox = value(r, 'INTERACTION', 'consultations', 'replied')!;
    const hotline = value(r, 'INTERACTION', 'hotline', 'replied')!;
    expect(mailbox).toBeGreaterThan(2000);
    expect(mailbox).toBeLessThan(2100);
    expect(hotline).toBeGreaterThan(3000);
    expect(hotline).toBeLessThan(3200);
    expect(value(r, 'INTERACTION', 'byKind', 'MAILBOX', 1)).toBe(2046);
    expect(value(r, 'INTERACTION', 'byKind', 'HOTLINE', 1)).toBe(3127);
    expect(value(r, 'DISPUTES', 'disputes', 'filed', 0)).toBe(0);
    expect(value(r, 'DISPUTES', 'disputes', 'filed', 1)).toBe(0);
    expect(value(r, 'FEES', 'fees', 'feesCharged')).toBe(0);
    expect(r.text?.problems).toContain('缺少专职机构');
    const md = await (await fetch(`${t.base}/reports/140000/2017.md`)).text();
    expect(md).toMatch(/\| 公告通知 \| 298 \| — \| — \|/);
    expect(md).toMatch(/\| 本年收到申请数 \| 0 \| — \| — \|/);
  });
});

describe('seed 004: Xiaogan city bureau, 2018', () => {
  const XIAOGAN: Record<string, number> = {
    NEWS: 1578, DISCLOSURE_COLUMN: 232, PLANNING_FINANCE: 28, SUPERVISION: 32, BASIC_EDUCATION: 26, VOCATIONAL_ADULT_EDUCATION: 33, RESEARCH: 132,
    PERSONNEL: 32, EDUCATION_TECHNOLOGY: 50, PARTY_BUILDING: 28, PHYSICAL_HEALTH: 81, ADMISSIONS: 43, ADMINISTRATIVE_APPROVAL: 33, STUDENT_AID: 56,
    SAFETY_LOGISTICS: 28, TRADE_UNION: 26,
  };

  it('its sentences in the Markdown: 孝感教育新闻信息1578条, 受理网上咨询、建议和投诉259件均在规定期限内答复, 网上回复率100%', async () => {
    const md = await (await fetch(`${t.base}/reports/420900/2018.md`)).text();
    expect(md).toMatch(/\| 孝感教育新闻 \| 1578 \| — \| — \|/);
    expect(md).toMatch(/\| 收到公众咨询投诉 \| 259 \| — \| — \|/);
    expect(md).toMatch(/\| 在规定时限内答复 \| 259 \| — \| — \|/);
    expect(md).toMatch(/\| 回复率（扣除无效、重复提问） \| 100\.0% \| — \| — \|/);
    expect(md).toContain('共收到公众咨询投诉259条，在规定时限内处理259条');
  });

  it('its 16 categories, 259 consultations all answered on time, no applications, fees or disputes, and its problems', async () => {
    const { report: r } = await report(ids.xg, 2018);
    expect(r.title).toBe('孝感市教育局2018年政府信息公开工作年度报告');
    const byCategory = Object.fromEntries(rows(r, 'DISCLOSURE', 'byCategory').map((x) => [x.key, x.cells[0].value]));
    expect(byCategory).toEqual(XIAOGAN);
    expect(value(r, 'DISCLOSURE', 'totals', 'published')).toBe(Object.values(XIAOGAN).reduce((a, b) => a + b, 0));
    expect(rows(r, 'DISCLOSURE', 'byCategory').find((x) => x.key === 'TRADE_UNION')!.label).toMatch(/工会/);
    expect(value(r, 'INTERACTION', 'consultations', 'received')).toBe(259);
    expect(value(r, 'INTERACTION', 'consultations', 'repliedOnTime')).toBe(259);
    expect(value(r, 'INTERACTION', 'consultations', 'onTimeRate')).toBe(1);
    expect(value(r, 'INTERACTION', 'consultations', 'replyRate')).toBe(1);
    expect(value(r, 'APPLICATIONS', 'totals', 'received')).toBe(0);
    expect(value(r, 'FEES', 'fees', 'feesCharged')).toBe(0);
    expect(value(r, 'DISPUTES', 'disputes', 'filed')).toBe(0);
    expect(r.text?.problems).toContain('管理水平上有待进一步提高');
  });
});

describe('statements', () => {
  it('a report costs the same few statements for the province (its whole subtree) and for a city', async () => {
    // Reports no other test asked for (an answer from the response cache runs no statement).
    const hn = await report(ids.hn, 2018);
    const cs = await report(ids.cs, 2024);
    expect(hn.statements).toBe(cs.statements);
    expect(hn.statements).toBeLessThanOrEqual(8);
  });
});

describe('rendered for people', () => {
  it('Markdown: title, Chinese headings, tables with this year, last year and the change', async () => {
    const res = await fetch(`${t.base}/reports/430000/2014.md`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/markdown; charset=utf-8/);
    const md = await res.text();
    expect(md).toContain('# 湖南省教育厅2014年政府信息公开工作年度报告');
    expect(md).toContain('## 一、主动公开政府信息情况');
    expect(md).toContain('| 项目 | 2014年 | 2013年 | 增减 |');
    expect(md).toMatch(/\| 通知文件 \| 751 \| — \| — \|/);
    expect(md).toMatch(/\| 按时回复率（扣除无效、重复提问） \| 98\.0% \| — \| — \|/);
    expect(md).toMatch(/\| 县市区一级 \| 120 \| — \| — \|/);
    // Seed 000's headline figures as it prints them, not the department's columns merged with the portal's 59.
    expect(md).toMatch(/\| 收到公众咨询投诉 \| 4736 \| — \| — \|/);
    expect(md).toMatch(/\| 在规定时限内答复 \| 4325 \| — \| — \|/);
    expect(md).toContain('共收到公众咨询投诉4736条，在规定时限内处理4325条');
    expect(md).not.toMatch(/4795|4384/);
    expect(md).toContain('单位：条；比率为百分比');
    expect(md).toMatch(/\| 中小学一级 \| 4140 \| — \| — \|/);
    expect(md).toMatch(/\| 高校一级 \| 75 \| — \| — \|/);
    expect(Number(res.headers.get('x-sql-statements'))).toBeGreaterThan(0);
  });

  it('HTML: a printable page with tables, the same figures as the query', async () => {
    const res = await fetch(`${t.base}/reports/420900/2018.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('@media print');
    expect(html).toContain('<h1>孝感市教育局2018年政府信息公开工作年度报告</h1>');
    const { report: r } = await report(ids.xg, 2018);
    for (const row of rows(r, 'DISCLOSURE', 'byCategory')) {
      expect(html).toContain(`<tr><th scope="row">${row.label}</th><td class="n">${row.cells[0].value}</td>`);
    }
    expect(html).toContain('管理水平上有待进一步提高');
    // Charts drawn on the server as SVG, after their tables; the page has no script to run.
    const charts = html.match(/<figure class="chart"><svg[\s\S]*?<\/svg>/g) ?? [];
    expect(charts.length).toBe(3);
    for (const row of rows(r, 'DISCLOSURE', 'byCategory')) expect(charts[0]).toContain(`>${row.label}<`);
    expect(charts[2]).toContain('>12月<');
    expect(html).not.toMatch(/<script/i);
  });

  it('free text is escaped in both renderings', async () => {
    const evil = '<script>alert(1)</script> | # *bold* [x](javascript:alert(1))';
    await gqlData(t, `mutation($i: SaveReportTextInput!) { saveReportText(input: $i) { year } }`, { i: { unitId: ids.cs, year: 2016, problems: `# 标题\n${evil}` } }, await adminHeaders('430000'));
    const html = await (await fetch(`${t.base}/reports/430100/2016.html`)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const md = await (await fetch(`${t.base}/reports/430100/2016.md`)).text();
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('\\# 标题');
    expect(md).toContain('\\[x\\]');
    expect(md).toContain('\\| # \\*bold\\*');
  });

  it('unknown units and bad paths answer 404/400 with a JSON error', async () => {
    const nf = await fetch(`${t.base}/reports/999999/2014.md`);
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as any).error.code).toBe('NOT_FOUND');
    for (const path of ['/reports/430000/20x4.md', '/reports/430000/2014.pdf', '/reports/430000/1800.md', '/reports/4300%2700/2014.md', '/reports/430000/2014.md?tenant=43']) {
      const res = await fetch(`${t.base}${path}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as any;
      expect(body.error.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(body)).not.toMatch(/at .*\.js/);
    }
    const noTenant = await fetch(`${t.base}/reports/430000/2014.md?tenant=110000`);
    expect(noTenant.status).toBe(400);
    expect(((await noTenant.json()) as any).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenant' });
  });

  it('a code used by two tenants needs ?tenant=', async () => {
    // A Hubei school that happens to carry the code of a Hunan university (codes are unique per tenant only).
    await t.app.db.orm.em.fork().getConnection().execute(
      `insert into org_unit (tenant_id, id, parent_id, code, name, level, kind) select 420000, gen_random_uuid(), id, '4143010530', '同码学校', 'SCHOOL', 'PRIMARY' from org_unit where tenant_id = 420000 and code = '420900'`,
    );
    const ambiguous = await fetch(`${t.base}/reports/4143010530/2019.md`);
    expect(ambiguous.status).toBe(400);
    expect(((await ambiguous.json()) as any).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenant', reason: 'AMBIGUOUS_UNIT_CODE' });
    const hunan = await fetch(`${t.base}/reports/4143010530/2019.md?tenant=430000`);
    expect(hunan.status).toBe(200);
    expect(await hunan.text()).toContain('# 湘潭大学2019年');
    const hubei = await fetch(`${t.base}/reports/4143010530/2019.md?tenant=420000`);
    expect(await hubei.text()).toContain('# 同码学校2019年');
  });

  it('the database keeps report texts to units of their tenant, and a unit with texts cannot be deleted', async () => {
    const conn = t.app.db.orm.em.fork().getConnection();
    const [school] = await conn.execute(`select id from org_unit where tenant_id = 420000 and code = '4143010530'`);
    await expect(conn.execute(`insert into report_text (tenant_id, unit_id, year, updated_by) values (430000, '${school.id}', 2019, 'x')`)).rejects.toThrow(/not a unit of tenant/);
    await gqlData(t, `mutation($i: SaveReportTextInput!) { saveReportText(input: $i) { year } }`, { i: { unitId: school.id, year: 2019, problems: '无' } }, await adminHeaders('420000'));
    await expect(conn.execute(`delete from org_unit where tenant_id = 420000 and id = '${school.id}'`)).rejects.toThrow(/still owns report texts/);
  });
});

describe('free text, editable', () => {
  const SAVE = `mutation($i: SaveReportTextInput!) { saveReportText(input: $i) { year problems improvements publishedOn updatedBy updatedAt } }`;

  it('writes, keeps the fields left out, records who wrote it', async () => {
    const first = await gqlData(t, SAVE, { i: { unitId: ids.cs, year: 2020, problems: '问题一', improvements: '措施一' } }, await adminHeaders('430000'));
    expect(first.saveReportText).toMatchObject({ year: 2020, problems: '问题一', improvements: '措施一', publishedOn: null, updatedBy: 'user:admin-430000@430000' });
    const second = await gqlData(t, SAVE, { i: { unitId: ids.cs, year: 2020, improvements: '措施二', publishedOn: '2021-03-01' } }, await adminHeaders('430000'));
    expect(second.saveReportText).toMatchObject({ problems: '问题一', improvements: '措施二', publishedOn: '2021-03-01' });
    const { report: r } = await report(ids.cs, 2020);
    expect(r.text).toMatchObject({ problems: '问题一', improvements: '措施二', publishedOn: '2021-03-01' });
  });

  it('refuses bad input and changes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ unitId: ids.cs, year: 1800, problems: 'x' }, 'input.year'],
      [{ unitId: '00000000-0000-0000-0000-000000000000', year: 2020, problems: 'x' }, 'input.unitId'],
      [{ unitId: 'nope', year: 2020, problems: 'x' }, 'input.unitId'],
      [{ unitId: ids.cs, year: 2020, problems: 'x'.repeat(20_001) }, 'input.problems'],
      [{ unitId: ids.cs, year: 2020, problems: null }, 'input.problems'],
      [{ unitId: ids.cs, year: 2020, publishedOn: '2019-12-31' }, 'input.publishedOn'],
      [{ unitId: ids.cs, year: 2020, publishedOn: '2999-01-01' }, 'input.publishedOn'],
    ];
    for (const [i, field] of cases) {
      const res = await gql(t, SAVE, { i }, await adminHeaders('430000'));
      expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const { report: r } = await report(ids.cs, 2020);
    expect(r.text).toMatchObject({ problems: '问题一', improvements: '措施二', publishedOn: '2021-03-01' });
  });

  it('annualReport refuses a bad year or unit', async () => {
    expect((await gql(t, REPORT, { unitId: ids.hn, year: 3000 })).body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    expect((await gql(t, REPORT, { unitId: 'x', year: 2014 })).body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitId' });
    expect((await gql(t, REPORT, { unitId: '00000000-0000-0000-0000-000000000000', year: 2014 })).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
