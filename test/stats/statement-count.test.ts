import { gql, startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.2, as: null });
}, 120_000);
afterAll(async () => t?.close());

const FIGURES = `
  interactions { received replied onTimeRate byKind { kind received } }
  disclosures { published byCategory { categoryCode count } }
  applications { received } disputes { lawsuits { filed } }
  centres { total byLevel { level coverage } }
  officers { active }`;

describe('statistics cost one statement per period and tree level, whatever the number of units or figure families', () => {
  it('costs the same for 15 and for 150 units, subtree and own', async () => {
    const q = `query($n: Int!) { units(filter: { tenant: "430000", level: SCHOOL }, first: $n) { edges { node { code
      stats(period: { year: 2024 }) { ${FIGURES} }
      own(period: { year: 2024 }) { interactions { received } }
    } } } }`;
    const small = await gql(t, q, { n: 15 });
    const large = await gql(t, q, { n: 150 });
    expect(small.body.errors).toBeUndefined();
    expect(large.body.errors).toBeUndefined();
    expect(large.body.data.units.edges).toHaveLength(150);
    expect(large.body.data.units.edges[0].node.stats.centres.total).toBe(0);
    expect(large.statements).toBe(small.statements);
    // tenants + the units page + one rollup read for every family, own and subtree, of the period.
    expect(large.statements).toBeLessThanOrEqual(3);
  });

  it('province → cities → counties with stats is a fixed handful of statements (Hunan 137 units, Hubei 9)', async () => {
    const q = `query($code: String!) { unit(code: $code) { code stats(period: { year: 2024 }) { ${FIGURES} }
      children(level: CITY) { code stats(period: { year: 2024 }) { ${FIGURES} }
        children(level: COUNTY) { code stats(period: { year: 2024 }) { ${FIGURES} } } } } }`;
    const hunan = await gql(t, q, { code: '430000' });
    const hubei = await gql(t, q, { code: '420000' });
    expect(hunan.body.errors).toBeUndefined();
    expect(hunan.body.data.unit.children.flatMap((c: any) => c.children)).toHaveLength(122);
    expect(hubei.body.data.unit.children.flatMap((c: any) => c.children)).toHaveLength(7);
    expect(hunan.statements).toBe(hubei.statements);
    // The province, then both levels below it in one statement (the children loader looks ahead at
    // the nested `children`), then one rollup read for every unit and family of the period (the
    // figures batch waits for the walk): three statements, one after the other.
    expect(hunan.statements).toBe(3);
    expect(hunan.roundTrips).toBe(3);
    // Names asked for at every level, kinds at none: the look-ahead still answers them right.
    const named = await gql(t, `query($code: String!) { unit(code: $code) { children(level: CITY) { name children(level: COUNTY) { code name kind } } } }`, { code: '430000' });
    expect(named.body.errors).toBeUndefined();
    const county = named.body.data.unit.children[0].children[0];
    expect(county.name).toEqual(expect.any(String));
    expect(county.kind).toBe('EDUCATION_BUREAU');
    expect(named.statements).toBe(2);
  });

  it('adds one statement for each further period, not per unit or family', async () => {
    const one = `{ units(filter: { tenant: "430000", level: COUNTY }, first: 100) { edges { node { a: stats(period: { year: 2023 }) { interactions { received } } } } } }`;
    const two = `{ units(filter: { tenant: "430000", level: COUNTY }, first: 100) { edges { node { a: stats(period: { year: 2023 }) { interactions { received } } b: stats(period: { year: 2024, quarter: 2 }) { interactions { received } centres { total } } } } } }`;
    const r1 = await gql(t, one);
    const r2 = await gql(t, two);
    expect(r2.statements).toBe(r1.statements + 1);
  });

  it('ranks, charts and lists lagging units in one statement each (after resolving the parent)', async () => {
    const ids = await gql(t, '{ unit(code: "430000") { id } }');
    const id = ids.body.data.unit.id;
    const ranking = await gql(t, `{ rankings(parentId: "${id}", level: SCHOOL, metric: EVENTS_RECEIVED, period: { year: 2024 }, first: 200) { totalUnits entries { unit { code } } } }`);
    expect(ranking.body.errors).toBeUndefined();
    expect(ranking.body.data.rankings.entries).toHaveLength(200);
    expect(ranking.statements).toBeLessThanOrEqual(3);
    const series = await gql(t, `{ timeSeries(unitId: "${id}", metric: ITEMS_PUBLISHED, period: { from: "2020-01-15", to: "2024-06-10" }) { points { value } } }`);
    expect(series.body.data.timeSeries.points).toHaveLength(54);
    expect(series.statements).toBeLessThanOrEqual(2);
    const lagging = await gql(t, `{ laggingUnits(parentId: "${id}", level: COUNTY, period: { year: 2024 }, first: 200) { unit { code } problems } }`);
    expect(lagging.body.data.laggingUnits).toHaveLength(122);
    expect(lagging.statements).toBeLessThanOrEqual(3);
  });
});
