import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { createClient, Client } from 'graphql-ws';
import type { Pool } from 'pg';
import { Fixture, SCENARIOS } from './scenarios';

/**
 * Scenarios of the response cache, HTTP caching and subscriptions (issue 15), run by bench.ts
 * beside the uncached ones (which send `x-cache-bypass`, so the read path's own cost stays visible):
 *
 * - `cached`: the province dashboard (scenario a) answered from the cache: req/s, latencies, SQL
 *   statements per request (0 for a hit), and the server's CPU time per request;
 * - `304`: the same as a GET with `If-None-Match`: 304s, their statements and latency;
 * - `fanout`: SUBSCRIBERS `statsChanged` subscriptions (default 10,000) spread over the province,
 *   its cities and its counties (137 units for Hunan), on CONNECTIONS WebSocket connections; one
 *   write a second under a random county for the run's duration; for every write, the time until
 *   each subscriber of the county, its city and the province had its new figures, and the
 *   server's CPU (% of the machine's cores) and RSS over the run.
 */
export const CACHE_SCENARIO_KEYS = ['cached', '304', 'fanout'];

export const CACHE_SCENARIO_TITLES: Record<string, string> = {
  cached: 'province dashboard (a) from the response cache (POST, the public)',
  '304': 'province dashboard (a) as a GET with If-None-Match: 304 Not Modified',
  fanout: 'statsChanged fan-out: subscriptions over the province, cities and counties, one write a second under a county',
};

export interface CacheBenchContext {
  url: string;
  pid?: number;
  pool: Pool;
  f: Fixture;
  duration: number;
  concurrency: number[];
  /** The bench's credential for writes. */
  headers: Record<string, string>;
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const load = () => (readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '));

/** CPU seconds (user + system) the process has used so far (Linux), or NaN. */
function cpuSeconds(pid?: number): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function rssMb(pid?: number): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN;
}

async function measure(opts: autocannon.Options, pid?: number) {
  const latencies: number[] = [];
  let bad = 0;
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  const instance: any = autocannon(opts);
  instance.on('response', (_c: unknown, status: number, _b: number, ms: number) => (status === 200 || status === 304 ? latencies.push(ms) : bad++));
  const result: autocannon.Result = await instance;
  const seconds = (Date.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), n: latencies.length, errors: bad + result.errors + result.timeouts, cpuMsPerRequest: (cpu * 1000) / Math.max(1, latencies.length) };
}

/** Runs one of CACHE_SCENARIO_KEYS; returns table rows (the bench's columns) and notes for the results file. */
export async function runCacheScenario(key: string, ctx: CacheBenchContext): Promise<{ rows: string[]; notes: string[] }> {
  if (key === 'fanout') return fanout(ctx);
  const dashboard = SCENARIOS.find((s) => s.key === 'a')!.body(ctx.f, 0);
  const rows: string[] = [];
  const notes: string[] = [];
  if (key === 'cached') {
    const post = () => fetch(`${ctx.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: dashboard });
    await post();
    const probe = await post();
    const statements = probe.headers.get('x-sql-statements');
    if (probe.headers.get('x-cache') !== 'HIT') throw new Error(`cached: the second request was not a hit (${probe.headers.get('x-cache')})`);
    for (const c of ctx.concurrency) {
      const before = load();
      const m = await measure({ url: `${ctx.url}/graphql`, connections: c, duration: ctx.duration, method: 'POST', headers: { 'content-type': 'application/json' }, body: dashboard }, ctx.pid);
      rows.push(`| cached | ${c} | new | ${fmt(m.rps)} | ${fmt(m.p50)} | ${fmt(m.p95)} | ${fmt(m.p99)} | ${fmt(m.cpuMsPerRequest, 2)} | 0 | ${fmt(m.cpuMsPerRequest, 2)} | ${statements} | 0 |  |  |  |  | ${fmt(rssMb(ctx.pid), 0)} | ${m.errors} | ${before} |`);
      notes.push(`- cached c=${c}: ${m.n} requests, server CPU ${fmt(m.cpuMsPerRequest, 3)} ms per request`);
      process.stdout.write(`cached c=${c}: ${fmt(m.rps)} req/s p50 ${fmt(m.p50)} p95 ${fmt(m.p95)} ms, ${statements} statements, CPU ${fmt(m.cpuMsPerRequest, 3)} ms/request; load ${before}\n`);
    }
  } else {
    const { query, variables } = JSON.parse(dashboard) as { query: string; variables: unknown };
    const path = `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
    const first = await fetch(`${ctx.url}${path}`, { headers: { 'apollo-require-preflight': 'true' } });
    const etag = first.headers.get('etag');
    if (!etag) throw new Error('304: no ETag');
    const probe = await fetch(`${ctx.url}${path}`, { headers: { 'apollo-require-preflight': 'true', 'if-none-match': etag } });
    if (probe.status !== 304) throw new Error(`304: got ${probe.status}`);
    const statements = probe.headers.get('x-sql-statements');
    for (const c of [1, ...ctx.concurrency.filter((x) => x !== 1)]) {
      const before = load();
      const m = await measure({ url: `${ctx.url}${path}`, connections: c, duration: ctx.duration, headers: { 'apollo-require-preflight': 'true', 'if-none-match': etag } }, ctx.pid);
      rows.push(`| 304 | ${c} | new | ${fmt(m.rps)} | ${fmt(m.p50)} | ${fmt(m.p95)} | ${fmt(m.p99)} | ${fmt(m.cpuMsPerRequest, 2)} | 0 | ${fmt(m.cpuMsPerRequest, 2)} | ${statements} | 0 |  |  |  |  | ${fmt(rssMb(ctx.pid), 0)} | ${m.errors} | ${before} |`);
      notes.push(`- 304 c=${c}: ${m.n} requests, server CPU ${fmt(m.cpuMsPerRequest, 3)} ms per request`);
      process.stdout.write(`304 c=${c}: ${fmt(m.rps)} req/s p50 ${fmt(m.p50)} p95 ${fmt(m.p95)} ms, ${statements} statements; load ${before}\n`);
    }
  }
  return { rows, notes };
}

async function fanout(ctx: CacheBenchContext): Promise<{ rows: string[]; notes: string[] }> {
  const subscribers = Number(process.env.SUBSCRIBERS ?? 10_000);
  const connections = Number(process.env.CONNECTIONS ?? 100);
  const { rows: units } = await ctx.pool.query<{ id: string; level: string; parent_id: string | null; code: string }>(
    `select id, level, parent_id, code from org_unit where tenant_id = $1 and (id = $2 or (parent_id = $2 and level = 'CITY')
       or (level = 'COUNTY' and parent_id in (select id from org_unit where tenant_id = $1 and parent_id = $2 and level = 'CITY'))) order by depth, code`,
    [ctx.f.tenant, ctx.f.province.id],
  );
  const parent = new Map(units.map((u) => [u.id, u.parent_id]));
  const counties = units.filter((u) => u.level === 'COUNTY');
  const query = `subscription($u: ID!, $p: PeriodInput!) { statsChanged(unitId: $u, period: $p) { id interactions { received replied } } }`;
  const ws = ctx.url.replace(/^http/, 'ws') + '/graphql';
  const clients: Client[] = [];
  /** unit id → its subscribers' last message times */
  const lastMessage = new Map<string, number[]>();
  const perUnit = new Map<string, number[]>();
  for (let i = 0; i < subscribers; i++) {
    const u = units[i % units.length];
    const list = perUnit.get(u.id) ?? [];
    list.push(i);
    perUnit.set(u.id, list);
  }
  const stamps = new Float64Array(subscribers);
  const cpu0 = cpuSeconds(ctx.pid);
  const opened = Date.now();
  let connected = 0;
  for (let c = 0; c < connections; c++) {
    clients.push(createClient({ url: ws, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined, on: { connected: () => connected++ } }));
  }
  const connectDeadline = Date.now() + 30_000;
  while (connected < connections && Date.now() < connectDeadline) await new Promise((r) => setTimeout(r, 50));
  let errors = 0;
  let firstError = '';
  const unsubscribe: (() => void)[] = [];
  for (let i = 0; i < subscribers; i++) {
    const u = units[i % units.length];
    unsubscribe.push(
      clients[i % connections].subscribe(
        { query, variables: { u: u.id, p: { year: ctx.f.year } } },
        {
          next: () => (stamps[i] = Date.now()),
          error: (e) => {
            if (!errors++) firstError = JSON.stringify(e instanceof Error ? e.message : (e as { code?: number; reason?: string })?.code ?? e).slice(0, 200);
          },
          complete: () => undefined,
        },
      ),
    );
  }
  await new Promise((r) => setTimeout(r, 5_000)); // groups formed, baselines computed
  const setupSeconds = (Date.now() - opened) / 1000;
  const rssAfterSubscribe = rssMb(ctx.pid);
  const latencies: number[] = [];
  let missed = 0;
  const cpu1 = cpuSeconds(ctx.pid);
  const t1 = Date.now();
  let maxRss = rssAfterSubscribe;
  const writes = ctx.duration;
  const pending: Promise<void>[] = [];
  for (let w = 0; w < writes; w++) {
    const county = counties[(w * 37) % counties.length];
    const affected = [county.id, parent.get(county.id)!, ctx.f.province.id];
    const ids = affected.flatMap((id) => perUnit.get(id) ?? []);
    const sentAt = Date.now();
    const res = await fetch(`${ctx.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ctx.headers },
      body: JSON.stringify({
        query: `mutation($t: String!, $k: String!, $rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: $t, idempotencyKey: $k, rows: $rows) { accepted } }`,
        variables: { t: ctx.f.tenantCode, k: `fanout-${Date.now()}-${w}`, rows: [{ unitCode: county.code, kind: 'MAILBOX', channel: 'PORTAL', subject: 'bench fan-out', receivedAt: `${ctx.f.year}-06-01T02:00:00Z` }] },
      }),
    });
    const body = (await res.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(`fanout write: ${JSON.stringify(body.errors).slice(0, 300)}`);
    pending.push(
      (async () => {
        const deadline = sentAt + 5_000;
        const waiting = new Set(ids);
        while (waiting.size && Date.now() < deadline) {
          for (const i of waiting) if (stamps[i] >= sentAt) {
            latencies.push(stamps[i] - sentAt);
            waiting.delete(i);
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        missed += waiting.size;
      })(),
    );
    maxRss = Math.max(maxRss, rssMb(ctx.pid));
    await new Promise((r) => setTimeout(r, Math.max(0, sentAt + 1_000 - Date.now())));
  }
  await Promise.all(pending);
  const seconds = (Date.now() - t1) / 1000;
  const cpuPct = ((cpuSeconds(ctx.pid) - cpu1) / seconds) * 100;
  latencies.sort((a, b) => a - b);
  for (const u of unsubscribe) u();
  await Promise.all(clients.map((c) => c.dispose()));
  void lastMessage;
  const line = `- fanout: ${subscribers} subscriptions on ${connections} connections over ${units.length} units (set up in ${fmt(setupSeconds)} s, server CPU ${fmt(cpuSeconds(ctx.pid) - cpu0)} s in all); ${writes} writes, one a second: ${latencies.length} updates delivered, delivery p50 ${fmt(pct(latencies, 50), 0)} ms, p95 ${fmt(pct(latencies, 95), 0)} ms, max ${fmt(latencies.at(-1) ?? NaN, 0)} ms; ${missed} not within 5 s; ${errors} errors${firstError ? ` (first: ${firstError})` : ''}; server CPU during the writes ${fmt(cpuPct, 0)}% of one core (of ${2 * 100}% on 2 cores); RSS ${fmt(rssAfterSubscribe, 0)} MB after subscribing, ${fmt(maxRss, 0)} MB max; load ${load()}`;
  process.stdout.write(line + '\n');
  return { rows: [], notes: [line] };
}
