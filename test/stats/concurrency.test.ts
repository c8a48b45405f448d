import { gql, gqlData, startTestApp, TestApp } from '../support/app';
import { rollupDifferences, unitsOf, UnitRef } from './support';

/**
 * Concurrent writers touching the same ancestors (one county, its city and the province): every
 * call succeeds (no deadlock surfaces as an error), and no increment is lost. On PostgreSQL the
 * writers really run in parallel on the pool; the embedded store serializes them on its connection.
 */
const WRITERS = 10;
const ROUNDS = 6;
const ROWS = 40;

let t: TestApp;
let schools: UnitRef[];
let county: UnitRef;
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.1, as: { tenant: '420000', roles: ['ADMIN'] }, env: { DB_POOL_SIZE: '12' } });
  const all = await unitsOf(t, '420000');
  county = all.find((u) => u.level === 'COUNTY')!;
  const data = await gqlData(t, `{ unit(id: "${county.id}") { children(level: SCHOOL) { id code level } } }`);
  schools = data.unit.children;
});
afterAll(async () => t?.close());

const received = async (id: string) =>
  (await gqlData(t, `{ unit(id: "${id}") { stats(period: { year: 2025 }) { interactions { received replied open } } } }`)).unit.stats.interactions;

describe(`${WRITERS} concurrent writers on shared ancestors`, () => {
  it('lose no increment and never deadlock', async () => {
    expect(schools.length).toBeGreaterThan(1);
    const province = (await gqlData(t, '{ unit(code: "420000") { id } }')).unit.id;
    const before = await received(province);
    const beforeCounty = await received(county.id);
    const writer = async (w: number) => {
      const ids: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const rows = Array.from({ length: ROWS }, (_, i) => ({
          // Each writer spreads its rows over every school: all writers hit the same rollup rows.
          unitCode: schools[(w + i) % schools.length].code,
          kind: i % 3 === 0 ? 'CONSULTATION' : 'MAILBOX',
          channel: 'PORTAL',
          subject: `w${w} r${round} #${i}`,
          receivedAt: new Date(Date.UTC(2025, (w + round) % 12, 1 + (i % 28), 3)).toISOString(),
        }));
        const res = await gql(t, `mutation($k: String!, $rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "420000", idempotencyKey: $k, rows: $rows) { ids } }`, { k: `w${w}-r${round}`, rows });
        expect(res.body.errors).toBeUndefined();
        ids.push(...res.body.data.ingestInteractions.ids);
        // And single-row updates of the same ancestors interleaved with the bulk writes.
        const reply = await gql(t, `mutation($id: ID!) { replyInteraction(id: $id, repliedAt: "2025-12-31T00:00:00Z", reply: "ok") { status } }`, { id: ids[round] });
        expect(reply.body.errors).toBeUndefined();
      }
      return ids.length;
    };
    const written = await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const total = written.reduce((a, b) => a + b, 0);
    expect(total).toBe(WRITERS * ROUNDS * ROWS);

    const after = await received(province);
    expect(after.received - before.received).toBe(total);
    expect(after.replied - before.replied).toBe(WRITERS * ROUNDS);
    const afterCounty = await received(county.id);
    expect(afterCounty.received - beforeCounty.received).toBe(total);
    expect(await rollupDifferences(t, 420000)).toEqual([]);
  }, 300_000);
});
