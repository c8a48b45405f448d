import { observeStatements } from '../../src/db/sql-counter';
import { adminHeaders, ANONYMOUS_HEADERS, gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * The invariant the national plan on Citus relies on (docs/scale-out.md): the province
 * (`tenant_id`) is the distribution column, so
 * - every table either carries `tenant_id` or is a reference table named here;
 * - every primary key and unique key of a tenant table includes `tenant_id`;
 * - every join to a tenant table joins on `tenant_id`, and every statement over tenant tables
 *   names `tenant_id`, so that it can be routed to one province's shard.
 * The schema half reads the catalogue; the join half captures every statement the API sends while
 * it answers a dashboard, lists, reports and writes of every kind.
 */
const REFERENCE_TABLES = new Set(['tenant', 'mikro_orm_migrations']);

interface Captured {
  sql: string;
}

/** `join <table> [alias] on <condition>` → the condition, up to the next clause. */
const JOIN = /\bjoin\s+(?!lateral\b)([a-z_]+)(?:\s+(?:as\s+)?(?!on\b)[a-z_]+)?\s+on\s+([\s\S]*?)(?=\b(?:left|right|inner|cross|full|join|where|group|order|limit|union|returning|on\s+conflict)\b|\)\s*(?:as\s+)?[a-z_]*\s*(?:,|$)|$)/gi;
const TABLE_REF = /\b(?:from|join|into|update)\s+([a-z_]+)\b/gi;

/** What a statement breaks of the invariant: no tenant_id at all, or joins to tenant tables not on it. */
function violationsOf(statement: string, tenantTables: Set<string>): { unrouted: boolean; badJoins: string[]; joins: number } {
  const tables = [...statement.matchAll(TABLE_REF)].map((m) => m[1].toLowerCase()).filter((n) => tenantTables.has(n));
  const badJoins: string[] = [];
  let joins = 0;
  for (const m of statement.matchAll(JOIN)) {
    if (!tenantTables.has(m[1].toLowerCase())) continue;
    joins++;
    if (!/tenant_id/i.test(m[2])) badJoins.push(`${m[1]} on ${m[2].slice(0, 120)} :: ${statement.slice(0, 200)}`);
  }
  return { unrouted: tables.length > 0 && !/tenant_id/i.test(statement), badJoins, joins };
}

describe('tenancy keys (Citus readiness)', () => {
  let t: TestApp;
  const lines: Captured[] = [];
  let capturing = false;
  let tenantTables: Set<string>;

  beforeAll(async () => {
    // Every statement the server sends, through MikroORM or as a prepared statement.
    stopObserving = observeStatements((sql) => {
      if (capturing) lines.push({ sql });
    });
    t = await startTestApp({ seedScale: 0.05 });
    const rows = await t.app.db.orm.em
      .getConnection()
      .execute<{ table_name: string }[]>(`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id'`);
    tenantTables = new Set(rows.map((r) => r.table_name));
  });
  let stopObserving = () => undefined as unknown;
  afterAll(async () => {
    stopObserving();
    await t?.close();
  });

  test('every table is a tenant table or a named reference table', async () => {
    const rows = await t.app.db.orm.em
      .getConnection()
      .execute<{ name: string }[]>(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p')`);
    const stray = rows.map((r) => r.name).filter((n) => !tenantTables.has(n) && !REFERENCE_TABLES.has(n));
    expect(stray).toEqual([]);
    expect(tenantTables.size).toBeGreaterThan(15);
  });

  test('every primary key and unique key of a tenant table includes tenant_id', async () => {
    const keys = await t.app.db.orm.em.getConnection().execute<{ tbl: string; name: string; columns: string[] }[]>(
      `select c.relname as tbl, ic.relname as name,
              array(select a.attname::text from unnest(i.indkey) k join pg_attribute a on a.attrelid = c.oid and a.attnum = k) as columns
         from pg_index i
         join pg_class c on c.oid = i.indrelid
         join pg_class ic on ic.oid = i.indexrelid
         join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and (i.indisunique or i.indisprimary)`,
    );
    const tenantKeys = keys.filter((k) => tenantTables.has(k.tbl));
    expect(tenantKeys.length).toBeGreaterThan(15);
    const without = tenantKeys.filter((k) => !k.columns.includes('tenant_id')).map((k) => `${k.tbl}.${k.name} (${k.columns.join(', ')})`);
    expect(without).toEqual([]);
  });

  test('every statement over tenant tables names tenant_id, and every join to one joins on it', async () => {
    const admin = await adminHeaders('430000');
    const hunan = (await gqlData(t, '{ unit(code: "430000") { id } }', undefined, ANONYMOUS_HEADERS)).unit.id;
    const changsha = (await gqlData(t, '{ unit(code: "430100") { id } }', undefined, ANONYMOUS_HEADERS)).unit.id;
    capturing = true;
    const reads = [
      `{ unit(code: "430000") { name stats(period: { year: 2024 }) { interactions { received onTimeRate } centres { total byLevel { level coverage } } }
          children(level: CITY) { name parent { code } ancestors { code } stats(period: { year: 2024 }) { interactions { received } }
            children(level: COUNTY) { name own(period: { year: 2024 }) { disclosures { published byCategory { categoryCode count } } } } } } }`,
      `{ units(filter: { ancestorId: "${changsha}", search: "长沙" }, first: 20) { totalCount edges { node { code descendants(first: 3) { totalCount edges { node { code } } } } } } }`,
      `{ rankings(parentId: "${hunan}", level: CITY, metric: EVENTS_RECEIVED, period: { year: 2024 }) { entries { rank unit { code } } } }`,
      `{ timeSeries(unitId: "${hunan}", metric: EVENTS_RECEIVED, period: { year: 2024 }, granularity: MONTH) { points { value } } }`,
      `{ laggingUnits(parentId: "${hunan}", period: { year: 2024 }) { unit { code } problems } }`,
      `{ centres(filter: { unitId: "${changsha}", subtree: true }, first: 10) { totalCount edges { node { name unit { code } } } } }`,
      `{ officers(filter: { unitId: "${changsha}", subtree: true }, first: 10) { totalCount edges { node { name phone } } } }`,
      `{ interactions(filter: { unitId: "${changsha}", subtree: true }, first: 10) { totalCount edges { node { subject requesterName duplicateOfId } } } }`,
      `{ disclosureItems(filter: { unitId: "${changsha}", subtree: true }, first: 10) { totalCount edges { node { title reviews { decision } } } } }`,
      `{ disclosureApplications(filter: { unitId: "${changsha}", subtree: true }, first: 10) { totalCount edges { node { subject applicantName } } } }`,
      `{ disclosureDisputes(filter: { unitId: "${changsha}", subtree: true }, first: 10) { totalCount } }`,
      `{ annualReport(unitId: "${changsha}", year: 2024) { title sections { key } } }`,
      `{ inspection(parentId: "${hunan}", year: 2024) { units { score } } }`,
      `{ apiKeys(includeRevoked: true) { prefix } }`,
      `{ calendarDays(tenant: "430000", year: 2024) { day } replyRules(tenant: "430000") { kind } disclosureCategories(tenant: "430000") { code } }`,
    ];
    for (const q of reads) {
      const res = await gql(t, q, undefined, admin);
      expect(res.body.errors).toBeUndefined();
    }
    const write = async (q: string, v: Record<string, unknown>) => {
      const res = await gql(t, q, v, admin);
      expect(res.body.errors).toBeUndefined();
      return res.body.data;
    };
    const at = '2024-03-04T02:00:00Z';
    const ev = await write(`mutation($u: ID!, $at: DateTime!) { createInteraction(input: { tenant: "430000", unitId: $u, kind: MAILBOX, channel: MAILBOX_WEB, subject: "s", receivedAt: $at }) { id } }`, { u: changsha, at });
    const ev2 = await write(`mutation($u: ID!, $at: DateTime!) { createInteraction(input: { tenant: "430000", unitId: $u, kind: MAILBOX, channel: MAILBOX_WEB, subject: "s2", receivedAt: $at }) { id } }`, { u: changsha, at });
    await write(`mutation($id: ID!) { replyInteraction(id: $id, repliedAt: "2024-03-05T02:00:00Z", reply: "r") { id } }`, { id: ev.createInteraction.id });
    await write(`mutation($id: ID!, $of: ID!) { markDuplicateInteraction(id: $id, duplicateOfId: $of) { id } }`, { id: ev2.createInteraction.id, of: ev.createInteraction.id });
    await write(`mutation($rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "430000", idempotencyKey: "tenancy-1", rows: $rows) { accepted } }`, {
      rows: [{ unitCode: '430100', kind: 'MAILBOX', channel: 'PORTAL', subject: 'x', receivedAt: at, externalId: 'ext-1' }],
    });
    const item = await write(`mutation($u: ID!) { createDisclosureItem(input: { tenant: "430000", unitId: $u, title: "p", categoryCode: "NEWS", channels: [DEPARTMENT_PORTAL] }) { id } }`, { u: changsha });
    if (item) {
      const id = item.createDisclosureItem.id;
      await write(`mutation($id: ID!) { submitDisclosureItem(id: $id, reviewer: "a") { id } }`, { id });
      await write(`mutation($id: ID!) { reviewDisclosureItem(id: $id, input: { step: OFFICE_REVIEW, decision: APPROVED, reviewer: "b" }) { id } }`, { id });
      await write(`mutation($id: ID!) { publishDisclosureItem(id: $id, reviewer: "c", publishedAt: "2024-03-06T02:00:00Z") { id } }`, { id });
    }
    const app = await write(`mutation($u: ID!, $at: DateTime!) { createDisclosureApplication(input: { tenant: "430000", unitId: $u, applicantType: CITIZEN, applicantName: "张三", channel: ONLINE, subject: "s", receivedAt: $at }) { id } }`, { u: changsha, at });
    await write(`mutation($id: ID!) { decideDisclosureApplication(id: $id, input: { decidedAt: "2024-03-08T02:00:00Z", outcome: GRANTED }) { id } }`, { id: app.createDisclosureApplication.id });
    const centre = await write(`mutation($u: ID!) { createCentre(input: { unitId: $u, kind: STATION, name: "站", onlineHallUrl: "https://hall.example.cn/" }) { id } }`, { u: changsha });
    await write(`mutation($id: ID!) { reportCentreCheck(input: { centreId: $id, checkedAt: "2024-03-04T02:00:00Z", ok: true, httpStatus: 200 }) { centre { id } } }`, { id: centre.createCentre.id });
    await write(`mutation($u: ID!) { saveReportText(input: { unitId: $u, year: 2024, problems: "问题" }) { year } }`, { u: changsha });
    capturing = false;

    const statements = lines.map((l) => l.sql.replace(/\s+/g, ' ').trim()).filter((s) => !/^(begin|commit|rollback|savepoint|release|select 1\b)/i.test(s));
    expect(statements.length).toBeGreaterThan(40);
    const unrouted: string[] = [];
    const badJoins: string[] = [];
    let joinsChecked = 0;
    for (const s of statements) {
      const v = violationsOf(s, tenantTables);
      if (v.unrouted) unrouted.push(s.slice(0, 300));
      badJoins.push(...v.badJoins);
      joinsChecked += v.joins;
    }
    // The checks themselves catch what they are for.
    expect(violationsOf('select * from centre c where c.id = 1', tenantTables).unrouted).toBe(true);
    expect(violationsOf('select u.code from org_unit u join centre c on c.unit_id = u.id where u.tenant_id = 1', tenantTables).badJoins).toHaveLength(1);
    expect(violationsOf('select u.code from org_unit u join centre c on c.tenant_id = u.tenant_id and c.unit_id = u.id where u.tenant_id = 1', tenantTables).badJoins).toHaveLength(0);
    expect(joinsChecked).toBeGreaterThan(10);
    expect(unrouted).toEqual([]);
    expect(badJoins).toEqual([]);
  });
});
