import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createTestDatabase, TEST_STORE } from '../support/database';

/**
 * The server as `npm start` runs it: the compiled entry point in a process of its own (`npm test`
 * builds first). Covers start-up on a fresh store, persistence across restarts, SIGTERM and config errors.
 */
const ENTRY = join(__dirname, '../../dist/src/main.js');

interface Proc {
  child: ChildProcessWithoutNullStreams;
  lines: any[];
  port: number;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  const lines: any[] = [];
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}\n${JSON.stringify(lines)}`)), 150_000);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const parsed = JSON.parse(line);
          lines.push(parsed);
          if (parsed.msg === 'API ready') {
            clearTimeout(timer);
            resolve({ child, lines, port: Number(new URL(parsed.url).port), exited });
          }
        } catch {
          lines.push(line);
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
}

async function post(port: number, query: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as any;
}

const DONE_WHEN = '{ unit(code: "430000") { name children(level: CITY) { code name } } }';

describe('the server process', () => {
  let dataDir: string;
  let dbUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'edu-data-'));
    if (TEST_STORE === 'postgres') {
      const db = await createTestDatabase();
      dbUrl = db.url;
      dropDb = db.drop;
    }
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await dropDb?.();
  });

  it('starts on a fresh store, serves the demo hierarchy, keeps it across a restart, and stops cleanly on SIGTERM', async () => {
    const env: Record<string, string> = dbUrl ? { DATABASE_URL: dbUrl } : { DATA_DIR: dataDir, SEED_SCALE: '0.05', DEMO_DATA: 'false' };
    if (dbUrl) {
      // PostgreSQL is seeded by `npm run seed`, not by the server: do the same here.
      const seed = spawn(process.execPath, [join(__dirname, '../../dist/src/cli/seed.js')], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: dbUrl, SEED_SCALE: '0.05', LOG_LEVEL: 'info' } });
      let out = '';
      seed.stdout.on('data', (d) => (out += d));
      expect(await new Promise((r) => seed.on('exit', r))).toBe(0);
      expect(out).toMatch(/reference units loaded/);
    }
    const first = await run(env);
    const health = await fetch(`http://127.0.0.1:${first.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: dbUrl ? 'postgres' : 'embedded' });
    const body = await post(first.port, DONE_WHEN);
    expect(body.data.unit.children).toHaveLength(14);
    expect(body.data.unit.children[0]).toEqual({ code: '430100', name: '长沙市教育局' });
    if (!dbUrl) expect(first.lines.some((l) => l.msg?.startsWith('reference data loaded'))).toBe(true);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.lines.some((l) => l.msg === 'shutdown complete')).toBe(true);

    const second = await run(env);
    try {
      expect(second.lines.some((l) => l.msg?.startsWith('reference data loaded'))).toBe(false);
      expect(second.lines.some((l) => l.msg === 'migrations applied')).toBe(false);
      const again = await post(second.port, DONE_WHEN);
      expect(again.data).toEqual(body.data);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('lets an in-flight request finish on SIGTERM', async () => {
    const env: Record<string, string> = dbUrl ? { DATABASE_URL: dbUrl } : { DATA_DIR: dataDir };
    // debug logs every SQL statement: the first one of the request proves it is in flight.
    const p = await run({ ...env, LOG_LEVEL: 'debug' });
    const big = '{ units(first: 500) { totalCount edges { node { code ancestors { code } descendants(first: 20) { totalCount } } } } }';
    const before = p.lines.length;
    const pending = post(p.port, big);
    while (!p.lines.slice(before).some((l) => l?.orm)) await new Promise((r) => setTimeout(r, 1));
    p.child.kill('SIGTERM');
    const body = await pending;
    expect(body.errors).toBeUndefined();
    expect(body.data.units.edges).toHaveLength(500);
    expect(await p.exited).toBe(0);
  });

  it('answers from the start: /health says "starting" with its progress, GraphQL answers UNAVAILABLE until ready', async () => {
    // Always a fresh embedded store (opening it and loading the reference data take seconds).
    const fresh = mkdtempSync(join(tmpdir(), 'edu-start-'));
    const child = spawn(process.execPath, [ENTRY], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: fresh, SEED_SCALE: '0.05', DEMO_DATA: 'false' },
    });
    try {
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      // The port is announced before the store is opened.
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /"port":(\d+)[^\n]*"msg":"listening; starting up"/.exec(out);
          if (m) {
            clearInterval(timer);
            resolve(Number(m[1]));
          }
        }, 5);
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      expect(out).not.toMatch(/"msg":"API ready"/);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(503);
      const starting = (await health.json()) as any;
      expect(starting).toMatchObject({ status: 'starting', phase: expect.any(String), startSeconds: expect.any(Number), loaded: expect.any(Array) });
      const gqlRes = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: DONE_WHEN }) });
      expect(gqlRes.status).toBe(503);
      expect(gqlRes.headers.get('retry-after')).toBe('5');
      const refused = (await gqlRes.json()) as any;
      expect(refused.errors[0].extensions).toEqual({ code: 'UNAVAILABLE', reason: 'STARTING', retryAfter: 5 });
      expect(refused.errors[0].message).toMatch(/starting/);
      // Progress moves through the steps, then the API serves and /health lists what was loaded.
      const phases = new Set<string>();
      let ready: any = null;
      for (let i = 0; i < 1_200 && !ready; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        const body = (await res.json()) as any;
        phases.add(body.phase);
        if (res.status === 200) ready = body;
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toMatchObject({ status: 'ok', database: 'up', store: 'embedded', phase: 'serving' });
      expect(ready.loaded.map((s: any) => [s.step, s.state])).toEqual([
        ['opening the database', 'done'],
        ['migrations', 'done'],
        ['reference data', 'done'],
      ]);
      expect(ready.loaded[2].units).toBeGreaterThan(1_000);
      expect(phases.size).toBeGreaterThan(1);
      const body = await post(port, DONE_WHEN);
      expect(body.data.unit.children).toHaveLength(14);
      for (const step of ['opening the database', 'migrations', 'reference data']) expect(out).toContain(`"msg":"start-up: ${step} done"`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('a first start with the defaults unpacks the demo template: serving with the seed figures at once, the spread events loading behind', async () => {
    if (TEST_STORE !== 'embedded') return; // the embedded store's first start
    const fresh = mkdtempSync(join(tmpdir(), 'edu-demo-'));
    const p = await run({ DATA_DIR: fresh }); // SEED_SCALE 1 and the demo: the defaults
    try {
      const health = (await (await fetch(`http://127.0.0.1:${p.port}/health`)).json()) as any;
      expect(health.loaded.map((s: any) => s.step)).toEqual(['opening the database', 'migrations', 'reference data and the seed figures (from the template)']);
      expect(health.loaded[2].units).toBeGreaterThan(20_000);
      expect(health.background).toMatchObject({ name: expect.any(String), state: expect.stringMatching(/running|done/) });
      // Seed 000's own sentence, from the report of the store the template made.
      const report = await (await fetch(`http://127.0.0.1:${p.port}/reports/430000/2014.md`)).text();
      expect(report).toContain('共收到公众咨询投诉4736条，在规定时限内处理4325条');
      expect(p.lines.some((l) => l.msg?.startsWith('reference data loaded'))).toBe(false);
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('refuses a bad variable at start with one line naming it', async () => {
    for (const [name, value] of [['PORT', 'eighty'], ['DATABASE_URL', 'mysql://x'], ['LOG_LEVEL', 'loud'], ['MAX_PAGE_SIZE', '-3']]) {
      const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? '', [name]: value } });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise((r) => child.on('exit', r));
      expect(code).toBe(78);
      const lines = err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name}: `));
    }
  });

  it('validates configuration with defaults', () => {
    const c = loadConfig({}, false);
    expect(c).toMatchObject({ port: 4000, dataDir: './data', logLevel: 'info', maxPageSize: 500, databaseUrl: undefined });
    expect(() => loadConfig({ SEED_SCALE: '0' }, false)).toThrow(/SEED_SCALE/);
  });
});
