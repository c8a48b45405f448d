import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { adminHeaders, ANONYMOUS_HEADERS, gql, gqlData, startTestApp, TestApp, TEST_JWT_SECRET } from '../support/app';
import { TEST_STORE } from '../support/database';

/**
 * Two API processes on one PostgreSQL (issue 15): this test's server (A) and the compiled server
 * in a process of its own (B, `npm test` builds first), both with the response cache, sharing one
 * Redis. A write through A is seen by B's very next read, and by B's subscribers. The embedded
 * store has one process by design (one owner of its files): these tests run on PostgreSQL only.
 */
const ENTRY = join(__dirname, '../../dist/src/main.js');
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const describeOnPostgres = TEST_STORE === 'postgres' ? describe : describe.skip;

let a: TestApp;
let b: { child: ChildProcessWithoutNullStreams; url: string; exited: Promise<unknown> };
const u: Record<string, string> = {};

function startB(env: Record<string, string>): Promise<typeof b> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_PER_IP: '0', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env },
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('server B did not start')), 60_000);
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const parsed = JSON.parse(line);
          if (parsed.msg === 'API ready') {
            clearTimeout(timer);
            resolve({ child, url: `http://127.0.0.1:${new URL(parsed.url).port}/graphql`, exited });
          }
        } catch {
          /* not JSON */
        }
      }
    });
    child.stderr.on('data', () => undefined);
  });
}

const dashboard = `{ unit(code: "430000", tenant: "430000") { stats(period: { year: 2024 }) { interactions { received } } children { code stats(period: { year: 2024 }) { interactions { received } } } } }`;
const received = (r: { body: any }) => r.body.data.unit.stats.interactions.received as number;

describeOnPostgres('two API processes on one PostgreSQL', () => {
  beforeAll(async () => {
    a = await startTestApp({ seedScale: 0.05, as: null, env: { REDIS_URL } });
    b = await startB({ DATABASE_URL: a.config.databaseUrl!, REDIS_URL, SUBSCRIPTION_INTERVAL_MS: '500' });
    const d = await gqlData(a, '{ hn: unit(code: "430000", tenant: "430000") { id } cs: unit(code: "430100", tenant: "430000") { children { id } } }');
    u.hn = d.hn.id;
    u.county = d.cs.children[0].id;
  }, 300_000);

  afterAll(async () => {
    if (b) {
      b.child.kill('SIGTERM');
      await b.exited;
    }
    await a?.close();
  });

  async function write() {
    const res = await gql(
      a,
      `mutation { createInteraction(input: { tenant: "430000", unitId: "${u.county}", kind: MAILBOX, channel: MAILBOX_WEB, subject: "x", receivedAt: "2024-03-01T02:00:00Z" }) { id } }`,
      undefined,
      await adminHeaders('430000'),
    );
    expect(res.body.errors).toBeUndefined();
  }

  test('B answers from the shared cache what A computed; after a write through A, B’s next read shows it', async () => {
    const first = await gql(a, dashboard, undefined, ANONYMOUS_HEADERS);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const fromB = await gql({ url: b.url }, dashboard, undefined, ANONYMOUS_HEADERS);
    expect(fromB.headers.get('x-cache')).toBe('HIT');
    expect(fromB.body).toEqual(first.body);
    const again = await gql({ url: b.url }, dashboard, undefined, ANONYMOUS_HEADERS);
    expect(again.statements).toBe(0);

    for (let i = 1; i <= 3; i++) {
      await write();
      // At once, no wait: B learned of the commit by NOTIFY.
      const after = await gql({ url: b.url }, dashboard, undefined, ANONYMOUS_HEADERS);
      expect(received(after)).toBe(received(first) + i);
    }
  });

  test('a subscriber on B gets the figures of a write through A', async () => {
    const client = createClient({ url: b.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const messages: any[] = [];
    const stop = client.subscribe(
      { query: `subscription($u: ID!) { statsChanged(unitId: $u, period: { year: 2024 }) { interactions { received } } }`, variables: { u: u.hn } },
      { next: (v) => messages.push(v), error: () => undefined, complete: () => undefined },
    );
    const before = received(await gql(a, dashboard, undefined, ANONYMOUS_HEADERS));
    await new Promise((r) => setTimeout(r, 1_000)); // the subscription is registered on B
    await write();
    const end = Date.now() + 5_000;
    while (!messages.some((m) => m.data?.statsChanged.interactions.received === before + 1) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    expect(messages.at(-1).data.statsChanged.interactions.received).toBe(before + 1);
    stop();
    await client.dispose();
  });
});

if (TEST_STORE !== 'postgres') test('cross-process tests run on PostgreSQL only (one process owns an embedded store)', () => expect(TEST_STORE).toBe('embedded'));
