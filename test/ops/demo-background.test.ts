import { startTestApp, TestApp } from '../support/app';
import { DEMO_SPREAD_EVENTS, demoSpreadPending, seedDemoCore, seedDemoSpread } from '../../src/demo/demo-activity';
import { RollupAdmin } from '../../src/modules/stats/rollup.admin';

/**
 * The first start's split of the demo data: the published figures in one transaction (rollups
 * counted once), the spread events afterwards in small transactions with the rollup triggers on.
 * Both ways leave the rollups exact, and a load cut short is resumed.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.05 });
});
afterAll(async () => t?.close());

const em = () => t.app.db.orm.em.fork();
const count = async (tag: string) =>
  Number((await em().getConnection().execute(`select count(*)::int as n from interaction_event where subject like ?`, [`示例事项 ${tag} #%`]))[0].n);

it('loads the core, then the spread events in chunks, resumably, with exact rollups', async () => {
  expect((await seedDemoCore(em())).loaded).toBe(true);
  expect(await demoSpreadPending(em())).toBe(true);
  const hb = DEMO_SPREAD_EVENTS.find((s) => s.tag === 'hb2024-mail')!;
  const total = (hb.onTime ?? 0) + (hb.late ?? 0) + (hb.invalid ?? 0) + (hb.open ?? 0) + (hb.held ?? 0);
  expect(await count('hb2024-mail')).toBe(0);

  // Cut short after the second chunk, as a SIGTERM would.
  const progress: number[] = [];
  const cut = await seedDemoSpread(em(), { specs: [hb], chunk: 200, onProgress: (p) => progress.push(p.done), cancelled: () => progress.length >= 2 });
  expect(cut).toMatchObject({ completed: false, rows: 400 });
  expect(await count('hb2024-mail')).toBe(400);

  // Resumed: the rows already in are skipped, the rest go in; every chunk's rollups are exact at commit.
  const done = await seedDemoSpread(em(), { specs: [hb], chunk: 200, onProgress: (p) => progress.push(p.done) });
  expect(done).toMatchObject({ completed: true, rows: total });
  expect(await count('hb2024-mail')).toBe(total);
  const reports = await RollupAdmin.verify(em(), [420000, 430000]);
  for (const r of reports) expect(r.differences).toEqual([]);
});
