import type { Pool } from 'pg';

/**
 * The benchmark scenarios: a GraphQL request as a dashboard or integrator sends it, and beside it
 * the same read written as plain SQL on PostgreSQL (the floor the API is compared with).
 */
export interface Fixture {
  tenant: number;
  tenantCode: string;
  province: { id: string; code: string; path: string };
  /** A city with counties (for the subtree item list). */
  city: { id: string; code: string; path: string };
  /** The county with the most schools. */
  county: { id: string; code: string };
  /** The year read by the dashboards (the last generated year). */
  year: number;
  /** School codes that ingested events go to. */
  schoolCodes: string[];
}

export interface Scenario {
  key: string;
  title: string;
  /** Body of one request (a fresh one per call for writes). */
  body(f: Fixture, n: number): string;
  /** The floor: the same read (or write) in SQL, run on a pool client. */
  floor(pool: Pool, f: Fixture, n: number): Promise<unknown>;
  write?: boolean;
  /** Rows written per call (ingest). */
  rowsPerCall?: number;
}

const FIGURES = `interactions { received replied repliedOnTime invalid onTimeRate } disclosures { published }`;

/** Sums of the same figures from stat_rollup (subtree rows of one year). */
const FIGURES_SQL = `coalesce(sum(r.c0) filter (where r.grp = 1), 0) as received, coalesce(sum(r.c1) filter (where r.grp = 1), 0) as replied,
  coalesce(sum(r.c2) filter (where r.grp = 1), 0) as replied_on_time, coalesce(sum(r.c3) filter (where r.grp = 1), 0) as invalid,
  coalesce(sum(r.c4 + r.c5) filter (where r.grp = 1), 0) as excluded, coalesce(sum(r.c0) filter (where r.grp = 3), 0) as published`;
/**
 * A unit's yearly subtree rows of groups 1 and 3, as two exact ranges of the primary key (tenant,
 * unit, scope, grp, grain, bucket). Written as `grp in (1, 3)`, PostgreSQL applies the group as a
 * filter and walks every group's rows of the unit (28 pages a unit on the 100k database, 45–68 ms
 * for the 122 counties, against a few ms this way).
 */
const ROLLUP_ROWS = (unit: string, tenant: string, bucket: string) =>
  `select r.grp, r.c0, r.c1, r.c2, r.c3, r.c4, r.c5 from stat_rollup r where r.tenant_id = ${tenant} and r.unit_id = ${unit} and r.scope = 'S' and r.grp = 1 and r.grain = 'Y' and r.bucket = ${bucket}
   union all
   select r.grp, r.c0, r.c1, r.c2, r.c3, r.c4, r.c5 from stat_rollup r where r.tenant_id = ${tenant} and r.unit_id = ${unit} and r.scope = 'S' and r.grp = 3 and r.grain = 'Y' and r.bucket = ${bucket}`;
const gql = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

export const SCENARIOS: Scenario[] = [
  {
    key: 'a',
    title: 'province dashboard: the province, its 14 cities and 122 counties with a year of figures',
    body: (f) =>
      gql(
        `query A($code: String!, $p: PeriodInput!) { unit(code: $code) { id code name stats(period: $p) { ${FIGURES} }
           children(level: CITY) { id code name stats(period: $p) { ${FIGURES} }
             children(level: COUNTY) { id code name stats(period: $p) { ${FIGURES} } } } } }`,
        { code: f.province.code, p: { year: f.year } },
      ),
    // The best single statement: the province by its key, its cities and their counties by the
    // (tenant_id, parent_id) index, and for each of the 137 units its two yearly rollup ranges,
    // summed per unit in a LATERAL subquery: one row per unit, no scan of the tenant's units
    // (EXPLAIN: docs/performance.md). Prepared (named), as a tuned client would send it.
    floor: (pool, f) =>
      pool.query({
        name: 'floor-a',
        text: `with c as (select u.id, u.code, u.name, u.parent_id from org_unit u where u.tenant_id = $1 and u.parent_id = $2 and u.level = 'CITY'),
                    t as (select u.id, u.code, u.name, u.parent_id from org_unit u where u.tenant_id = $1 and u.id = $2
                          union all select * from c
                          union all select k.id, k.code, k.name, k.parent_id from c join org_unit k on k.tenant_id = $1 and k.parent_id = c.id and k.level = 'COUNTY')
               select t.id, t.code, t.name, t.parent_id, f.* from t cross join lateral (
                 select ${FIGURES_SQL} from (${ROLLUP_ROWS('t.id', '$1', '$3::date')}) r) f`,
        values: [f.tenant, f.province.id, `${f.year}-01-01`],
      }),
  },
  {
    key: 'b',
    title: 'a county with its first 100 schools and their figures for a year',
    body: (f) =>
      gql(
        `query B($code: String!, $p: PeriodInput!) { unit(code: $code) { id code name stats(period: $p) { ${FIGURES} }
           descendants(level: SCHOOL, first: 100) { totalCount edges { node { id code name kind stats(period: $p) { ${FIGURES} } } } } } }`,
        { code: f.county.code, p: { year: f.year } },
      ),
    floor: async (pool, f) => {
      const c = await pool.connect();
      try {
        // The county with its figures, the schools' count, and the first 100 schools with theirs.
        // Schools as a range of the (tenant_id, path) index under the county's path; the count of
        // them in the same statement; every unit's figures summed in its own LATERAL subquery.
        return await c.query({
          name: 'floor-b',
          text: `with p as (select u.path from org_unit u where u.tenant_id = $1 and u.id = $2),
                      d as (select u.id, u.code, u.name, u.kind from org_unit u, p where u.tenant_id = $1 and u.path ~>~ p.path and u.path ~<~ (left(p.path, -1) || '0') and u.level = 'SCHOOL'),
                      s as (select * from d order by d.code, d.id limit 100),
                      t as (select u.id, u.code, u.name, u.kind from org_unit u where u.tenant_id = $1 and u.id = $2 union all select * from s)
                 select t.id, t.code, t.name, t.kind, (select count(*) from d) as total, f.* from t cross join lateral (
                   select ${FIGURES_SQL} from (${ROLLUP_ROWS('t.id', '$1', '$3::date')}) r) f`,
          values: [f.tenant, f.county.id, `${f.year}-01-01`],
        });
      } finally {
        c.release();
      }
    },
  },
  {
    key: 'c',
    title: "disclosure items of a city's subtree, one category, a quarter (first 20 and the total)",
    body: (f) =>
      gql(
        `query C($filter: DisclosureItemFilter!) { disclosureItems(filter: $filter, first: 20) { totalCount
           edges { cursor node { id title documentNumber categoryCode channels publishedAt unit { code name } } } } }`,
        { filter: { tenant: f.tenantCode, unitId: f.city.id, subtree: true, categoryCode: 'NOTICE', status: 'PUBLISHED', publishedFrom: `${f.year}-04-01`, publishedTo: `${f.year}-06-30` } },
      ),
    floor: async (pool, f) => {
      const args = [f.tenant, f.city.path, 'NOTICE', `${f.year}-04-01T00:00:00+08:00`, `${f.year}-07-01T00:00:00+08:00`];
      const where = `i.tenant_id = $1 and u.path ~>=~ $2 and u.path ~<~ (left($2, -1) || '0') and i.category_code = $3 and i.status = 'PUBLISHED' and i.published_at >= $4 and i.published_at < $5`;
      // One statement: the page and the total (a window count over the matching rows).
      return pool.query({
        name: 'floor-c',
        text: `select i.id, i.title, i.document_number, i.category_code, i.channels, i.published_at, u.code, u.name, count(*) over () as total
           from disclosure_item i join org_unit u on u.tenant_id = i.tenant_id and u.id = i.unit_id
          where ${where} order by i.published_at desc nulls last, i.id desc limit 20`,
        values: args,
      });
    },
  },
  {
    key: 'd',
    title: 'a unit (the province) with a 12-month series of events received',
    body: (f) =>
      gql(
        `query D($id: ID!, $p: PeriodInput!) { node: unit(id: $id) { id code name }
           timeSeries(unitId: $id, metric: EVENTS_RECEIVED, period: $p, granularity: MONTH) { points { from to value } } }`,
        { id: f.province.id, p: { year: f.year } },
      ),
    floor: (pool, f) =>
      pool.query({
        name: 'floor-d',
        text: `select u.id, u.code, u.name, m.bucket, m.value
           from org_unit u
           left join (select r.bucket, sum(r.c0) as value from stat_rollup r
                       where r.tenant_id = $1 and r.unit_id = $2 and r.scope = 'S' and r.grp = 1 and r.grain = 'M' and r.bucket >= $3::date and r.bucket < ($3::date + interval '1 year')
                       group by r.bucket) m on true
          where u.tenant_id = $1 and u.id = $2 order by m.bucket`,
        values: [f.tenant, f.province.id, `${f.year}-01-01`],
      }),
  },
  {
    key: 'e',
    title: 'bulk ingest of 5,000 events per call (idempotency key, validation, rollups in the same transaction)',
    write: true,
    rowsPerCall: 5000,
    body: (f, n) => gql(`mutation E($key: String!, $tenant: String!, $rows: [InteractionIngestRow!]!) { ingestInteractions(idempotencyKey: $key, tenant: $tenant, rows: $rows) { accepted replayed } }`, {
      key: `bench-${RUN}-${n}`,
      tenant: f.tenantCode,
      rows: ingestRows(f, n),
    }),
    floor: async (pool, f, n) => {
      // The same rows inserted by one statement (the rollup triggers run as for the API), in a transaction.
      const rows = ingestRows(f, n).map((r) => ({ ...r, unit_code: r.unitCode, received_at: r.receivedAt, replied_at: r.repliedAt ?? null, due_at: dueOf(r.receivedAt) }));
      const c = await pool.connect();
      try {
        await c.query('begin');
        await c.query(
          `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, due_at, replied_at, status)
           select $1, gen_random_uuid(), u.id, x.kind, x.channel, x.subject, x.received_at, x.due_at, x.replied_at, case when x.replied_at is null then 'OPEN' else 'REPLIED' end
             from jsonb_to_recordset($2::jsonb) as x(unit_code text, kind text, channel text, subject text, received_at timestamptz, due_at timestamptz, replied_at timestamptz)
             join org_unit u on u.tenant_id = $1 and u.code = x.unit_code`,
          [f.tenant, JSON.stringify(rows)],
        );
        await c.query('commit');
      } catch (err) {
        await c.query('rollback');
        throw err;
      } finally {
        c.release();
      }
    },
  },
];

/** One run's id, so idempotency keys differ between runs. */
export const RUN = `${Date.now().toString(36)}-${process.pid}`;

/** The year ingested events are received in: after the generated years, so the check after the run reads them alone. */
export const INGEST_YEAR = 2025;

export function ingestRows(f: Fixture, n: number) {
  const out = [];
  for (let i = 0; i < 5000; i++) {
    const k = n * 5000 + i;
    const day = 1 + (k % 360);
    const received = new Date(Date.UTC(INGEST_YEAR, 0, day, 1 + (k % 9), k % 60));
    out.push({
      unitCode: f.schoolCodes[k % f.schoolCodes.length],
      kind: k % 3 === 0 ? 'CONSULTATION' : 'MAILBOX',
      channel: 'MAILBOX_WEB',
      subject: `压测来信 ${RUN} #${k}`,
      receivedAt: received.toISOString(),
      ...(k % 4 === 0 ? {} : { repliedAt: new Date(received.getTime() + 3 * 3_600_000).toISOString() }),
    });
  }
  return out;
}

/** A deadline for the floor's rows (the API computes the working-day one; a week is close enough for the cost). */
function dueOf(receivedAt: string): string {
  return new Date(new Date(receivedAt).getTime() + 7 * 86_400_000).toISOString();
}
