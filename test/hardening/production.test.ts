import { gql, staffHeaders, startTestApp, TestApp } from '../support/app';
import { loadConfig } from '../../src/config';
import { bulkEvents, firstError, LEAKS, post } from './support';

/**
 * Issue 14's requests against a production-mode server (NODE_ENV=production, INTROSPECTION unset),
 * as the public unless said otherwise: the cost bypass (1), pricing of database work and the pool
 * exhaustion (2), the 500s (3), size before authentication (5) and schema exposure (7).
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02, as: null, env: { NODE_ENV: 'production', TRUST_PROXY: 'true' } });
  await bulkEvents(t, 5_000);
}, 240_000);
afterAll(async () => t?.close());

const from = (address: string) => ({ 'x-forwarded-for': address });
const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

function expectRefused(r: { status: number; body: any; text: string }, reason?: RegExp) {
  expect(r.status).toBe(400);
  expect(firstError(r)?.extensions?.code).toBe('BAD_USER_INPUT');
  if (reason) expect(String(firstError(r)?.extensions?.reason)).toMatch(reason);
  expect(r.body.data ?? null).toBeNull();
  expect(r.text).not.toMatch(LEAKS);
}

const UNITS = 'units(first:500){edges{node{code name ancestors{code} children{code}}}}';
const fanOut = (spread: (i: number) => string) =>
  ['fragment P0 on OrgUnit{code}', ...Array.from({ length: 9 }, (_, k) => `fragment P${k + 1} on OrgUnit{ ${spread(k)} }`)].join('\n');

describe('1. the cost limit cannot be bypassed', () => {
  it('refuses the 20 × units(first: 500) request padded with a fragment fan-out (and without the pad)', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: ${UNITS}`).join(' ');
    const fragments = fanOut((k) => `q0: parent{...P${k}} q1: parent{...P${k}} q2: parent{...P${k}}`);
    const padded = await post(t, json(`{ ${aliases} pad: unit(code:"2430102001"){...P9} }\n${fragments}`));
    expectRefused(padded, /MAX_ALIASES|GRAPHQL_VALIDATION_FAILED|MAX_COST/);
    const plain = await post(t, json(`{ ${aliases} }`));
    expectRefused(plain, /MAX_COST/);
    expect(firstError(plain).extensions.cost).toBeGreaterThan(50_000);
  });

  it('refuses fragment fan-outs without aliases (4^10 and 6^8 selections)', async () => {
    const four = ['fragment F0 on OrgUnit{code}', ...Array.from({ length: 10 }, (_, k) => `fragment F${k + 1} on OrgUnit{ parent{...F${k}} children{...F${k}} ancestors{...F${k}} ...on OrgUnit{ parent{ ...F${k} } } }`)].join('\n');
    expectRefused(await post(t, json(`{ unit(code:"430000"){ ...F10 } }\n${four}`)));
    const six = ['fragment S0 on OrgUnit{code}', ...Array.from({ length: 8 }, (_, k) => `fragment S${k + 1} on OrgUnit{ parent{...S${k}} children{...S${k}} ancestors{...S${k}} p2: parent{...S${k}} c2: children{...S${k}} a2: ancestors{...S${k}} }`)].join('\n');
    expectRefused(await post(t, json(`{ unit(code:"430000"){ ...S8 } }\n${six}`)));
  });
});

describe('2. the cost model prices database work', () => {
  const SEARCH = (n: number) => Array.from({ length: n }, (_, i) => `s${i}: interactions(first:1, filter:{search:"zz${i}"}){ totalCount }`).join(' ');

  it('refuses 200 aliases of a searched totalCount; prices one at a search plus a count', async () => {
    expectRefused(await post(t, json(`{ ${SEARCH(200)} }`)), /MAX_ALIASES/);
    const over = await post(t, json(`{ ${SEARCH(48)} }`));
    expectRefused(over, /MAX_COST/);
    expect(firstError(over).extensions.cost).toBe(48 * (1 + 1_000 + 50 + 1));
  });

  it('under the pool-exhaustion attack a concurrent public query is answered and /health stays 200', async () => {
    const admin = await staffHeaders({ tenant: '430000', roles: ['ADMIN'], sub: 'attacker' });
    const finished: string[] = [];
    // Three requests of 45 searched counts each (the most the cost allows) from one caller, at once.
    const attack = Promise.all(
      Array.from({ length: 3 }, () => post(t, json(`{ ${SEARCH(45)} }`), { ...admin, ...from('10.0.0.1') })),
    ).then((rs) => {
      finished.push('attack');
      return rs;
    });
    await new Promise((r) => setTimeout(r, 200));
    const [victim, health] = await Promise.all([
      post(t, json('{unit(code:"430100"){name}}'), from('10.0.0.2')).then((r) => (finished.push('victim'), r)),
      fetch(`${t.base}/health`).then(async (r) => (finished.push('health'), { status: r.status, body: (await r.json()) as any })),
    ]);
    expect(victim.status).toBe(200);
    expect(victim.body).toEqual({ data: { unit: { name: expect.stringMatching(/长沙/) } } });
    expect(health).toMatchObject({ status: 200, body: { database: 'up' } });
    const attacked = await attack;
    // The attack was served (not refused by the cost); on a saturated machine the attacker's own
    // statements may time out in its own queue (DATABASE_BUSY, 503) — never anything else.
    for (const r of attacked) {
      for (const e of r.body.errors ?? []) expect(e.extensions.reason).toBe('DATABASE_BUSY');
    }
    // The others did not wait for it to end.
    expect(finished.indexOf('victim')).toBeLessThan(finished.indexOf('attack'));
    expect(finished.indexOf('health')).toBeLessThan(finished.indexOf('attack'));
  }, 180_000);
});

describe('3. no HTTP 500 from a document', () => {
  it('refuses a fragment that spreads itself', async () => {
    expectRefused(await post(t, json('query { unit(code: "430000") { ...A } } fragment A on OrgUnit { code ...A }')));
  });

  it('refuses 900k __typename fields: by size from the public, by tokens from a writer', async () => {
    const huge = json(`{ ${'__typename '.repeat(900_000)}}`);
    const anonymous = await post(t, huge);
    expect(anonymous.status).toBe(413);
    expect(firstError(anonymous).extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'BODY_TOO_LARGE' });
    const admin = await staffHeaders({ tenant: '430000', roles: ['ADMIN'] });
    expectRefused(await post(t, json(`{ ${'__typename '.repeat(500_000)}}`), admin));
    const tokens = await post(t, json(`{ ${'__typename '.repeat(500_000)}}`), admin);
    expect(firstError(tokens).message).toMatch(/token/i);
  });
});

describe('5. size before authentication', () => {
  const rows = (n: number, pad = 0) => Array.from({ length: n }, (_, i) => ({ unitCode: '430000', kind: 'MAILBOX', channel: 'PORTAL', subject: `咨询 ${i} ${'x'.repeat(pad)}`, receivedAt: '2024-03-01T02:00:00Z' }));
  const INGEST = 'mutation($rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "430000", idempotencyKey: "big", rows: $rows) { accepted } }';

  it('refuses an anonymous 17.7 MB ingest from its size, and a bad credential before its body', async () => {
    const body = json(INGEST, { rows: rows(60_000, 200) });
    expect(body.length).toBeGreaterThan(17_000_000);
    const anonymous = await post(t, body);
    expect(anonymous.status).toBe(413);
    expect(firstError(anonymous).extensions).toMatchObject({ reason: 'BODY_TOO_LARGE', limit: 64 * 1024 });
    const forged = await post(t, body, { authorization: 'Bearer not.a.jwt' });
    expect(forged.status).toBe(401);
    expect(firstError(forged).extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a 100 KB body from the public and from a read-only credential; a writer may send more', async () => {
    const pad = json(`{ today }`, { pad: 'x'.repeat(100_000) });
    expect((await post(t, pad)).status).toBe(413);
    const viewer = await staffHeaders({ tenant: '430000', roles: ['VIEWER'] });
    expect((await post(t, pad, viewer)).status).toBe(413);
    const editor = await staffHeaders({ tenant: '430000', roles: ['EDITOR'] });
    const ok = await post(t, pad, editor);
    expect(ok.status).toBe(200);
    expect(ok.body.data.today).toMatch(/^\d{4}-\d\d-\d\d$/);
  });
});

describe('7. schema exposure in production', () => {
  it('has introspection, the explorer and field suggestions off', async () => {
    const intro = await gql(t, '{ __schema { types { name } } }', undefined, {});
    expect(intro.status).toBe(400);
    expect(intro.body.data ?? null).toBeNull();
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).not.toMatch(/html/);
    expect(await page.text()).not.toMatch(/<html|sandbox|explorer/i);
    const typo = await gql(t, '{ interactions { edges { node { requesterNam } } } }', undefined, {});
    expect(typo.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(typo.body.errors![0].message).not.toMatch(/Did you mean|requesterName/);
  });

  it('decides the default from NODE_ENV as the operator set it: on for the quick start, off in production', () => {
    expect(loadConfig({}, false).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }, false).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }, false).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }, false).introspection).toBe(true);
    expect(loadConfig({ INTROSPECTION: 'false' }, false).introspection).toBe(false);
  });
});
