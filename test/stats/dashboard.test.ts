import { gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * Figures, periods, rankings, time series and lagging units over a small hand-made dataset in Hubei,
 * where every expected value is known.
 */
let t: TestApp;
const u: Record<string, { id: string; code: string }> = {};

async function ingestEvents(rows: Record<string, unknown>[], key: string) {
  const res = await gql(t, `mutation($k: String!, $rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "420000", idempotencyKey: $k, rows: $rows) { ids } }`, { k: key, rows });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.ingestInteractions.ids as string[];
}

const ev = (unit: string, kind: string, receivedAt: string, extra: Record<string, unknown> = {}) => ({ unitCode: u[unit].code, kind, channel: 'PORTAL', subject: kind, receivedAt, ...extra });

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.05, as: { tenant: '420000', roles: ['ADMIN'] } });
  const data = await gqlData(t, '{ hb: unit(code: "420000") { id code } xg: unit(code: "420900") { id code children(level: COUNTY) { id code children(level: SCHOOL) { id code } } } }');
  u.hb = data.hb;
  u.xg = { id: data.xg.id, code: data.xg.code };
  const [a, b] = data.xg.children;
  u.a = a;
  u.b = b;
  u.sa = a.children[0];
  u.sb = b.children[0];
  await ingestEvents(
    [
      ev('xg', 'MAILBOX', '2023-03-10T02:00:00Z', { repliedAt: '2023-03-11T02:00:00Z', reply: 'ok' }),
      ev('xg', 'MAILBOX', '2023-03-10T02:00:00Z', { repliedAt: '2023-03-11T02:00:00Z', reply: 'ok' }),
      ev('xg', 'MAILBOX', '2023-03-10T02:00:00Z', { repliedAt: '2023-03-12T02:00:00Z', reply: 'ok' }),
      ev('xg', 'MAILBOX', '2023-03-10T02:00:00Z', { repliedAt: '2023-04-20T02:00:00Z', reply: 'late' }),
      ev('xg', 'MAILBOX', '2023-03-10T02:00:00Z', { status: 'INVALID', statusReason: 'advertising' }),
      ev('xg', 'MAILBOX', '2023-05-05T02:00:00Z'),
      ev('xg', 'INTERVIEW', '2023-06-01T02:00:00Z'),
      ev('xg', 'INTERVIEW', '2023-06-01T02:00:00Z'),
      // 00:30 on 1 January 2024 in Shanghai is still 2023 in UTC: it counts in 2024.
      ev('a', 'CONSULTATION', '2023-12-31T16:30:00Z'),
      ev('a', 'CONSULTATION', '2023-12-31T16:30:00Z'),
      ev('sa', 'SERVICE_REQUEST', '2023-07-15T02:00:00Z', { repliedAt: '2023-07-16T02:00:00Z', reply: 'done' }),
      ev('sa', 'SERVICE_REQUEST', '2023-07-15T02:00:00Z', { repliedAt: '2023-07-16T02:00:00Z', reply: 'done' }),
      ev('sa', 'SERVICE_REQUEST', '2023-07-15T02:00:00Z', { repliedAt: '2023-07-16T02:00:00Z', reply: 'done' }),
    ],
    'events-1',
  );
  const items = await gql(t, `mutation($rows: [DisclosureIngestRow!]!) { ingestDisclosures(tenant: "420000", idempotencyKey: "items-1", rows: $rows) { accepted } }`, {
    rows: [
      { unitCode: u.xg.code, title: 'a', categoryCode: 'NEWS', channels: ['DEPARTMENT_PORTAL', 'WECHAT'], status: 'PUBLISHED', publishedAt: '2023-02-01T02:00:00Z', externalId: 'x1' },
      { unitCode: u.xg.code, title: 'b', categoryCode: 'NEWS', channels: ['DEPARTMENT_PORTAL', 'WECHAT'], status: 'PUBLISHED', publishedAt: '2023-02-01T02:00:00Z', externalId: 'x2', specialColumn: '信息公开' },
      { unitCode: u.a.code, title: 'draft', categoryCode: 'NEWS', channels: ['DEPARTMENT_PORTAL'] },
      { unitCode: u.sb.code, title: 'c', categoryCode: 'ADMISSIONS', channels: ['DEPARTMENT_PORTAL'], status: 'PUBLISHED', publishedAt: '2023-09-01T02:00:00Z' },
    ],
  });
  expect(items.body.errors).toBeUndefined();
  for (const [unit, kind, openedOn, status] of [['a', 'CENTER', '2022-05-01', 'ACTIVE'], ['sa', 'POINT', '2023-08-01', 'ACTIVE'], ['sb', 'STATION', '2020-01-01', 'CLOSED']]) {
    const res = await gql(t, `mutation { createCentre(input: { unitId: "${u[unit].id}", kind: ${kind}, name: "c", openedOn: "${openedOn}", status: ${status} }) { id } }`);
    expect(res.body.errors).toBeUndefined();
  }
  const officer = await gql(t, `mutation { addOfficer(input: { unitId: "${u.xg.id}", name: "王五", role: OFFICER }) { id } }`);
  expect(officer.body.errors).toBeUndefined();
});
afterAll(async () => t?.close());

const INTERACTIONS = 'received replied repliedOnTime overdue open invalid duplicate held replyRate onTimeRate interviews serviceRequests';
async function figures(unit: string, field: 'stats' | 'own', period: string) {
  const data = await gqlData(t, `{ unit(id: "${u[unit].id}") { s: ${field}(period: ${period}) { period { from to label } scope interactions { ${INTERACTIONS} } disclosures { published inSpecialColumn byCategory { categoryCode count } byChannel { channel count } } centres { total byKind { kind count } byLevel { level centres units unitsCovered coverage } } officers { active byRole { role count } } } } }`);
  return data.unit.s;
}

describe('figures of a unit', () => {
  it('counts a unit alone and its subtree, with rates excluding invalid, duplicate and held events', async () => {
    const own = await figures('xg', 'own', '{ year: 2023 }');
    expect(own.scope).toBe('OWN');
    expect(own.period).toEqual({ from: '2023-01-01', to: '2023-12-31', label: '2023' });
    expect(own.interactions).toEqual({ received: 8, replied: 4, repliedOnTime: 3, overdue: 2, open: 1, invalid: 1, duplicate: 0, held: 2, replyRate: 0.8, onTimeRate: 0.6, interviews: 2, serviceRequests: 0 });
    const all = await figures('xg', 'stats', '{ year: 2023 }');
    expect(all.interactions).toEqual({ received: 11, replied: 7, repliedOnTime: 6, overdue: 2, open: 1, invalid: 1, duplicate: 0, held: 2, replyRate: 7 / 8, onTimeRate: 6 / 8, interviews: 2, serviceRequests: 3 });
    expect((await figures('hb', 'stats', '{ year: 2023 }')).interactions).toEqual(all.interactions);
    expect(all.disclosures).toEqual({
      published: 3,
      inSpecialColumn: 1,
      byCategory: [{ categoryCode: 'NEWS', count: 2 }, { categoryCode: 'ADMISSIONS', count: 1 }],
      byChannel: [{ channel: 'DEPARTMENT_PORTAL', count: 3 }, { channel: 'WECHAT', count: 2 }],
    });
    expect(own.disclosures.published).toBe(2);
    expect(all.officers).toEqual({ active: 1, byRole: [{ role: 'OFFICER', count: 1 }] });
  });

  it('gives the same totals whether a query asks for the breakdowns or not, also when one field of a batch does', async () => {
    const totals = `interactions { received replied repliedOnTime overdue open invalid held interviews serviceRequests onTimeRate } disclosures { published inSpecialColumn }`;
    const detail = `interactions { received replied repliedOnTime overdue open invalid held interviews serviceRequests onTimeRate byKind { kind received overdue } } disclosures { published inSpecialColumn byCategory { categoryCode count } }`;
    const read = (fields: string, other = fields) =>
      gqlData(t, `query($p: PeriodInput!) { hb: unit(code: "${u.hb.code}") { stats(period: $p) { ${fields} } } xg: unit(code: "${u.xg.code}") { stats(period: $p) { ${other} } own(period: $p) { ${fields} } } }`, { p: { year: 2023 } });
    const lean = await read(totals);
    const full = await read(detail);
    const mixed = await read(totals, detail);
    const strip = (s: { interactions: Record<string, unknown>; disclosures: Record<string, unknown> }) => {
      const { byKind: _k, ...interactions } = s.interactions;
      const { byCategory: _c, ...disclosures } = s.disclosures;
      return { interactions, disclosures };
    };
    for (const d of [full, mixed]) {
      expect(strip(d.hb.stats)).toEqual(lean.hb.stats);
      expect(strip(d.xg.stats)).toEqual(lean.xg.stats);
      expect(strip(d.xg.own)).toEqual(lean.xg.own);
    }
    expect(lean.xg.stats.interactions).toMatchObject({ received: 11, overdue: 2, interviews: 2, serviceRequests: 3 });
    expect(lean.xg.stats.disclosures).toEqual({ published: 3, inSpecialColumn: 1 });
    // The breakdowns are whole where asked, and hold no folded entry.
    expect(full.xg.stats.interactions.byKind.map((k: { kind: string }) => k.kind)).toEqual(['INTERVIEW', 'MAILBOX', 'SERVICE_REQUEST']);
    expect(mixed.xg.stats.disclosures.byCategory).toEqual([{ categoryCode: 'NEWS', count: 2 }, { categoryCode: 'ADMISSIONS', count: 1 }]);
  });

  it('counts days in Asia/Shanghai time', async () => {
    expect((await figures('a', 'own', '{ year: 2023 }')).interactions.received).toBe(0);
    const y2024 = await figures('a', 'own', '{ year: 2024 }');
    expect(y2024.interactions.received).toBe(2);
    // Open past their deadline now: overdue.
    expect(y2024.interactions.overdue).toBe(2);
    expect((await figures('a', 'own', '{ from: "2024-01-01", to: "2024-01-01" }')).interactions.received).toBe(2);
  });

  it('takes quarters, months and arbitrary ranges, mixing year, month and day buckets', async () => {
    const r = async (p: string) => (await figures('xg', 'own', p)).interactions.received;
    expect(await r('{ year: 2023, quarter: 1 }')).toBe(5);
    expect(await r('{ year: 2023, quarter: 2 }')).toBe(3);
    expect(await r('{ year: 2023, month: 3 }')).toBe(5);
    expect(await r('{ year: 2023, month: 4 }')).toBe(0);
    expect(await r('{ from: "2023-03-10", to: "2023-06-01" }')).toBe(8);
    expect(await r('{ from: "2023-03-11", to: "2023-05-31" }')).toBe(1);
    expect(await r('{ from: "2022-12-15", to: "2024-01-15" }')).toBe(8);
    expect((await figures('xg', 'own', '{ year: 2023, quarter: 4 }')).period).toEqual({ from: '2023-10-01', to: '2023-12-31', label: '2023-Q4' });
  });

  it('counts centres open on the last day of the period, and coverage per level', async () => {
    const y2023 = await figures('xg', 'stats', '{ year: 2023 }');
    expect(y2023.centres.total).toBe(2);
    expect(y2023.centres.byKind).toEqual([{ kind: 'CENTER', count: 1 }, { kind: 'POINT', count: 1 }]);
    const county = y2023.centres.byLevel.find((l: any) => l.level === 'COUNTY');
    expect(county).toEqual({ level: 'COUNTY', centres: 1, units: 7, unitsCovered: 1, coverage: 1 / 7 });
    expect(y2023.centres.byLevel.find((l: any) => l.level === 'SCHOOL')).toMatchObject({ centres: 1, unitsCovered: 1 });
    expect((await figures('xg', 'stats', '{ year: 2022 }')).centres.total).toBe(1);
    expect((await figures('xg', 'stats', '{ year: 2023, month: 7 }')).centres.total).toBe(1);
  });
});

describe('dashboard reads', () => {
  it('ranks children by a figure, with ties and rates without a denominator last', async () => {
    const q = (metric: string, order = 'DESC', first = 10) =>
      gqlData(t, `{ rankings(parentId: "${u.xg.id}", level: COUNTY, metric: ${metric}, period: { year: 2023 }, order: ${order}, first: ${first}) { totalUnits entries { rank value unit { code } } } }`);
    const desc = (await q('EVENTS_RECEIVED')).rankings;
    expect(desc.totalUnits).toBe(7);
    expect(desc.entries[0]).toEqual({ rank: 1, value: 3, unit: { code: u.a.code } });
    expect(desc.entries.slice(1).every((e: any) => e.rank === 2 && e.value === 0)).toBe(true);
    const asc = (await q('EVENTS_RECEIVED', 'ASC')).rankings;
    expect(asc.entries[6].unit.code).toBe(u.a.code);
    const rate = (await q('ON_TIME_RATE', 'DESC', 2)).rankings;
    expect(rate.totalUnits).toBe(7);
    expect(rate.entries).toEqual([{ rank: 1, value: 1, unit: { code: u.a.code } }, expect.objectContaining({ rank: 2, value: null })]);
    const schools = (await gqlData(t, `{ rankings(parentId: "${u.hb.id}", level: SCHOOL, metric: SERVICE_REQUESTS, period: { year: 2023 }, first: 1) { totalUnits entries { value unit { code } } } }`)).rankings;
    expect(schools.entries).toEqual([{ value: 3, unit: { code: u.sa.code } }]);
    expect(schools.totalUnits).toBeGreaterThan(7);
  });

  it('charts a figure per month or per day, partial months included, stocks cumulated', async () => {
    const monthly = await gqlData(t, `{ timeSeries(unitId: "${u.xg.id}", metric: EVENTS_RECEIVED, period: { year: 2023 }, own: true) { scope points { from to value } } }`);
    const values = monthly.timeSeries.points.map((p: any) => p.value);
    expect(values).toEqual([0, 0, 5, 0, 1, 2, 0, 0, 0, 0, 0, 0]);
    expect(monthly.timeSeries.points[1]).toEqual({ from: '2023-02-01', to: '2023-02-28', value: 0 });
    const daily = await gqlData(t, `{ timeSeries(unitId: "${u.xg.id}", metric: EVENTS_RECEIVED, period: { from: "2023-03-09", to: "2023-03-11" }, granularity: DAY) { points { from value } } }`);
    expect(daily.timeSeries.points).toEqual([{ from: '2023-03-09', value: 0 }, { from: '2023-03-10', value: 5 }, { from: '2023-03-11', value: 0 }]);
    const partial = await gqlData(t, `{ timeSeries(unitId: "${u.xg.id}", metric: EVENTS_RECEIVED, period: { from: "2023-03-10", to: "2023-05-04" }) { points { from to value } } }`);
    expect(partial.timeSeries.points).toEqual([{ from: '2023-03-10', to: '2023-03-31', value: 5 }, { from: '2023-04-01', to: '2023-04-30', value: 0 }, { from: '2023-05-01', to: '2023-05-04', value: 0 }]);
    const centres = await gqlData(t, `{ timeSeries(unitId: "${u.hb.id}", metric: CENTRES, period: { year: 2023 }) { points { value } } }`);
    expect(centres.timeSeries.points.map((p: any) => p.value)).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    const rates = await gqlData(t, `{ timeSeries(unitId: "${u.xg.id}", metric: REPLY_RATE, period: { year: 2023, quarter: 1 }, own: true) { points { value } } }`);
    expect(rates.timeSeries.points.map((p: any) => p.value)).toEqual([null, null, 1]);
  });

  it('lists lagging units with the named problems of their own records', async () => {
    const data = await gqlData(t, `{ laggingUnits(parentId: "${u.hb.id}", level: CITY, period: { year: 2023 }) { unit { code } problems published interviews overdueOpenEvents centres officers responsibleDepartment } }`);
    expect(data.laggingUnits).toEqual([
      { unit: { code: '420900' }, problems: ['OVERDUE_EVENTS', 'NO_CENTRE', 'NO_RESPONSIBLE_DEPARTMENT'], published: 2, interviews: 2, overdueOpenEvents: 1, centres: 0, officers: 1, responsibleDepartment: false },
    ]);
    const counties = await gqlData(t, `{ laggingUnits(parentId: "${u.xg.id}", level: COUNTY, period: { year: 2023 }, problems: [NO_CENTRE]) { unit { code } problems } }`);
    expect(counties.laggingUnits).toHaveLength(6);
    expect(counties.laggingUnits.map((l: any) => l.unit.code)).not.toContain(u.a.code);
    const dept = await gql(t, `mutation { setResponsibleDepartment(unitId: "${u.xg.id}", department: "办公室", designatedAt: "2023-01-05") { responsibleDepartment } }`);
    expect(dept.body.errors).toBeUndefined();
    const after = await gqlData(t, `{ laggingUnits(parentId: "${u.hb.id}", level: CITY, period: { year: 2023 }) { problems } }`);
    expect(after.laggingUnits[0].problems).toEqual(['OVERDUE_EVENTS', 'NO_CENTRE']);
  });

  it('follows writes at once: withdrawing an item, replying, moving a school to another county', async () => {
    const items = await gqlData(t, `{ disclosureItems(filter: { unitId: "${u.xg.id}", status: PUBLISHED }, first: 1) { edges { node { id } } } }`);
    const withdrawn = await gql(t, `mutation($id: ID!) { withdrawDisclosureItem(id: $id, reviewer: "r", note: "wrong") { status } }`, { id: items.disclosureItems.edges[0].node.id });
    expect(withdrawn.body.errors).toBeUndefined();
    expect((await figures('xg', 'own', '{ year: 2023 }')).disclosures.published).toBe(1);

    const moved = await gql(t, `mutation { moveUnit(id: "${u.sa.id}", parentId: "${u.b.id}") { parent { code } } }`);
    expect(moved.body.data.moveUnit.parent.code).toBe(u.b.code);
    expect((await figures('a', 'stats', '{ year: 2023 }')).interactions.received).toBe(0);
    expect((await figures('b', 'stats', '{ year: 2023 }')).interactions.received).toBe(3);
    expect((await figures('b', 'stats', '{ year: 2023 }')).centres.total).toBe(1);
    expect((await figures('a', 'stats', '{ year: 2023 }')).centres.total).toBe(1);
    expect((await figures('xg', 'stats', '{ year: 2023 }')).interactions.received).toBe(11);
  });
});

describe('bad input', () => {
  const code = async (q: string) => {
    const res = await gql(t, q);
    expect(res.body.data ?? null).toBeNull();
    return { code: res.body.errors?.[0].extensions?.code, field: res.body.errors?.[0].extensions?.field };
  };
  const stats = (period: string) => `{ unit(code: "420000") { stats(period: ${period}) { interactions { received } } } }`;

  it('refuses malformed periods with BAD_USER_INPUT naming the argument', async () => {
    for (const [period, field] of [
      ['{ year: 2023, from: "2023-01-01", to: "2023-02-01" }', 'period'],
      ['{ month: 3 }', 'period'],
      ['{ year: 2023, quarter: 5 }', 'period.quarter'],
      ['{ year: 2023, quarter: 1, month: 2 }', 'period.month'],
      ['{ from: "2023-05-01", to: "2023-04-01" }', 'period.from'],
      ['{ from: "2023-05-01" }', 'period.to'],
      ['{ year: 1800 }', 'period.year'],
      ['{}', 'period'],
    ]) {
      const res = await gql(t, stats(period));
      expect({ period, code: res.body.errors?.[0].extensions?.code, field: res.body.errors?.[0].extensions?.field }).toEqual({ period, code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(res.body)).not.toMatch(/stack|select /i);
    }
  });

  it('refuses bad dashboard arguments', async () => {
    expect(await code(`{ rankings(parentId: "not-an-id", metric: CENTRES, period: { year: 2023 }) { totalUnits } }`)).toEqual({ code: 'BAD_USER_INPUT', field: 'parentId' });
    expect(await code(`{ rankings(parentId: "00000000-0000-4000-8000-000000000000", metric: CENTRES, period: { year: 2023 }) { totalUnits } }`)).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(await code(`{ rankings(parentId: "${u.hb.id}", metric: CENTRES, period: { year: 2023 }, first: 100000) { totalUnits } }`)).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await code(`{ timeSeries(unitId: "${u.hb.id}", metric: OFFICERS, period: { year: 2023 }) { points { value } } }`)).toEqual({ code: 'BAD_USER_INPUT', field: 'metric' });
    expect(await code(`{ timeSeries(unitId: "${u.hb.id}", metric: CENTRES, period: { from: "2015-01-01", to: "2023-12-31" }, granularity: DAY) { points { value } } }`)).toEqual({ code: 'BAD_USER_INPUT', field: 'period' });
    expect(await code(`{ laggingUnits(parentId: "${u.hb.id}", period: { year: 2023 }, problems: [NOT_A_PROBLEM]) { problems } }`)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await code(`{ laggingUnits(parentId: "${u.hb.id}", period: { year: 2023 }, first: 501) { problems } }`)).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    const two = await gqlData(t, `{ laggingUnits(parentId: "${u.xg.id}", level: COUNTY, period: { year: 2023 }, first: 2) { unit { code } } }`);
    expect(two.laggingUnits).toHaveLength(2);
    expect(await code(`mutation { moveUnit(id: "${u.a.id}", parentId: "${u.sb.id}") { id } }`)).toEqual({ code: 'BAD_USER_INPUT', field: 'parentId' });
    expect(await code(`mutation { moveUnit(id: "${u.xg.id}", parentId: "${u.a.id}") { id } }`)).toEqual({ code: 'BAD_USER_INPUT', field: 'parentId' });
  });
});
