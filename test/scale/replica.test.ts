import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { seedReference } from '../../src/seed';
import { adminHeaders, ANONYMOUS_HEADERS, gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * Reads on a streaming replica, with read-your-writes for the writer. Needs a real primary and a
 * replica of it: `.ci/replica.sh up` makes both (pg_basebackup -R) and prints
 * TEST_REPLICA_PRIMARY_URL and TEST_REPLICA_URL; `.ci/run` runs this file with them and removes the
 * clusters afterwards. Without them the file is skipped.
 */
const PRIMARY = process.env.TEST_REPLICA_PRIMARY_URL;
const REPLICA = process.env.TEST_REPLICA_URL;
const describeWithReplica = PRIMARY && REPLICA ? describe : describe.skip;
/**
 * Routing is what is under test: with the response cache on, an answer the writer read on the
 * primary may be served to the public from the cache (fresher, never staler: answers read on the
 * replica are not stored, src/cache/response-cache.ts), which would hide where a read went.
 */
const NO_CACHE = { RESPONSE_CACHE: 'false' };

function urlOf(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

async function sql<T = any>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(): Promise<void> {
  const [{ lsn }] = await sql(PRIMARY!, 'select pg_current_wal_lsn()::text as lsn');
  await until('the replica to replay ' + lsn, async () => {
    const [row] = await sql(REPLICA!, 'select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn]);
    return row.ok === true;
  });
}

const pauseReplay = () => sql(REPLICA!, 'select pg_wal_replay_pause()');
const resumeReplay = () => sql(REPLICA!, 'select pg_wal_replay_resume()');

describeWithReplica('reads on a streaming replica', () => {
  const database = `edu_replica_${randomBytes(4).toString('hex')}`;
  let t: TestApp;
  let changsha: string;
  const MAX_WAIT_MS = 1_500;

  beforeAll(async () => {
    await sql(PRIMARY!, `create database "${database}"`);
    await until('the database on the replica', async () => {
      try {
        await sql(urlOf(REPLICA!, database), 'select 1');
        return true;
      } catch {
        return false;
      }
    });
    t = await startTestApp({
      databaseUrl: urlOf(PRIMARY!, database),
      env: { DATABASE_REPLICA_URL: urlOf(REPLICA!, database), REPLICA_MAX_WAIT_MS: String(MAX_WAIT_MS), REPLICA_PROBE_MS: '20', ...NO_CACHE },
    });
    await seedReference(t.app.db.orm.em.fork(), { scale: 0.05 });
    await caughtUp();
    changsha = (await gqlData(t, '{ unit(code: "430100") { id } }')).unit.id;
  });

  afterAll(async () => {
    await resumeReplay().catch(() => undefined);
    await t?.close();
    await sql(PRIMARY!, `drop database if exists "${database}" with (force)`).catch(() => undefined);
  });

  test('/health reports the replica', async () => {
    const res = await fetch(`${t.base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', replica: 'up' });
  });

  test('public reads are answered by the replica: a change it has not replayed is not seen yet', async () => {
    await pauseReplay();
    try {
      await sql(urlOf(PRIMARY!, database), `update org_unit set name = '长沙市教育局（改）' where tenant_id = 430000 and code = '430100'`);
      const stale = await gqlData(t, '{ unit(code: "430100") { name } }', undefined, ANONYMOUS_HEADERS);
      expect(stale.unit.name).toBe('长沙市教育局');
    } finally {
      await resumeReplay();
    }
    await caughtUp();
    const fresh = await gqlData(t, '{ unit(code: "430100") { name } }', undefined, ANONYMOUS_HEADERS);
    expect(fresh.unit.name).toBe('长沙市教育局（改）');
    await sql(urlOf(PRIMARY!, database), `update org_unit set name = '长沙市教育局' where tenant_id = 430000 and code = '430100'`);
    await caughtUp();
  });

  test('a writer reads its own write at once while the replica lags; others see it once replayed', async () => {
    const admin = await adminHeaders('430000');
    const list = `{ centres(filter: { unitId: "${changsha}" }, first: 50) { edges { node { name } } } }`;
    const names = (body: any): string[] => body.centres.edges.map((e: any) => e.node.name);
    await pauseReplay();
    try {
      // The mutation itself runs on the primary although the replica is paused (it is read only).
      const created = await gql(t, 'mutation($u: ID!) { createCentre(input: { unitId: $u, kind: CENTER, name: "副本测试中心" }) { id name } }', { u: changsha }, admin);
      expect(created.body.errors).toBeUndefined();
      // The writer: from the primary, its write is there.
      expect(names(await gqlData(t, list, undefined, admin))).toContain('副本测试中心');
      // The public: from the replica, which has not replayed the commit.
      expect(names(await gqlData(t, list, undefined, ANONYMOUS_HEADERS))).not.toContain('副本测试中心');
      // Past the bound, the writer's reads go back to the replica (still paused): bounded staleness.
      await new Promise((r) => setTimeout(r, MAX_WAIT_MS + 200));
      expect(names(await gqlData(t, list, undefined, admin))).not.toContain('副本测试中心');
    } finally {
      await resumeReplay();
    }
    await caughtUp();
    expect(names(await gqlData(t, list, undefined, ANONYMOUS_HEADERS))).toContain('副本测试中心');
    expect(names(await gqlData(t, list, undefined, admin))).toContain('副本测试中心');
  });

  test('once the replica has replayed the commit, the writer reads from it again', async () => {
    const admin = await adminHeaders('430000');
    const created = await gql(t, 'mutation($u: ID!) { createCentre(input: { unitId: $u, kind: STATION, name: "副本测试站" }) { id } }', { u: changsha }, admin);
    expect(created.body.errors).toBeUndefined();
    await caughtUp();
    // Replay paused after the catch-up: a read served by the replica still holds the new row,
    // which proves it was caught up; a fresh primary-only row proves where the read went.
    await pauseReplay();
    try {
      await sql(urlOf(PRIMARY!, database), `update centre set name = '副本测试站（主库）' where tenant_id = 430000 and name = '副本测试站'`);
      const seen = await gqlData(t, `{ centres(filter: { unitId: "${changsha}" }, first: 50) { edges { node { name } } } }`, undefined, admin);
      const names = seen.centres.edges.map((e: any) => e.node.name);
      expect(names).toContain('副本测试站');
      expect(names).not.toContain('副本测试站（主库）');
    } finally {
      await resumeReplay();
    }
  });

  (process.env.TEST_REDIS_URL ? test : test.skip)('with Redis, the writer reads its own write through another instance too', async () => {
    const redis = { REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_KEY_PREFIX: `edu-test-${randomBytes(4).toString('hex')}:` };
    const env = { DATABASE_REPLICA_URL: urlOf(REPLICA!, database), REPLICA_MAX_WAIT_MS: '10000', REPLICA_PROBE_MS: '20', ...redis, ...NO_CACHE };
    const one = await startTestApp({ databaseUrl: urlOf(PRIMARY!, database), env });
    const two = await startTestApp({ databaseUrl: urlOf(PRIMARY!, database), env });
    const admin = await adminHeaders('430000');
    const list = `{ centres(filter: { unitId: "${changsha}" }, first: 50) { edges { node { name } } } }`;
    const names = (body: any): string[] => body.centres.edges.map((e: any) => e.node.name);
    await pauseReplay();
    try {
      const created = await gql(one, 'mutation($u: ID!) { createCentre(input: { unitId: $u, kind: POINT, name: "跨实例测试点" }) { id } }', { u: changsha }, admin);
      expect(created.body.errors).toBeUndefined();
      // Through the other instance: it learns the writer's position from Redis and reads the primary.
      expect(names(await gqlData(two, list, undefined, admin))).toContain('跨实例测试点');
      // The public, through either, reads the paused replica.
      expect(names(await gqlData(two, list, undefined, ANONYMOUS_HEADERS))).not.toContain('跨实例测试点');
    } finally {
      await resumeReplay();
      await one.close();
      await two.close();
    }
    await caughtUp();
  });

  test('a replica that is away: reads fall back to the primary', async () => {
    const away = await startTestApp({
      databaseUrl: urlOf(PRIMARY!, database),
      env: { DATABASE_REPLICA_URL: 'postgresql://postgres@127.0.0.1:1/nothing', REPLICA_PROBE_MS: '20', ...NO_CACHE },
    });
    try {
      const res = await gql(away, '{ unit(code: "430100") { name } }', undefined, ANONYMOUS_HEADERS);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.unit.name).toBe('长沙市教育局');
      const health = await fetch(`${away.base}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ replica: 'down' });
    } finally {
      await away.close();
    }
  });
});
