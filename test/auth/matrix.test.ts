import {
  getNamedType,
  getNullableType,
  isListType,
  GraphQLField,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { getSchema } from '../../src/schema';
import { adminHeaders, ANONYMOUS_HEADERS, gql, gqlData, GqlResponse, staffHeaders, startTestApp, TestApp } from '../support/app';

/**
 * The access matrix, built from the schema itself: every Query and Mutation field is called by
 * every persona that must not reach the data of one county (Furong 芙蓉区, under Changsha, Hunan),
 * with the ids of that county's rows. A field missing from the tables below fails the test, so a
 * new field cannot escape the matrix.
 *
 * - reads: no private row or personal datum of Furong appears in any answer (nor in totalCount,
 *   stats, rankings, series or lagging lists); staff of another tenant see nothing of Hunan at all;
 *   an expired token is UNAUTHENTICATED;
 * - writes: every call is refused, and afterwards every table holds exactly what it held before
 *   (row counts and a hash of the contents), with the rollups still exact.
 */

/** Arguments of every Query field: `$name` stands for a fixture id. */
const QUERY_ARGS: Record<string, string> = {
  annualReport: 'unitId: "$furong", year: 2024',
  inspection: 'parentId: "$changsha", year: 2024',
  inspectionScheme: 'tenant: "430000"',
  apiKeys: 'includeRevoked: true',
  calendarDays: 'tenant: "430000", year: 2024',
  centre: 'id: "$centre"',
  centres: 'filter: { unitId: "$furong", subtree: true }, first: 5',
  deadline: 'tenant: "430000", receivedAt: "2024-01-02T00:00:00Z", workingDays: 5',
  disclosureApplication: 'id: "$application"',
  disclosureApplications: 'filter: { unitId: "$furong", subtree: true }, first: 5',
  disclosureCategories: 'tenant: "430000"',
  disclosureDisputes: 'filter: { unitId: "$furong", subtree: true }, first: 5',
  disclosureItem: 'id: "$draft"',
  disclosureItems: 'filter: { unitId: "$furong", subtree: true }, first: 5',
  interaction: 'id: "$event"',
  interactions: 'filter: { unitId: "$furong", subtree: true }, first: 5',
  isWorkingDay: 'tenant: "430000", date: "2024-01-02"',
  laggingUnits: 'parentId: "$changsha", period: { year: 2024 }',
  officers: 'filter: { unitId: "$furong", subtree: true }, first: 5',
  rankings: 'parentId: "$changsha", metric: EVENTS_RECEIVED, period: { year: 2024 }',
  replyRules: 'tenant: "430000"',
  tenants: '',
  timeSeries: 'unitId: "$furong", metric: EVENTS_RECEIVED, period: { year: 2024 }',
  today: '',
  unit: 'id: "$furong"',
  units: 'filter: { ancestorId: "$changsha" }, first: 5',
};

/** What `totalCount` of a connection over Furong's subtree may be, for the personas of the matrix. */
const VISIBLE_TOTAL: Record<string, (p: Persona) => number | null> = {
  // published items are public; drafts are not
  disclosureItems: (p) => (p === 'otherTenant' ? 0 : 1),
  interactions: () => 0,
  disclosureApplications: () => 0,
  disclosureDisputes: () => 0,
  centres: (p) => (p === 'otherTenant' ? 0 : 1),
  officers: (p) => (p === 'otherTenant' ? 0 : 1),
  units: (p) => (p === 'otherTenant' ? 0 : null),
};

/** Arguments of every Mutation field, aimed at Furong's rows. */
const MUTATION_ARGS: Record<string, string> = {
  addOfficer: 'input: { unitId: "$furong", name: "X", role: OFFICER }',
  closeCentre: 'id: "$centre"',
  concludeDisclosureDispute: 'id: "$dispute", outcome: UPHELD, concludedAt: "2024-06-01T00:00:00Z"',
  createApiKey: 'input: { unitId: "$furong", name: "X", scopes: [READ] }',
  createCentre: 'input: { unitId: "$furong", kind: POINT, name: "X" }',
  createDisclosureApplication:
    'input: { tenant: "430000", unitId: "$furong", applicantType: CITIZEN, applicantName: "X", channel: LETTER, subject: "X", receivedAt: "2024-03-01T00:00:00Z" }',
  createDisclosureItem: 'input: { tenant: "430000", unitId: "$furong", categoryCode: "NEWS", channels: [DEPARTMENT_PORTAL], title: "X" }',
  createInteraction: 'input: { tenant: "430000", unitId: "$furong", kind: MAILBOX, channel: MAILBOX_WEB, subject: "X", receivedAt: "2024-03-01T00:00:00Z" }',
  deactivateOfficer: 'id: "$officer"',
  decideDisclosureApplication: 'id: "$application", input: { outcome: GRANTED, decidedAt: "2024-03-05T00:00:00Z" }',
  deleteCentre: 'id: "$centre"',
  deleteDisclosureApplication: 'id: "$application2"',
  deleteDisclosureItem: 'id: "$draft"',
  deleteInteraction: 'id: "$event2"',
  extendDisclosureApplication: 'id: "$application", reason: "X", at: "2024-03-02T00:00:00Z"',
  fileDisclosureDispute: 'input: { tenant: "430000", unitId: "$furong", kind: LAWSUIT, filedAt: "2024-04-01T00:00:00Z" }',
  ingestDisclosures: 'tenant: "430000", idempotencyKey: "matrix", rows: [{ unitCode: "430102", categoryCode: "NEWS", channels: ["DEPARTMENT_PORTAL"], title: "X" }]',
  ingestInteractions: 'tenant: "430000", idempotencyKey: "matrix", rows: [{ unitCode: "430102", kind: MAILBOX, channel: MAILBOX_WEB, subject: "X", receivedAt: "2024-03-01T00:00:00Z" }]',
  invalidateInteraction: 'id: "$event", reason: "X"',
  markDuplicateInteraction: 'id: "$event", duplicateOfId: "$event2"',
  moveUnit: 'id: "$furong", parentId: "$zhuzhou"',
  publishDisclosureItem: 'id: "$draft", reviewer: "X"',
  reopenInteraction: 'id: "$event"',
  replyInteraction: 'id: "$event", repliedAt: "2024-03-02T00:00:00Z", reply: "X"',
  reportCentreCheck: 'input: { centreId: "$centre", checkedAt: "2024-03-01T00:00:00Z", ok: false }',
  reportCentreChecks: 'tenant: "430000", checks: [{ centreId: "$centre", checkedAt: "2024-03-01T00:00:00Z", ok: false }]',
  saveReportText: 'input: { unitId: "$furong", year: 2024, problems: "X" }',
  setInspectionFinding: 'input: { unitId: "$furong", year: 2024, problem: NO_INTERVIEW }',
  setInspectionScheme: 'tenant: "430000", input: { dimensions: [{ code: "ALL", name: "X", weight: 100 }] }',
  setInspectionScore: 'input: { unitId: "$furong", year: 2024, dimension: "ALL", score: 1 }',
  reviewDisclosureItem: 'id: "$draft", input: { step: OFFICE_REVIEW, decision: APPROVED, reviewer: "X" }',
  revokeApiKey: 'id: "$key"',
  setCalendarDay: 'tenant: "430000", date: "2024-05-06", working: false, name: "X"',
  setReplyRule: 'tenant: "430000", kind: HOTLINE, workingDays: 1',
  setResponsibleDepartment: 'unitId: "$furong", department: "X", designatedAt: "2020-01-01"',
  submitDisclosureItem: 'id: "$draft", reviewer: "X"',
  updateCentre: 'id: "$centre", input: { name: "X" }',
  updateDisclosureItem: 'id: "$draft", input: { title: "X" }',
  updateOfficer: 'id: "$officer", input: { name: "X" }',
  upsertDisclosureCategory: 'tenant: "430000", input: { code: "NEWS", name: "X" }',
  withdrawDisclosureApplication: 'id: "$application", at: "2024-03-02T00:00:00Z"',
  withdrawDisclosureItem: 'id: "$published", reviewer: "X", note: "X"',
};

/** The permission (key scope) a mutation needs, to give the key persona a key WITHOUT it. */
const NEEDS_INGEST_DISCLOSURES = new Set(['createDisclosureItem', 'updateDisclosureItem', 'deleteDisclosureItem', 'submitDisclosureItem', 'ingestDisclosures']);

type Persona = 'anonymous' | 'otherCounty' | 'otherTenant' | 'keyWithoutScope' | 'expired';
const PERSONAS: Persona[] = ['anonymous', 'otherCounty', 'otherTenant', 'keyWithoutScope', 'expired'];

/** Arguments for nested fields that need them. */
const NESTED_ARGS: Record<string, string> = { first: '2', period: '{ year: 2024 }', metric: 'EVENTS_RECEIVED' };

/** Every field of the type, recursively to `depth`, with the arguments nested fields need. */
function selectionOf(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (depth <= 0 || !isObjectType(named)) return '{ __typename }';
  const parts: string[] = [];
  for (const f of Object.values((named as GraphQLObjectType).getFields()) as GraphQLField<unknown, unknown>[]) {
    const args: string[] = [];
    let callable = true;
    for (const a of f.args) {
      if (NESTED_ARGS[a.name] && (a.name === 'first' || isNonNullType(a.type))) args.push(`${a.name}: ${NESTED_ARGS[a.name]}`);
      else if (isNonNullType(a.type) && a.defaultValue === undefined) callable = false;
    }
    if (!callable) continue;
    parts.push(`${f.name}${args.length ? `(${args.join(', ')})` : ''} ${selectionOf(f.type, depth - 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

let t: TestApp;
let schema: GraphQLSchema;
const ids: Record<string, string> = {};
const headers = {} as Record<Persona | 'owner' | 'keyNoDisclosures' | 'keyNoInteractions', Record<string, string>>;
/** Strings of Furong's private rows: none may appear in an answer to the personas. */
const SECRETS = ['SECRET-REQUESTER', 'SECRET-CONTACT', 'SECRET-EVENT', 'SECRET-APPLICANT', 'SECRET-APP-SUBJECT', 'SECRET-DISPUTE', 'SECRET-DRAFT', 'SECRET-REVIEWER', '0731-55501234', 'secret-officer@example.cn', 'SECRET-KEY'];
/** Public strings of Furong: staff of another tenant must not see even these. */
const PUBLIC_MARKS = ['MARK-PUBLISHED', 'MARK-CENTRE', 'MARK-OFFICER', '芙蓉区'];

function fill(text: string): string {
  return text.replace(/\$(\w+)/g, (_, name: string) => {
    if (!ids[name]) throw new Error(`no fixture id ${name}`);
    return ids[name];
  });
}

beforeAll(async () => {
  // High cost/depth limits: the matrix asks every field to depth 4 at once.
  t = await startTestApp({ seedScale: 0.02, env: { MAX_COST: '100000000', MAX_DEPTH: '40' } });
  schema = await getSchema();
  const u = await gqlData(t, '{ furong: unit(code: "430102") { id } changsha: unit(code: "430100") { id } zhuzhou: unit(code: "430200") { id children(level: COUNTY) { code } } }');
  ids.furong = u.furong.id;
  ids.changsha = u.changsha.id;
  ids.zhuzhou = u.zhuzhou.id;
  const otherCountyCode = u.zhuzhou.children[0].code;

  // Furong's rows, written by Hunan's province ADMIN (the default test principal).
  await gqlData(t, `mutation { ingestDisclosures(tenant: "430000", idempotencyKey: "fixture", rows: [
    { unitCode: "430102", categoryCode: "NEWS", channels: ["DEPARTMENT_PORTAL"], title: "MARK-PUBLISHED item", status: PUBLISHED, publishedAt: "2024-02-01T00:00:00Z" },
    { unitCode: "430102", categoryCode: "NEWS", channels: ["DEPARTMENT_PORTAL"], title: "SECRET-DRAFT item", status: DRAFT }
  ]) { accepted } }`);
  const furongItems = (await gqlData(t, `{ disclosureItems(filter: { unitId: "${ids.furong}" }) { edges { node { id title status } } } }`)).disclosureItems.edges.map((e: any) => e.node);
  ids.published = furongItems.find((i: any) => i.title.startsWith('MARK-PUBLISHED')).id;
  ids.draft = furongItems.find((i: any) => i.title.startsWith('SECRET-DRAFT')).id;
  expect(furongItems.map((i: any) => i.status).sort()).toEqual(['DRAFT', 'PUBLISHED']);
  await gqlData(t, `mutation { submitDisclosureItem(id: "${ids.draft}", reviewer: "SECRET-REVIEWER") { id } }`);
  const ev = (subject: string) =>
    gqlData(t, `mutation { createInteraction(input: { tenant: "430000", unitId: "${ids.furong}", kind: MAILBOX, channel: MAILBOX_WEB, subject: "${subject}", receivedAt: "2024-03-01T02:00:00Z", requesterName: "SECRET-REQUESTER", requesterContact: "SECRET-CONTACT-13800000000" }) { id } }`);
  ids.event = (await ev('SECRET-EVENT one')).createInteraction.id;
  ids.event2 = (await ev('SECRET-EVENT two')).createInteraction.id;
  const app = (subject: string) =>
    gqlData(t, `mutation { createDisclosureApplication(input: { tenant: "430000", unitId: "${ids.furong}", applicantType: CITIZEN, applicantName: "SECRET-APPLICANT", channel: LETTER, subject: "${subject}", receivedAt: "2024-03-01T02:00:00Z" }) { id } }`);
  ids.application = (await app('SECRET-APP-SUBJECT one')).createDisclosureApplication.id;
  ids.application2 = (await app('SECRET-APP-SUBJECT two')).createDisclosureApplication.id;
  ids.dispute = (
    await gqlData(t, `mutation { fileDisclosureDispute(input: { tenant: "430000", unitId: "${ids.furong}", applicationId: "${ids.application}", kind: RECONSIDERATION, filedAt: "2024-03-10T02:00:00Z", note: "SECRET-DISPUTE note" }) { id } }`)
  ).fileDisclosureDispute.id;
  ids.centre = (await gqlData(t, `mutation { createCentre(input: { unitId: "${ids.furong}", kind: STATION, name: "MARK-CENTRE 芙蓉区站", onlineHallUrl: "https://furong.example.cn/" }) { id } }`)).createCentre.id;
  ids.officer = (
    await gqlData(t, `mutation { addOfficer(input: { unitId: "${ids.furong}", name: "MARK-OFFICER", role: LEAD, phone: "0731-55501234", email: "secret-officer@example.cn" }) { id } }`)
  ).addOfficer.id;
  await gqlData(t, `mutation { setResponsibleDepartment(unitId: "${ids.furong}", department: "办公室", designatedAt: "2020-01-01") { unit { id } } }`);
  ids.key = (await gqlData(t, `mutation { createApiKey(input: { unitId: "${ids.furong}", name: "SECRET-KEY of Furong", scopes: [READ, INGEST_INTERACTIONS] }) { apiKey { id } } }`)).createApiKey.apiKey.id;
  const key = async (scopes: string) => (await gqlData(t, `mutation { createApiKey(input: { unitId: "${u.changsha.id}", name: "matrix ${scopes}", scopes: [${scopes}] }) { key } }`)).createApiKey.key;
  // Keys of Changsha (above Furong): each lacks the scope of the mutations it is used for, and `read`.
  headers.keyNoInteractions = { 'x-api-key': await key('INGEST_DISCLOSURES') };
  headers.keyNoDisclosures = { 'x-api-key': await key('INGEST_INTERACTIONS, MANAGE_CENTRES') };

  headers.owner = await adminHeaders('430000');
  headers.anonymous = ANONYMOUS_HEADERS;
  headers.otherCounty = await staffHeaders({ tenant: '430000', unit: otherCountyCode, roles: ['ADMIN'], sub: 'other-county' });
  headers.otherTenant = await adminHeaders('140000');
  headers.keyWithoutScope = headers.keyNoDisclosures;
  headers.expired = await staffHeaders({ tenant: '430000', roles: ['ADMIN'], sub: 'expired', expiresIn: Math.floor(Date.now() / 1000) - 60 });
}, 180_000);
afterAll(async () => t?.close());

function rootFields(kind: 'Query' | 'Mutation'): GraphQLField<unknown, unknown>[] {
  const type = kind === 'Query' ? schema.getQueryType()! : schema.getMutationType()!;
  return Object.values(type.getFields());
}

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, args: string): string {
  // Four levels deep (a connection's node with its objects); a list one level less, so that
  // fan-out stays small on a busy machine.
  const depth = isListType(getNullableType(field.type)) ? 3 : 4;
  return `${kind} { r: ${field.name}${args ? `(${fill(args)})` : ''} ${selectionOf(field.type, depth)} }`;
}

/** Counts and a hash of every table (api_key without last_used_at, which records use). */
async function fingerprint(): Promise<Record<string, string>> {
  const conn = t.app.db.orm.em.fork().getConnection();
  const tables: { name: string }[] = await conn.execute(
    `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> 'mikro_orm_migrations' order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const row = name === 'api_key'
      ? (await conn.execute(`select count(*)::int as n, md5(coalesce(string_agg(id::text || coalesce(revoked_at::text, ''), '|' order by id), '')) as h from api_key`))[0]
      : (await conn.execute(`select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${name}" x`))[0];
    out[name] = `${row.n}:${row.h}`;
  }
  const [{ n }] = await conn.execute('select count(*)::int as n from rollup_verify(430000)');
  out.rollup_verify = String(n);
  return out;
}

function totalsIn(value: unknown): number[] {
  const found: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'totalCount' && typeof x === 'number') found.push(x);
        walk(x);
      }
    }
  };
  walk(value);
  return found;
}

describe('the access matrix covers the whole schema', () => {
  it('has arguments for every Query and Mutation field, and no stale entries', () => {
    const queries = rootFields('Query').map((f) => f.name).sort();
    const mutations = rootFields('Mutation').map((f) => f.name).sort();
    expect(queries).toEqual(Object.keys(QUERY_ARGS).sort());
    expect(mutations).toEqual(Object.keys(MUTATION_ARGS).sort());
  });
});

describe('reads: no foreign data for anyone outside Furong’s subtree', () => {
  it('the owner (Hunan’s province ADMIN) does see every private marker: the matrix would notice a leak', async () => {
    let all = '';
    for (const f of rootFields('Query')) {
      const res = await gql(t, operation('query', f, QUERY_ARGS[f.name]), undefined, headers.owner);
      all += JSON.stringify(res.body.data ?? null);
    }
    for (const s of SECRETS.filter((x) => x !== 'SECRET-KEY' && x !== 'SECRET-REVIEWER')) expect(all).toContain(s);
    expect(all).toContain(ids.event);
    expect(all).toContain(ids.application);
  }, 900_000);

  it.each(PERSONAS)('%s: every Query field', async (persona) => {
    const problems: string[] = [];
    for (const f of rootFields('Query')) {
      const res: GqlResponse = await gql(t, operation('query', f, QUERY_ARGS[f.name]), undefined, headers[persona]);
      const data = JSON.stringify(res.body.data ?? null);
      if (persona === 'expired') {
        if (res.body.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED' || res.body.data) problems.push(`${f.name}: expected UNAUTHENTICATED, got ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      for (const e of res.body.errors ?? []) {
        if (!['NOT_FOUND', 'BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED'].includes(e.extensions?.code)) problems.push(`${f.name}: unexpected error ${JSON.stringify(e)}`);
        if (JSON.stringify(e).match(/\bat .*\.(ts|js):\d+/)) problems.push(`${f.name}: stack trace in error`);
      }
      for (const s of SECRETS) if (data.includes(s)) problems.push(`${f.name}: shows ${s}`);
      for (const id of [ids.event, ids.event2, ids.application, ids.application2, ids.dispute, ids.draft, ids.key]) {
        if (data.includes(id)) problems.push(`${f.name}: shows private row ${id}`);
      }
      if (persona === 'otherTenant') {
        for (const m of [...PUBLIC_MARKS, ids.furong, ids.changsha, ids.centre, ids.published]) if (data.includes(m)) problems.push(`${f.name}: another tenant sees ${m}`);
      }
      const expected = VISIBLE_TOTAL[f.name]?.(persona);
      if (expected !== undefined && expected !== null) {
        const totals = totalsIn((res.body.data as any)?.r ?? null);
        if (totals[0] !== expected) problems.push(`${f.name}: totalCount ${totals[0]}, expected ${expected}`);
      }
    }
    expect(problems).toEqual([]);
  }, 900_000);

  it('figures are public aggregates: the public reads Furong’s stats, another tenant’s staff get nothing', async () => {
    const q = `{ unit(id: "${ids.furong}") { own(period: { year: 2024 }) { interactions { received } disclosures { published } } } }`;
    expect((await gqlData(t, q, undefined, ANONYMOUS_HEADERS)).unit.own).toEqual({ interactions: { received: 2 }, disclosures: { published: 1 } });
    expect((await gqlData(t, q, undefined, headers.otherTenant)).unit).toBeNull();
    const ranking = await gql(t, `{ rankings(parentId: "${ids.changsha}", metric: EVENTS_RECEIVED, period: { year: 2024 }) { totalUnits entries { value unit { code } } } }`, undefined, headers.otherTenant);
    expect(JSON.stringify(ranking.body.data ?? null)).not.toContain('430102');
  });
});

describe('writes: every Mutation field is refused to every persona and changes nothing', () => {
  it.each(PERSONAS)('%s: every Mutation field', async (persona) => {
    const before = await fingerprint();
    const problems: string[] = [];
    for (const f of rootFields('Mutation')) {
      let h = headers[persona];
      if (persona === 'keyWithoutScope') h = NEEDS_INGEST_DISCLOSURES.has(f.name) ? headers.keyNoDisclosures : headers.keyNoInteractions;
      const res = await gql(t, operation('mutation', f, MUTATION_ARGS[f.name]), undefined, h);
      const code = res.body.errors?.[0]?.extensions?.code;
      const data = (res.body.data as any)?.r;
      if (data !== undefined && data !== null) problems.push(`${f.name}: succeeded: ${JSON.stringify(data).slice(0, 200)}`);
      const expected: Record<Persona, string[]> = {
        anonymous: ['UNAUTHENTICATED'],
        expired: ['UNAUTHENTICATED'],
        keyWithoutScope: ['FORBIDDEN'],
        // allowed by role, refused by scope: the target is outside the caller's subtree or tenant
        otherCounty: ['NOT_FOUND', 'BAD_USER_INPUT', 'FORBIDDEN'],
        otherTenant: ['NOT_FOUND', 'BAD_USER_INPUT'],
      };
      if (!expected[persona].includes(code)) problems.push(`${f.name}: ${code} (${res.body.errors?.[0]?.message})`);
      const text = JSON.stringify(res.body);
      for (const s of SECRETS) if (text.includes(s)) problems.push(`${f.name}: error shows ${s}`);
    }
    expect(problems).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  }, 600_000);

  it('the same calls by the owner reach the rows (not refused for want of rights or rows)', async () => {
    const refusals: string[] = [];
    // Deletions last, so that the other calls still find their rows.
    const fields = rootFields('Mutation').sort((a, b) => Number(a.name.startsWith('delete')) - Number(b.name.startsWith('delete')));
    for (const f of fields) {
      const res = await gql(t, operation('mutation', f, MUTATION_ARGS[f.name]), undefined, headers.owner);
      const code = res.body.errors?.[0]?.extensions?.code;
      if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'NOT_FOUND' || code === 'INTERNAL_SERVER_ERROR') refusals.push(`${f.name}: ${code} ${res.body.errors?.[0]?.message}`);
    }
    expect(refusals).toEqual([]);
  }, 600_000);
});
