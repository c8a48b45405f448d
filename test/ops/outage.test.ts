import { seedReference } from '../../src/seed';
import { gql, startTestApp, TestApp } from '../support/app';
import { createTestDatabase, startRawEmbedded, TEST_STORE } from '../support/database';
import { TcpProxy } from '../support/proxy';

let t: TestApp;
let proxy: TcpProxy;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  let target: URL;
  if (TEST_STORE === 'postgres') {
    const db = await createTestDatabase();
    target = new URL(db.url!);
    cleanup = db.drop;
  } else {
    const embedded = await startRawEmbedded();
    target = new URL(embedded.url);
    cleanup = embedded.close;
  }
  proxy = new TcpProxy(target.hostname, Number(target.port));
  const port = await proxy.start();
  const viaProxy = new URL(target.toString());
  viaProxy.port = String(port);
  // PGlite is one session: never more than one connection to it.
  t = await startTestApp({ databaseUrl: viaProxy.toString(), env: { DB_POOL_SIZE: TEST_STORE === 'postgres' ? '4' : '1' } });
  await seedReference(t.app.db.orm.em.fork(), { scale: 0.02 });
});

afterAll(async () => {
  await t?.close();
  await proxy?.stop();
  await cleanup?.();
});

const QUERY = '{ unit(code: "430000") { name children(level: CITY) { code } } }';

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await fn();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    last = await fn();
  }
  return last;
}

describe('when the database goes away and comes back', () => {
  it('answers 503 on /health and a clear error on requests, stays up, and recovers by itself', async () => {
    const health = async () => {
      const res = await fetch(`${t.base}/health`);
      return { status: res.status, body: (await res.json()) as any };
    };
    expect((await health()).status).toBe(200);
    expect((await gql(t, QUERY)).body.data.unit.children).toHaveLength(14);

    await proxy.stop();

    const down = await until(health, (h) => h.status === 503);
    expect(down).toMatchObject({ status: 503, body: { status: 'unavailable', database: 'down' } });
    const failed = await until(() => gql(t, QUERY), (r) => !!r.body.errors);
    expect(failed.body.errors![0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'DATABASE_UNAVAILABLE', retryable: true });
    // Not a success for load balancers and clients: 503 with Retry-After (issue 14).
    expect(failed.status).toBe(503);
    expect(Number(failed.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(down.status).toBe(503);
    expect(failed.body.errors![0].message).toMatch(/database is unavailable/i);
    expect(JSON.stringify(failed.body)).not.toMatch(/ECONNREFUSED|stack|\.ts:\d+/);

    await proxy.start();

    const up = await until(health, (h) => h.status === 200);
    expect(up.body).toMatchObject({ status: 'ok', database: 'up' });
    const back = await until(() => gql(t, QUERY), (r) => !r.body.errors);
    expect(back.body.data.unit.children).toHaveLength(14);
  });
});
