import { adminHeaders, ANONYMOUS_HEADERS, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * The demo data reproduces what the seed reports published, on the unit that published them.
 * Read back through the API (connections' totalCount over the raw rows).
 */
let t: TestApp;
const ids: Record<string, string> = {};
const owners = new Map<string, Record<string, string>>();
/** Headers of an ADMIN of the tenant whose unit the filter names. */
const asOwner = (text: string) => [...owners].find(([id]) => text.includes(id))?.[1] ?? ANONYMOUS_HEADERS;

beforeAll(async () => {
  t = await startTestApp({ seedScale: 1, demo: true });
  const data = await gqlData(t, '{ hn: unit(code: "430000") { id } sx: unit(code: "140000") { id } xg: unit(code: "420900") { id } }', undefined, ANONYMOUS_HEADERS);
  ids.hn = data.hn.id;
  ids.sx = data.sx.id;
  ids.xg = data.xg.id;
  // Raw rows (events, applications) are read by an ADMIN of the tenant that owns them.
  owners.set(ids.hn, await adminHeaders('430000'));
  owners.set(ids.sx, await adminHeaders('140000'));
  owners.set(ids.xg, await adminHeaders('420000'));
}, 600_000);
afterAll(async () => t?.close());

/** totalCount of interactions matching the filter. */
async function events(filter: string, headers = asOwner(filter)): Promise<number> {
  const data = await gqlData(t, `{ interactions(filter: { ${filter} }, first: 0) { totalCount } }`, undefined, headers);
  return data.interactions.totalCount;
}
async function items(filter: string): Promise<number> {
  const data = await gqlData(t, `{ disclosureItems(filter: { status: PUBLISHED, ${filter} }, first: 0) { totalCount } }`, undefined, asOwner(filter));
  return data.disclosureItems.totalCount;
}
async function applications(filter: string): Promise<number> {
  const data = await gqlData(t, `{ disclosureApplications(filter: { ${filter} }, first: 0) { totalCount } }`, undefined, asOwner(filter));
  return data.disclosureApplications.totalCount;
}
async function centres(filter: string): Promise<number> {
  const data = await gqlData(t, `{ centres(filter: { ${filter} }, first: 0) { totalCount } }`, undefined, asOwner(filter));
  return data.centres.totalCount;
}
const year = (y: number, f = 'received') => `${f}From: "${y}-01-01", ${f}To: "${y}-12-31"`;

describe('seed 000: Hunan provincial department, 2014', () => {
  const own = () => `unitId: "${ids.hn}", subtree: false, ${year(2014)}`;
  const mail = 'kinds: [MAILBOX, CONSULTATION, COMPLAINT]';

  it('2,732 news items and 751 notices/documents on the department portal', async () => {
    expect(await items(`unitId: "${ids.hn}", categoryCode: "NEWS", channel: DEPARTMENT_PORTAL, ${year(2014, 'published')}`)).toBe(2732);
    expect(await items(`unitId: "${ids.hn}", categoryCode: "NOTICE", channel: DEPARTMENT_PORTAL, ${year(2014, 'published')}`)).toBe(751);
  });

  it('4,736 mailbox/consultation/complaint received, 4,325 replied on time: 98% after excluding invalid ones', async () => {
    const received = await events(`${own()}, ${mail}`);
    const invalid = await events(`${own()}, ${mail}, status: INVALID`);
    const replied = await events(`${own()}, ${mail}, status: REPLIED`);
    const late = await events(`${own()}, ${mail}, status: REPLIED, overdue: true`);
    expect(received).toBe(4736);
    expect(replied - late).toBe(4325);
    expect(Math.round(((replied - late) / (received - invalid)) * 100) / 100).toBe(0.98);
  });

  it('59 portal questions, all replied on time; 7 surveys, 2 solicitations, 49 interviews', async () => {
    expect(await events(`${own()}, kind: PORTAL_QA`)).toBe(59);
    expect(await events(`${own()}, kind: PORTAL_QA, status: REPLIED, overdue: false`)).toBe(59);
    expect(await events(`${own()}, kind: SURVEY, status: HELD`)).toBe(7);
    expect(await events(`${own()}, kind: SOLICITATION, status: HELD`)).toBe(2);
    expect(await events(`${own()}, kind: INTERVIEW, status: HELD`)).toBe(49);
  });

  it('centres by the end of 2014: 14 at city level, 120 at county level, 4,140 at schools, 75 at universities', async () => {
    const by2014 = `unitId: "${ids.hn}", subtree: true, openedBy: "2014-12-31"`;
    expect(await centres(`${by2014}, unitLevel: CITY`)).toBe(14);
    expect(await centres(`${by2014}, unitLevel: COUNTY`)).toBe(120);
    expect(await centres(`${by2014}, unitLevel: SCHOOL, unitKinds: [KINDERGARTEN, PRIMARY, SECONDARY, NINE_YEAR, VOCATIONAL, SPECIAL_EDUCATION]`)).toBe(4140);
    expect(await centres(`${by2014}, unitKinds: [UNIVERSITY]`)).toBe(75);
  });

  it('5 disclosure applications, all answered on time', async () => {
    expect(await applications(`unitId: "${ids.hn}", subtree: false, ${year(2014)}`)).toBe(5);
    expect(await applications(`unitId: "${ids.hn}", subtree: false, ${year(2014)}, status: DECIDED, overdue: false`)).toBe(5);
  });
});

describe('seed 001: Hunan, 2017', () => {
  it('2,826 items on the department portal, 1,241 to the government portal, 6 policy interpretations', async () => {
    const hn = `unitId: "${ids.hn}", subtree: false, ${year(2017, 'published')}`;
    expect(await items(`${hn}, channel: DEPARTMENT_PORTAL`)).toBe(2826);
    expect(await items(`${hn}, channel: GOVERNMENT_PORTAL`)).toBe(1241);
    expect(await items(`${hn}, categoryCode: "POLICY_INTERPRETATION"`)).toBe(6);
  });

  it('15 applications, 11,072 mailbox and complaint questions, 72 portal questions, 45 interviews', async () => {
    const own = `unitId: "${ids.hn}", subtree: false, ${year(2017)}`;
    expect(await applications(own)).toBe(15);
    expect(await events(`${own}, kinds: [MAILBOX, COMPLAINT]`)).toBe(11072);
    expect(await events(`${own}, kind: PORTAL_QA`)).toBe(72);
    expect(await events(`${own}, kind: INTERVIEW`)).toBe(45);
  });

  it('9,586 centres in the province and 170 e-government officers across the system', async () => {
    expect(await centres(`unitId: "${ids.hn}", subtree: true, openedBy: "2017-12-31"`)).toBe(9586);
    const data = await gqlData(t, `{ officers(filter: { unitId: "${ids.hn}", subtree: true, role: OFFICER, active: true }, first: 0) { totalCount } }`);
    expect(data.officers.totalCount).toBe(170);
  });

  it('the 2017 annual report counts the 9,586 centres and 170 officers of its sentences', async () => {
    const data = await gqlData(t, `{ annualReport(unitId: "${ids.hn}", year: 2017) { sections { key tables { key rows { key cells { value } } } } } }`);
    const centres = data.annualReport.sections.find((s: any) => s.key === 'CENTRES').tables.find((x: any) => x.key === 'centres');
    expect(centres.rows.find((r: any) => r.key === 'subtree').cells[0].value).toBe(9586);
    const officers = data.annualReport.sections.find((s: any) => s.key === 'OFFICERS').tables[0];
    expect(officers.rows.find((r: any) => r.key === 'subtree').cells[0].value).toBe(170);
  });

  it('about 360,000 service requests in the province, 17,000 of them at province level', async () => {
    expect(await events(`unitId: "${ids.hn}", subtree: false, ${year(2017)}, kind: SERVICE_REQUEST`)).toBe(17000);
    expect(await events(`unitId: "${ids.hn}", subtree: true, ${year(2017)}, kind: SERVICE_REQUEST`)).toBe(360000);
    // The department's requests were accepted at its sunshine service centre, and are counted there.
    const own = await gqlData(t, '{ unit(code: "430000") { centres { id kind } } }');
    expect(own.unit.centres).toHaveLength(1);
    expect(await events(`centreId: "${own.unit.centres[0].id}", ${year(2017)}, kind: SERVICE_REQUEST`, owners.get(ids.hn))).toBe(17000);
    // Events are private rows: the public sees none of them, only the aggregate figures.
    expect(await events(`centreId: "${own.unit.centres[0].id}", ${year(2017)}, kind: SERVICE_REQUEST`, ANONYMOUS_HEADERS)).toBe(0);
  });
});

describe('seed 002: Shanxi provincial department, 2017', () => {
  it('1,825 items: notices 298, department work 359, education columns 548, disclosure 181, news 439', async () => {
    const sx = `unitId: "${ids.sx}", ${year(2017, 'published')}`;
    const byCategory: Record<string, number> = { NOTICE: 298, DEPARTMENT_WORK: 359, EDUCATION_COLUMNS: 548, DISCLOSURE: 181, NEWS: 439 };
    for (const [code, n] of Object.entries(byCategory)) expect(await items(`${sx}, categoryCode: "${code}"`)).toBe(n);
    expect(await items(sx)).toBe(1825);
  });

  it('no applications, 2,000+ mailbox replies, 3,000+ hotline answers', async () => {
    const own = `unitId: "${ids.sx}", subtree: true, ${year(2017)}`;
    expect(await applications(own)).toBe(0);
    expect(await events(`${own}, kind: MAILBOX, status: REPLIED`)).toBeGreaterThan(2000);
    expect(await events(`${own}, kind: HOTLINE, status: REPLIED`)).toBeGreaterThan(3000);
  });
});

describe('seed 004: Xiaogan city bureau, 2018', () => {
  it('publishes its items by business line, as counted in its report', async () => {
    const xg = `unitId: "${ids.xg}", subtree: false, ${year(2018, 'published')}`;
    const expected: Record<string, number> = {
      NEWS: 1578, DISCLOSURE_COLUMN: 232, PLANNING_FINANCE: 28, SUPERVISION: 32, BASIC_EDUCATION: 26, VOCATIONAL_ADULT_EDUCATION: 33,
      RESEARCH: 132, PERSONNEL: 32, EDUCATION_TECHNOLOGY: 50, PARTY_BUILDING: 28, PHYSICAL_HEALTH: 81, ADMISSIONS: 43,
      ADMINISTRATIVE_APPROVAL: 33, STUDENT_AID: 56, SAFETY_LOGISTICS: 28, TRADE_UNION: 26,
    };
    for (const [code, n] of Object.entries(expected)) expect(await items(`${xg}, categoryCode: "${code}"`)).toBe(n);
  });

  it('259 mailbox consultations, suggestions and complaints, all replied on time; no applications', async () => {
    const own = `unitId: "${ids.xg}", subtree: false, ${year(2018)}`;
    expect(await events(`${own}, kinds: [MAILBOX, CONSULTATION, COMPLAINT]`)).toBe(259);
    expect(await events(`${own}, kinds: [MAILBOX, CONSULTATION, COMPLAINT], status: REPLIED, overdue: false`)).toBe(259);
    expect(await applications(own)).toBe(0);
  });
});

/** The same seed figures, read from the rollups through `stats` (subtree) and `own` (the unit alone). */
describe('the seed figures through stats and own', () => {
  const read = async (id: string, field: 'stats' | 'own', period: string, figures: string) =>
    (await gqlData(t, `{ unit(id: "${id}") { s: ${field}(period: ${period}) { ${figures} } } }`, undefined, asOwner(id))).unit.s;

  it('seed 000, Hunan 2014: items by channel and category, 98% on time, held events, centres by level, applications', async () => {
    const own = await read(ids.hn, 'own', '{ year: 2014 }', `
      disclosures { byCategory { categoryCode count } byChannel { channel count } }
      interactions { interviews surveys solicitations byKind { kind received replied repliedOnTime invalid duplicate held } }
      applications { received decided decidedOnTime }`);
    const cat = Object.fromEntries(own.disclosures.byCategory.map((c: any) => [c.categoryCode, c.count]));
    expect(cat.NEWS).toBe(2732);
    expect(cat.NOTICE).toBe(751);
    const mail = own.interactions.byKind.filter((k: any) => ['MAILBOX', 'CONSULTATION', 'COMPLAINT'].includes(k.kind));
    const sum = (f: string) => mail.reduce((s: number, k: any) => s + k[f], 0);
    expect(sum('received')).toBe(4736);
    expect(sum('repliedOnTime')).toBe(4325);
    expect(Math.round((sum('repliedOnTime') / (sum('received') - sum('invalid') - sum('duplicate'))) * 100) / 100).toBe(0.98);
    const qa = own.interactions.byKind.find((k: any) => k.kind === 'PORTAL_QA');
    expect([qa.received, qa.repliedOnTime]).toEqual([59, 59]);
    expect([own.interactions.interviews, own.interactions.surveys, own.interactions.solicitations]).toEqual([49, 7, 2]);
    expect(own.applications).toEqual({ received: 5, decided: 5, decidedOnTime: 5 });

    const all = await read(ids.hn, 'stats', '{ year: 2014 }', 'centres { byLevel { level centres } byUnitKind { unitKind centres } byReportingLevel { reportingLevel centres } }');
    expect(Object.fromEntries(all.centres.byReportingLevel.map((l: any) => [l.reportingLevel, l.centres]))).toMatchObject({ CITY: 14, COUNTY: 120, SCHOOL: 4140, UNIVERSITY: 75 });
    const byLevel = Object.fromEntries(all.centres.byLevel.map((l: any) => [l.level, l.centres]));
    const byKind = Object.fromEntries(all.centres.byUnitKind.map((k: any) => [k.unitKind, k.centres]));
    expect(byLevel.CITY).toBe(14);
    expect(byLevel.COUNTY).toBe(120);
    expect(byKind.UNIVERSITY).toBe(75);
    expect(byLevel.SCHOOL - byKind.UNIVERSITY - (byKind.AFFILIATED_INSTITUTION ?? 0)).toBe(4140);
  });

  it('seed 001, Hunan 2017: channels, applications, 9,586 centres, 170 officers, 360,000 service requests', async () => {
    const own = await read(ids.hn, 'own', '{ year: 2017 }', `
      disclosures { byChannel { channel count } byCategory { categoryCode count } }
      applications { received } interactions { serviceRequests interviews byKind { kind received } }`);
    const ch = Object.fromEntries(own.disclosures.byChannel.map((c: any) => [c.channel, c.count]));
    expect(ch.DEPARTMENT_PORTAL).toBe(2826);
    expect(ch.GOVERNMENT_PORTAL).toBe(1241);
    expect(own.disclosures.byCategory.find((c: any) => c.categoryCode === 'POLICY_INTERPRETATION').count).toBe(6);
    expect(own.applications.received).toBe(15);
    const kinds = Object.fromEntries(own.interactions.byKind.map((k: any) => [k.kind, k.received]));
    expect(kinds.MAILBOX + kinds.COMPLAINT).toBe(11072);
    expect(kinds.PORTAL_QA).toBe(72);
    expect(own.interactions.interviews).toBe(45);
    expect(own.interactions.serviceRequests).toBe(17000);
    const all = await read(ids.hn, 'stats', '{ year: 2017 }', 'centres { total } officers { byRole { role count } } interactions { serviceRequests }');
    expect(all.centres.total).toBe(9586);
    expect(all.officers.byRole.find((r: any) => r.role === 'OFFICER').count).toBe(170);
    expect(all.interactions.serviceRequests).toBe(360000);
  });

  it('seed 002, Shanxi 2017: 1,825 items by category, no applications', async () => {
    const all = await read(ids.sx, 'stats', '{ year: 2017 }', 'disclosures { published byCategory { categoryCode count } } applications { received } interactions { byKind { kind replied } }');
    expect(all.disclosures.published).toBe(1825);
    expect(Object.fromEntries(all.disclosures.byCategory.map((c: any) => [c.categoryCode, c.count]))).toEqual({ NOTICE: 298, DEPARTMENT_WORK: 359, EDUCATION_COLUMNS: 548, DISCLOSURE: 181, NEWS: 439 });
    expect(all.applications.received).toBe(0);
    const replied = Object.fromEntries(all.interactions.byKind.map((k: any) => [k.kind, k.replied]));
    expect(replied.MAILBOX).toBeGreaterThan(2000);
    expect(replied.HOTLINE).toBeGreaterThan(3000);
  });

  it('seed 004, Xiaogan 2018: 16 business lines, 259 mailbox questions all on time, no applications', async () => {
    const own = await read(ids.xg, 'own', '{ year: 2018 }', 'disclosures { byCategory { categoryCode count } } interactions { byKind { kind received repliedOnTime } } applications { received }');
    const cat = Object.fromEntries(own.disclosures.byCategory.map((c: any) => [c.categoryCode, c.count]));
    expect(cat.NEWS).toBe(1578);
    expect(cat.DISCLOSURE_COLUMN).toBe(232);
    expect(cat.TRADE_UNION).toBe(26);
    expect(Object.keys(cat)).toHaveLength(16);
    const mail = own.interactions.byKind.filter((k: any) => ['MAILBOX', 'CONSULTATION', 'COMPLAINT'].includes(k.kind));
    expect(mail.reduce((s: number, k: any) => s + k.received, 0)).toBe(259);
    expect(mail.reduce((s: number, k: any) => s + k.repliedOnTime, 0)).toBe(259);
    expect(own.applications.received).toBe(0);
  });

  it('the demo data leaves the rollups exact', async () => {
    for (const tenant of [430000, 420000, 140000]) {
      expect(await t.app.db.orm.em.fork().execute('select * from rollup_verify(?) limit 5', [tenant])).toEqual([]);
    }
  });
});
