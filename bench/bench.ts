import { execSync, spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { Fixture, INGEST_YEAR, SCENARIOS, Scenario } from './scenarios';
import { benchHeaders } from './credentials';

/**
 * `npm run bench`: measures the API over HTTP with autocannon, scenario by scenario, at several
 * concurrencies, and beside each the same read done as plain SQL on PostgreSQL (the floor), then
 * writes a Markdown table to bench/results/<date>-<commit>.md. See README, Performance.
 *
 *   npm run bench -- [--url http://127.0.0.1:4000] [--database-url postgresql://…] [--tenant 430000]
 *                    [--duration 10] [--concurrency 1,16,64] [--ingest-concurrency 1,16] [--scenarios a,b,c,d,e]
 *                    [--label 5M] [--verify] [--baseline /path/to/old/dist] [--baseline-label 3c0e4c1]
 *
 * With --baseline it also starts the server of another build (that directory's src/main.js, e.g. the
 * dist of an older commit) on the same database, and measures it beside this one in the same run:
 * for every scenario and concurrency, the old build, the new one and the floor, one after the other.
 *
 * For every measurement it reports CPU per request: the server process's own CPU time (utime + stime
 * from /proc) plus the CPU time of the database's PostgreSQL backends over the same window, divided
 * by the requests served; for the floor, the bench process (the `pg` client) plus the backends.
 * Without --url it starts the compiled server (`node dist/src/main.js`) on DATABASE_URL itself, so it
 * can also sample the server's resident memory (RSS).
 */
interface Args {
  url?: string;
  databaseUrl: string;
  tenant: number;
  duration: number;
  concurrency: number[];
  ingestConcurrency: number[];
  scenarios: string[];
  label: string;
  verify: boolean;
  out: string;
  baseline?: string;
  baselineLabel: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    databaseUrl: process.env.DATABASE_URL ?? '',
    tenant: 430000,
    duration: Number(process.env.BENCH_DURATION ?? 10),
    concurrency: [1, 16, 64],
    ingestConcurrency: [1, 16],
    scenarios: ['a', 'b', 'c', 'd', 'e'],
    label: '',
    verify: false,
    baselineLabel: 'baseline',
    out: path.resolve(__dirname, '..', '..', 'bench', 'results'),
  };
  const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--url': a.url = v; i++; break;
      case '--database-url': a.databaseUrl = v; i++; break;
      case '--tenant': a.tenant = Number(v); i++; break;
      case '--duration': a.duration = Number(v); i++; break;
      case '--concurrency': a.concurrency = list(v).map(Number); i++; break;
      case '--ingest-concurrency': a.ingestConcurrency = list(v).map(Number); i++; break;
      case '--scenarios': a.scenarios = list(v); i++; break;
      case '--label': a.label = v; i++; break;
      case '--out': a.out = path.resolve(v); i++; break;
      case '--verify': a.verify = true; break;
      case '--baseline': a.baseline = path.resolve(v); i++; break;
      case '--baseline-label': a.baselineLabel = v; i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!a.databaseUrl) throw new Error('DATABASE_URL (or --database-url) must name the PostgreSQL database the server reads: the floor is measured on it');
  if (![a.duration, a.tenant, ...a.concurrency, ...a.ingestConcurrency].every((n) => Number.isFinite(n) && n > 0)) throw new Error('bad number in the arguments');
  return a;
}

const pct = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : NaN);

interface Measure { rps: number; p50: number; p95: number; p99: number; n: number; errors: number }

function summarize(latencies: number[], ms: number, errors: number): Measure {
  const s = [...latencies].sort((x, y) => x - y);
  return { rps: (s.length * 1000) / ms, p50: pct(s, 0.5), p95: pct(s, 0.95), p99: pct(s, 0.99), n: s.length, errors };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Node flags the server runs with, as in `npm start` and the Dockerfile. */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

const SECRET = process.env.AUTH_JWT_SECRET ?? randomBytes(32).toString('hex');

/** Starts `<dist>/src/main.js` (by default this build's). */
async function startServer(databaseUrl: string, dist = path.resolve(__dirname, '..')): Promise<{ url: string; child: ChildProcess; secret: string }> {
  const port = await freePort();
  const main = path.join(dist, 'src', 'main.js');
  // The bench's own server: a token secret of its own (unless given), and no per-address rate
  // limit, which one load generator on one address would otherwise hit at once.
  const secret = SECRET;
  // The flags of `npm start` and the Dockerfile (a larger young generation: see the README).
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, main], {
    cwd: path.resolve(dist, '..'),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: secret,
      RATE_LIMIT_PER_IP: process.env.RATE_LIMIT_PER_IP ?? '0',
      RATE_LIMIT_PER_KEY: process.env.RATE_LIMIT_PER_KEY ?? '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return { url, child, secret };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error('the server did not answer /health within 120 s');
}

/** Resident memory of a process in MB (Linux), or NaN. */
function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const TICK_MS = 1000 / Number(tryExec('getconf CLK_TCK') || 100);

function tryExec(cmd: string): string {
  try {
    return execSync(cmd, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
}

/** CPU time (user + system, ms) a process has used, from /proc/<pid>/stat; NaN when unreadable. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

/** CPU of this database's PostgreSQL backends, by pid (PostgreSQL on this machine). */
async function backendCpu(pool: Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query(`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`);
  return new Map(rows.map((r: { pid: number }) => [r.pid, cpuMs(r.pid)]));
}

interface CpuWindow { nodeMs: number; pgMs: number }

/**
 * Starts a CPU measurement window: `node` is the server process (or, for the floor, this process:
 * the `pg` client), `pg` the backends of the database (those connected at the end; a backend that
 * appeared in the window counts from zero). Returns the function that closes the window.
 */
async function cpuWindow(pool: Pool, nodePid: number | 'self'): Promise<() => Promise<CpuWindow>> {
  const pg0 = await backendCpu(pool);
  const self0 = process.cpuUsage();
  const node0 = nodePid === 'self' ? 0 : cpuMs(nodePid);
  return async () => {
    const node1 = nodePid === 'self' ? 0 : cpuMs(nodePid);
    const self = process.cpuUsage(self0);
    const pg1 = await backendCpu(pool);
    let pgMs = 0;
    for (const [pid, ms] of pg1) if (Number.isFinite(ms)) pgMs += ms - (pg0.get(pid) ?? 0);
    return { nodeMs: nodePid === 'self' ? (self.user + self.system) / 1000 : node1 - node0, pgMs };
  };
}

async function fixture(pool: Pool, tenant: number): Promise<Fixture> {
  const one = async (sql: string, params: unknown[]) => {
    const { rows } = await pool.query(sql, params);
    if (!rows[0]) throw new Error(`fixture: nothing for ${sql.slice(0, 80)}…: generate a dataset first (npm run generate)`);
    return rows[0];
  };
  const province = await one(`select id, code, path from org_unit where tenant_id = $1 and parent_id is null`, [tenant]);
  const county = await one(
    `select c.id, c.code from org_unit c join org_unit s on s.tenant_id = c.tenant_id and s.parent_id = c.id and s.level = 'SCHOOL'
      where c.tenant_id = $1 and c.level = 'COUNTY' group by c.id, c.code order by count(*) desc, c.code limit 1`,
    [tenant],
  );
  const city = await one(
    `select c.id, c.code, c.path from org_unit c join org_unit k on k.tenant_id = c.tenant_id and k.parent_id = c.id and k.level = 'COUNTY'
      where c.tenant_id = $1 and c.level = 'CITY' group by c.id, c.code, c.path order by count(*) desc, c.code limit 1`,
    [tenant],
  );
  const { rows: yr } = await pool.query(`select extract(year from max(received_at) at time zone 'Asia/Shanghai')::int as y from interaction_event where tenant_id = $1 and received_at < $2`, [
    tenant,
    `${INGEST_YEAR}-01-01T00:00:00+08:00`,
  ]);
  const { rows: schools } = await pool.query(`select code from org_unit where tenant_id = $1 and level = 'SCHOOL' order by code limit 500`, [tenant]);
  return { tenant, tenantCode: String(tenant), province, city, county, year: Number(yr[0]?.y ?? 2024), schoolCodes: schools.map((s) => s.code) };
}

/** One request outside the measurement: checks the answer has no errors and reads the statement count. */
async function probe(url: string, s: Scenario, f: Fixture, n: number, headers: Record<string, string>): Promise<{ statements: number; roundTrips: number; body: unknown }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: s.body(f, n) });
  const body = (await res.json()) as { errors?: unknown[]; data?: unknown };
  if (res.status !== 200 || body.errors?.length) throw new Error(`scenario ${s.key}: HTTP ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return { statements: Number(res.headers.get('x-sql-statements') ?? NaN), roundTrips: Number(res.headers.get('x-sql-round-trips') ?? NaN), body: body.data };
}

async function runApi(url: string, s: Scenario, f: Fixture, connections: number, duration: number, counter: { n: number }, headers: Record<string, string>): Promise<Measure> {
  const latencies: number[] = [];
  let errors = 0;
  const started = Date.now();
  const instance: any = autocannon({
    url: `${url}/graphql`,
    connections,
    // Writes: a fixed number of calls (one per connection, at least 3), so calls slower than the
    // measurement window are still counted; reads: a fixed duration.
    ...(s.write ? { amount: Math.max(3, connections) } : { duration }),
    timeout: 300,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ method: 'POST', path: '/graphql', setupRequest: (req: any) => ({ ...req, body: s.body(f, counter.n++) }) }],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status === 200) latencies.push(ms);
    else errors++;
  });
  const result: autocannon.Result = await instance;
  errors += result.errors + result.timeouts;
  return summarize(latencies, Date.now() - started, errors);
}

async function runFloor(pool: Pool, s: Scenario, f: Fixture, connections: number, duration: number, counter: { n: number }): Promise<Measure> {
  const latencies: number[] = [];
  let errors = 0;
  const started = Date.now();
  const until = started + duration * 1000;
  // Writes: the same number of calls as the API run; reads: the same duration.
  let calls = s.write ? Math.max(3, connections) : Infinity;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (s.write ? calls-- > 0 : Date.now() < until) {
        const t0 = process.hrtime.bigint();
        try {
          await s.floor(pool, f, counter.n++);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch (err) {
          errors++;
          if (errors === 1) process.stderr.write(`floor ${s.key}: ${(err as Error).message}\n`);
        }
      }
    }),
  );
  return summarize(latencies, Date.now() - started, errors);
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const pool = new Pool({ connectionString: args.databaseUrl, max: Math.max(...args.concurrency, ...args.ingestConcurrency) });
  // A connection of its own for the CPU samples, so they never wait behind the floor's load.
  const probePool = new Pool({ connectionString: args.databaseUrl, max: 1 });
  let server: { url: string; child: ChildProcess; secret: string } | null = null;
  let baseline: { url: string; child: ChildProcess; secret: string } | null = null;
  const rows: string[] = [];
  let maxRss = 0;
  try {
    const f = await fixture(pool, args.tenant);
    const url = args.url ?? (server = await startServer(args.databaseUrl)).url;
    if (args.baseline) baseline = await startServer(args.databaseUrl, args.baseline);
    const pid = server?.child.pid;
    let rssPid = pid;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMb(rssPid) || 0)), 200);
    // Reads go as the public (dashboards are public); writes carry the bench's credential.
    const headers = await benchHeaders(url, server ? { secret: server.secret, tenant: args.tenant } : undefined);
    const { rows: ds } = await pool.query(
      `select (select count(*) from interaction_event where tenant_id = $1) as events, (select count(*) from disclosure_item where tenant_id = $1) as items,
              (select count(*) from org_unit where tenant_id = $1 and level = 'SCHOOL') as schools, (select count(*) from stat_rollup where tenant_id = $1) as rollups,
              version() as pg, pg_size_pretty(pg_database_size(current_database())) as size`,
      [args.tenant],
    );
    const dataset = ds[0];
    process.stdout.write(`dataset: ${dataset.events} events, ${dataset.items} items, ${dataset.schools} schools, ${dataset.rollups} rollup rows (${dataset.size}); year ${f.year}\n`);
    const builds: { name: string; url: string; pid: number | undefined }[] = [
      ...(baseline ? [{ name: args.baselineLabel, url: baseline.url, pid: baseline.child.pid }] : []),
      { name: 'new', url, pid },
    ];
    let ingestCheck = '';
    const sameAnswers: string[] = [];
    for (const key of args.scenarios) {
      const s = SCENARIOS.find((x) => x.key === key);
      if (!s) throw new Error(`unknown scenario ${key}`);
      const counter = { n: 0 };
      const probes = new Map<string, { statements: number; roundTrips: number }>();
      const answers: string[] = [];
      for (const b of builds) {
        const p = await probe(b.url, s, f, counter.n++, s.write ? headers : {});
        probes.set(b.name, p);
        if (!s.write) {
          answers.push(JSON.stringify(p.body));
          await runApi(b.url, s, f, 4, 2, counter, {}); // warm-up
        }
      }
      if (!s.write) await runFloor(pool, s, f, 4, 2, counter); // warm-up (and the named statements prepared)
      if (answers.length > 1) sameAnswers.push(`${s.key}: ${answers.every((x) => x === answers[0]) ? 'same answer from every build' : 'ANSWERS DIFFER'}`);
      const levels = s.write ? args.ingestConcurrency : args.concurrency;
      for (const c of levels) {
        const results: { name: string; m: Measure; cpu: CpuWindow; rss: number; load: string; statements: number | string; trips: number | string }[] = [];
        for (const b of builds) {
          const before = load();
          rssPid = b.pid;
          maxRss = rssMb(b.pid) || 0;
          const close = await cpuWindow(probePool, b.pid ?? 'self');
          const m = await runApi(b.url, s, f, c, args.duration, counter, s.write ? headers : {});
          const cpu = await close();
          const p = probes.get(b.name)!;
          results.push({ name: b.name, m, cpu, rss: maxRss, load: before, statements: p.statements, trips: Number.isFinite(p.roundTrips) ? p.roundTrips : '–' });
        }
        const before = load();
        const close = await cpuWindow(probePool, 'self');
        const floor = await runFloor(pool, s, f, c, args.duration, counter);
        const floorCpu = await close();
        const statementsOfFloor = 1;
        const old = results.find((r) => r.name !== 'new');
        const perCall = s.rowsPerCall ?? 0;
        const cpuCells = (cpu: CpuWindow, n: number) => [fmt(cpu.nodeMs / n), fmt(cpu.pgMs / n), fmt((cpu.nodeMs + cpu.pgMs) / n)];
        for (const r of results) {
          const line = [
            s.key, c, r.name, fmt(r.m.rps), fmt(r.m.p50), fmt(r.m.p95), fmt(r.m.p99), ...cpuCells(r.cpu, r.m.n), r.statements, r.trips,
            perCall ? fmt(r.m.rps * perCall, 0) : '', fmt(r.m.p50 / floor.p50, 2), fmt(r.m.p95 / floor.p95, 2),
            r.name === 'new' && old ? fmt(r.m.rps / old.m.rps, 2) : '', fmt(r.rss, 0), r.m.errors, r.load,
          ];
          rows.push(`| ${line.join(' | ')} |`);
          process.stdout.write(`${s.key} c=${c} ${r.name}: ${fmt(r.m.rps)} req/s p50 ${fmt(r.m.p50)} p95 ${fmt(r.m.p95)} p99 ${fmt(r.m.p99)} ms; CPU/req node ${fmt(r.cpu.nodeMs / r.m.n)} + pg ${fmt(r.cpu.pgMs / r.m.n)} ms (${r.m.n} requests, ${r.m.errors} errors); rss ${fmt(r.rss, 0)} MB; load ${r.load}\n`);
        }
        rows.push(`| ${[s.key, c, 'floor', fmt(floor.rps), fmt(floor.p50), fmt(floor.p95), fmt(floor.p99), ...cpuCells(floorCpu, floor.n), statementsOfFloor, 1, perCall ? fmt(floor.rps * perCall, 0) : '', '1.00', '1.00', '', '', floor.errors, before].join(' | ')} |`);
        process.stdout.write(`${s.key} c=${c} floor: ${fmt(floor.rps)} req/s p50 ${fmt(floor.p50)} p95 ${fmt(floor.p95)} p99 ${fmt(floor.p99)} ms; CPU/req client ${fmt(floorCpu.nodeMs / floor.n)} + pg ${fmt(floorCpu.pgMs / floor.n)} ms; load ${before}\n`);
      }
      if (s.write) ingestCheck = await checkIngest(pool, args.tenant, args.verify);
    }
    clearInterval(sampler);

    const commit = gitCommit();
    const date = new Date().toISOString();
    const cpus = os.cpus();
    const md = [
      `# Benchmark ${date.slice(0, 10)} ${commit}${args.label ? ` (${args.label})` : ''}`,
      '',
      `- date: ${date}`,
      `- commit: ${commit}${baseline ? `; beside it, in the same run, the build at ${args.baseline} ("${args.baselineLabel}")` : ''}`,
      `- machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}; load average at the end: ${load()}`,
      `- database: ${String(dataset.pg).split(' on ')[0]}, ${dataset.size}; tenant ${args.tenant}: ${dataset.events} events, ${dataset.items} items, ${dataset.schools} schools, ${dataset.rollups} rollup rows; figures of ${f.year}`,
      `- server: ${server ? `started by the bench (node ${SERVER_NODE_FLAGS.join(' ')} dist/src/main.js, LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'info'}, DB_POOL_SIZE=${process.env.DB_POOL_SIZE ?? 10})` : `at ${args.url}`}; ${args.duration} s per read measurement after a 2 s warm-up; writes: one call per connection (at least 3)`,
      `- command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\``,
      sameAnswers.length ? `- answers compared before measuring: ${sameAnswers.join('; ')}` : '',
      ingestCheck ? `- after the ingest: ${ingestCheck}` : '',
      '',
      'Latencies in ms. The floor is the best single SQL statement for the same read (or the same rows inserted by one statement, rollup triggers included), prepared, on a `pg` pool of the same concurrency. CPU ms per request: "node" is the server process (for the floor: the bench process, i.e. the `pg` client), "pg" the PostgreSQL backends of the database, both over the measurement window. Statements and round trips: from the `x-sql-statements` and `x-sql-round-trips` headers of one request (round trips: groups of statements that overlap in time; "–": the build does not report them). Ratios: to the floor of the same scenario and concurrency; ×old: req/s of the new build over the old one\'s. RSS: the server\'s largest resident memory during the run. Load: `uptime` load averages (1, 5, 15 min) when the measurement started (the machine is shared).',
      '',
      '| scenario | c | build | req/s | p50 | p95 | p99 | CPU node | CPU pg | CPU ms/req | SQL statements | round trips | events/s | ratio p50 | ratio p95 | req/s ×old | RSS MB | errors | load |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      ...SCENARIOS.filter((s) => args.scenarios.includes(s.key)).map((s) => `- ${s.key}: ${s.title}`),
      '',
    ].filter((l, i, all) => l !== '' || all[i - 1] !== '');
    mkdirSync(args.out, { recursive: true });
    const file = path.join(args.out, `${date.slice(0, 10)}-${commit.slice(0, 12)}${args.label ? `-${args.label.replace(/[^\w.-]+/g, '_')}` : ''}.md`);
    writeFileSync(file, `${md.join('\n')}\n`);
    process.stdout.write(`\n${md.join('\n')}\nwritten to ${file}\n`);
  } finally {
    await pool.end();
    await probePool.end();
    for (const srv of [server, baseline]) {
      if (!srv) continue;
      srv.child.kill('SIGTERM');
      await new Promise((r) => srv.child.once('exit', r));
    }
  }
}

/**
 * After the ingest scenario: the rolled-up yearly figures of the ingest year, for every unit, against
 * a count over the raw rows (cheap at any size); with --verify, the full `rollup_verify` of the tenant.
 */
async function checkIngest(pool: Pool, tenant: number, full: boolean): Promise<string> {
  const from = `${INGEST_YEAR}-01-01T00:00:00+08:00`;
  const to = `${INGEST_YEAR + 1}-01-01T00:00:00+08:00`;
  const { rows } = await pool.query(
    `with raw as (
       select a::uuid as unit_id, e.kind, count(*) as n, count(*) filter (where e.status = 'REPLIED') as replied
         from interaction_event e join org_unit u on u.tenant_id = e.tenant_id and u.id = e.unit_id
         cross join unnest(string_to_array(trim(both '/' from u.path), '/')) a
        where e.tenant_id = $1 and e.received_at >= $2 and e.received_at < $3 group by 1, 2
     ), r as (
       select unit_id, dim, c0, c1 from stat_rollup where tenant_id = $1 and scope = 'S' and grp = 1 and grain = 'Y' and bucket = $4 and (c0 <> 0 or c1 <> 0)
     )
     select count(*) filter (where coalesce(raw.n, 0) <> coalesce(r.c0, 0) or coalesce(raw.replied, 0) <> coalesce(r.c1, 0)) as differ,
            count(*) as checked, coalesce(sum(raw.n) filter (where raw.unit_id = (select id from org_unit where tenant_id = $1 and parent_id is null)), 0) as events
       from raw full join r on r.unit_id = raw.unit_id and r.dim = raw.kind`,
    [tenant, from, to, `${INGEST_YEAR}-01-01`],
  );
  const c = rows[0];
  let text = `${c.events} events received in ${INGEST_YEAR} (the API's and the floor's); the ${c.checked} rolled-up yearly rows (every unit × kind) against a recount of the raw rows: ${Number(c.differ) === 0 ? 'exact' : `${c.differ} DIFFER`}`;
  if (full) {
    const t0 = Date.now();
    const { rows: v } = await pool.query(`select count(*) as n from rollup_verify($1)`, [tenant]);
    text += `; full rollup_verify: ${Number(v[0].n) === 0 ? 'exact' : `${v[0].n} rows differ`} (${((Date.now() - t0) / 1000).toFixed(0)} s)`;
  }
  process.stdout.write(`ingest check: ${text}\n`);
  return text;
}

function gitCommit(): string {
  try {
    const sha = execSync('git rev-parse --short=12 HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
