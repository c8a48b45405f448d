import { adminHeaders, gqlData, startTestApp, TestApp } from '../support/app';
import { TEST_STORE } from '../support/database';
import { LEAKS } from './support';

/**
 * Malformed requests, mutated from valid ones with a fixed seed: wrong types, nulls, huge and
 * NUL-bearing strings, unicode, malformed cursors, dates out of range, broken documents and
 * bodies. None may answer 5xx or INTERNAL_SERVER_ERROR, or show a stack trace or SQL; the server
 * must be alive, with bounded memory, at the end. FUZZ_REQUESTS requests (5,000 on the embedded
 * store, the one CI store that runs them all; 500 on PostgreSQL), FUZZ_SEED to explore others.
 */
const COUNT = Number(process.env.FUZZ_REQUESTS ?? (TEST_STORE === 'embedded' ? 5_000 : 500));
const SEED = Number(process.env.FUZZ_SEED ?? 14);
const CONCURRENCY = 4;

/** mulberry32: a small, fixed-seed PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Base {
  query: string;
  variables: Record<string, unknown>;
  admin?: boolean;
}

let t: TestApp;
let admin: Record<string, string>;
const bases: Base[] = [];

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02, as: null, env: { RATE_LIMIT_PER_IP: '0' } });
  admin = await adminHeaders('430000');
  const u = await gqlData(t, '{ unit(code: "430102") { id } units(first: 2) { edges { cursor } } }');
  const furong = u.unit.id;
  const cursor = u.units.edges[1].cursor;
  bases.push(
    { query: 'query($c: String) { unit(code: $c) { code name level children(level: CITY) { code } ancestors { code } } }', variables: { c: '430000' } },
    { query: 'query($f: UnitFilter, $n: Int!, $a: String) { units(filter: $f, first: $n, after: $a) { totalCount edges { cursor node { code name } } pageInfo { hasNextPage } } }', variables: { f: { tenant: '430000', level: 'COUNTY', search: '长沙' }, n: 5, a: cursor } },
    { query: 'query($p: PeriodInput!) { unit(code: "430100") { stats(period: $p) { interactions { received onTimeRate byKind { kind received } } disclosures { published } } } }', variables: { p: { year: 2024, quarter: 2 } } },
    { query: 'query($p: PeriodInput!, $id: ID!, $l: UnitLevel, $pr: [LagProblem!]) { laggingUnits(parentId: $id, period: $p, level: $l, problems: $pr) { centres interviews } }', variables: { p: { from: '2024-01-01', to: '2024-06-30' }, id: furong, l: 'SCHOOL', pr: ['NO_CENTRE'] } },
    { query: 'query($f: InteractionFilter, $a: String) { interactions(first: 3, filter: $f, after: $a) { totalCount edges { node { id subject requesterName dueAt } } } }', variables: { f: { search: '咨询', unitId: furong }, a: null }, admin: true },
    { query: 'query($f: DisclosureItemFilter) { disclosureItems(first: 3, filter: $f) { totalCount edges { node { id title status } } } }', variables: { f: { search: '招生' } } },
    {
      query: 'mutation($i: CreateInteractionInput!) { createInteraction(input: $i) { id dueAt } }',
      variables: { i: { tenant: '430000', unitId: furong, kind: 'MAILBOX', channel: 'MAILBOX_WEB', subject: '咨询', receivedAt: '2024-03-01T02:00:00Z', requesterName: '王五' } },
      admin: true,
    },
    {
      query: 'mutation($k: String!, $rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "430000", idempotencyKey: $k, rows: $rows) { accepted replayed } }',
      variables: { k: 'fuzz', rows: [{ unitCode: '430102', kind: 'CONSULTATION', channel: 'PHONE', subject: '咨询', receivedAt: '2024-03-04T02:00:00Z', repliedAt: '2024-03-05T02:00:00Z', reply: '已答复' }] },
      admin: true,
    },
    { query: 'query($id: ID!) { interaction(id: $id) { id status duplicateOfId } centre(id: $id) { id } }', variables: { id: furong }, admin: true },
  );
}, 180_000);
afterAll(async () => t?.close());

const NASTY: unknown[] = [
  null, 0, -1, 1e308, -2147483649, 2 ** 53 + 1, true, '', ' ', 'x'.repeat(70_000), 'a\u0000b', '\u0000', '\ud800', '😀'.repeat(300), '\u202e长沙\u200b',
  "'; drop table org_unit; --", '%_\\', '${x}', 'bm90LWpzb24', '!!!', 'WyJ1IiwxXQ', '0000-01-01', '99999-12-31T00:00:00Z', '2024-13-45', '2024-02-30',
  '1900-01-01T00:00:00Z', '-001-01-01', 'NaN', '00000000-0000-0000-0000-000000000000', 'not-a-uuid', [], [null], {}, { year: -5 }, { year: 1e9, month: 13 },
  { from: '2024-12-31', to: '2024-01-01' }, Array(60).fill('X'),
];

function mutateValue(rand: () => number, v: unknown, depth = 0): unknown {
  if (rand() < 0.3 || depth > 3 || v === null || typeof v !== 'object') return NASTY[Math.floor(rand() * NASTY.length)];
  if (Array.isArray(v)) {
    if (v.length === 0 || rand() < 0.2) return [...v, NASTY[Math.floor(rand() * NASTY.length)]];
    const i = Math.floor(rand() * v.length);
    return v.map((x, j) => (j === i ? mutateValue(rand, x, depth + 1) : x));
  }
  const keys = Object.keys(v as object);
  if (keys.length === 0 || rand() < 0.1) return { ...(v as object), unknownField: NASTY[Math.floor(rand() * NASTY.length)] };
  const k = keys[Math.floor(rand() * keys.length)];
  const out = { ...(v as Record<string, unknown>) };
  if (rand() < 0.1) delete out[k];
  else out[k] = mutateValue(rand, out[k], depth + 1);
  return out;
}

function mutateQuery(rand: () => number, q: string): string {
  const at = Math.floor(rand() * q.length);
  switch (Math.floor(rand() * 7)) {
    case 0: return q.slice(0, at) + q.slice(at + 1 + Math.floor(rand() * 5));
    case 1: return q.slice(0, at) + '{}()[]:$!@".,#\\'[Math.floor(rand() * 15)] + q.slice(at);
    case 2: return q.slice(0, at);
    case 3: return q.replace(/\b(code|name|subject|totalCount|received)\b/, 'nope');
    case 4: return q.slice(0, at) + q.slice(Math.max(0, at - 20), at) + q.slice(at);
    case 5: return q.replace(/first: \d+/, `first: ${[-1, 0, 501, 1e10, '"3"', 'null'][Math.floor(rand() * 6)]}`);
    default: return `${q} ${q}`;
  }
}

function request(rand: () => number): { body: string; headers: Record<string, string>; contentType: string } {
  const base = bases[Math.floor(rand() * bases.length)];
  const headers = base.admin && rand() < 0.7 ? admin : {};
  const r = rand();
  if (r < 0.05) return { body: ['{', '[]', '[1,2', '{"query": 5}', '"x"', 'null', '{"query":"{ today }","variables":"x"}', '{"query":"{ today }","operationName":7}'][Math.floor(rand() * 8)], headers, contentType: 'application/json' };
  if (r < 0.07) return { body: 'query={today}', headers, contentType: ['text/plain', 'application/x-www-form-urlencoded', 'application/xml'][Math.floor(rand() * 3)] };
  const query = r < 0.35 ? mutateQuery(rand, base.query) : base.query;
  let variables: unknown = r >= 0.25 ? mutateValue(rand, base.variables) : base.variables;
  if (rand() < 0.03) variables = NASTY[Math.floor(rand() * NASTY.length)];
  return { body: JSON.stringify({ query, variables }), headers, contentType: 'application/json' };
}

describe(`fuzz: ${COUNT} malformed requests (seed ${SEED})`, () => {
  it('never answers 5xx or INTERNAL_SERVER_ERROR, never shows a stack or SQL, and the server stays up', async () => {
    const rand = prng(SEED);
    const rssBefore = process.memoryUsage().rss;
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < COUNT && failures.length < 10) {
        next++;
        const { body, headers, contentType } = request(rand);
        const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': contentType, 'apollo-require-preflight': '1', ...headers }, body });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500 || text.includes('INTERNAL_SERVER_ERROR') || LEAKS.test(text)) failures.push(`${res.status} ${text.slice(0, 300)} <- ${body.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);
    expect(next).toBe(COUNT);
    // Most requests were refused as bad input, some were answered: both paths were exercised.
    expect((statuses.get(400) ?? 0) + (statuses.get(413) ?? 0)).toBeGreaterThan(COUNT / 4);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(COUNT / 20);

    // Alive, answering, with bounded memory (the server runs in this process).
    expect((await fetch(`${t.base}/health`)).status).toBe(200);
    expect((await gqlData(t, '{ unit(code: "430000") { code } }')).unit.code).toBe('430000');
    const rss = process.memoryUsage().rss;
    // The process holds jest, the server and, on the embedded store, PGlite's WebAssembly heap (in a
    // worker thread): the bound that matters is the growth over the run, below.
    expect(rss).toBeLessThan(3_000 * 1024 * 1024);
    expect(rss - rssBefore).toBeLessThan(600 * 1024 * 1024);
  }, 600_000);
});
