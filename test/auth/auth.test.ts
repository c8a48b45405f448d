import { SignJWT } from 'jose';
import { adminHeaders, ANONYMOUS_HEADERS, gql, gqlData, staffHeaders, startTestApp, TestApp, TEST_JWT_SECRET } from '../support/app';

/**
 * Authentication (bearer tokens, API keys), permissions by role and scope, and the limits, through
 * the real server. Every limit is tested by a request that exceeds it.
 */
let t: TestApp;
const ids: Record<string, string> = {};
const sql = (q: string, p: unknown[] = []) => t.app.db.orm.em.fork().getConnection().execute(q, p);

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02, env: { MAX_DEPTH: '8', MAX_COST: '5000', MAX_BATCH: '3', RATE_LIMIT_PER_KEY: '40' } });
  const u = await gqlData(t, '{ furong: unit(code: "430102") { id } changsha: unit(code: "430100") { id } zhuzhou: unit(code: "430200") { id } }');
  Object.assign(ids, u.furong ? { furong: u.furong.id, changsha: u.changsha.id, zhuzhou: u.zhuzhou.id } : {});
}, 180_000);
afterAll(async () => t?.close());

const code = (res: { body: any }) => res.body.errors?.[0]?.extensions?.code;
const EVENT = (unitId: string) =>
  `mutation { createInteraction(input: { tenant: "430000", unitId: "${unitId}", kind: MAILBOX, channel: MAILBOX_WEB, subject: "咨询", receivedAt: "2024-03-01T02:00:00Z", requesterName: "王五" }) { id requesterName } }`;

describe('who is asking', () => {
  it('the public reads public data without credentials, and cannot write', async () => {
    expect((await gqlData(t, '{ unit(code: "430102") { name } }', undefined, ANONYMOUS_HEADERS)).unit.name).toMatch(/芙蓉区/);
    const res = await gql(t, EVENT(ids.furong), undefined, ANONYMOUS_HEADERS);
    expect(code(res)).toBe('UNAUTHENTICATED');
    expect(res.body.data).toBeNull();
  });

  it('an expired, malformed, forged or unknown credential is UNAUTHENTICATED (401), never anonymous', async () => {
    const expired = await staffHeaders({ tenant: '430000', roles: ['ADMIN'], expiresIn: Math.floor(Date.now() / 1000) - 600 }); // beyond the clock skew allowed (AUTH_CLOCK_SKEW_S)
    const forged = {
      authorization: `Bearer ${await new SignJWT({ tenant: '430000', unit: '430000', roles: ['ADMIN'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'))}`,
    };
    const noRoles = { authorization: `Bearer ${await new SignJWT({ tenant: '430000', unit: '430000', roles: ['ROOT'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1h').sign(new TextEncoder().encode(TEST_JWT_SECRET))}` };
    const unknownUnit = await staffHeaders({ tenant: '430000', unit: '999999', roles: ['ADMIN'] });
    const cases: [string, Record<string, string>, RegExp][] = [
      ['expired', expired, /expired/],
      ['malformed', { authorization: 'Bearer not.a.jwt' }, /invalid/],
      ['not bearer', { authorization: 'Basic abc' }, /Bearer/],
      ['forged', forged, /invalid/],
      ['unknown role', noRoles, /roles/],
      ['unknown unit', unknownUnit, /does not exist/],
      ['malformed key', { 'x-api-key': 'edk_nope' }, /malformed/],
      ['unknown key', { 'x-api-key': `edk_0123456789ab_${'A'.repeat(43)}` }, /unknown or revoked/],
      ['both', { ...expired, 'x-api-key': 'edk_x' }, /not both/],
    ];
    for (const [name, headers, message] of cases) {
      const res = await gql(t, '{ unit(code: "430102") { name } }', undefined, headers);
      expect([name, res.status, code(res)]).toEqual([name, 401, 'UNAUTHENTICATED']);
      expect(res.body.errors![0].message).toMatch(message);
      expect(res.body.data ?? null).toBeNull();
    }
  });

  it('roles decide what staff may do, the subtree where', async () => {
    const viewer = await staffHeaders({ tenant: '430000', unit: '430102', roles: ['VIEWER'] });
    expect(code(await gql(t, EVENT(ids.furong), undefined, viewer))).toBe('FORBIDDEN');
    const editor = await staffHeaders({ tenant: '430000', unit: '430100', roles: ['EDITOR'] });
    const made = await gql(t, EVENT(ids.furong), undefined, editor); // Furong is in Changsha's subtree
    expect(made.body.errors).toBeUndefined();
    expect(made.body.data.createInteraction.requesterName).toBe('王五'); // and its personal data is theirs to see
    const outside = await gql(t, EVENT(ids.zhuzhou), undefined, editor);
    expect(outside.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.unitId' });
    // Reviewing is the reviewers'; tenant settings are the province ADMIN's.
    expect(code(await gql(t, 'mutation { publishDisclosureItem(id: "00000000-0000-4000-8000-000000000000", reviewer: "x") { id } }', undefined, editor))).toBe('FORBIDDEN');
    const countyAdmin = await staffHeaders({ tenant: '430000', unit: '430102', roles: ['ADMIN'] });
    expect(code(await gql(t, 'mutation { setReplyRule(tenant: "430000", kind: HOTLINE, workingDays: 1) { kind } }', undefined, countyAdmin))).toBe('FORBIDDEN');
    expect(code(await gql(t, 'mutation { setReplyRule(tenant: "430000", kind: HOTLINE, workingDays: 1) { kind } }', undefined, await adminHeaders()))).toBeUndefined();
    // Staff see their own tenant only, even its public units.
    expect((await gqlData(t, '{ unit(code: "140000") { name } }', undefined, editor)).unit).toBeNull();
  });
});

describe('API keys', () => {
  const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id prefix name scopes createdBy revokedAt lastUsedAt unit { code } } } }`;

  it('are created by ADMINs, shown once, stored as a hash, scoped to a subtree, recorded when used, and revoked', async () => {
    const editor = await staffHeaders({ tenant: '430000', unit: '430100', roles: ['EDITOR', 'REVIEWER'] });
    expect(code(await gql(t, CREATE, { input: { unitId: ids.changsha, name: 'x', scopes: ['READ'] } }, editor))).toBe('FORBIDDEN');
    const countyAdmin = await staffHeaders({ tenant: '430000', unit: '430102', roles: ['ADMIN'] });
    const above = await gql(t, CREATE, { input: { unitId: ids.changsha, name: 'x', scopes: ['READ'] } }, countyAdmin);
    expect(above.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.unitId' }); // above the admin's unit

    const created = (await gqlData(t, CREATE, { input: { unitId: ids.changsha, name: '长沙市门户', scopes: ['READ', 'INGEST_INTERACTIONS'] } })).createApiKey;
    expect(created.key).toMatch(/^edk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({ name: '长沙市门户', scopes: ['READ', 'INGEST_INTERACTIONS'], createdBy: 'user:test-430000@430000', revokedAt: null, lastUsedAt: null, unit: { code: '430100' } });
    const [row] = await sql('select hash, prefix from api_key where id = ?', [created.apiKey.id]);
    expect(row.prefix).toBe(created.apiKey.prefix);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await sql('select * from api_key'))).not.toContain(created.key.split('_').slice(2).join('_')); // the secret is nowhere

    const key = { 'x-api-key': created.key };
    // It writes events in its subtree, not outside, and nothing else.
    const ingest = (unitCode: string, k: string) =>
      gql(t, `mutation { ingestInteractions(tenant: "430000", idempotencyKey: "${k}", rows: [{ unitCode: "${unitCode}", kind: MAILBOX, channel: MAILBOX_WEB, subject: "接口", receivedAt: "2024-03-02T02:00:00Z" }]) { accepted } }`, undefined, key);
    expect((await ingest('430102', 'k1')).body.data.ingestInteractions.accepted).toBe(1);
    const outside = await ingest('430200', 'k2');
    expect(outside.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rows.0.unitCode' });
    expect(code(await gql(t, `mutation { createCentre(input: { unitId: "${ids.furong}", kind: POINT, name: "x" }) { id } }`, undefined, key))).toBe('FORBIDDEN');
    // With READ it reads the subtree's events and their personal data, and nothing of other subtrees.
    const events = await gqlData(t, `{ a: interactions(filter: { unitId: "${ids.furong}" }) { totalCount edges { node { requesterName } } } b: interactions(filter: { unitId: "${ids.zhuzhou}", subtree: true }) { totalCount } }`, undefined, key);
    expect(events.a.totalCount).toBeGreaterThanOrEqual(2);
    expect(events.a.edges.map((e: any) => e.node.requesterName)).toContain('王五');
    expect(events.b.totalCount).toBe(0);

    const listed = (await gqlData(t, '{ apiKeys { id prefix lastUsedAt } }')).apiKeys;
    expect(listed.find((k: any) => k.id === created.apiKey.id).lastUsedAt).not.toBeNull();
    // A county ADMIN lists only the keys of its own subtree.
    expect((await gqlData(t, '{ apiKeys { id } }', undefined, countyAdmin)).apiKeys.map((k: any) => k.id)).not.toContain(created.apiKey.id);
    expect(code(await gql(t, `mutation { revokeApiKey(id: "${created.apiKey.id}") { id } }`, undefined, countyAdmin))).toBe('NOT_FOUND');

    const revoked = (await gqlData(t, `mutation { revokeApiKey(id: "${created.apiKey.id}") { revokedAt } }`)).revokeApiKey;
    expect(revoked.revokedAt).not.toBeNull();
    const after = await gql(t, '{ today }', undefined, key);
    expect([after.status, code(after)]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await gqlData(t, '{ apiKeys { id } }')).apiKeys.map((k: any) => k.id)).not.toContain(created.apiKey.id);
    expect((await gqlData(t, '{ apiKeys(includeRevoked: true) { id } }')).apiKeys.map((k: any) => k.id)).toContain(created.apiKey.id);
  });

  it('are rate limited per key: RATE_LIMITED with Retry-After', async () => {
    const { key } = (await gqlData(t, `mutation { createApiKey(input: { unitId: "${ids.changsha}", name: "busy", scopes: [READ] }) { key } }`)).createApiKey;
    let limited: Awaited<ReturnType<typeof gql>> | null = null;
    for (let i = 0; i < 41 && !limited; i++) {
      const res = await gql(t, '{ today }', undefined, { 'x-api-key': key });
      if (res.status === 429) limited = res;
    }
    expect(limited).not.toBeNull();
    expect(code(limited!)).toBe('RATE_LIMITED');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another key, and the same caller without it, are not affected.
    expect((await gql(t, '{ today }', undefined, ANONYMOUS_HEADERS)).status).toBe(200);
  });
});

describe('limits', () => {
  it('refuses an operation deeper than MAX_DEPTH', async () => {
    const deep = '{ unit(code: "430102") { parent { parent { parent { parent { parent { parent { parent { parent { code } } } } } } } } } }';
    const res = await gql(t, deep);
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0].message).toMatch(/depth/);
    expect((await gql(t, '{ unit(code: "430102") { parent { parent { code } } } }')).body.errors).toBeUndefined();
  });

  it('refuses an operation costlier than MAX_COST, pricing lists by their first', async () => {
    const res = await gql(t, '{ units(first: 500) { edges { node { code name children { code name level } centres { name } } } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MAX_COST', maxCost: 5000 });
    expect(res.body.errors![0].extensions!.cost).toBeGreaterThan(5000);
    expect((await gql(t, '{ units(first: 50) { edges { node { code name } } } }')).body.errors).toBeUndefined();
  });

  it('refuses first above MAX_PAGE_SIZE, naming the argument', async () => {
    const res = await gql(t, '{ units(first: 501) { totalCount } }');
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('caps the operations of a batched request, and refuses batched mutations', async () => {
    const post = (body: unknown) => fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body: JSON.stringify(body) });
    const three = await post([{ query: '{ today }' }, { query: '{ today }' }, { query: '{ tenants { code } }' }]);
    expect(three.status).toBe(200);
    expect(((await three.json()) as any[]).map((r) => Object.keys(r.data))).toEqual([['today'], ['today'], ['tenants']]);
    const four = await post([{ query: '{ today }' }, { query: '{ today }' }, { query: '{ today }' }, { query: '{ today }' }]);
    expect(four.status).toBe(400);
    expect(((await four.json()) as any).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MAX_BATCH', maxBatch: 3 });
    const before = (await sql('select count(*)::int as n from centre'))[0].n;
    const mixed = (await (await post([{ query: '{ today }' }, { query: `mutation { createCentre(input: { unitId: "${ids.furong}", kind: POINT, name: "批量" }) { id } }` }])).json()) as any[];
    expect(mixed[1].errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'BATCHED_MUTATION' });
    expect((await sql('select count(*)::int as n from centre'))[0].n).toBe(before);
  });

  it('hides stack traces and SQL outside development', async () => {
    const res = await gql(t, '{ disclosureItems(filter: { search: "x" }, after: "!!!") { totalCount } }');
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+|select |stacktrace/i);
  });

  it('applies a statement timeout to the PostgreSQL pool', async () => {
    if (t.store !== 'postgres') return; // the embedded store is one single-threaded session: not applied
    const limited = await startTestApp({ seedScale: 0.02, env: { STATEMENT_TIMEOUT_MS: '200', SEED_ON_EMPTY: 'false' } });
    try {
      await expect(limited.app.db.orm.em.fork().getConnection().execute('select pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    } finally {
      await limited.close();
    }
  });
});

describe('limits per client address, introspection switched off', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await startTestApp({ seedScale: 0.02, as: null, env: { RATE_LIMIT_PER_IP: '5', INTROSPECTION: 'false', SEED_ON_EMPTY: 'false' } });
  }, 180_000);
  afterAll(async () => small?.close());

  it('answers RATE_LIMITED with Retry-After once an address exceeds its requests per minute', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof gql>> | null = null;
    for (let i = 0; i < 6; i++) {
      last = await gql(small, '{ today }');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(code(last!)).toBe('RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts a request once, whichever route group it passes through', async () => {
    const once = await startTestApp({ seedScale: 0.02, as: null, env: { RATE_LIMIT_PER_IP: '3', SEED_ON_EMPTY: 'false' } });
    try {
      // The final 404 sits behind every route group, each with the address limit in front.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${once.base}/no-such-route`)).status);
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await once.close();
    }
  });

  it('serves neither introspection nor the explorer when INTROSPECTION=false', async () => {
    const other = await startTestApp({ seedScale: 0.02, as: null, env: { INTROSPECTION: 'false', SEED_ON_EMPTY: 'false' } });
    try {
      const res = await gql(other, '{ __schema { queryType { name } } }');
      expect(res.body.errors?.[0]?.message).toMatch(/introspection/i);
      // The explorer page is served where introspection is on (the main test server), not here.
      const on = await fetch(t.url, { headers: { accept: 'text/html' } });
      expect([on.status, on.headers.get('content-type')]).toEqual([200, expect.stringMatching(/text\/html/)]);
      const off = await fetch(other.url, { headers: { accept: 'text/html' } });
      expect(off.headers.get('content-type')).not.toMatch(/text\/html/);
    } finally {
      await other.close();
    }
  }, 180_000);
});
