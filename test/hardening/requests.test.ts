import { SignJWT } from 'jose';
import { ANONYMOUS_HEADERS, adminHeaders, gql, gqlData, staffHeaders, startTestApp, TEST_JWT_SECRET, TestApp } from '../support/app';
import { firstError, LEAKS } from './support';
import { SqlTally, withSqlTally } from '../../src/db/sql-counter';

/**
 * Issue 14's requests on the default test server: bad input that reached SQL (4), credentials
 * without expiry (6), idempotency keys shared by a tenant (8), and the small leaks (11).
 */
let t: TestApp;
const ids: Record<string, string> = {};
const code = (r: { body: any }) => firstError(r)?.extensions?.code;
let countyB = '';

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  const u = await gqlData(t, '{ furong: unit(code: "430102") { id } changsha: unit(code: "430100") { id children(level: COUNTY) { code id } } }');
  ids.furong = u.furong.id;
  ids.shanxi = (await gqlData(t, '{ unit(code: "140000") { id } }', undefined, ANONYMOUS_HEADERS)).unit.id;
  const b = u.changsha.children.find((c: any) => c.code !== '430102');
  countyB = b.code;
  ids.countyB = b.id;
}, 180_000);
afterAll(async () => t?.close());

function expectBadInput(r: { status: number; body: any }, reason?: string) {
  expect(code(r)).toBe('BAD_USER_INPUT');
  if (reason) expect(firstError(r).extensions.reason).toBe(reason);
  expect(JSON.stringify(r.body)).not.toMatch(LEAKS);
  expect(JSON.stringify(r.body)).not.toContain('INTERNAL_SERVER_ERROR');
}

describe('4. bad input never becomes INTERNAL_SERVER_ERROR', () => {
  it('refuses a NUL byte in a variable, a search, a subject and an idempotency key', async () => {
    const anonymousUnit = await gql(t, 'query($c:String){unit(code:$c){code}}', { c: '\u0000' }, ANONYMOUS_HEADERS);
    expect(anonymousUnit.status).toBe(400);
    expectBadInput(anonymousUnit, 'NUL_CHARACTER');
    expect(firstError(anonymousUnit).extensions.field).toBe('variables.c');
    expectBadInput(await gql(t, '{ interactions(filter:{search:"a\\u0000"}){ totalCount } }'), 'NUL_CHARACTER');
    expectBadInput(await gql(t, '{ interactions(filter:{search:"a\\u0000"}){ totalCount } }', undefined, ANONYMOUS_HEADERS), 'NUL_CHARACTER');
    expectBadInput(await gql(t, 'query($s:String){ interactions(filter:{search:$s}){ totalCount } }', { s: 'a\u0000' }), 'NUL_CHARACTER');
    const before = (await gqlData(t, '{ interactions { totalCount } }')).interactions.totalCount;
    expectBadInput(
      await gql(t, 'mutation($s: String!, $u: ID!) { createInteraction(input: { tenant: "430000", unitId: $u, kind: MAILBOX, channel: MAILBOX_WEB, subject: $s, receivedAt: "2024-03-01T02:00:00Z" }) { id } }', { s: '咨询\u0000', u: ids.furong }),
      'NUL_CHARACTER',
    );
    expectBadInput(
      await gql(t, 'mutation($k: String!) { ingestInteractions(tenant: "430000", idempotencyKey: $k, rows: [{ unitCode: "430102", kind: MAILBOX, channel: PORTAL, subject: "咨询", receivedAt: "2024-03-01T02:00:00Z" }]) { accepted } }', { k: 'key\u0000' }),
      'NUL_CHARACTER',
    );
    expect((await gqlData(t, '{ interactions { totalCount } }')).interactions.totalCount).toBe(before);
  });

  it('refuses 51 bad values of a list variable as BAD_USER_INPUT (50 are reported one by one)', async () => {
    const q = 'query($p:[LagProblem!], $id: ID!){ laggingUnits(parentId:$id, period:{year:2024}, problems:$p){ centres } }';
    const fiftyOne = await gql(t, q, { p: Array(51).fill('X'), id: ids.furong }, ANONYMOUS_HEADERS);
    expect(fiftyOne.status).toBe(400);
    expectBadInput(fiftyOne, 'TOO_MANY_ERRORS');
    const fifty = await gql(t, q, { p: Array(50).fill('X'), id: ids.furong }, ANONYMOUS_HEADERS);
    expect(fifty.body.errors).toHaveLength(50);
    for (const e of fifty.body.errors!) expect(e.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('6. tokens must expire', () => {
  const sign = (f: (j: SignJWT) => SignJWT) =>
    f(new SignJWT({ tenant: '430000', unit: '430000', roles: ['ADMIN'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x')).sign(new TextEncoder().encode(TEST_JWT_SECRET));
  const now = () => Math.floor(Date.now() / 1000);
  const asToken = async (token: Promise<string>) => gql(t, '{ today }', undefined, { authorization: `Bearer ${await token}` });

  it('refuses a correctly signed token without exp, one living longer than the maximum, and one issued in the future', async () => {
    for (const [token, message] of [
      [sign((j) => j.setIssuedAt()), /exp|invalid/],
      [sign((j) => j.setIssuedAt().setExpirationTime('30d')), /longer/],
      [sign((j) => j.setIssuedAt(now() + 3600).setExpirationTime(now() + 7200)), /future/],
    ] as const) {
      const r = await asToken(token);
      expect([r.status, code(r)]).toEqual([401, 'UNAUTHENTICATED']);
      expect(firstError(r).message).toMatch(message);
    }
  });

  it('tolerates a bounded clock skew: 30 s past exp passes, 10 minutes does not', async () => {
    expect((await asToken(sign((j) => j.setIssuedAt(now() - 600).setExpirationTime(now() - 30)))).status).toBe(200);
    expect((await asToken(sign((j) => j.setIssuedAt(now() - 1200).setExpirationTime(now() - 600)))).status).toBe(401);
  });
});

describe('8. idempotency keys belong to the unit of the credential', () => {
  const INGEST = 'mutation($k: String!, $rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "430000", idempotencyKey: $k, rows: $rows) { accepted replayed ids } }';
  const rows = (unitCode: string) => [1, 2].map((i) => ({ unitCode, kind: 'MAILBOX', channel: 'PORTAL', subject: `咨询 ${i}`, receivedAt: '2024-03-01T02:00:00Z' }));

  it('lets a sibling county use the same key for its own rows, and never replays another unit’s result', async () => {
    const a = await staffHeaders({ tenant: '430000', unit: '430102', roles: ['ADMIN'], sub: 'county-a' });
    const b = await staffHeaders({ tenant: '430000', unit: countyB, roles: ['ADMIN'], sub: 'county-b' });
    const first = (await gqlData(t, INGEST, { k: 'daily-2024-03-01', rows: rows('430102') }, a)).ingestInteractions;
    expect(first).toMatchObject({ accepted: 2, replayed: false });
    expect((await gqlData(t, INGEST, { k: 'daily-2024-03-01', rows: rows('430102') }, a)).ingestInteractions).toEqual({ ...first, replayed: true });

    // The sibling, same key, its own rows: written, not IDEMPOTENCY_KEY_REUSED.
    const sibling = (await gqlData(t, INGEST, { k: 'daily-2024-03-01', rows: rows(countyB) }, b)).ingestInteractions;
    expect(sibling).toMatchObject({ accepted: 2, replayed: false });
    expect(sibling.ids).not.toEqual(first.ids);

    // The sibling replaying the first county's exact payload gets no ids of it: those units are not its own.
    const replay = await gql(t, INGEST, { k: 'daily-2024-03-01-b', rows: rows('430102') }, b);
    expect(code(replay)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(replay.body)).not.toContain(first.ids[0]);

    // An API key of the sibling with only INGEST_INTERACTIONS, same key and payload: the same.
    const key = (await gqlData(t, `mutation { createApiKey(input: { unitId: "${ids.countyB}", name: "ingest only", scopes: [INGEST_INTERACTIONS] }) { key } }`)).createApiKey.key;
    const byKey = await gql(t, INGEST, { k: 'daily-2024-03-01', rows: rows('430102') }, { 'x-api-key': key });
    expect(code(byKey)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(byKey.body)).not.toContain(first.ids[0]);
  });
});

describe('11. duplicates across subtrees and tenants', () => {
  const CREATE = 'mutation($u: ID!, $t: String!) { createInteraction(input: { tenant: $t, unitId: $u, kind: MAILBOX, channel: MAILBOX_WEB, subject: "重复咨询", receivedAt: "2024-03-01T02:00:00Z" }) { id } }';

  it('shows duplicateOfId only to a reader who may see that event', async () => {
    const original = (await gqlData(t, CREATE, { u: ids.furong, t: '430000' })).createInteraction.id;
    const copy = (await gqlData(t, CREATE, { u: ids.countyB, t: '430000' })).createInteraction.id;
    await gqlData(t, `mutation { markDuplicateInteraction(id: "${copy}", duplicateOfId: "${original}") { id } }`);
    const READ = `{ interaction(id: "${copy}") { status duplicateOfId duplicateOf { id } } }`;
    expect((await gqlData(t, READ)).interaction).toEqual({ status: 'DUPLICATE', duplicateOfId: original, duplicateOf: { id: original } });
    const b = await staffHeaders({ tenant: '430000', unit: countyB, roles: ['VIEWER'], sub: 'county-b-viewer' });
    expect((await gqlData(t, READ, undefined, b)).interaction).toEqual({ status: 'DUPLICATE', duplicateOfId: null, duplicateOf: null });
  });

  it('refuses, in the database, duplicate_of pointing at another tenant’s event', async () => {
    const shanxiAdmin = await adminHeaders('140000');
    const foreign = (await gqlData(t, CREATE, { u: ids.shanxi, t: '140000' }, shanxiAdmin)).createInteraction.id;
    const local = (await gqlData(t, CREATE, { u: ids.furong, t: '430000' })).createInteraction.id;
    const conn = t.app.db.orm.em.fork().getConnection();
    await expect(conn.execute(`update interaction_event set duplicate_of = ?, status = 'DUPLICATE' where id = ?`, [foreign, local])).rejects.toThrow(/duplicate_of must name an event of tenant/);
    const [row] = await conn.execute(`select duplicate_of from interaction_event where id = ?`, [local]);
    expect(row.duplicate_of).toBeNull();
    // The same tenant's event is accepted by the guard.
    const sibling = (await gqlData(t, CREATE, { u: ids.countyB, t: '430000' })).createInteraction.id;
    await conn.execute(`update interaction_event set duplicate_of = ?, status = 'DUPLICATE' where id = ?`, [sibling, local]);
  });
});

describe('statements per request', () => {
  it('refuses the statement beyond the request\'s cap, as BAD_USER_INPUT', async () => {
    const tally: SqlTally = { statements: 0, maxStatements: 3, caller: 'test:cap' };
    const conn = t.app.db.orm.em.fork().getConnection();
    const run = () => withSqlTally(tally, () => conn.execute('select 1 as one'));
    for (let i = 0; i < 3; i++) expect(await run()).toEqual([{ one: 1 }]);
    await expect(run()).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'MAX_STATEMENTS', maxStatements: 3 } });
    expect(tally.statements).toBe(3);
  });
});
