import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { adminHeaders, gqlData, startTestApp, TestApp } from '../support/app';
import { TEST_STORE } from '../support/database';

setFlagsFromString('--expose-gc');
/** A full collection, so that what is measured is what is still held, not garbage not yet collected. */
const gc = runInNewContext('gc') as () => void;
const MB = 2 ** 20;

/**
 * A million events exported on PostgreSQL in constant memory: the rows are read a page at a time
 * as the client takes them, so the process (server and client, both in this one) stays under a
 * fixed ceiling above where it started, however many rows pass. On the embedded store the same
 * code path runs in exports.test.ts; a million rows there would only measure PGlite's loading.
 */
const ROWS = 1_000_000;
/** Live heap (after a full collection) the export may add between its first and its last 100,000 rows. */
const HEAP_GROWTH_MB = 32;
/** Resident memory the export may add to the process, server and reading client together. */
const CEILING_MB = 256;

const onPostgres = TEST_STORE === 'postgres' ? describe : describe.skip;

onPostgres('a 1M-row export', () => {
  let t: TestApp;
  let unitId: string;

  beforeAll(async () => {
    t = await startTestApp({ seedScale: 0.02 });
    unitId = (await gqlData(t, '{ unit(code: "430100") { id } }')).unit.id;
    // The rows are made in the database; the triggers (rollups, ownership checks) are left out, as
    // a bulk load would: the export reads the rows, not the figures.
    await t.app.db.orm.em.fork().transactional(async (em) => {
      await em.execute(`set local session_replication_role = replica`);
      await em.execute(`set local statement_timeout = 0`);
      await em.execute(
        `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, requester_name, received_at, due_at, replied_at, status)
         select 430000, gen_random_uuid(), ?, (array['MAILBOX','CONSULTATION','COMPLAINT'])[1 + i % 3], 'MAILBOX_WEB', '咨询事项 #' || i, '市民' || i,
                timestamptz '2020-01-01 10:00+08' + i * interval '1 minute', timestamptz '2020-01-08 10:00+08' + i * interval '1 minute',
                timestamptz '2020-01-02 10:00+08' + i * interval '1 minute', 'REPLIED'
           from generate_series(1, ?) as i`,
        [unitId, ROWS],
      );
    });
    await t.app.db.orm.em.fork().getConnection().execute('analyze interaction_event');
  }, 1_200_000);
  afterAll(async () => t?.close());

  it('streams every row, once, its live memory flat from the first 100,000 rows to the last, the process under a fixed ceiling', async () => {
    gc();
    const start = process.memoryUsage().rss;
    let peak = start;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const res = await fetch(`${t.base}/exports/events.csv?tenant=430000&unitId=${unitId}`, { headers: await adminHeaders('430000') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('filename="events.csv"');
    // Read as a download would: count lines, keep nothing, check the first and last; every 100,000
    // rows, collect the garbage and note the live heap.
    const decoder = new TextDecoder();
    const heap: number[] = [];
    let lines = 0;
    let first = '';
    let tail = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      const before = lines;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      if (first.length < 2000) first += text.slice(0, 2000);
      tail = (tail + text).slice(-400);
      peak = Math.max(peak, process.memoryUsage().rss);
      if (Math.floor(lines / 100_000) > Math.floor(before / 100_000)) {
        gc();
        heap.push(process.memoryUsage().heapUsed);
      }
    }
    clearInterval(sampler);
    expect(lines).toBe(ROWS + 1);
    expect(first.split('\n')[1]).toContain(`咨询事项 #${ROWS},`);
    expect(tail.trimEnd().split('\n').pop()).toContain('咨询事项 #1,');
    const growth = (heap[heap.length - 1] - heap[0]) / MB;
    const added = (peak - start) / MB;
    // eslint-disable-next-line no-console
    console.log(
      `1M-row export: live heap every 100,000 rows ${heap.map((h) => Math.round(h / MB)).join(', ')} MB; RSS ${Math.round(start / MB)} MB at the start, peak ${Math.round(peak / MB)} MB (+${Math.round(added)} MB)`,
    );
    expect(heap.length).toBe(10);
    expect(growth).toBeLessThan(HEAP_GROWTH_MB);
    expect(added).toBeLessThan(CEILING_MB);
  }, 1_200_000);
});
