import { gqlData, staffHeaders, startTestApp, TestApp } from '../support/app';
import { rollupDifferences } from '../stats/support';

/**
 * Imports from CSV files over HTTP against the real server: events and items through the same
 * checks and idempotency as the ingests, units (new, renamed, moved) in one transaction with a dry
 * run, rollups exact after a move.
 */

let t: TestApp;
let key: Record<string, string>;
let readOnlyKey: Record<string, string>;
const HUNAN = 430000;

async function db<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return t.app.db.orm.em.fork().getConnection().execute(sql, params as any[]);
}
const count = async (table: string) => (await db<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;

interface Answer {
  status: number;
  body: any;
  statements: number;
}
async function post(path: string, csv: string, headers: Record<string, string>, contentType = 'text/csv'): Promise<Answer> {
  const res = await fetch(`${t.base}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: csv });
  return { status: res.status, body: await res.json(), statements: Number(res.headers.get('x-sql-statements')) };
}

function eventsCsv(n: number, tag: string, patch: (i: number, cols: string[]) => void = () => {}): string {
  const lines = ['unitCode,kind,channel,subject,receivedAt,repliedAt,reply,externalId,requesterName'];
  for (let i = 0; i < n; i++) {
    const cols = [i % 2 ? '430100' : '430102', 'CONSULTATION', 'PORTAL', `"${tag} 第${i}件, 关于招生"`, `2024-03-${String((i % 28) + 1).padStart(2, '0')} 09:30`, i % 3 ? `2024-04-0${(i % 9) + 1}T10:00:00+08:00` : '', i % 3 ? '已答复' : '', `${tag}-${i}`, '张三'];
    patch(i, cols);
    lines.push(cols.join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

const subtreeReceived = async (code: string) =>
  (await gqlData(t, `{ unit(code: "${code}") { stats(period: { year: 2024 }) { interactions { received } } } }`)).unit.stats.interactions.received;

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
  const changsha = (await gqlData(t, '{ unit(code: "430100") { id } }')).unit.id;
  const mk = async (scopes: string) => ({
    'x-api-key': (await gqlData(t, `mutation($u: ID!) { createApiKey(input: { unitId: $u, name: "导入 ${scopes}", scopes: [${scopes}] }) { key } }`, { u: changsha })).createApiKey.key,
  });
  key = await mk('INGEST_INTERACTIONS, INGEST_DISCLOSURES');
  readOnlyKey = await mk('READ');
});
afterAll(async () => t?.close());

describe('POST /imports/events', () => {
  it('imports a CSV file through the ingest; a retry with the same Idempotency-Key replays and writes nothing', async () => {
    const before = await count('interaction_event');
    const csv = eventsCsv(40, 'csv');
    const first = await post('/imports/events', csv, { ...key, 'idempotency-key': 'file-1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 40, duplicates: 0, replayed: false });
    expect(first.body.ids).toHaveLength(40);
    expect(await count('interaction_event')).toBe(before + 40);
    // Spreadsheet date-times are read in Asia/Shanghai; a quoted cell keeps its comma.
    const [row] = await db('select subject, received_at, status from interaction_event where id = ?', [first.body.ids[0]]);
    expect(row).toMatchObject({ subject: 'csv 第0件, 关于招生', status: 'OPEN' });
    expect(new Date(row.received_at).toISOString()).toBe('2024-03-01T01:30:00.000Z');

    const retry = await post('/imports/events', csv, { ...key, 'idempotency-key': 'file-1' });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(await count('interaction_event')).toBe(before + 40);
    const other = await post('/imports/events', eventsCsv(41, 'csv'), { ...key, 'idempotency-key': 'file-1' });
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    // Lost the key: the same file under a new one writes nothing either (external ids are stored).
    const lost = await post('/imports/events', csv, { ...key, 'idempotency-key': 'file-1-again' });
    expect(lost.body).toMatchObject({ accepted: 0, duplicates: 40, replayed: false });
    expect(await count('interaction_event')).toBe(before + 40);
  });

  it('reads a file saved in GBK when the request says so (charset=gbk)', async () => {
    // "中文咨询" in GBK, as a spreadsheet saves it on a Chinese Windows.
    const subject = Buffer.from('d6d0cec4d7c9d1af', 'hex');
    const body = Buffer.concat([Buffer.from('unitCode,kind,channel,subject,receivedAt\n430100,CONSULTATION,PORTAL,'), subject, Buffer.from(',2024-03-05 10:00\n')]);
    const res = await fetch(`${t.base}/imports/events`, { method: 'POST', headers: { 'content-type': 'text/csv; charset=gbk', 'idempotency-key': 'gbk-1', ...key }, body });
    const answer: any = await res.json();
    expect([res.status, answer.accepted]).toEqual([200, 1]);
    const [row] = await db('select subject from interaction_event where id = ?', [answer.ids[0]]);
    expect(row.subject).toBe('中文咨询');
  });

  it('reports every bad row with its line in the file, and writes nothing', async () => {
    const before = await count('interaction_event');
    const csv = eventsCsv(50, 'bad', (i, cols) => {
      if (i === 7) cols[0] = '430200'; // Zhuzhou: outside the key's subtree
      if (i === 42) cols[4] = '2024-02-31 09:00'; // no such day
      if (i === 43) (cols[1] = 'FAX'), (cols[3] = '');
    });
    const res = await post('/imports/events', csv, { ...key, 'idempotency-key': 'bad-file' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ROWS', field: 'rows.7.unitCode', rowErrorCount: 4 });
    expect(res.body.error.rowErrors).toEqual([
      { index: 7, line: 9, field: 'unitCode', path: 'rows.7.unitCode', message: 'no unit 430200 in your subtree (430100 and below)' },
      { index: 42, line: 44, field: 'receivedAt', path: 'rows.42.receivedAt', message: 'receivedAt is not a date-time' },
      { index: 43, line: 45, field: 'kind', path: 'rows.43.kind', message: expect.stringMatching(/^unknown kind FAX; use MAILBOX/) },
      { index: 43, line: 45, field: 'subject', path: 'rows.43.subject', message: 'subject must be 1 to 500 characters' },
    ]);
    expect(await count('interaction_event')).toBe(before);
  });

  it('refuses what is not a usable file or request, before writing anything', async () => {
    const csv = eventsCsv(2, 'refused');
    const cases: [Answer, number, Record<string, unknown>][] = [
      [await post('/imports/events', csv, key), 400, { field: 'Idempotency-Key' }],
      [await post('/imports/events', csv, { ...key, 'idempotency-key': 'k' }, 'application/json'), 400, { reason: 'UNSUPPORTED_MEDIA_TYPE' }],
      [await post('/imports/events', 'unitCode,kind,chanel\n430100,MAILBOX,PORTAL\n', { ...key, 'idempotency-key': 'k' }), 400, { reason: 'CSV_UNKNOWN_COLUMN' }],
      [await post('/imports/events', 'unitCode,kind\n430100,MAILBOX\n', { ...key, 'idempotency-key': 'k' }), 400, { reason: 'CSV_MISSING_COLUMN' }],
      [await post('/imports/events', 'unitCode,kind,channel,subject,receivedAt\n"430100,MAILBOX\n', { ...key, 'idempotency-key': 'k' }), 400, { reason: 'CSV_MALFORMED' }],
      [await post('/imports/events?tenant=420000', csv, { ...key, 'idempotency-key': 'k' }), 400, { reason: 'TENANT_MISMATCH' }],
      [await post('/imports/events', csv, { 'idempotency-key': 'k' }), 401, { code: 'UNAUTHENTICATED' }],
      [await post('/imports/events', csv, { ...readOnlyKey, 'idempotency-key': 'k' }), 403, { code: 'FORBIDDEN' }],
      [await post('/imports/units', 'code\n430100\n', key), 403, { code: 'FORBIDDEN' }],
    ];
    for (const [res, status, error] of cases) expect([res.status, res.body.error]).toEqual([status, expect.objectContaining(error)]);
  });
});

describe('POST /imports/items', () => {
  it('imports published items with several channels per cell; a retry replays', async () => {
    const csv = ['unitCode,title,categoryCode,channels,publishedAt,externalId', '430102,"关于2024年招生工作的通知",NOTICE,GOVERNMENT_PORTAL;WECHAT,2024-05-06 08:00,OA-1', '430100,长沙市教育局预算公开,BUDGET_FINAL_ACCOUNTS,DEPARTMENT_PORTAL,2024-05-07,OA-2'].join('\n');
    const first = await post('/imports/items', csv, { ...key, 'idempotency-key': 'items-1' });
    expect([first.status, first.body]).toEqual([200, { accepted: 2, duplicates: 0, replayed: false }]);
    const item = await gqlData(t, '{ disclosureItems(filter: { externalId: "OA-1" }) { edges { node { channels publishedAt status unit { code } } } } }');
    expect(item.disclosureItems.edges[0].node).toEqual({ channels: ['GOVERNMENT_PORTAL', 'WECHAT'], publishedAt: '2024-05-06T00:00:00.000Z', status: 'PUBLISHED', unit: { code: '430102' } });
    const retry = await post('/imports/items', csv, { ...key, 'idempotency-key': 'items-1' });
    expect(retry.body).toEqual({ accepted: 2, duplicates: 0, replayed: true });
  });
});

describe('POST /imports/units', () => {
  const FILE = [
    'code,name,level,kind,parentCode',
    // a new district of Changsha, with a new school under it
    '430199,长沙市新区教育局,COUNTY,EDUCATION_BUREAU,430100',
    '4301990001,长沙市新区第一小学,SCHOOL,PRIMARY,430199',
    // a renamed bureau
    '430100,长沙市教育局（更名）,,,',
    // a re-drawn division: Furong moves to Zhuzhou
    '430102,,,,430200',
  ].join('\n');

  it('a dry run reports what would change and changes nothing', async () => {
    const before = { units: await count('org_unit'), furong: await db('select parent_id, path from org_unit where code = ?', ['430102']), changsha: await subtreeReceived('430100') };
    const res = await post('/imports/units?dryRun=true', FILE, await staffHeaders({ tenant: '430000', roles: ['ADMIN'] }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      dryRun: true,
      created: [
        { code: '430199', name: '长沙市新区教育局', level: 'COUNTY', kind: 'EDUCATION_BUREAU', parentCode: '430100' },
        { code: '4301990001', name: '长沙市新区第一小学', level: 'SCHOOL', kind: 'PRIMARY', parentCode: '430199' },
      ],
      renamed: [{ code: '430100', from: '长沙市教育局', to: '长沙市教育局（更名）' }],
      kindChanged: [],
      moved: [{ code: '430102', fromParentCode: '430100', toParentCode: '430200' }],
      unchanged: 0,
    });
    expect(await count('org_unit')).toBe(before.units);
    expect(await db('select parent_id, path from org_unit where code = ?', ['430102'])).toEqual(before.furong);
    expect(await subtreeReceived('430100')).toBe(before.changsha);
    expect((await gqlData(t, '{ unit(code: "430100") { name } }')).unit.name).toBe('长沙市教育局');
  });

  it('applies new units, renames and moves in one transaction; rollups stay exact; a retry changes nothing', async () => {
    const admin = await staffHeaders({ tenant: '430000', roles: ['ADMIN'] });
    const furong = await subtreeReceived('430102');
    expect(furong).toBeGreaterThan(0); // events imported above
    const [changsha, zhuzhou] = [await subtreeReceived('430100'), await subtreeReceived('430200')];
    const res = await post('/imports/units', FILE, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, unchanged: 0 });
    expect(res.body.moved).toHaveLength(1);
    // Statements: read, one insert per level, one update, one move (+ transaction).
    expect(res.statements).toBeLessThanOrEqual(9);

    const school = await gqlData(t, '{ unit(code: "4301990001") { name level parent { code parent { code } } } }');
    expect(school.unit).toEqual({ name: '长沙市新区第一小学', level: 'SCHOOL', parent: { code: '430199', parent: { code: '430100' } } });
    expect((await gqlData(t, '{ unit(code: "430102") { parent { code } } }')).unit.parent.code).toBe('430200');
    // The figures moved with Furong, and every rollup row equals a recount of the raw rows.
    expect(await subtreeReceived('430100')).toBe(changsha - furong);
    expect(await subtreeReceived('430200')).toBe(zhuzhou + furong);
    expect(await rollupDifferences(t, HUNAN)).toEqual([]);

    const units = await count('org_unit');
    const again = await post('/imports/units', FILE, admin);
    expect(again.body).toEqual({ dryRun: false, created: [], renamed: [], kindChanged: [], moved: [], unchanged: 4 });
    expect(await count('org_unit')).toBe(units);
    // A school changes kind: its figures are recounted under the new kind, exactly.
    expect((await post('/imports/events', 'unitCode,kind,channel,subject,receivedAt\n4301990001,MAILBOX,PORTAL,新校来信,2024-06-01\n', { ...key, 'idempotency-key': 'new-school' })).body.accepted).toBe(1);
    const kinded = await post('/imports/units', 'code,kind\n4301990001,NINE_YEAR\n', admin);
    expect(kinded.body.kindChanged).toEqual([{ code: '4301990001', from: 'PRIMARY', to: 'NINE_YEAR' }]);
    expect(await rollupDifferences(t, HUNAN)).toEqual([]);
  });

  it('checks every row: a Changsha ADMIN cannot reach Zhuzhou, and nothing of a bad file is written', async () => {
    const changshaAdmin = await staffHeaders({ tenant: '430000', unit: '430100', roles: ['ADMIN'] });
    const units = await count('org_unit');
    const file = [
      'code,name,level,kind,parentCode',
      '4301990002,新区第二小学,SCHOOL,PRIMARY,430199',
      '4302000009,株洲某校,SCHOOL,PRIMARY,430200',
      '430199,,CITY,,',
      '4301990003,无类别小学,SCHOOL,,430199',
      '4301990002,重复,SCHOOL,PRIMARY,430199',
    ].join('\n');
    const res = await post('/imports/units', file, changshaAdmin);
    expect(res.status).toBe(400);
    expect(res.body.error.rowErrors.map((e: any) => [e.line, e.field, e.message])).toEqual([
      [3, 'parentCode', 'no unit 430200 in your subtree (430100 and below)'],
      [4, 'level', expect.stringMatching(/^430199 is COUNTY; a level does not change/)],
      [5, 'kind', 'is required for a new unit'],
      [6, 'code', '4301990002 repeats row 0'],
    ]);
    expect(await count('org_unit')).toBe(units);
  });

  it('costs the same number of statements for 3 rows as for 300 units or 5,000 events (no statement per row)', async () => {
    const admin = await staffHeaders({ tenant: '430000', roles: ['ADMIN'] });
    const schools = (from: number, n: number) =>
      ['code,name,level,kind,parentCode', ...Array.from({ length: n }, (_, i) => `4301990${String(from + i).padStart(3, '0')},新区学校${from + i},SCHOOL,PRIMARY,430199`)].join('\n');
    const few = await post('/imports/units', schools(100, 3), admin);
    const many = await post('/imports/units', schools(200, 300), admin);
    expect([few.status, many.status]).toEqual([200, 200]);
    expect(many.body.created).toHaveLength(300);
    expect(many.statements).toBe(few.statements);

    const small = await post('/imports/events', eventsCsv(3, 'stmt-few', (_, cols) => (cols[0] = '430100')), { ...key, 'idempotency-key': 'stmt-few' });
    const started = Date.now();
    const large = await post('/imports/events', eventsCsv(5000, 'stmt-many', (_, cols) => (cols[0] = '430100')), { ...key, 'idempotency-key': 'stmt-many' });
    const ms = Date.now() - started;
    expect([small.body.accepted, large.body.accepted]).toEqual([3, 5000]);
    expect(large.statements).toBe(small.statements);
    // eslint-disable-next-line no-console
    console.log(`import of a 5,000-row events file on ${t.store}: ${ms} ms, ${large.statements} statements`);
  });

  it('moves many units in one statement (a county split), nested moves one by one; rollups exact', async () => {
    const admin = await staffHeaders({ tenant: '430000', roles: ['ADMIN'] });
    const res = await gqlData(t, '{ unit(code: "430100") { descendants(level: SCHOOL, first: 500) { edges { node { code parent { code } } } } } }');
    const schools: { code: string; parent: { code: string } }[] = res.unit.descendants.edges.map((e: any) => e.node)
      // Schools of the counties that stay put (not those created above, which hold events of earlier tests).
      .filter((s: any) => !['430104', '430105', '430199'].includes(s.parent.code));
    expect(schools.length).toBeGreaterThan(5);
    const file = (rows: string[]) => ['code,parentCode', ...rows].join('\n');
    // Figures to move: two events at each of the schools that move together.
    const csv = ['unitCode,kind,channel,subject,receivedAt', ...schools.slice(1).flatMap((s) => [0, 1].map((i) => `${s.code},MAILBOX,PORTAL,学校来信${i},2024-07-0${i + 1}`))].join('\n');
    expect((await post('/imports/events', csv, { ...key, 'idempotency-key': 'schools-moving' })).body.accepted).toBe(2 * (schools.length - 1));
    const one = await post('/imports/units', file([`${schools[0].code},430104`]), admin);
    expect(one.body.moved).toHaveLength(1);
    const before = await subtreeReceived('430104');
    const many = await post('/imports/units', file(schools.slice(1).map((s) => `${s.code},430104`)), admin);
    expect(many.body.moved).toHaveLength(schools.length - 1);
    expect(many.statements).toBe(one.statements);
    expect(await subtreeReceived('430104')).toBe(before + 2 * (schools.length - 1));
    expect(await rollupDifferences(t, HUNAN)).toEqual([]);
    // A county moves to Zhuzhou while one of its schools moves out of it: two statements.
    const county = (await gqlData(t, '{ unit(code: "430105") { children(level: SCHOOL) { code } } }')).unit.children;
    expect(county.length).toBeGreaterThan(0);
    const nested = await post('/imports/units', file(['430105,430200', `${county[0].code},430104`]), admin);
    expect(nested.body.moved).toHaveLength(2);
    expect(nested.statements).toBe(one.statements + 1);
    const after = await gqlData(t, `{ a: unit(code: "430105") { parent { code } } b: unit(code: "${county[0].code}") { parent { code } ancestors { code } } }`);
    expect(after).toEqual({ a: { parent: { code: '430200' } }, b: { parent: { code: '430104' }, ancestors: [{ code: '430000' }, { code: '430100' }, { code: '430104' }] } });
    expect(await rollupDifferences(t, HUNAN)).toEqual([]);
  });
});
