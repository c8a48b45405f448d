import { adminHeaders, ANONYMOUS_HEADERS, gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * The response cache and HTTP caching over the real server (issue 15): hits run no SQL, 304s are
 * answered before execution, a write's commit makes the next read fresh, a write in one city keeps
 * another city's answers, credentialed answers are private, and figure objects carry stable ids.
 */
let t: TestApp;
const u: Record<string, string> = {};

const dashboard = (code: string) => `{ unit(code: "${code}", tenant: "430000") { name stats(period: { year: 2024 }) { interactions { received } }
  children { code stats(period: { year: 2024 }) { interactions { received } } } } }`;

async function get(query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, statements: Number(res.headers.get('x-sql-statements') ?? NaN) };
}

async function createEvent(unitId: string, subject: string) {
  const res = await gql(
    t,
    `mutation { createInteraction(input: { tenant: "430000", unitId: "${unitId}", kind: MAILBOX, channel: MAILBOX_WEB, subject: "${subject}", receivedAt: "2024-03-01T02:00:00Z" }) { id } }`,
    undefined,
    await adminHeaders('430000'),
  );
  expect(res.body.errors).toBeUndefined();
}

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.05, as: null });
  const d = await gqlData(t, '{ cs: unit(code: "430100") { id children { id } } zz: unit(code: "430200") { id children { id } } }');
  u.csCounty = d.cs.children[0].id;
  u.zzCounty = d.zz.children[0].id;
}, 300_000);

afterAll(() => t?.close());

test('a repeated public query is a hit that runs no SQL statement, with the same answer', async () => {
  const first = await gql(t, dashboard('430000'), undefined, ANONYMOUS_HEADERS);
  expect(first.body.errors).toBeUndefined();
  expect(first.headers.get('x-cache')).toBe('MISS');
  expect(first.statements).toBeGreaterThan(0);
  const second = await gql(t, dashboard('430000'), undefined, ANONYMOUS_HEADERS);
  expect(second.headers.get('x-cache')).toBe('HIT');
  expect(second.statements).toBe(0);
  expect(second.body).toEqual(first.body);
  // The normalized document is the key: other whitespace is the same query.
  const spaced = await gql(t, dashboard('430000').replace(/ /g, '   '), undefined, ANONYMOUS_HEADERS);
  expect(spaced.statements).toBe(0);
  expect(spaced.body).toEqual(first.body);
});

test('GET answers carry a strong ETag, public Cache-Control and Vary; If-None-Match answers 304 without SQL', async () => {
  const q = dashboard('430100');
  const first = await get(q);
  expect(first.status).toBe(200);
  const etag = first.headers.get('etag')!;
  expect(etag).toMatch(/^"[\w-]+"$/);
  expect(first.headers.get('cache-control')).toBe(`public, max-age=${t.config.cache.maxAgeSeconds}`);
  expect(first.headers.get('vary')).toContain('Authorization');
  const again = await get(q, { 'if-none-match': etag });
  expect(again.status).toBe(304);
  expect(again.text).toBe('');
  expect(again.statements).toBe(0);
  expect(again.headers.get('etag')).toBe(etag);
  // An old ETag gets the full answer.
  const stale = await get(q, { 'if-none-match': '"nope"' });
  expect(stale.status).toBe(200);
  expect(JSON.parse(stale.text)).toEqual(JSON.parse(first.text));
});

test('the first read after a write’s commit shows it; another city’s cached answers stay', async () => {
  const province = await gql(t, dashboard('430000'), undefined, ANONYMOUS_HEADERS);
  const changsha = await gql(t, dashboard('430100'), undefined, ANONYMOUS_HEADERS);
  await gql(t, dashboard('430100'), undefined, ANONYMOUS_HEADERS);
  const received = (r: typeof province) => r.body.data.unit.stats.interactions.received as number;
  const etagBefore = (await get(dashboard('430200'))).headers.get('etag')!;

  await createEvent(u.zzCounty, 'a reply under Zhuzhou');

  const provinceAfter = await gql(t, dashboard('430000'), undefined, ANONYMOUS_HEADERS);
  expect(provinceAfter.headers.get('x-cache')).toBe('MISS');
  expect(received(provinceAfter)).toBe(received(province) + 1);
  // Zhuzhou's ETag moved: the old one gets the new answer, not a 304.
  const zz = await get(dashboard('430200'), { 'if-none-match': etagBefore });
  expect(zz.status).toBe(200);
  // Changsha's dashboard does not depend on Zhuzhou: still a hit.
  const changshaAfter = await gql(t, dashboard('430100'), undefined, ANONYMOUS_HEADERS);
  expect(changshaAfter.headers.get('x-cache')).toBe('HIT');
  expect(changshaAfter.statements).toBe(0);
  expect(changshaAfter.body).toEqual(changsha.body);

  await createEvent(u.csCounty, 'a reply under Changsha');
  const changshaLater = await gql(t, dashboard('430100'), undefined, ANONYMOUS_HEADERS);
  expect(changshaLater.headers.get('x-cache')).toBe('MISS');
  expect(received(changshaLater)).toBe(received(changsha) + 1);
});

test('credentialed answers are keyed by the credential’s scope and private', async () => {
  const q = '{ interactions(first: 1) { totalCount } }';
  const staff = await adminHeaders('430000');
  const a = await gql(t, q, undefined, staff);
  expect(a.body.errors).toBeUndefined();
  expect(a.headers.get('cache-control')).toBe('private, no-cache');
  const b = await gql(t, q, undefined, staff);
  expect(b.headers.get('x-cache')).toBe('HIT');
  expect(b.body).toEqual(a.body);
  // The public asking the same document sees no private rows: another key, another answer.
  const pub = await gql(t, q, undefined, ANONYMOUS_HEADERS);
  expect(pub.body.data.interactions.totalCount).toBe(0);
  expect(a.body.data.interactions.totalCount).toBeGreaterThan(0);
  // A bad credential is refused before the cache.
  const bad = await gql(t, q, undefined, { authorization: 'Bearer nope' });
  expect(bad.status).toBe(401);
});

test('mutations and errors are never cached; the bypass header skips the cache', async () => {
  const bypass = await gql(t, dashboard('430000'), undefined, { 'x-cache-bypass': '1' });
  expect(bypass.headers.get('x-cache')).toBe('BYPASS');
  expect(bypass.statements).toBeGreaterThan(0);
  const wrong = '{ unit(code: "430000", tenant: "430000") { stats(period: { year: 2024, quarter: 9 }) { interactions { received } } } }';
  const bad = await gql(t, wrong, undefined, ANONYMOUS_HEADERS);
  expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const bad2 = await gql(t, wrong, undefined, ANONYMOUS_HEADERS);
  expect(bad2.headers.get('x-cache')).not.toBe('HIT');
  expect(bad2.headers.get('cache-control')).toBe('no-store');
  expect(bad2.body).toEqual(bad.body);
});

test('figure objects have stable ids: same figures, same id, whatever the query', async () => {
  const q1 = await gqlData(t, `{ unit(code: "430100", tenant: "430000") { id stats(period: { year: 2024 }) { id interactions { id received byKind { id kind } } } own(period: { year: 2024 }) { id } } }`, undefined, ANONYMOUS_HEADERS);
  const q2 = await gqlData(t, `{ unit(code: "430100", tenant: "430000") { stats(period: { year: 2024 }) { id disputes { id lawsuits { id } } interactions { id replied } } } }`, undefined, ANONYMOUS_HEADERS);
  const s = q1.unit.stats;
  expect(s.id).toBe(`${q1.unit.id}:2024:SUBTREE`);
  expect(q1.unit.own.id).toBe(`${q1.unit.id}:2024:OWN`);
  expect(q2.unit.stats.id).toBe(s.id);
  expect(s.interactions.id).toBe(`${s.id}:interactions`);
  expect(q2.unit.stats.interactions.id).toBe(s.interactions.id);
  expect(q2.unit.stats.disputes.lawsuits.id).toBe(`${s.id}:disputes:lawsuits`);
  expect(s.interactions.byKind.length).toBeGreaterThan(0);
  for (const k of s.interactions.byKind) expect(k.id).toBe(`${s.id}:interactions:byKind:${k.kind}`);
});

test('automatic persisted queries: a GET with only the hash is answered, from the cache the second time', async () => {
  const query = '{ unit(code: "430000", tenant: "430000") { name } }';
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256').update(query).digest('hex');
  const ext = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
  const url = `${t.url}?extensions=${ext}`;
  const h = { 'apollo-require-preflight': 'true' };
  const miss = (await (await fetch(url, { headers: h })).json()) as any;
  // The message Apollo Client's and urql's persisted-query links look for.
  expect(miss.errors[0].message).toBe('PersistedQueryNotFound');
  expect(miss.errors[0].extensions.reason).toBe('PERSISTED_QUERY_NOT_FOUND');
  const reg = await fetch(`${url}&query=${encodeURIComponent(query)}`, { headers: h });
  expect(reg.status).toBe(200);
  const first = await fetch(url, { headers: h });
  expect(((await first.json()) as any).data.unit.name).toBeTruthy();
  const second = await fetch(url, { headers: h });
  expect(second.headers.get('x-sql-statements')).toBe('0');
  expect(second.headers.get('x-cache')).toBe('HIT');
});
