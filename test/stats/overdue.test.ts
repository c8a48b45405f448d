import { gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * "Overdue now" of open events: those whose deadline has passed count, those due later do not.
 * Every figure that reads it (stats, own, byKind, rankings, time series, lagging units) is checked
 * against a count over the raw rows at the same moment, before and after replies.
 */
let t: TestApp;
let county: { id: string; code: string; path: string };
let school: { code: string };
let city: { id: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const shanghaiDate = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  const d = await gqlData(t, '{ city: unit(code: "430100") { id } county: unit(code: "430102") { id code children(level: SCHOOL) { code } } }');
  city = d.city;
  school = d.county.children[0];
  const [row] = await t.app.db.orm.em.getConnection().execute(`select path from org_unit where id = ?`, [d.county.id]);
  county = { id: d.county.id, code: d.county.code, path: row.path };
  const now = Date.now();
  const ev = (unitCode: string, kind: string, at: number) => ({ unitCode, kind, channel: 'PORTAL', subject: `${kind} ${at}`, receivedAt: new Date(at).toISOString() });
  const res = await gql(t, `mutation($rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "430000", idempotencyKey: "overdue-1", rows: $rows) { accepted } }`, {
    rows: [
      ev(county.code, 'MAILBOX', now - HOUR), // due in a few working days
      ev(county.code, 'MAILBOX', now - HOUR),
      ev(county.code, 'MAILBOX', now - 40 * DAY), // past its deadline
      ev(county.code, 'CONSULTATION', now - 40 * DAY),
      ev(school.code, 'MAILBOX', now - 2 * HOUR),
      ev(school.code, 'MAILBOX', now - 40 * DAY),
    ],
  });
  expect(res.body.errors).toBeUndefined();
});
afterAll(async () => t?.close());

const period = () => ({ from: shanghaiDate(Date.now() - 60 * DAY), to: shanghaiDate(Date.now()) });

async function rawOverdueOpen(pathPrefix: string, ownOnly: boolean): Promise<number> {
  const [row] = await t.app.db.orm.em.getConnection().execute(
    `select count(*)::int as n from interaction_event e join org_unit u on u.tenant_id = e.tenant_id and u.id = e.unit_id
      where e.status = 'OPEN' and e.due_at <= now() and ${ownOnly ? 'u.path = ?' : 'u.path like ?'}`,
    [ownOnly ? pathPrefix : `${pathPrefix}%`],
  );
  return row.n;
}

async function figures() {
  const p = period();
  const d = await gqlData(
    t,
    `query($id: ID!, $city: ID!, $p: PeriodInput!) {
      unit(id: $id) {
        stats(period: $p) { interactions { open overdue replied repliedOnTime } }
        own(period: $p) { interactions { open overdue byKind { kind overdue } } }
      }
      rankings(parentId: $city, level: COUNTY, metric: EVENTS_OVERDUE, period: $p, first: 500) { entries { unit { code } value } }
      timeSeries(unitId: $id, metric: EVENTS_OVERDUE, period: $p, granularity: DAY) { points { value } }
      laggingUnits(parentId: $city, level: COUNTY, period: $p, problems: [OVERDUE_EVENTS]) { unit { code } overdueOpenEvents }
    }`,
    { id: county.id, city: city.id, p },
  );
  return {
    subtree: d.unit.stats.interactions,
    own: d.unit.own.interactions,
    ranked: d.rankings.entries.find((e: any) => e.unit.code === county.code)?.value,
    series: d.timeSeries.points.reduce((s: number, x: any) => s + (x.value ?? 0), 0),
    lagging: d.laggingUnits.find((l: any) => l.unit.code === county.code)?.overdueOpenEvents,
  };
}

describe('overdue open events, judged against now', () => {
  it('counts the open events past their deadline, not those due later', async () => {
    const f = await figures();
    expect(await rawOverdueOpen(county.path, false)).toBe(3);
    expect(f.subtree).toEqual({ open: 6, overdue: 3, replied: 0, repliedOnTime: 0 });
    expect(f.own.open).toBe(4);
    expect(f.own.overdue).toBe(await rawOverdueOpen(county.path, true));
    expect(f.own.overdue).toBe(2);
    expect(f.own.byKind.map((k: any) => [k.kind, k.overdue]).sort()).toEqual([['CONSULTATION', 1], ['MAILBOX', 1]]);
    expect(f.ranked).toBe(3);
    expect(f.series).toBe(3);
    expect(f.lagging).toBe(2);
  });

  it('a late reply stays overdue, an on-time reply of an event due later does not become overdue', async () => {
    const list = await gqlData(t, `query($id: ID!) { interactions(filter: { unitId: $id, subtree: false, status: OPEN }, first: 10) { edges { node { id overdue } } } }`, { id: county.id });
    const late = list.interactions.edges.find((e: any) => e.node.overdue).node.id;
    const early = list.interactions.edges.find((e: any) => !e.node.overdue).node.id;
    const reply = `mutation($id: ID!, $at: DateTime!) { replyInteraction(id: $id, repliedAt: $at, reply: "已答复") { id status } }`;
    for (const id of [late, early]) {
      const r = await gql(t, reply, { id, at: new Date().toISOString() });
      expect(r.body.errors).toBeUndefined();
    }
    const f = await figures();
    expect(f.subtree).toEqual({ open: 4, overdue: 3, replied: 2, repliedOnTime: 1 });
    expect(f.own.overdue).toBe(2);
    expect(f.ranked).toBe(3);
    expect(f.series).toBe(3);
    expect(f.lagging).toBe(1); // lagging counts open events past their deadline only
    expect(await rawOverdueOpen(county.path, true)).toBe(1);
  });

  it('reads the deadline rows only when overdue is asked for, through fragments too', async () => {
    const p = period();
    const lean = await gqlData(t, `query($id: ID!, $p: PeriodInput!) { unit(id: $id) { stats(period: $p) { interactions { received open } disclosures { published } } } }`, { id: county.id, p });
    expect(lean.unit.stats.interactions).toEqual({ received: 6, open: 4 });
    const viaFragment = await gqlData(
      t,
      `query($id: ID!, $p: PeriodInput!) { unit(id: $id) { stats(period: $p) { interactions { received ...Late } } } } fragment Late on InteractionStats { byKind { ... on InteractionKindStats { kind overdue } } }`,
      { id: county.id, p },
    );
    const byKind = Object.fromEntries(viaFragment.unit.stats.interactions.byKind.map((k: any) => [k.kind, k.overdue]));
    expect(byKind).toEqual({ CONSULTATION: 1, MAILBOX: 2 });
  });
});
