import { ANONYMOUS_HEADERS, gqlData, startTestApp, TestApp } from '../support/app';
import { INSPECTION_2019 } from '../../src/demo/demo-inspection';
import { LAGGING_2024 } from '../../src/demo/demo-activity';

/**
 * The demo data looks like a real province on a dashboard: units differ in their rates and
 * volumes, the months of a year differ a little but none is far off the rest, and only a few
 * units lag. (test/demo/figures.test.ts checks that the seed figures still come back exactly.)
 * Everything is read as the public, through the figures every dashboard reads.
 */
let t: TestApp;
let hunan: string;

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.2, demo: true, as: null });
  hunan = (await gqlData(t, '{ unit(code: "430000") { id } }', undefined, ANONYMOUS_HEADERS)).unit.id;
}, 600_000);
afterAll(async () => t?.close());

const ranking = async (level: string, metric: string) =>
  (
    await gqlData(
      t,
      `{ rankings(parentId: "${hunan}", level: ${level}, metric: ${metric}, period: { year: 2024 }, order: ASC, first: 200) { totalUnits entries { rank value unit { code } } } }`,
      undefined,
      ANONYMOUS_HEADERS,
    )
  ).rankings;

const series = async (metric: string) =>
  (
    await gqlData(t, `{ timeSeries(unitId: "${hunan}", metric: ${metric}, period: { year: 2024 }, granularity: MONTH) { points { from value } } }`, undefined, ANONYMOUS_HEADERS)
  ).timeSeries.points.map((p: { value: number }) => p.value) as number[];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('units differ', () => {
  it('the 122 counties have on-time rates of their own in 2024: few shared, none by more than four, a spread of several points', async () => {
    const r = await ranking('COUNTY', 'ON_TIME_RATE');
    expect(r.totalUnits).toBe(122);
    const values: number[] = r.entries.map((e: { value: number }) => e.value);
    expect(values).toHaveLength(122);
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(4);
    expect(counts.size).toBeGreaterThanOrEqual(100);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.05);
    // The README's example, the ten lowest: no longer ten counties tied.
    expect(new Set(values.slice(0, 10)).size).toBe(10);
  });

  it('the 14 cities too, and their volumes differ', async () => {
    const rates = (await ranking('CITY', 'ON_TIME_RATE')).entries.map((e: { value: number }) => e.value);
    expect(new Set(rates).size).toBe(14);
    const received = (await ranking('CITY', 'EVENTS_RECEIVED')).entries.map((e: { value: number }) => e.value);
    expect(Math.max(...received)).toBeGreaterThan(1.5 * Math.min(...received));
  });
});

describe('months differ a little, none far off the rest', () => {
  it('the province’s on-time rate of each month of 2024 lies within 3 points of the median month, and the months are not all equal', async () => {
    const rates = await series('ON_TIME_RATE');
    expect(rates).toHaveLength(12);
    const m = median(rates);
    for (const r of rates) expect(Math.abs(r - m)).toBeLessThan(0.03);
    expect(new Set(rates).size).toBeGreaterThan(6);
  });

  it('events received each month follow a season (spring and autumn busier) without a month under half the median', async () => {
    const received = await series('EVENTS_RECEIVED');
    const m = median(received);
    for (const r of received) expect(r).toBeGreaterThan(m / 2);
    const [jan, , , apr] = received;
    expect(apr).toBeGreaterThan(jan);
  });
});

describe('a few units lag', () => {
  it('in 2024, a small minority of the 60 units under Hunan: those that never designated officers and a few others', async () => {
    const d = await gqlData(t, `{ laggingUnits(parentId: "${hunan}", period: { year: 2024 }, first: 100) { unit { name level } problems } }`, undefined, ANONYMOUS_HEADERS);
    const lagging: { unit: { name: string }; problems: string[] }[] = d.laggingUnits;
    expect(lagging.length).toBeGreaterThan(0);
    expect(lagging.length).toBeLessThanOrEqual(12);
    const names = lagging.map((l) => l.unit.name);
    expect(names).toEqual(expect.arrayContaining([...INSPECTION_2019.noOfficer, ...LAGGING_2024.noPublication, ...LAGGING_2024.noInterview]));
    for (const n of LAGGING_2024.noPublication) expect(lagging.find((l) => l.unit.name === n)!.problems).toContain('NO_PUBLICATION');
    for (const n of LAGGING_2024.noInterview) expect(lagging.find((l) => l.unit.name === n)!.problems).toContain('NO_INTERVIEW');
  });

  it('in 2024, a small minority of the 122 counties', async () => {
    const d = await gqlData(t, `{ laggingUnits(parentId: "${hunan}", level: COUNTY, period: { year: 2024 }, first: 200) { unit { code } problems } }`, undefined, ANONYMOUS_HEADERS);
    expect(d.laggingUnits.length).toBeGreaterThan(0);
    expect(d.laggingUnits.length).toBeLessThanOrEqual(122 / 5);
  });

  it('units directly under Hunan published and held interviews in varying numbers', async () => {
    const d = await gqlData(t, `{ unit(id: "${hunan}") { children { own(period: { year: 2024 }) { disclosures { published } interactions { interviews } } } } }`, undefined, ANONYMOUS_HEADERS);
    const own = d.unit.children.map((c: any) => c.own);
    expect(own).toHaveLength(60);
    expect(new Set(own.map((o: any) => o.disclosures.published)).size).toBeGreaterThan(5);
    expect(own.filter((o: any) => o.interactions.interviews === 0)).toHaveLength(LAGGING_2024.noInterview.length);
    expect(new Set(own.map((o: any) => o.interactions.interviews)).size).toBeGreaterThanOrEqual(3);
  });
});
