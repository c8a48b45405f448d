import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { openDatabase, migrate } from '../../src/db/orm';
import { seedReference } from '../../src/seed';
import { createTestDatabase, TestDatabase, TEST_STORE } from '../support/database';

/**
 * Two API processes (the compiled server, as `npm start` runs it) on one PostgreSQL and one Redis,
 * as behind a load balancer: what must hold across instances. Needs TEST_REDIS_URL (`.ci/run` sets
 * it for the PostgreSQL pass); skipped without it or on the embedded store, which has one owner.
 */
const REDIS = process.env.TEST_REDIS_URL;
const describeInstances = REDIS && TEST_STORE === 'postgres' ? describe : describe.skip;
const ENTRY = join(__dirname, '../../dist/src/main.js');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Instance {
  base: string;
  child: ChildProcess;
  output: string[];
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}: ${output.join('')}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.status === 200 && ((await res.json()) as { status?: string }).status === "ok") return { base, child, output };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`instance did not become healthy: ${output.join('')}`);
}

async function stopInstance(i: Instance | undefined): Promise<void> {
  if (!i || i.child.exitCode !== null) return;
  const exited = new Promise((r) => i.child.once('exit', r));
  i.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (i.child.exitCode === null) i.child.kill('SIGKILL');
}

async function post(i: Instance, query: string): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const res = await fetch(`${i.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
}

describeInstances('two API instances on one PostgreSQL and one Redis', () => {
  const prefix = `edu-test-${randomBytes(4).toString('hex')}:`;
  const LIMIT = 20;
  let db: TestDatabase;
  let a: Instance | undefined;
  let b: Instance | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = await openDatabase({ url: db.url });
    try {
      await migrate(store.orm);
      await seedReference(store.orm.em.fork(), { scale: 0.05 });
    } finally {
      await store.close();
    }
    const env = { DATABASE_URL: db.url!, REDIS_URL: REDIS!, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_PER_IP: String(LIMIT), NODE_ENV: 'test' };
    [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  });

  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
    const redis = createClient({ url: REDIS });
    await redis.connect();
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(keys);
    } finally {
      await redis.quit();
    }
    await db?.drop();
  });

  test('the per-address limit counts the requests of both instances together', async () => {
    const statuses: number[] = [];
    const refused: { retryAfter: string | null; code: unknown }[] = [];
    // Alternating, as a round-robin balancer would send them: 30 requests from one address.
    for (let n = 0; n < 30; n++) {
      const r = await post(n % 2 === 0 ? a! : b!, '{ unit(code: "430000") { code } }');
      statuses.push(r.status);
      if (r.status === 429) refused.push({ retryAfter: r.retryAfter, code: r.body.errors?.[0]?.extensions?.code });
    }
    // Each instance alone would have allowed all 30 (15 each, under 20).
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - LIMIT);
    expect(statuses.slice(0, LIMIT).every((s) => s === 200)).toBe(true);
    for (const r of refused) {
      expect(r.code).toBe('RATE_LIMITED');
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
  });
});
