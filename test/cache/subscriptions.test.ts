import WebSocket from 'ws';
import { createClient, Client } from 'graphql-ws';
import { adminHeaders, gql, gqlData, staffHeaders, startTestApp, TestApp } from '../support/app';
import { pruneItemPublications } from '../../src/subscriptions/live';

/**
 * Subscriptions over graphql-ws on the server's own port and path (issue 15): statsChanged sends
 * the new figures after a write under the unit, coalesced per interval and computed once per group
 * of identical subscriptions; itemPublished sends published items of a subtree; the caller's scope,
 * the query limits and the caps apply.
 */
let t: TestApp;
const u: Record<string, string> = {};
const clients: Client[] = [];
const INTERVAL = 700;

function connect(connectionParams: Record<string, unknown> = {}, onClose?: (code: number) => void): Client {
  const c = createClient({
    url: t.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (e) => onClose?.((e as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  clients.push(c);
  return c;
}

interface Stream {
  messages: { at: number; value: any }[];
  errors: any[];
  done: boolean;
  stop: () => void;
}

function subscribe(c: Client, query: string, variables: Record<string, unknown> = {}): Stream {
  const s: Stream = { messages: [], errors: [], done: false, stop: () => undefined };
  s.stop = c.subscribe(
    { query, variables },
    {
      next: (value) => s.messages.push({ at: Date.now(), value }),
      error: (err) => {
        s.errors.push(err);
        s.done = true;
      },
      complete: () => (s.done = true),
    },
  );
  return s;
}

async function until(cond: () => boolean, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const STATS = `subscription($unitId: ID!) { statsChanged(unitId: $unitId, period: { year: 2024 }) { id interactions { received } } }`;

async function createEvent(unitId: string) {
  const res = await gql(
    t,
    `mutation { createInteraction(input: { tenant: "430000", unitId: "${unitId}", kind: MAILBOX, channel: MAILBOX_WEB, subject: "s", receivedAt: "2024-03-01T02:00:00Z" }) { id } }`,
    undefined,
    await adminHeaders('430000'),
  );
  expect(res.body.errors).toBeUndefined();
}

beforeAll(async () => {
  t = await startTestApp({
    seedScale: 0.05,
    as: null,
    env: { SUBSCRIPTION_INTERVAL_MS: String(INTERVAL), MAX_SUBSCRIPTIONS_PER_CONNECTION: '60', SUBSCRIPTION_RECHECK_MS: '300', AUTH_CLOCK_SKEW_S: '0' },
  });
  const d = await gqlData(t, '{ hn: unit(code: "430000", tenant: "430000") { id } cs: unit(code: "430100", tenant: "430000") { id children { id } } zz: unit(code: "430200", tenant: "430000") { id } }');
  u.hn = d.hn.id;
  u.cs = d.cs.id;
  u.csCounty = d.cs.children[0].id;
  u.zz = d.zz.id;
}, 300_000);

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

test('a write under a county reaches a province subscriber; identical subscriptions share one computation', async () => {
  const a = connect();
  const b = connect();
  const streams = [...Array.from({ length: 25 }, () => subscribe(a, STATS, { unitId: u.hn })), ...Array.from({ length: 25 }, () => subscribe(b, STATS, { unitId: u.hn }))];
  const city = subscribe(a, STATS, { unitId: u.zz });
  await until(() => t.app.server.subscriptionGroups() === 2);
  const before = await gqlData(t, `{ unit(id: "${u.hn}") { stats(period: { year: 2024 }) { interactions { received } } } }`);
  // The first message of every subscriber is the figures as they are.
  await until(() => [...streams, city].every((s) => s.messages.length === 1));
  for (const s of streams) expect(s.messages[0].value.data.statsChanged.interactions.received).toBe(before.unit.stats.interactions.received);

  await createEvent(u.csCounty);
  await until(() => streams.every((s) => s.messages.length >= 2));
  for (const s of streams) {
    expect(s.messages[1].value.data.statsChanged.interactions.received).toBe(before.unit.stats.interactions.received + 1);
    expect(s.messages[1].value.data.statsChanged.id).toBe(`${u.hn}:2024:SUBTREE`);
  }
  // 50 subscribers of the same unit and period: one group (plus Zhuzhou's).
  expect(t.app.server.subscriptionGroups()).toBe(2);
  // Zhuzhou's figures did not change: nothing sent there.
  await new Promise((r) => setTimeout(r, INTERVAL + 300));
  expect(city.messages).toHaveLength(1);
  for (const s of [...streams, city]) s.stop();
  await until(() => t.app.server.subscriptionGroups() === 0);
});

test('changes are coalesced: at most one message per interval', async () => {
  const c = connect();
  const s = subscribe(c, STATS, { unitId: u.cs });
  await until(() => t.app.server.subscriptionGroups() === 1);
  const before = await gqlData(t, `{ unit(id: "${u.cs}") { stats(period: { year: 2024 }) { interactions { received } } } }`);
  for (let i = 0; i < 4; i++) await createEvent(u.csCounty);
  await until(() => s.messages.at(-1)?.value.data.statsChanged.interactions.received === before.unit.stats.interactions.received + 4);
  expect(s.messages.length).toBeLessThanOrEqual(5);
  // After the first message (the figures at subscribing), one per interval at most.
  expect(s.messages.length).toBeGreaterThanOrEqual(2);
  for (let i = 2; i < s.messages.length; i++) expect(s.messages[i].at - s.messages[i - 1].at).toBeGreaterThanOrEqual(INTERVAL - 50);
  s.stop();
});

test('itemPublished sends items published under the unit, not elsewhere', async () => {
  const c = connect();
  const q = `subscription($unitId: ID!) { itemPublished(unitId: $unitId, subtree: true) { title status unit { code } } }`;
  const cs = subscribe(c, q, { unitId: u.cs });
  const zz = subscribe(c, q, { unitId: u.zz });
  await until(() => t.app.server.subscriptionGroups() === 2);
  const ingest = await gql(
    t,
    `mutation($rows: [DisclosureIngestRow!]!) { ingestDisclosures(tenant: "430000", idempotencyKey: "sub-items-1", rows: $rows) { accepted } }`,
    { rows: [{ unitCode: '430100', title: 'published under Changsha', categoryCode: 'NEWS', channels: ['DEPARTMENT_PORTAL'], status: 'PUBLISHED' }, { unitCode: '430100', title: 'a draft', categoryCode: 'NEWS', channels: ['DEPARTMENT_PORTAL'], status: 'DRAFT' }] },
    await adminHeaders('430000'),
  );
  expect(ingest.body.errors).toBeUndefined();
  await until(() => cs.messages.length >= 1);
  await new Promise((r) => setTimeout(r, INTERVAL));
  expect(cs.messages.map((m) => m.value.data.itemPublished.title)).toEqual(['published under Changsha']);
  expect(zz.messages).toHaveLength(0);
  cs.stop();
  zz.stop();
});

test('scope, limits and caps apply to subscriptions', async () => {
  // Staff of Hubei cannot see Hunan's units: NOT_FOUND, the subscription ends.
  const hubei = connect(await staffHeaders({ tenant: '420000', roles: ['VIEWER'] }));
  const other = subscribe(hubei, STATS, { unitId: u.hn });
  await until(() => other.done);
  expect(other.errors[0][0].extensions.code).toBe('NOT_FOUND');

  // A bad credential closes the connection (4403), it is never the public.
  let closedWith = 0;
  const bad = connect({ authorization: 'Bearer not-a-token' }, (code) => (closedWith = code));
  subscribe(bad, STATS, { unitId: u.hn });
  await until(() => closedWith !== 0);
  expect(closedWith).toBe(4403);

  // Too deep, or not a subscription.
  const c = connect();
  const deep = subscribe(c, `subscription { statsChanged(unitId: "${u.hn}", period: { year: 2024 }) { unit { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } }`);
  await until(() => deep.done);
  expect(deep.errors[0][0].extensions.code).toBe('BAD_USER_INPUT');
  const query = subscribe(c, `{ tenants { code } }`);
  await until(() => query.done);
  expect(query.errors[0][0].extensions.reason).toBe('NOT_A_SUBSCRIPTION');

  // The cap per connection (60 in this test).
  const many = Array.from({ length: 61 }, () => subscribe(c, STATS, { unitId: u.cs }));
  await until(() => many[60].done);
  expect(many[60].errors[0][0].extensions.reason).toBe('MAX_SUBSCRIPTIONS');
  expect(many.slice(0, 60).every((s) => !s.done)).toBe(true);
  for (const s of many) s.stop();
});

test('a connection lasts as long as its credential: closed (4403) when its token expires or its key is revoked', async () => {
  // A staff token with 3 s to live: its subscriptions run, then the connection closes at expiry.
  let tokenClosed = 0;
  const opened = Date.now();
  const staff = connect(await staffHeaders({ tenant: '430000', roles: ['VIEWER'], expiresIn: '3s' }), (code) => (tokenClosed = code));
  const s = subscribe(staff, STATS, { unitId: u.cs });
  await until(() => s.messages.length === 1);
  await until(() => tokenClosed !== 0, 15_000);
  expect(tokenClosed).toBe(4403);
  expect(Date.now() - opened).toBeGreaterThanOrEqual(2_000);

  // An API key: its connection stays open until the key is revoked, then closes at the next check.
  const created = await gqlData(
    t,
    `mutation($u: ID!) { createApiKey(input: { name: "live", unitId: $u, scopes: [READ] }) { key apiKey { id } } }`,
    { u: u.cs },
    await adminHeaders('430000'),
  );
  let keyClosed = 0;
  const integrator = connect({ 'x-api-key': created.createApiKey.key }, (code) => (keyClosed = code));
  const k = subscribe(integrator, STATS, { unitId: u.cs });
  await until(() => k.messages.length === 1);
  await new Promise((r) => setTimeout(r, 1_000)); // several checks pass while the key is valid
  expect(keyClosed).toBe(0);
  await gqlData(t, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: created.createApiKey.apiKey.id }, await adminHeaders('430000'));
  await until(() => keyClosed !== 0, 15_000);
  expect(keyClosed).toBe(4403);
});

test('the publication log keeps a day: older rows are pruned, newer ones stay', async () => {
  const conn = t.app.db.orm.em.getConnection();
  const count = async () => Number((await conn.execute(`select count(*)::int as n from item_publication`))[0].n);
  const before = await count();
  expect(before).toBeGreaterThan(0); // the itemPublished test published items
  await conn.execute(`update item_publication set at = now() - interval '25 hours' where seq = (select min(seq) from item_publication)`);
  expect(await pruneItemPublications(t.app.db)).toBe(1);
  expect(await count()).toBe(before - 1);
  expect(await pruneItemPublications(t.app.db)).toBe(0);
});
