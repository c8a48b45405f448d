import { gql, gqlData, startTestApp, TestApp } from '../support/app';

let t: TestApp;
let schoolCodes: string[] = [];

async function db<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return t.app.db.orm.em.fork().getConnection().execute(sql, params as any[]);
}
async function eventCount(): Promise<number> {
  const [row] = await db<{ n: number }>('select count(*)::int as n from interaction_event');
  return row.n;
}

const INGEST = `mutation($tenant: String!, $key: String!, $rows: [InteractionIngestRow!]!) {
  ingestInteractions(tenant: $tenant, idempotencyKey: $key, rows: $rows) { accepted duplicates replayed ids } }`;
const KINDS = ['MAILBOX', 'CONSULTATION', 'COMPLAINT', 'PORTAL_QA', 'HOTLINE', 'SERVICE_REQUEST', 'INTERVIEW', 'SURVEY', 'SOLICITATION'];
const CHANNELS = ['PORTAL', 'MAILBOX_WEB', 'WECHAT', 'WEIBO', 'PHONE', 'IN_PERSON', 'LETTER', 'OTHER'];

/** n history rows over Hunan's units, deterministic; replied ones 1–9 days after receipt. */
function makeRows(n: number, tag: string): any[] {
  return Array.from({ length: n }, (_, i) => {
    const kind = KINDS[i % KINDS.length];
    const receivedAt = new Date(Date.parse('2023-01-02T01:00:00Z') + i * 1_800_000);
    const row: any = {
      unitCode: schoolCodes[i % schoolCodes.length],
      kind,
      channel: CHANNELS[i % CHANNELS.length],
      subject: `${tag} 第${i}件`,
      receivedAt: receivedAt.toISOString(),
      requesterName: `申请人${i}`,
      externalId: `${tag}-${i}`,
    };
    if (!['INTERVIEW', 'SURVEY', 'SOLICITATION'].includes(kind) && i % 3 !== 0) {
      row.repliedAt = new Date(receivedAt.getTime() + ((i % 9) + 1) * 86_400_000).toISOString();
      row.reply = '已答复';
    }
    return row;
  });
}

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  const units = await gqlData(t, '{ units(filter: { tenant: "430000" }, first: 300) { edges { node { code } } } }');
  schoolCodes = units.units.edges.map((e: any) => e.node.code);
  expect(schoolCodes.length).toBeGreaterThan(100);
});
afterAll(async () => t?.close());

describe('ingestInteractions: idempotent bulk ingest', () => {
  it('stores a batch once; a retry replays the first result; a different payload under the key is refused', async () => {
    const rows = makeRows(30, 'idem');
    const n = await eventCount();
    const first = (await gqlData(t, INGEST, { tenant: '430000', key: 'batch-1', rows })).ingestInteractions;
    expect(first.accepted).toBe(30);
    expect(first.replayed).toBe(false);
    expect(first.ids).toHaveLength(30);
    expect(await eventCount()).toBe(n + 30);

    // The stored rows are the input rows, in order, with computed deadlines and statuses.
    const stored = await db('select id, subject, status, due_at, replied_at, requester_name from interaction_event where id in (select jsonb_array_elements_text(?::jsonb)::uuid)', [
      JSON.stringify(first.ids),
    ]);
    const byId = new Map(stored.map((r: any) => [r.id, r]));
    first.ids.forEach((id: string, i: number) => {
      const r: any = byId.get(id);
      expect(r.subject).toBe(rows[i].subject);
      expect(r.requester_name).toBe(rows[i].requesterName);
      const held = ['INTERVIEW', 'SURVEY', 'SOLICITATION'].includes(rows[i].kind);
      expect(r.status).toBe(held ? 'HELD' : rows[i].repliedAt ? 'REPLIED' : 'OPEN');
      expect(r.due_at === null).toBe(held);
    });
    // Row 0: received Mon 2023-01-02 09:00 Shanghai (a holiday: New Year in lieu) → 5 working days 3,4,5,6,9 → end of Jan 9.
    expect(new Date((byId.get(first.ids[0]) as any).due_at).toISOString()).toBe('2023-01-09T16:00:00.000Z');
    // The same deadline as createInteraction computes.
    const one = await gqlData(t, `mutation($u: ID!) { createInteraction(input: { tenant: "430000", unitId: $u, kind: MAILBOX, channel: PORTAL, subject: "x", receivedAt: "2023-01-02T01:00:00Z" }) { dueAt } }`, {
      u: (await gqlData(t, `{ unit(code: "${rows[0].unitCode}") { id } }`)).unit.id,
    });
    expect(one.createInteraction.dueAt).toBe('2023-01-09T16:00:00.000Z');

    const retry = await gql(t, INGEST, { tenant: '430000', key: 'batch-1', rows });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.ingestInteractions).toEqual({ accepted: 30, duplicates: 0, replayed: true, ids: first.ids });
    expect(await eventCount()).toBe(n + 31);

    const changed = rows.map((r, i) => (i === 7 ? { ...r, subject: '改过的' } : r));
    const conflict = await gql(t, INGEST, { tenant: '430000', key: 'batch-1', rows: changed });
    expect(conflict.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await eventCount()).toBe(n + 31);

    // The same rows under a new key: their (unit, externalId) are stored, so they are skipped and
    // answered with the stored events' ids (a lost key is harmless for rows with external ids).
    const again = await gql(t, INGEST, { tenant: '430000', key: 'batch-2', rows });
    expect(again.body.data.ingestInteractions).toEqual({ accepted: 0, duplicates: 30, replayed: false, ids: first.ids });
    expect(await eventCount()).toBe(n + 31);
  });

  it('checks every row first: one bad row among 5,000 writes nothing and is reported by index and field', async () => {
    const rows = makeRows(5000, 'big');
    const n = await eventCount();
    const bad = rows.map((r) => ({ ...r }));
    bad[4271] = { ...bad[4271], kind: 'MAILBOX', repliedAt: new Date(Date.parse(bad[4271].receivedAt) - 60_000).toISOString() };
    const res = await gql(t, INGEST, { tenant: '430000', key: 'big', rows: bad });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rows.4271.repliedAt', rowErrorCount: 1 });
    expect(await eventCount()).toBe(n);

    // Several bad rows: all listed (the unit code is checked against the database, in one statement).
    const several = rows.map((r) => ({ ...r }));
    several[12] = { ...several[12], subject: 'x'.repeat(501) };
    several[3000] = { ...several[3000], receivedAt: new Date(Date.now() + 3 * 86_400_000).toISOString() };
    several[4999] = { ...several[4999], status: 'HELD', kind: 'COMPLAINT', repliedAt: null, reply: null };
    const res2 = await gql(t, INGEST, { tenant: '430000', key: 'big', rows: several });
    expect(res2.body.errors?.[0]?.extensions?.field).toBe('rows.12.subject');
    expect(res2.body.errors?.[0]?.extensions?.rowErrors.map((e: any) => e.path)).toEqual(['rows.12.subject', 'rows.3000.receivedAt', 'rows.4999.status']);
    const unknownUnit = rows.map((r) => ({ ...r }));
    unknownUnit[2500] = { ...unknownUnit[2500], unitCode: '420900' }; // Xiaogan: another tenant's unit
    const res3 = await gql(t, INGEST, { tenant: '430000', key: 'big', rows: unknownUnit });
    expect(res3.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rows.2500.unitCode' });
    expect(await eventCount()).toBe(n);

    // A refused call does not consume its key: the corrected batch goes through under it.
    const started = Date.now();
    const ok = await gql(t, INGEST, { tenant: '430000', key: 'big', rows });
    const ms = Date.now() - started;
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.ingestInteractions.accepted).toBe(5000);
    expect(await eventCount()).toBe(n + 5000);
    // Few statements whatever the size: tenants, rules, calendar, key, units, external ids, 2 inserts, result, transaction.
    expect(ok.statements).toBeLessThanOrEqual(14);
    // eslint-disable-next-line no-console
    console.log(`ingest of 5,000 rows on ${t.store}: ${ms} ms, ${ok.statements} statements`);
    expect(ms).toBeLessThan(30_000);

    const replay = await gql(t, INGEST, { tenant: '430000', key: 'big', rows });
    expect(replay.body.data.ingestInteractions.replayed).toBe(true);
    expect(await eventCount()).toBe(n + 5000);

    // The ingested history gives the figures through the API.
    const c = async (f: string) => (await gqlData(t, `{ interactions(filter: { tenant: "430000", search: "big 第", ${f} }, first: 0) { totalCount } }`)).interactions.totalCount;
    const replied = rows.filter((r) => r.repliedAt).length;
    expect(await c('status: REPLIED')).toBe(replied);
    expect(await c('status: HELD')).toBe(rows.filter((r) => ['INTERVIEW', 'SURVEY', 'SOLICITATION'].includes(r.kind)).length);
  });

  it('refuses more than 5,000 rows, an unknown tenant, a bad key, and rows whose history does not fit their kind', async () => {
    const n = await eventCount();
    const tooMany = await gql(t, INGEST, { tenant: '430000', key: 'too-many', rows: makeRows(5001, 'tm') });
    expect(tooMany.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rows' });
    const rows = makeRows(10, 'small');
    expect((await gql(t, INGEST, { tenant: '999999', key: 'k', rows })).body.errors?.[0]?.extensions?.field).toBe('tenant');
    expect((await gql(t, INGEST, { tenant: '430000', key: '', rows })).body.errors?.[0]?.extensions?.field).toBe('idempotencyKey');
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'INTERVIEW', repliedAt: '2023-01-03T00:00:00Z', reply: null }, 'repliedAt'],
      [{ kind: 'MAILBOX', status: 'REPLIED', repliedAt: null, reply: null }, 'repliedAt'],
      [{ kind: 'MAILBOX', status: 'OPEN', repliedAt: '2023-01-03T00:00:00Z' }, 'status'],
      [{ kind: 'MAILBOX', repliedAt: null, reply: '无日期的答复' }, 'reply'],
      [{ receivedAt: '1999-06-01T00:00:00Z', repliedAt: null }, 'receivedAt'],
      [{ unitCode: '' }, 'unitCode'],
      [{ centreId: 'centre-1' }, 'centreId'],
      [{ requesterContact: '1'.repeat(201) }, 'requesterContact'],
      [{ externalId: 'small-1' }, 'externalId'], // the external id of row 1, at row 1's unit: twice in one batch
    ];
    for (const [patch, field] of cases) {
      const batch = rows.map((r) => ({ ...r }));
      batch[5] = { ...batch[5], ...patch };
      if (patch.externalId) batch[5].unitCode = batch[1].unitCode;
      const res = await gql(t, INGEST, { tenant: '430000', key: `case-${field}`, rows: batch });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `rows.5.${field}` });
    }
    expect(await eventCount()).toBe(n);
  });
});
