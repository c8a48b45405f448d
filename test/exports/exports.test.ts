import { adminHeaders, ANONYMOUS_HEADERS, gqlData, staffHeaders, startTestApp, TestApp } from '../support/app';

/**
 * The streaming exports over HTTP against the real server: the caller's scope and personal data,
 * the GraphQL lists' filters, CSV and NDJSON, file names, the BOM, errors, and pages of a thousand
 * rows read one after the other (the 1M-row run is in exports-1m.test.ts).
 */
let t: TestApp;
const ids: Record<string, string> = {};
let admin: Record<string, string>;
let changshaStaff: Record<string, string>;

const sql = (q: string, params: unknown[] = []) => t.app.db.orm.em.fork().getConnection().execute(q, params);

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.05 });
  const d = await gqlData(t, '{ hn: unit(code: "430000") { id } cs: unit(code: "430100") { id children(level: COUNTY) { id code } } zz: unit(code: "430200") { id } }');
  Object.assign(ids, { hn: d.hn.id, cs: d.cs.id, zz: d.zz.id, furong: d.cs.children[0].id });
  admin = await adminHeaders('430000');
  changshaStaff = await staffHeaders({ tenant: '430000', unit: '430100', roles: ['VIEWER'], sub: 'viewer-changsha' });
  // 2,400 events on Changsha and its first county (three pages of an export), 300 on Zhuzhou, with
  // requesters; items published and drafts; applications with applicants.
  await sql(
    `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, requester_name, requester_contact, received_at, due_at, replied_at, status)
     select 430000, gen_random_uuid(), case when i % 2 = 0 then cast(? as uuid) else cast(? as uuid) end, (array['MAILBOX','CONSULTATION','COMPLAINT'])[1 + i % 3], 'MAILBOX_WEB',
            '咨询 "引号", 逗号 #' || i, '市民' || i, '1380000' || lpad(i::text, 4, '0'),
            timestamptz '2024-01-01 10:00+08' + i * interval '3 hours', timestamptz '2024-01-01 10:00+08' + i * interval '3 hours' + interval '7 days',
            case when i % 10 = 0 then null else timestamptz '2024-01-01 10:00+08' + i * interval '3 hours' + interval '1 day' end,
            case when i % 10 = 0 then 'OPEN' else 'REPLIED' end
       from generate_series(0, 2399) as i`,
    [ids.cs, ids.furong],
  );
  await sql(
    `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, requester_name, received_at, status)
     select 430000, gen_random_uuid(), ?, 'MAILBOX', 'MAILBOX_WEB', '株洲 #' || i, '株洲市民' || i, timestamptz '2024-02-01 10:00+08' + i * interval '1 hour', 'OPEN'
       from generate_series(0, 299) as i`,
    [ids.zz],
  );
  await sql(
    `insert into disclosure_item (tenant_id, id, unit_id, title, category_code, channels, status, published_at)
     select 430000, gen_random_uuid(), ?, '通知 #' || i, 'NOTICE', array['DEPARTMENT_PORTAL','WECHAT'], case when i % 4 = 0 then 'DRAFT' else 'PUBLISHED' end,
            case when i % 4 = 0 then null else timestamptz '2024-03-01 10:00+08' + i * interval '1 day' end
       from generate_series(0, 39) as i`,
    [ids.cs],
  );
  await sql(
    `insert into disclosure_application (tenant_id, id, unit_id, applicant_type, applicant_name, applicant_contact, subject, channel, received_at, due_at, status)
     select 430000, gen_random_uuid(), ?, 'CITIZEN', '申请人' || i, 'a' || i || '@example.cn', '申请 #' || i, 'ONLINE',
            timestamptz '2024-04-01 10:00+08' + i * interval '1 day', timestamptz '2024-04-29 10:00+08' + i * interval '1 day', 'RECEIVED'
       from generate_series(0, 9) as i`,
    [ids.cs],
  );
}, 600_000);
afterAll(async () => t?.close());

async function get(path: string, headers: Record<string, string> = admin): Promise<Response> {
  return fetch(`${t.base}${path}`, { headers });
}

/** A CSV body's records (RFC 4180: quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

async function csv(path: string, headers?: Record<string, string>): Promise<{ res: Response; header: string[]; rows: Record<string, string>[]; text: string }> {
  const res = await get(path, headers);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  const [header, ...records] = parseCsv(text.replace(/^\ufeff/, ''));
  return { res, header, text, rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

async function totalCount(list: string, filter: string, headers: Record<string, string> = admin): Promise<number> {
  return (await gqlData(t, `{ l: ${list}(filter: { ${filter} }, first: 0) { totalCount } }`, undefined, headers)).l.totalCount;
}

describe('events', () => {
  it('streams every event of a subtree over several pages, as CSV with a header, once each, newest first', async () => {
    const { res, header, rows } = await csv(`/exports/events.csv?unit=430100&subtree=true`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="events.csv"; filename*=UTF-8''events.csv`);
    expect(header.slice(0, 6)).toEqual(['unit_code', 'unit_name', 'id', 'kind', 'channel', 'subject']);
    expect(header).toEqual(expect.arrayContaining(['requester_name', 'requester_contact', 'overdue', 'received_at']));
    expect(rows).toHaveLength(await totalCount('interactions', `unitId: "${ids.cs}", subtree: true`));
    expect(rows).toHaveLength(2400);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2400);
    const times = rows.map((r) => r.received_at);
    expect([...times].sort().reverse()).toEqual(times);
    // Quotes and commas survive the round trip; personal data is there for the province's staff.
    expect(rows.find((r) => r.subject === '咨询 "引号", 逗号 #7')).toMatchObject({ unit_code: expect.stringMatching(/^4301/), requester_name: '市民7', requester_contact: '13800000007', status: 'REPLIED', overdue: 'false' });
    expect(rows.filter((r) => r.status === 'OPEN' && r.overdue === 'true')).toHaveLength(240);
  });

  it('reads a page of a thousand rows per statement, and the units of the page in one more: none per row', async () => {
    const statements = async () => Number(/^db_statements_total(?:\{[^}]*\})? (\d+)/m.exec(await (await fetch(`${t.base}/metrics`)).text())![1]);
    const before = await statements();
    const { rows } = await csv(`/exports/events.ndjson?unit=430100&subtree=true`.replace('.ndjson', '.csv'));
    const used = (await statements()) - before;
    expect(rows).toHaveLength(2400);
    // Three pages of rows and their units, the unit the filter names, the caller's tenant list.
    expect(used).toBeGreaterThanOrEqual(6);
    expect(used).toBeLessThanOrEqual(10);
  });

  it('takes the GraphQL list’s filters (and from/to for the received days), and a unit code for unitId', async () => {
    const q = `kinds=MAILBOX,COMPLAINT&from=2024-03-01&to=2024-03-31&status=REPLIED&unitId=${ids.cs}&subtree=true`;
    const { rows } = await csv(`/exports/events.csv?${q}`);
    const expected = await totalCount('interactions', `unitId: "${ids.cs}", subtree: true, kinds: [MAILBOX, COMPLAINT], receivedFrom: "2024-03-01", receivedTo: "2024-03-31", status: REPLIED`);
    expect(expected).toBeGreaterThan(0);
    expect(rows).toHaveLength(expected);
    for (const r of rows) {
      expect(['MAILBOX', 'COMPLAINT']).toContain(r.kind);
      expect(r.received_at >= '2024-02-29T16:00:00.000Z' && r.received_at < '2024-03-31T16:00:00.000Z').toBe(true);
    }
    const repeated = await csv(`/exports/events.csv?kinds=MAILBOX&kinds=COMPLAINT&receivedFrom=2024-03-01&receivedTo=2024-03-31&status=REPLIED&unit=430100&subtree=true`);
    expect(repeated.rows.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect((await csv('/exports/events.csv?unit=430200&overdue=false')).rows).toHaveLength(await totalCount('interactions', `unitId: "${ids.zz}", overdue: false`));
  });

  it('NDJSON: one object per line, the same rows as the CSV', async () => {
    const res = await get(`/exports/events.ndjson?unit=430100&subtree=true&kind=MAILBOX`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('filename="events.ndjson"');
    const lines = (await res.text()).split('\n');
    expect(lines.pop()).toBe('');
    const objects = lines.map((l) => JSON.parse(l));
    const { rows } = await csv(`/exports/events.csv?unit=430100&subtree=true&kind=MAILBOX`);
    expect(objects.map((o) => o.id)).toEqual(rows.map((r) => r.id));
    expect(objects[0]).toMatchObject({ kind: 'MAILBOX', overdue: expect.any(Boolean), requester_name: expect.stringMatching(/^市民/) });
  });

  it('only the caller’s scope: Changsha’s staff get Changsha’s events, never Zhuzhou’s; the public gets none', async () => {
    const { rows } = await csv('/exports/events.csv', changshaStaff);
    expect(rows).toHaveLength(await totalCount('interactions', 'tenant: "430000"', changshaStaff));
    expect(rows).toHaveLength(2400);
    expect(rows.some((r) => r.subject.startsWith('株洲'))).toBe(false);
    expect(rows.every((r) => r.requester_name.startsWith('市民'))).toBe(true);
    const zz = await csv('/exports/events.csv?unit=430200', changshaStaff);
    expect(zz.rows).toHaveLength(0);
    const pub = await csv('/exports/events.csv?unit=430200', ANONYMOUS_HEADERS);
    expect(pub.rows).toHaveLength(0);
    expect(pub.header).toContain('requester_name');
  });

  it('an integrator’s key: with READ, the events of its unit’s subtree with their requesters; without, none (but the public rows)', async () => {
    const key = async (scopes: string[]) =>
      (await gqlData(t, `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key } }`, { i: { unitId: ids.furong, name: `export ${scopes.join(',')}`, scopes } })).createApiKey.key as string;
    const reader = { 'x-api-key': await key(['READ']) };
    const { rows } = await csv('/exports/events.csv', reader);
    expect(rows).toHaveLength(1200);
    expect(new Set(rows.map((r) => r.unit_code)).size).toBe(1);
    expect(rows.every((r) => r.requester_name.startsWith('市民'))).toBe(true);
    const writer = { 'x-api-key': await key(['INGEST_INTERACTIONS']) };
    expect((await csv('/exports/events.csv', writer)).rows).toHaveLength(0);
    expect((await csv('/exports/units.csv?level=CITY', writer)).rows).toHaveLength(14);
  });

  it('a BOM for spreadsheets with bom=1, none by default', async () => {
    const plain = await get('/exports/events.csv?unit=430200&first=1'.replace('&first=1', ''));
    expect(new Uint8Array(await plain.arrayBuffer()).slice(0, 3)).not.toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    const bom = await get('/exports/events.csv?unit=430200&bom=1');
    expect(new Uint8Array(await bom.arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });
});

describe('items, applications, units', () => {
  it('items: the public gets the published ones, staff the drafts too', async () => {
    const pub = await csv('/exports/items.csv?unit=430100', ANONYMOUS_HEADERS);
    expect(pub.rows).toHaveLength(30);
    expect(pub.rows.every((r) => r.status === 'PUBLISHED' && r.channels === 'DEPARTMENT_PORTAL;WECHAT')).toBe(true);
    const staff = await csv('/exports/items.csv?unit=430100', changshaStaff);
    expect(staff.rows).toHaveLength(40);
    expect((await csv('/exports/items.csv?unit=430100&status=DRAFT', changshaStaff)).rows).toHaveLength(10);
    expect((await csv('/exports/items.csv?unit=430100&from=2024-03-05&to=2024-03-10', ANONYMOUS_HEADERS)).rows).toHaveLength(
      await totalCount('disclosureItems', `unitId: "${ids.cs}", publishedFrom: "2024-03-05", publishedTo: "2024-03-10"`, ANONYMOUS_HEADERS),
    );
  });

  it('applications: with the applicant for the staff of the unit, none for the public', async () => {
    const staff = await csv('/exports/applications.csv?unit=430100', changshaStaff);
    expect(staff.rows).toHaveLength(10);
    expect(staff.rows[0]).toMatchObject({ applicant_name: '申请人9', applicant_contact: 'a9@example.cn', status: 'RECEIVED' });
    expect((await csv('/exports/applications.csv?unit=430100', ANONYMOUS_HEADERS)).rows).toHaveLength(0);
  });

  it('units: the filters of `units`', async () => {
    const cities = await csv('/exports/units.csv?tenant=430000&level=CITY', ANONYMOUS_HEADERS);
    expect(cities.rows.map((r) => r.code)).toEqual(expect.arrayContaining(['430100', '430200', '433100']));
    expect(cities.rows).toHaveLength(14);
    expect(cities.rows[0]).toMatchObject({ code: '430100', level: 'CITY', kind: 'EDUCATION_BUREAU', tenant: '430000' });
    const schools = await csv(`/exports/units.ndjson?ancestorId=${ids.hn}&level=SCHOOL`.replace('.ndjson', '.csv'), ANONYMOUS_HEADERS);
    expect(schools.rows).toHaveLength(await totalCount('units', `ancestorId: "${ids.hn}", level: SCHOOL`, ANONYMOUS_HEADERS));
    expect(schools.rows.length).toBeGreaterThan(1000);
  });
});

describe('figures and time series', () => {
  it('figures of the children of a unit for a period, from the rollups', async () => {
    const { res, rows } = await csv('/exports/figures.csv?unit=430000&year=2024', ANONYMOUS_HEADERS);
    expect(res.headers.get('content-disposition')).toContain('filename="figures-430000-children-2024.csv"');
    expect(rows).toHaveLength(60);
    const cs = rows.find((r) => r.unit_code === '430100')!;
    const stats = (await gqlData(t, `{ unit(code: "430100") { stats(period: { year: 2024 }) { interactions { received repliedOnTime onTimeRate } disclosures { published } } } }`, undefined, ANONYMOUS_HEADERS)).unit.stats;
    expect(Number(cs.events_received)).toBe(stats.interactions.received);
    expect(Number(cs.events_received)).toBe(2400);
    expect(Number(cs.events_replied_on_time)).toBe(stats.interactions.repliedOnTime);
    expect(Number(cs.on_time_rate)).toBeCloseTo(stats.interactions.onTimeRate, 4);
    expect(Number(cs.items_published)).toBe(30);
    const counties = await csv('/exports/figures.csv?unit=430100&level=COUNTY&year=2024&own=true', ANONYMOUS_HEADERS);
    expect(counties.rows.find((r) => r.events_received === '1200')).toBeDefined();
  });

  it('time series of several metrics, a column each', async () => {
    const { rows, header } = await csv('/exports/series.csv?unit=430100&metric=EVENTS_RECEIVED,ON_TIME_RATE&year=2024', ANONYMOUS_HEADERS);
    expect(header).toEqual(['unit_code', 'from', 'to', 'EVENTS_RECEIVED', 'ON_TIME_RATE']);
    expect(rows).toHaveLength(12);
    expect(rows.reduce((n, r) => n + Number(r.EVENTS_RECEIVED), 0)).toBe(2400);
    expect(rows[0]).toMatchObject({ from: '2024-01-01', to: '2024-01-31' });
    const nd = await (await get('/exports/series.ndjson?unit=430100&metric=EVENTS_RECEIVED&from=2024-01-01&to=2024-01-10&granularity=DAY', ANONYMOUS_HEADERS)).text();
    expect(nd.trim().split('\n')).toHaveLength(10);
  });
});

describe('errors', () => {
  it('bad input answers 400 with the parameter, unknown units 404, bad credentials 401, as JSON without internals', async () => {
    const cases: [string, number, string | undefined][] = [
      ['/exports/events.xlsx', 400, 'file'],
      ['/exports/secrets.csv', 400, 'file'],
      ['/exports/events.csv?kinds=MAILBOX,NOPE', 400, 'kinds'],
      ['/exports/events.csv?receivedFrom=2024-13-01', 400, 'receivedFrom'],
      ['/exports/events.csv?from=2024-01-01&receivedFrom=2024-01-01', 400, 'from'],
      ['/exports/events.csv?recievedFrom=2024-01-01', 400, 'recievedFrom'],
      ['/exports/events.csv?subtree=yes', 400, 'subtree'],
      ['/exports/events.csv?subtree=true', 400, 'filter.subtree'],
      ['/exports/events.csv?search=', 400, 'search'],
      ['/exports/events.csv?bom=2', 400, 'bom'],
      ['/exports/events.csv?unit=999999', 404, undefined],
      ['/exports/events.csv?unit=43%27--', 400, 'unit'],
      ['/exports/figures.csv?year=2024', 400, 'unit'],
      ['/exports/figures.csv?unit=430000&year=2024&month=13', 400, 'period.month'],
      ['/exports/series.csv?unit=430000&year=2024&metric=NOPE', 400, 'metric'],
      ['/exports/units.csv?level=CITY&unit=430000', 400, 'unit'],
    ];
    for (const [path, status, field] of cases) {
      const res = await get(path);
      const body = (await res.json()) as { error: { code: string; field?: string; message: string } };
      expect([path, res.status]).toEqual([path, status]);
      if (field) expect([path, body.error.field]).toEqual([path, field]);
      expect(body.error.code).toBe(status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT');
      expect(JSON.stringify(body)).not.toMatch(/select |at .*\.[jt]s:\d/i);
    }
    const forged = await get('/exports/events.csv', { authorization: 'Bearer nope' });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as any).error.code).toBe('UNAUTHENTICATED');
  });

  it('a client that goes away mid-export stops it; the server serves on', async () => {
    const abort = new AbortController();
    const res = await fetch(`${t.base}/exports/events.csv?unit=430100&subtree=true`, { headers: admin, signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.read().catch(() => undefined);
    const after = await csv('/exports/events.csv?unit=430200');
    expect(after.rows).toHaveLength(300);
  });
});

describe('rate limits', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ seedScale: 0.02, env: { RATE_LIMIT_PER_IP: '2' } });
  }, 600_000);
  afterAll(async () => limited?.close());

  it('apply to exports as to the other REST routes: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${limited.base}/exports/units.csv?tenant=430000&level=CITY`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.slice(2)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
