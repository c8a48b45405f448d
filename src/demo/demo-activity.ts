import { withRollupsRebuiltAfter } from '../modules/stats/rollup.admin';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkingCalendar, addDays } from '../modules/calendar/working-calendar';
import { nationalExceptions } from '../modules/calendar/calendar.seed';
import { seedDemoInspection } from './demo-inspection';

/**
 * Deterministic demo activity on the reference units. The figures the seed reports published are
 * placed on the unit that published them (DEMO_FIGURES below, read back by test/demo), plus
 * plausible activity elsewhere. Rows are generated inside the database (generate_series), with ids
 * derived by md5 from a stable name, so the data is the same on every machine; `on conflict do
 * nothing` and a marker row make a second run a no-op.
 */

const MARKER = { tenantId: 430000, operation: 'demo', key: 'demo-activity-v1' };

/** Interaction events of one kind mix, one unit (or spread over a tenant), one year. */
export interface EventSpec {
  tag: string;
  tenant: number;
  /** Unit code, or '*' to spread the rows over every unit of the tenant but its root. */
  unit: string;
  year: number;
  /** Rows take these kinds round-robin. */
  kinds: string[];
  channel: string;
  onTime?: number;
  late?: number;
  invalid?: number;
  open?: number;
  /** Interviews, surveys and solicitations held (no reply expected). */
  held?: number;
  /** Tag of the demo centre that accepted these (service requests). */
  centre?: string;
  /** Spread over the tenant's units round-robin, the same number each (held events), not by their weights. */
  even?: boolean;
}

/** Published disclosure items of one category on one unit in one year. */
export interface ItemSpec {
  tag: string;
  tenant: number;
  unit: string;
  year: number;
  category: string;
  count: number;
  /** The first `alsoGovernmentPortal` items go to the government portal as well. */
  channels: string[];
  alsoGovernmentPortal?: number;
}

export interface ApplicationSpec {
  tag: string;
  tenant: number;
  unit: string;
  year: number;
  count: number;
  outcomes: string[];
}

/**
 * The published figures (seeds 000, 001, 002, 004), placed on the unit that published them.
 * Hunan 2014: 4,736 mailbox/consultation/complaint received, 4,325 replied within 5 working days,
 * on-time rate 98% after excluding invalid ones: 4,325 / (4,736 − 323 invalid) = 0.980, so 323
 * are invalid and the remaining 88 were replied late.
 */
export const DEMO_EVENTS: EventSpec[] = [
  { tag: 'hn2014-mail', tenant: 430000, unit: '430000', year: 2014, kinds: ['MAILBOX', 'CONSULTATION', 'COMPLAINT'], channel: 'MAILBOX_WEB', onTime: 4325, late: 88, invalid: 323 },
  { tag: 'hn2014-qa', tenant: 430000, unit: '430000', year: 2014, kinds: ['PORTAL_QA'], channel: 'PORTAL', onTime: 59 },
  { tag: 'hn2014-survey', tenant: 430000, unit: '430000', year: 2014, kinds: ['SURVEY'], channel: 'PORTAL', held: 7 },
  { tag: 'hn2014-solicit', tenant: 430000, unit: '430000', year: 2014, kinds: ['SOLICITATION'], channel: 'PORTAL', held: 2 },
  { tag: 'hn2014-interview', tenant: 430000, unit: '430000', year: 2014, kinds: ['INTERVIEW'], channel: 'PORTAL', held: 49 },
  { tag: 'hn2017-mail', tenant: 430000, unit: '430000', year: 2017, kinds: ['MAILBOX', 'COMPLAINT'], channel: 'MAILBOX_WEB', onTime: 10846, late: 143, invalid: 83 },
  { tag: 'hn2017-qa', tenant: 430000, unit: '430000', year: 2017, kinds: ['PORTAL_QA'], channel: 'PORTAL', onTime: 72 },
  { tag: 'hn2017-interview', tenant: 430000, unit: '430000', year: 2017, kinds: ['INTERVIEW'], channel: 'PORTAL', held: 45 },
  { tag: 'hn2017-service-province', tenant: 430000, unit: '430000', year: 2017, kinds: ['SERVICE_REQUEST'], channel: 'IN_PERSON', onTime: 17000, centre: 'bureau:1' },
  // The rest at the city and county centres (seed 001 does not say where; schools' points are not counted there).
  { tag: 'hn2017-service', tenant: 430000, unit: '*', year: 2017, kinds: ['SERVICE_REQUEST'], channel: 'IN_PERSON', onTime: 343000 },
  { tag: 'sx2017-mail', tenant: 140000, unit: '140000', year: 2017, kinds: ['MAILBOX'], channel: 'MAILBOX_WEB', onTime: 2046 },
  { tag: 'sx2017-hotline', tenant: 140000, unit: '140000', year: 2017, kinds: ['HOTLINE'], channel: 'PHONE', onTime: 3127 },
  { tag: 'xg2018-mail', tenant: 420000, unit: '420900', year: 2018, kinds: ['MAILBOX', 'CONSULTATION', 'COMPLAINT'], channel: 'MAILBOX_WEB', onTime: 259 },
  // Plausible activity elsewhere: the counties and cities of Hunan and Hubei in 2024.
  { tag: 'hn2024-mail', tenant: 430000, unit: '*', year: 2024, kinds: ['MAILBOX', 'CONSULTATION', 'COMPLAINT'], channel: 'MAILBOX_WEB', onTime: 26430, late: 2100, invalid: 720, open: 450 },
  { tag: 'hb2024-mail', tenant: 420000, unit: '*', year: 2024, kinds: ['MAILBOX', 'CONSULTATION'], channel: 'MAILBOX_WEB', onTime: 820, late: 25, invalid: 18, open: 9 },
  { tag: 'hn2024-interview', tenant: 430000, unit: '*', year: 2024, kinds: ['INTERVIEW'], channel: 'PORTAL', held: 272, even: true },
];

const XIAOGAN_2018: [string, number][] = [
  ['NEWS', 1578], ['DISCLOSURE_COLUMN', 232], ['PLANNING_FINANCE', 28], ['SUPERVISION', 32], ['BASIC_EDUCATION', 26],
  ['VOCATIONAL_ADULT_EDUCATION', 33], ['RESEARCH', 132], ['PERSONNEL', 32], ['EDUCATION_TECHNOLOGY', 50], ['PARTY_BUILDING', 28],
  ['PHYSICAL_HEALTH', 81], ['ADMISSIONS', 43], ['ADMINISTRATIVE_APPROVAL', 33], ['STUDENT_AID', 56], ['SAFETY_LOGISTICS', 28], ['TRADE_UNION', 26],
];

export const DEMO_ITEMS: ItemSpec[] = [
  { tag: 'hn2014-news', tenant: 430000, unit: '430000', year: 2014, category: 'NEWS', count: 2732, channels: ['DEPARTMENT_PORTAL'] },
  { tag: 'hn2014-notice', tenant: 430000, unit: '430000', year: 2014, category: 'NOTICE', count: 751, channels: ['DEPARTMENT_PORTAL'] },
  // Hunan 2017: 2,826 items on the department portal, 1,241 of them also on the government portal; 6 policy interpretations.
  { tag: 'hn2017-policy', tenant: 430000, unit: '430000', year: 2017, category: 'POLICY_INTERPRETATION', count: 6, channels: ['DEPARTMENT_PORTAL'], alsoGovernmentPortal: 6 },
  { tag: 'hn2017-notice', tenant: 430000, unit: '430000', year: 2017, category: 'NOTICE', count: 1020, channels: ['DEPARTMENT_PORTAL'], alsoGovernmentPortal: 1020 },
  { tag: 'hn2017-news', tenant: 430000, unit: '430000', year: 2017, category: 'NEWS', count: 1800, channels: ['DEPARTMENT_PORTAL'], alsoGovernmentPortal: 215 },
  { tag: 'sx2017-notice', tenant: 140000, unit: '140000', year: 2017, category: 'NOTICE', count: 298, channels: ['DEPARTMENT_PORTAL'] },
  { tag: 'sx2017-work', tenant: 140000, unit: '140000', year: 2017, category: 'DEPARTMENT_WORK', count: 359, channels: ['DEPARTMENT_PORTAL'] },
  { tag: 'sx2017-columns', tenant: 140000, unit: '140000', year: 2017, category: 'EDUCATION_COLUMNS', count: 548, channels: ['DEPARTMENT_PORTAL'] },
  { tag: 'sx2017-disclosure', tenant: 140000, unit: '140000', year: 2017, category: 'DISCLOSURE', count: 181, channels: ['DEPARTMENT_PORTAL'] },
  { tag: 'sx2017-news', tenant: 140000, unit: '140000', year: 2017, category: 'NEWS', count: 439, channels: ['DEPARTMENT_PORTAL'] },
  ...XIAOGAN_2018.map(([category, count]) => ({ tag: `xg2018-${category.toLowerCase()}`, tenant: 420000, unit: '420900', year: 2018, category, count, channels: ['DEPARTMENT_PORTAL'] })),
  { tag: 'hn2024-county-news', tenant: 430000, unit: '*', year: 2024, category: 'NEWS', count: 3600, channels: ['DEPARTMENT_PORTAL', 'WECHAT'] },
];

export const DEMO_APPLICATIONS: ApplicationSpec[] = [
  { tag: 'hn2014-app', tenant: 430000, unit: '430000', year: 2014, count: 5, outcomes: ['GRANTED'] },
  { tag: 'hn2017-app', tenant: 430000, unit: '430000', year: 2017, count: 15, outcomes: ['GRANTED', 'GRANTED', 'PARTLY_GRANTED', 'NOT_HELD', 'REDIRECTED'] },
];

/** Day → due instant for `days` working days, for every day of the demo years (national calendar). */
function dueTable(years: number[], days: number): string {
  const cal = new WorkingCalendar(new Map(nationalExceptions().map((d) => [d.day, d.working])));
  const out: { day: string; due: string }[] = [];
  for (const y of years) {
    for (let d = `${y}-01-01`; d <= `${y}-12-31`; d = addDays(d, 1)) {
      out.push({ day: d, due: cal.deadline(new Date(`${d}T02:00:00Z`), days).toISOString() });
    }
  }
  return JSON.stringify(out);
}

/** A number in [0, 1) from the md5 of a text: stable on every machine. */
const HASH01 = (text: string) => `(('x' || substr(md5(${text}), 1, 8))::bit(32)::bigint / 4294967296.0)`;

/**
 * SQL of the units a spec draws from, ordered by code: their ids, and the cumulative shares by
 * which a row picks its unit. Units differ as real ones do: a volume (cities and some counties
 * receive more), a share of late and invalid answers (most reply well, a few lag), and a backlog
 * of open events at a few units only. The shares are derived from each unit's code, so every
 * machine draws the same units.
 */
const UNITS_CTE = `weighted as (
  select id, code,
         (case when level = 'CITY' then 2.0 else 1.0 end) * (0.6 + 1.2 * ${HASH01("code || '/volume'")}) as volume,
         0.8 + 2.2 * power(${HASH01("code || '/lateness'")}, 2) as lateness,
         ${HASH01("code || '/backlog'")} < 0.07 as backlog
    from org_unit
   where tenant_id = :tenant and (case when :unit = '*' then parent_id is not null and level in ('CITY', 'COUNTY') else code = :unit end)
), cumulative as (
  select id, code,
         sum(volume) over w / sum(volume) over () as good,
         sum(volume * lateness) over w / sum(volume * lateness) over () as bad,
         coalesce(sum(case when backlog then volume else 0 end) over w / nullif(sum(case when backlog then volume else 0 end) over (), 0),
                  sum(volume * lateness) over w / sum(volume * lateness) over ()) as open
    from weighted window w as (order by code rows unbounded preceding)
), units as (
  select array_agg(id order by code) as ids, array_agg(good order by code) as good, array_agg(bad order by code) as bad, array_agg(open order by code) as open
    from cumulative
)`;

/**
 * Row i of `total` on its day of the year, at 10:00–16:00 Beijing time: spread over the year with
 * a gentle season (fewer rows a day in January, July and December, more in spring and autumn), so
 * the months differ without one far off the rest.
 */
const RECEIVED_AT = `(cast(:start as timestamptz)
  + floor(:days * ((i::float8 / :total) + 0.35 * sin(4 * pi() * i::float8 / :total) / (4 * pi()))) * interval '1 day')
  + interval '2 hours' + (i % 7) * interval '1 hour'`;

/**
 * A multiplier A coprime with `n`, near n / φ: row i takes the status of position i·A mod n, and
 * the golden ratio spreads each status evenly over the rows (so over the months), where a stride
 * near a simple fraction of n would leave some months without late answers and crowd others.
 */
function stride(n: number): number {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let a = Math.max(1, Math.round(n * 0.6180339887));
  while (gcd(a, n) !== 1) a++;
  return a;
}

/** Inserts the rows of `s` numbered `range[0]` to `range[1] - 1` (all of them by default): a spec can load in chunks. */
async function insertEvents(em: EntityManager, s: EventSpec, dues: string, range?: [number, number]): Promise<void> {
  const b1 = s.onTime ?? 0;
  const b2 = b1 + (s.late ?? 0);
  const b3 = b2 + (s.invalid ?? 0);
  const b4 = b3 + (s.open ?? 0);
  const total = b4 + (s.held ?? 0);
  if (total === 0) return;
  const [from, to] = range ?? [0, total];
  const knex = em.getKnex();
  // The status of each row is that of its position p in a permutation of the spec's rows. Its unit
  // takes the shares that fit the status (on time by volume, late and invalid by lateness, open at
  // the units with a backlog), sampled evenly by the row's rank within its status, so each unit
  // gets its share to within one row: the figures of the spec are exact while units and months vary.
  await em.execute(
    knex.raw(
      `with ${UNITS_CTE}, positioned as (
         select i, (i::bigint * :stride) % :total as p from generate_series(:from, :to - 1) as i
       ), ranked as (
         select i, p, case when p < :b1 then (p + 0.5) / :b1
                           when p < :b2 then (p - :b1 + 0.5) / (:b2 - :b1)
                           when p < :b3 then (p - :b2 + 0.5) / (:b3 - :b2)
                           when p < :b4 then (p - :b3 + 0.5) / (:b4 - :b3)
                           else (p - :b4 + 0.5) / (:total - :b4) end as h
           from positioned
       ), rows as (
         select i, p, (cast(:kinds as text[]))[1 + i % cardinality(cast(:kinds as text[]))] as kind,
                u.ids[case when :even then 1 + i % cardinality(u.ids)
                           else least(cardinality(u.ids), 1 + width_bucket(h, case when p < :b1 or p >= :b4 then u.good when p >= :b3 then u.open else u.bad end)) end] as unit_id,
                ${RECEIVED_AT} as received_at
           from units u, ranked
       )
       insert into interaction_event (tenant_id, id, unit_id, centre_id, kind, channel, subject, received_at, due_at, replied_at, status, created_at, updated_at)
       select :tenant, cast(md5(:tag || ':' || r.i) as uuid), r.unit_id, case when :centre = '' then null else cast(md5('centre:' || :centre) as uuid) end, r.kind, :channel,
              '示例事项 ' || :tag || ' #' || r.i, r.received_at,
              case when r.p >= :b4 then null else d.due end,
              case when r.p < :b1 then r.received_at + interval '3 hours' when r.p < :b2 then d.due + interval '1 day' end,
              case when r.p < :b2 then 'REPLIED' when r.p < :b3 then 'INVALID' when r.p < :b4 then 'OPEN' else 'HELD' end,
              r.received_at, r.received_at
         from rows r
         join jsonb_to_recordset(cast(:dues as jsonb)) as d(day date, due timestamptz) on d.day = cast(r.received_at + interval '8 hours' as date)
       on conflict do nothing`,
      {
        tenant: s.tenant, unit: s.unit, kinds: `{${s.kinds.join(',')}}`, start: `${s.year}-01-01T00:00:00+08:00`, days: daysIn(s.year), total, tag: s.tag, channel: s.channel,
        centre: s.centre ?? '', b1, b2, b3, b4, dues, from, to: Math.min(to, total), stride: stride(total), even: s.even ?? false,
      },
    ),
  );
}

function daysIn(year: number): number {
  return (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86_400_000;
}

async function insertItems(em: EntityManager, s: ItemSpec): Promise<void> {
  const knex = em.getKnex();
  const params = {
    tenant: s.tenant, unit: s.unit, start: `${s.year}-01-01T00:00:00+08:00`, days: daysIn(s.year), total: s.count, tag: s.tag,
    category: s.category, channels: `{${s.channels.join(',')}}`, gov: s.alsoGovernmentPortal ?? 0,
  };
  await em.execute(
    knex.raw(
      `with ${UNITS_CTE}, rows as (
         select i, u.ids[1 + i % cardinality(u.ids)] as unit_id, ${RECEIVED_AT} as at
           from units u, generate_series(0, :total - 1) as i
       )
       insert into disclosure_item (tenant_id, id, unit_id, title, category_code, channels, status, published_at, external_id, created_at, updated_at)
       select :tenant, cast(md5(:tag || ':' || r.i) as uuid), r.unit_id, '示例信息 ' || :tag || ' #' || r.i, :category,
              case when r.i < :gov then cast(:channels as text[]) || array['GOVERNMENT_PORTAL'] else cast(:channels as text[]) end,
              'PUBLISHED', r.at, 'demo:' || :tag || ':' || r.i, r.at - interval '1 day', r.at
         from rows r
       on conflict do nothing`,
      params,
    ),
  );
  // The review trail of each item: an approving office review, then publication.
  await em.execute(
    knex.raw(
      `insert into disclosure_review (tenant_id, id, item_id, step, reviewer, decision, note, at)
       select :tenant, cast(md5(:tag || ':' || i || ':' || s.step) as uuid), cast(md5(:tag || ':' || i) as uuid), s.step, '办公室', s.decision, null,
              ${RECEIVED_AT} - s.before
         from generate_series(0, :total - 1) as i,
              (values ('OFFICE_REVIEW', 'APPROVED', interval '2 hours'), ('PUBLISH', 'NONE', interval '0 hours')) as s(step, decision, before)
       on conflict do nothing`,
      params,
    ),
  );
}

async function insertApplications(em: EntityManager, s: ApplicationSpec): Promise<void> {
  const knex = em.getKnex();
  const cal = new WorkingCalendar(new Map(nationalExceptions().map((d) => [d.day, d.working])));
  const rows = Array.from({ length: s.count }, (_, i) => {
    const received = new Date(Date.UTC(s.year, Math.floor((i * 12) / s.count), 10, 2));
    return {
      i,
      received: received.toISOString(),
      due: cal.deadline(received, 20).toISOString(),
      decided: new Date(received.getTime() + 8 * 86_400_000).toISOString(),
      outcome: s.outcomes[i % s.outcomes.length],
    };
  });
  await em.execute(
    knex.raw(
      `insert into disclosure_application (tenant_id, id, unit_id, applicant_type, applicant_name, subject, channel, received_at, due_at, status, outcome, decided_at, fee_charged, external_id, created_at, updated_at)
       select :tenant, cast(md5(:tag || ':' || v.i) as uuid), u.id, 'CITIZEN', '申请人' || v.i, '示例申请 ' || :tag || ' #' || v.i, 'ONLINE',
              v.received, v.due, 'DECIDED', v.outcome, v.decided, 0, 'demo:' || :tag || ':' || v.i, v.received, v.decided
         from jsonb_to_recordset(cast(:rows as jsonb)) as v(i int, received timestamptz, due timestamptz, decided timestamptz, outcome text)
         join org_unit u on u.tenant_id = :tenant and u.code = :unit
       on conflict do nothing`,
      { tenant: s.tenant, tag: s.tag, unit: s.unit, rows: JSON.stringify(rows) },
    ),
  );
}

export interface DemoResult {
  loaded: boolean;
  ms: number;
}

/** Marks the spread events (below) as loaded. */
const SPREAD_MARKER = { ...MARKER, key: 'demo-activity-v1-spread' };

/** The events spread over every city and county of a tenant: most of the rows (hn2017-service alone is 343,000). */
export const DEMO_SPREAD_EVENTS = DEMO_EVENTS.filter((s) => s.unit === '*');

async function markSpreadLoaded(em: EntityManager): Promise<void> {
  await em.execute(
    // Markers belong to the province unit (idempotency keys are kept per unit).
    `insert into ingest_request (tenant_id, unit_id, operation, key, payload_hash, result) select u.tenant_id, u.id, ?, ?, 'demo', '{}'::jsonb
       from org_unit u where u.tenant_id = ? and u.depth = 0 on conflict do nothing`,
    [SPREAD_MARKER.operation, SPREAD_MARKER.key, SPREAD_MARKER.tenantId],
  );
}

/** Loads the demo activity once (a marker in ingest_request records that it was loaded). */
export async function seedDemoActivity(em: EntityManager): Promise<DemoResult> {
  return loadDemo(em, true);
}

/**
 * The first start's share of the demo activity: every figure the seed reports published on the
 * unit that published it, the centres, officers and inspection, all but the events spread over the
 * cities and counties (DEMO_SPREAD_EVENTS), which `seedDemoSpread` loads afterwards in small
 * transactions while the API serves.
 */
export async function seedDemoCore(em: EntityManager): Promise<DemoResult> {
  return loadDemo(em, false);
}

/** True when the core demo is loaded but the spread events are not (yet: a start stopped while loading them). */
export async function demoSpreadPending(em: EntityManager): Promise<boolean> {
  const rows: { key: string }[] = await em.execute(`select key from ingest_request where tenant_id = ? and operation = ? and key in (?, ?)`, [
    MARKER.tenantId,
    MARKER.operation,
    MARKER.key,
    SPREAD_MARKER.key,
  ]);
  return rows.some((r) => r.key === MARKER.key) && !rows.some((r) => r.key === SPREAD_MARKER.key);
}

export interface SpreadProgress {
  done: number;
  of: number;
}

/**
 * Loads DEMO_SPREAD_EVENTS (or `specs`) in transactions of `chunk` rows, with the rollup triggers on,
 * so each chunk's figures are exact when it commits and the store's one connection is free between
 * chunks for the requests being served. Rows have stable ids (`on conflict do nothing`): a load cut
 * short (the process stopped) is resumed from the start at the next start and inserts only what is missing.
 */
export async function seedDemoSpread(
  em: EntityManager,
  opts: { chunk?: number; specs?: EventSpec[]; onProgress?: (p: SpreadProgress) => void; cancelled?: () => boolean } = {},
): Promise<{ completed: boolean; rows: number; ms: number }> {
  const started = Date.now();
  const chunk = opts.chunk ?? 2_000;
  const specs = opts.specs ?? DEMO_SPREAD_EVENTS;
  const totals = specs.map((s) => (s.onTime ?? 0) + (s.late ?? 0) + (s.invalid ?? 0) + (s.open ?? 0) + (s.held ?? 0));
  const of = totals.reduce((a, b) => a + b, 0);
  const dues = dueTable([...new Set(specs.map((s) => s.year))], 5);
  let done = 0;
  for (const [k, s] of specs.entries()) {
    for (let from = 0; from < totals[k]; from += chunk) {
      if (opts.cancelled?.()) return { completed: false, rows: done, ms: Date.now() - started };
      const to = Math.min(from + chunk, totals[k]);
      await em.transactional((tx) => insertEvents(tx as EntityManager, s, dues, [from, to]));
      done += to - from;
      opts.onProgress?.({ done, of });
      // Let requests waiting for the connection go first.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  if (!opts.specs) await markSpreadLoaded(em);
  await em.execute('analyze interaction_event');
  return { completed: true, rows: done, ms: Date.now() - started };
}

async function loadDemo(em: EntityManager, withSpread: boolean): Promise<DemoResult> {
  const started = Date.now();
  const loaded = await em.transactional(async (tx) => {
    const marker = await tx.execute(
      `insert into ingest_request (tenant_id, unit_id, operation, key, payload_hash, result) select u.tenant_id, u.id, ?, ?, 'demo', '{}'::jsonb
         from org_unit u where u.tenant_id = ? and u.depth = 0 on conflict do nothing returning key`,
      [MARKER.operation, MARKER.key, MARKER.tenantId],
    );
    if (marker.length === 0) return false;
    const dues = dueTable([2014, 2017, 2018, 2024], 5);
    const tenants: { id: number }[] = await tx.execute('select id from tenant');
    await withRollupsRebuiltAfter(tx as EntityManager, tenants.map((t) => Number(t.id)), async () => {
      for (const s of DEMO_EVENTS) if (withSpread || s.unit !== '*') await insertEvents(tx, s, dues);
      for (const s of DEMO_ITEMS) await insertItems(tx, s);
      for (const s of DEMO_APPLICATIONS) await insertApplications(tx, s);
      await seedDemoCentresAndOfficers(tx);
      await seedDemoInspection(tx as EntityManager);
      await seedDemo2024Contributions(tx as EntityManager);
    });
    if (withSpread) await markSpreadLoaded(tx as EntityManager);
    return true;
  });
  if (loaded) await em.execute('analyze');
  return { loaded, ms: Date.now() - started };
}

/**
 * Centres (seed 000: end of 2014, 14 at city level, 120 at county level, 4,140 at primary and
 * secondary schools, 75 at universities, plus the provincial centre; seed 001: 9,586 in the
 * province by the end of 2017) and e-government officers (seed 001: 170 across the system).
 */
async function seedDemoCentresAndOfficers(em: EntityManager): Promise<void> {
  const knex = em.getKnex();
  const centre = (select: string, params: Record<string, unknown>) =>
    em.execute(
      knex.raw(
        `insert into centre (tenant_id, id, unit_id, kind, name, opened_on, status, created_at, updated_at)
         select 430000, cast(md5('centre:' || :tag || ':' || n) as uuid), unit_id, kind, name, cast(opened as date), 'ACTIVE', now(), now()
           from (${select}) as s
         on conflict do nothing`,
        params,
      ),
    );
  // The province, cities, 120 of the 122 counties (all but the two last by code), by 2014.
  await centre(
    `select row_number() over (order by code) as n, id as unit_id, 'CENTER' as kind, name || '教育阳光服务中心' as name, '2014-01-06' as opened
       from org_unit where tenant_id = 430000 and level in ('PROVINCE', 'CITY')`,
    { tag: 'bureau' },
  );
  await centre(
    `select row_number() over (order by code) as n, id as unit_id, 'CENTER' as kind, name || '教育阳光服务中心' as name, '2014-06-30' as opened
       from (select * from org_unit where tenant_id = 430000 and level = 'COUNTY' order by code limit 120) c`,
    { tag: 'county' },
  );
  // Universities: 75 centres and stations (a centre and a station at each university in code order, until 75).
  await centre(
    `select n, unit_id, case when k = 0 then 'CENTER' else 'STATION' end as kind, name || case when k = 0 then '阳光服务中心' else '阳光服务站' end as name, '2014-09-01' as opened
       from (select row_number() over (order by u.code, k) as n, u.id as unit_id, u.name, k
               from org_unit u cross join generate_series(0, 1) as k
              where u.tenant_id = 430000 and u.kind = 'UNIVERSITY') x
      where n <= 75`,
    { tag: 'university' },
  );
  // Primary and secondary schools: 4,140 points by the end of 2014, 5,236 more in 2015–2017
  // (9,586 in the province with the 350 above). Schools are taken round-robin if there are fewer.
  await centre(
    `select i as n, ids[1 + i % cardinality(ids)] as unit_id, 'POINT' as kind, '教育阳光服务点' as name,
            case when i < 4140 then cast('2014-03-01' as date) + (i % 300) else cast('2015-01-05' as date) + ((i - 4140) % 1090) end as opened
       from (select array_agg(id order by code) as ids from org_unit
              where tenant_id = 430000 and level = 'SCHOOL' and kind not in ('UNIVERSITY', 'AFFILIATED_INSTITUTION')) s,
            generate_series(0, 4140 + 5236 - 1) as i`,
    { tag: 'school' },
  );
  // Responsible departments at the counties, but a few (designated with their officers).
  await em.execute(
    `insert into unit_responsibility (tenant_id, unit_id, responsible_department, designated_at)
     select 430000, id, '办公室', date '2016-03-01' from org_unit
      where tenant_id = 430000 and level = 'COUNTY' and ${HASH01("code || '/responsibility'")} >= 0.05
     on conflict do nothing`,
  );
  // Officers: 170 active e-government officers across Hunan (6 at the department, 3 per city, 1 per county).
  await em.execute(
    `insert into officer (tenant_id, id, unit_id, name, role, active, appointed_on)
     select 430000, cast(md5('officer:' || u.code || ':' || k) as uuid), u.id, '专干' || u.code || '-' || k, 'OFFICER', true, date '2016-03-01'
       from org_unit u cross join generate_series(1, 6) as k
      where u.tenant_id = 430000
        and ((u.level = 'PROVINCE') or (u.level = 'CITY' and k <= 3) or (u.level = 'COUNTY' and k = 1))
     on conflict do nothing`,
  );
}

/**
 * Units lagging in 2024 among those directly under Hunan, beside the seven that never designated a
 * responsible department or officer (seed 003's list 2): the others contribute and take part in
 * interviews, in varying numbers.
 */
export const LAGGING_2024 = {
  noPublication: ['湖南工商职业学院'],
  noInterview: ['长沙南方职业学院', '湖南吉利汽车职业技术学院'],
};

/** 2024 contributions to the department portal (4 to 25 items) and interviews (1 to 3) of the units directly under Hunan. */
async function seedDemo2024Contributions(em: EntityManager): Promise<void> {
  const knex = em.getKnex();
  const children = `select u.* from org_unit u join org_unit p on p.tenant_id = u.tenant_id and p.id = u.parent_id
                     where u.tenant_id = 430000 and p.code = '430000'`;
  const names = (list: string[]) => `{${list.map((n) => `"${n}"`).join(',')}}`;
  await em.execute(
    knex.raw(
      `insert into disclosure_item (tenant_id, id, unit_id, title, category_code, channels, status, published_at, external_id, created_at, updated_at)
       select 430000, cast(md5('hn2024-contrib:' || c.code || ':' || k) as uuid), c.id, c.name || '工作动态 #' || k, 'NEWS', array['DEPARTMENT_PORTAL'],
              'PUBLISHED', x.at, 'demo:hn2024-contrib:' || c.code || ':' || k, x.at - interval '1 day', x.at
         from (${children}) c
        cross join lateral generate_series(0, 3 + floor(21 * ${HASH01("c.code || '/items'")})::int) as k
        cross join lateral (select make_timestamptz(2024, 1, 8, 10, 0, 0, 'Asia/Shanghai') + (k * 13 + floor(10 * ${HASH01("c.code || '/day'")})::int) * interval '1 day' as at) x
        where c.name <> all(cast(:none as text[]))
       on conflict do nothing`,
      { none: names(LAGGING_2024.noPublication) },
    ),
  );
  await em.execute(
    knex.raw(
      `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status, created_at, updated_at)
       select 430000, cast(md5('hn2024-interview:' || c.code || ':' || k) as uuid), c.id, 'INTERVIEW', 'PORTAL', c.name || '在线访谈 #' || k, x.at, 'HELD', x.at, x.at
         from (${children}) c
        cross join lateral generate_series(0, floor(3 * ${HASH01("c.code || '/interviews'")})::int) as k
        cross join lateral (select make_timestamptz(2024, 3, 12, 10, 0, 0, 'Asia/Shanghai') + k * interval '97 days' as at) x
        where c.name <> all(cast(:none as text[]))
       on conflict do nothing`,
      { none: names(LAGGING_2024.noInterview) },
    ),
  );
}
