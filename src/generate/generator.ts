import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkingCalendar, addDays } from '../modules/calendar/working-calendar';
import { nationalExceptions } from '../modules/calendar/calendar.seed';
import { seedReference } from '../seed';
import { ensureSyntheticProvince, PROVINCES } from './synthetic-province';
import { REFERENCE_PROVINCES } from '../modules/units/reference/regions';
import { disableRollupTriggers, enableRollupTriggers, rebuildRollupsBulk } from '../modules/stats/rollup.admin';

/**
 * Province-scale dataset generator (`npm run generate`): on top of the reference units, fills one
 * tenant with `schools` schools carrying activity, `events` interaction events, `disclosures` items,
 * and applications, disputes, centres and officers in proportion, spread over `years`.
 *
 * Everything is generated inside the database (`generate_series`), in chunks of rows, in ONE
 * transaction: the rollup triggers are off while the rows go in, and the rollups are rebuilt once
 * at the end (`rebuildRollupsBulk`), so a reader never sees rows without their figures and an
 * interrupted run leaves nothing. Pseudo-random choices come from `hashint8extended(i, salt)` of
 * the row number and ids from the tenant and row number, so the same options give the same rows,
 * byte for byte, on every run and machine.
 */

export interface GenerateOptions {
  tenant: number;
  schools: number;
  events: number;
  disclosures: number;
  fromYear: number;
  toYear: number;
  /** Delete the tenant's activity and generated schools first. */
  reset: boolean;
  /** Scale of the reference schools loaded when the database is empty (1 = the full set). */
  seedScale: number;
  /** Rows per INSERT statement. */
  chunk: number;
  /**
   * Make the tenant a synthetic province of cities × counties bureaus first, when it is not a
   * reference tenant (scale runs with all 31 provinces).
   */
  synthetic: { cities: number; counties: number } | null;
}

export const DEFAULTS: GenerateOptions = {
  tenant: 430000,
  schools: 25_000,
  events: 5_000_000,
  disclosures: 1_000_000,
  fromYear: 2019,
  toYear: 2024,
  reset: false,
  seedScale: 1,
  chunk: 250_000,
  synthetic: null,
};

export const USAGE = `usage: npm run generate -- [--tenant 430000] [--schools 25000] [--events 5000000] [--disclosures 1000000]
                         [--years 2019-2024] [--reset] [--seed-scale 1] [--chunk 250000]
                         [--synthetic-province CITIESxCOUNTIES]   (a province other than 430000/420000/140000)`;

export class UsageError extends Error {}

export function parseArgs(argv: string[]): GenerateOptions {
  const o: GenerateOptions = { ...DEFAULTS };
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be an integer ${min}–${max}, got ${v === undefined ? 'nothing' : `"${v}"`}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--tenant':
        if (!/^\d{6}$/.test(v ?? '')) throw new UsageError(`--tenant must be a 6-digit division code, got "${v ?? ''}"`);
        o.tenant = Number(v);
        i++;
        break;
      case '--schools': o.schools = int('schools', v, 0, 1_000_000); i++; break;
      case '--events': o.events = int('events', v, 0, 100_000_000); i++; break;
      case '--disclosures': o.disclosures = int('disclosures', v, 0, 50_000_000); i++; break;
      case '--chunk': o.chunk = int('chunk', v, 1000, 5_000_000); i++; break;
      case '--seed-scale':
        if (!/^\d+(\.\d+)?$/.test(v ?? '') || Number(v) <= 0 || Number(v) > 10) throw new UsageError(`--seed-scale must be a number above 0 and at most 10, got "${v ?? ''}"`);
        o.seedScale = Number(v);
        i++;
        break;
      case '--years': {
        const m = /^(\d{4})(?:-(\d{4}))?$/.exec(v ?? '');
        if (!m || Number(m[1]) < 2014 || Number(m[2] ?? m[1]) > 2026 || Number(m[2] ?? m[1]) < Number(m[1])) {
          throw new UsageError(`--years must be YYYY or YYYY-YYYY within 2014–2026 (the calendars loaded), got "${v ?? ''}"`);
        }
        o.fromYear = Number(m[1]);
        o.toYear = Number(m[2] ?? m[1]);
        i++;
        break;
      }
      case '--reset': o.reset = true; break;
      case '--synthetic-province': {
        const m = /^(\d{1,2})x(\d{1,2})$/.exec(v ?? '');
        if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`--synthetic-province must be CITIESxCOUNTIES (1–99 each), e.g. 10x8, got "${v ?? ''}"`);
        o.synthetic = { cities: Number(m[1]), counties: Number(m[2]) };
        i++;
        break;
      }
      default: throw new UsageError(`unknown argument ${a}`);
    }
  }
  return o;
}

export interface GenerateProgress {
  phase(name: string, total: number): void;
  tick(n: number): void;
}

export interface PhaseTiming { phase: string; rows: number; ms: number }

export interface GenerateResult {
  generated: boolean;
  /** Why nothing was generated (already there with these options). */
  reason?: string;
  options: GenerateOptions;
  phases: PhaseTiming[];
  counts: Record<string, number>;
  rollupRows: number;
  ms: number;
}

/** Markers of what was generated: one ingest_request row per tenant holding the options' hash. */
const OPERATION = 'generate';
const KEY = 'dataset-v1';

const GENERATED_SCHOOL_PREFIX = '3';

export function optionsHash(o: GenerateOptions): string {
  const { tenant, schools, events, disclosures, fromYear, toYear } = o;
  return createHash('sha256').update(JSON.stringify({ tenant, schools, events, disclosures, fromYear, toYear })).digest('hex');
}

/** Deterministic id of generated row `i` of a table: the tenant, a table tag, the row number. */
export function generatedIdSql(tenant: number, tag: string, row: string): string {
  const t = tenant.toString(16).padStart(8, '0');
  return `cast('${t}-${tag}-4000-8000-' || lpad(to_hex(${row}), 12, '0') as uuid)`;
}

/** A pseudo-random integer 0..999999 of row `i` (stable: hashint8extended is PostgreSQL's own hash). */
const h = (row: string, salt: number) => `(abs(hashint8extended(${row}, ${salt})) % 1000000)`;

/** Kinds of interaction events, with their share in millionths and their reply channel. */
const EVENT_KINDS: { kind: string; share: number; channel: string; days: number | null }[] = [
  { kind: 'MAILBOX', share: 300_000, channel: 'MAILBOX_WEB', days: 5 },
  { kind: 'CONSULTATION', share: 250_000, channel: 'PHONE', days: 5 },
  { kind: 'COMPLAINT', share: 100_000, channel: 'MAILBOX_WEB', days: 5 },
  { kind: 'PORTAL_QA', share: 100_000, channel: 'PORTAL', days: 5 },
  { kind: 'HOTLINE', share: 100_000, channel: 'PHONE', days: 5 },
  { kind: 'SERVICE_REQUEST', share: 120_000, channel: 'IN_PERSON', days: 5 },
  { kind: 'INTERVIEW', share: 10_000, channel: 'PORTAL', days: null },
  { kind: 'SURVEY', share: 10_000, channel: 'PORTAL', days: null },
  { kind: 'SOLICITATION', share: 10_000, channel: 'PORTAL', days: null },
];

function caseByShare(hash: string, pick: (k: (typeof EVENT_KINDS)[number]) => string): string {
  let upTo = 0;
  const arms = EVENT_KINDS.map((k) => {
    upTo += k.share;
    return `when ${hash} < ${upTo} then ${pick(k)}`;
  });
  return `case ${arms.join(' ')} end`;
}

/** Tables holding the tenant's activity, children before parents (for --reset). */
const ACTIVITY_TABLES = ['disclosure_review', 'disclosure_dispute', 'disclosure_application', 'interaction_event', 'disclosure_item', 'centre_check', 'centre', 'officer', 'unit_responsibility'];

export async function generate(em: EntityManager, o: GenerateOptions, progress: GenerateProgress): Promise<GenerateResult> {
  const started = Date.now();
  const phases: PhaseTiming[] = [];
  const timed = async (phase: string, total: number, fn: () => Promise<number | void>): Promise<void> => {
    const t0 = Date.now();
    progress.phase(phase, total);
    const rows = await fn();
    phases.push({ phase, rows: typeof rows === 'number' ? rows : total, ms: Date.now() - t0 });
  };

  await timed('reference units', 1, async () => {
    await seedReference(em.fork(), { scale: o.seedScale });
    progress.tick(1);
  });
  if (o.synthetic) {
    if (!PROVINCES[String(o.tenant)]) throw new UsageError(`--synthetic-province: ${o.tenant} is not a provincial-level division code`);
    if (REFERENCE_PROVINCES.some((p) => p.code === String(o.tenant))) throw new UsageError(`--synthetic-province: ${o.tenant} has a real reference hierarchy; leave the option out`);
    await timed('synthetic province', 1, async () => {
      await ensureSyntheticProvince(em.fork(), String(o.tenant), { ...o.synthetic!, scale: o.seedScale });
      progress.tick(1);
    });
  }
  const [tenant] = await em.execute('select id from tenant where id = ?', [o.tenant]);
  if (!tenant) throw new UsageError(`tenant ${o.tenant} is not a reference tenant (430000 Hunan, 420000 Hubei, 140000 Shanxi)`);

  const hash = optionsHash(o);
  const [marker] = await em.execute('select payload_hash from ingest_request where tenant_id = ? and operation = ? and key = ?', [o.tenant, OPERATION, KEY]);
  if (marker && !o.reset) {
    const same = marker.payload_hash === hash;
    return {
      generated: false,
      reason: same ? 'this dataset is already generated (use --reset to generate it again)' : 'another dataset is already generated for this tenant: use --reset to replace it',
      options: o, phases, counts: {}, rollupRows: 0, ms: Date.now() - started,
    };
  }
  if (!marker) {
    const [{ n }] = await em.execute('select count(*)::int as n from interaction_event where tenant_id = ?', [o.tenant]);
    if (Number(n) > 0 && !o.reset) {
      return { generated: false, reason: `tenant ${o.tenant} already has activity (demo data?): use --reset to replace it`, options: o, phases, counts: {}, rollupRows: 0, ms: Date.now() - started };
    }
  }

  const counts: Record<string, number> = {};
  let rollupRows = 0;
  await em.transactional(async (tx) => {
    const x = tx as EntityManager;
    const knex = x.getKnex();
    const exec = (sql: string, params: Record<string, unknown> = {}): Promise<any[]> => x.execute(knex.raw(sql, params));
    await exec(`set local work_mem = '256MB'`);
    if (await isPostgresServer(x)) {
      await exec(`set local synchronous_commit = off`);
      // The load's own session on a server: hash tables and sorts of millions of rows in memory.
      await exec(`set local work_mem = '1GB'`);
      await exec(`set local maintenance_work_mem = '1GB'`);
    }
    await disableRollupTriggers(x);
    // The unit-of-tenant checks stay on: they run once per statement (migration 075000), not per row.

    if (o.reset) {
      await timed('reset', ACTIVITY_TABLES.length + 2, async () => {
        for (const t of ACTIVITY_TABLES) {
          await exec(`delete from "${t}" where tenant_id = :tenant`, { tenant: o.tenant });
          progress.tick(1);
        }
        await exec(`delete from org_unit where tenant_id = :tenant and level = 'SCHOOL' and code like '${GENERATED_SCHOOL_PREFIX}%'`, { tenant: o.tenant });
        await exec(`delete from ingest_request where tenant_id = :tenant and operation = '${OPERATION}'`, { tenant: o.tenant });
        progress.tick(2);
      });
    }

    // Schools beyond the reference ones, spread round-robin over the counties (or cities), with
    // 10-digit codes '3' + division + sequence, so they never collide with the reference '2…' codes.
    const [{ n: refSchools }] = await exec(
      `select count(*)::int as n from org_unit where tenant_id = :tenant and level = 'SCHOOL' and kind not in ('UNIVERSITY', 'AFFILIATED_INSTITUTION')`,
      { tenant: o.tenant },
    );
    const extra = Math.max(0, o.schools - Number(refSchools));
    await timed('schools', extra, async () => {
      if (extra === 0) return 0;
      const [{ n: divisions }] = await exec(
        `select count(*)::int as n from org_unit where tenant_id = :tenant and level = (case when exists (select 1 from org_unit where tenant_id = :tenant and level = 'COUNTY') then 'COUNTY' else 'CITY' end)`,
        { tenant: o.tenant },
      );
      if (extra > Number(divisions) * 999) throw new UsageError(`--schools ${o.schools}: at most ${Number(refSchools) + Number(divisions) * 999} for this tenant`);
      await exec(
        `with d as (
           select row_number() over (order by code) - 1 as k, id, code, replace(name, '教育局', '') as place
             from org_unit where tenant_id = :tenant and level = (case when exists (select 1 from org_unit where tenant_id = :tenant and level = 'COUNTY') then 'COUNTY' else 'CITY' end)
         ), s as (
           select i, d.id as parent_id, '${GENERATED_SCHOOL_PREFIX}' || d.code || lpad((1 + i / :divisions)::text, 3, '0') as code, d.place
             from generate_series(0, :extra - 1) as i join d on d.k = i % :divisions
         )
         insert into org_unit (tenant_id, id, code, name, level, kind, parent_id)
         select :tenant, cast(md5(:tenant || ':' || s.code) as uuid), s.code,
                s.place || '第' || (1 + i / :divisions) || (array['幼儿园', '小学', '小学', '中学', '九年一贯制学校'])[1 + ${h('i', 11)} % 5],
                'SCHOOL', (array['KINDERGARTEN', 'PRIMARY', 'PRIMARY', 'SECONDARY', 'NINE_YEAR'])[1 + ${h('i', 11)} % 5], s.parent_id
           from s order by s.code`,
        { tenant: o.tenant, extra, divisions: Number(divisions) },
      );
      progress.tick(extra);
      return extra;
    });

    // The units that carry activity: bureaus (and universities and affiliated institutions) first, then the first `schools` schools by code.
    await exec(`create temporary table gen_unit (n int primary key, id uuid not null, bureau boolean not null) on commit drop`);
    await exec(
      `insert into gen_unit (n, id, bureau)
       select row_number() over (order by bureau desc, code) - 1, id, bureau from (
         select id, code, true as bureau from org_unit where tenant_id = :tenant and (level <> 'SCHOOL' or kind in ('UNIVERSITY', 'AFFILIATED_INSTITUTION'))
         union all
         (select id, code, false from org_unit where tenant_id = :tenant and level = 'SCHOOL' and kind not in ('UNIVERSITY', 'AFFILIATED_INSTITUTION') order by code limit :schools)
       ) u`,
      { tenant: o.tenant, schools: o.schools },
    );
    await exec('analyze gen_unit');
    const [{ nb, ns }] = await exec(`select count(*) filter (where bureau)::int as nb, count(*) filter (where not bureau)::int as ns from gen_unit`);
    const bureaus = Number(nb);
    const schools = Number(ns);
    /** Unit of row i: `bureauShare` millionths go to bureaus, the rest to schools (or all to bureaus without schools). */
    const unitN = (salt: number, bureauShare: number) =>
      schools === 0 ? `(${h('i', salt)} % ${bureaus})` : `(case when ${h('i', salt)} < ${bureauShare} then ${h('i', salt + 100)} % ${bureaus} else ${bureaus} + ${h('i', salt + 100)} % ${schools} end)`;

    // Days of the period with the 5-working-day deadline of an event received that day (the tenant's calendar).
    const calRows: { day: string; working: boolean }[] = await exec(`select to_char(day, 'YYYY-MM-DD') as day, working from calendar_day where tenant_id = :tenant`, { tenant: o.tenant });
    const cal = new WorkingCalendar(new Map((calRows.length ? calRows : nationalExceptions()).map((d) => [d.day, d.working])));
    const days: { n: number; day: string; due: string; due20: string }[] = [];
    for (let d = `${o.fromYear}-01-01`; d <= `${o.toYear}-12-31`; d = addDays(d, 1)) {
      const received = new Date(`${d}T02:00:00Z`);
      days.push({ n: days.length, day: d, due: cal.deadline(received, 5).toISOString(), due20: cal.deadline(received, 20).toISOString() });
    }
    await exec(`create temporary table gen_day (n int primary key, day date not null, due timestamptz not null, due20 timestamptz not null) on commit drop`);
    await exec(`insert into gen_day select * from jsonb_to_recordset(cast(:days as jsonb)) as d(n int, day date, due timestamptz, due20 timestamptz)`, { days: JSON.stringify(days) });
    await exec('analyze gen_day');
    const nDays = days.length;
    /** An instant on day `d` between 08:00 and 18:00 Beijing time. */
    const at = (d: string, salt: number) => `((${d}.day::timestamp + interval '8 hours' + ${h('i', salt)} % 36000 * interval '1 second') at time zone 'Asia/Shanghai')`;

    // Secondary indexes of the two big tables are dropped while they load and built once afterwards
    // (a sorted build instead of millions of random insertions), when the load outgrows the table.
    const rebuilt: { table: string; name: string; def: string }[] = [];
    for (const [table, rows] of [['interaction_event', o.events], ['disclosure_item', o.disclosures]] as const) {
      const [{ n }] = await exec(`select count(*)::int as n from "${table}"`);
      if (rows < 10_000 || rows < Number(n)) continue;
      const defs: { name: string; def: string }[] = await exec(
        `select ic.relname as name, pg_get_indexdef(i.indexrelid) as def
           from pg_index i join pg_class t on t.oid = i.indrelid join pg_class ic on ic.oid = i.indexrelid
          where t.relname = :table and t.relnamespace = to_regnamespace(current_schema()) and not i.indisprimary
            and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
          order by ic.relname`,
        { table },
      );
      for (const d of defs) {
        await exec(`drop index "${d.name}"`);
        rebuilt.push({ table, ...d });
      }
    }

    await timed('interaction events', o.events, async () => {
      for (let lo = 0; lo < o.events; lo += o.chunk) {
        const hi = Math.min(o.events, lo + o.chunk);
        await exec(
          `with r as (
             select i, u.id as unit_id, d.day, d.due,
                    ${caseByShare(h('i', 3), (k) => `'${k.kind}'`)} as kind,
                    ${caseByShare(h('i', 3), (k) => `'${k.channel}'`)} as channel,
                    ${caseByShare(h('i', 3), (k) => (k.days === null ? 'false' : 'true'))} as replies,
                    ${h('i', 4)} as s, ${at('d', 5)} as received_at
               from generate_series(:lo, :hi - 1) as i
               join gen_unit u on u.n = ${unitN(1, 100_000)}
               join gen_day d on d.n = ${h('i', 2)} % ${nDays}
           )
           insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, due_at, replied_at, status, created_at, updated_at)
           select :tenant, ${generatedIdSql(o.tenant, '0e00', 'r.i')}, r.unit_id, r.kind, r.channel, '生成事项 #' || r.i, r.received_at,
                  case when r.replies then r.due end,
                  case when not r.replies then null
                       when r.s < 900000 then r.received_at + (r.s % 259200) * interval '1 second'
                       when r.s < 940000 then r.due + (r.s % 604800) * interval '1 second' end,
                  case when not r.replies then 'HELD' when r.s < 940000 then 'REPLIED' when r.s < 970000 then 'INVALID' when r.s < 980000 then 'DUPLICATE' else 'OPEN' end,
                  r.received_at, r.received_at
             from r`,
          { tenant: o.tenant, lo, hi },
        );
        progress.tick(hi - lo);
      }
    });

    const categories: { code: string }[] = await exec(`select code from disclosure_category where tenant_id = :tenant and active order by sort_order, code`, { tenant: o.tenant });
    if (categories.length === 0 && o.disclosures > 0) throw new UsageError(`tenant ${o.tenant} has no disclosure categories`);
    const cats = `(cast('{${categories.map((c) => c.code).join(',')}}' as text[]))`;
    await timed('disclosure items', o.disclosures, async () => {
      for (let lo = 0; lo < o.disclosures; lo += o.chunk) {
        const hi = Math.min(o.disclosures, lo + o.chunk);
        await exec(
          `with r as (
             select i, u.id as unit_id, ${at('d', 25)} as published_at, ${h('i', 23)} as c, ${h('i', 24)} as s
               from generate_series(:lo, :hi - 1) as i
               join gen_unit u on u.n = ${unitN(21, 300_000)}
               join gen_day d on d.n = ${h('i', 22)} % ${nDays}
           )
           insert into disclosure_item (tenant_id, id, unit_id, title, document_number, category_code, channels, special_column, status, published_at, created_at, updated_at)
           select :tenant, ${generatedIdSql(o.tenant, '0d00', 'r.i')}, r.unit_id, '生成信息 #' || r.i,
                  case when r.c % 10 = 0 then '湘教通〔' || extract(year from r.published_at) || '〕' || (1 + r.i % 200) || '号' end,
                  ${cats}[1 + r.c % ${Math.max(1, categories.length)}],
                  case when r.s % 10 < 4 then array['DEPARTMENT_PORTAL', 'WECHAT'] when r.s % 10 = 4 then array['DEPARTMENT_PORTAL', 'GOVERNMENT_PORTAL'] else array['DEPARTMENT_PORTAL'] end,
                  case when r.c % 20 = 1 then '高校信息公开专栏' end,
                  case when r.s < 950000 then 'PUBLISHED' when r.s < 980000 then 'DRAFT' else 'WITHDRAWN' end,
                  case when r.s < 950000 or r.s >= 980000 then r.published_at end,
                  r.published_at - interval '1 day', r.published_at
             from r`,
          { tenant: o.tenant, lo, hi },
        );
        progress.tick(hi - lo);
      }
    });

    // Applications (one per 1,000 events) at bureaus, disputes about one in 20 of them.
    const applications = Math.ceil(o.events / 1000);
    await timed('indexes', rebuilt.length, async () => {
      for (const d of rebuilt) {
        await exec(d.def);
        progress.tick(1);
      }
      return rebuilt.length;
    });

    await timed('applications and disputes', applications, async () => {
      if (applications === 0) return 0;
      await exec(
        `with r as (
           select i, u.id as unit_id, ${at('d', 35)} as received_at, d.due20, ${h('i', 34)} as s
             from generate_series(0, :n - 1) as i
             join gen_unit u on u.n = ${h('i', 31)} % ${bureaus}
             join gen_day d on d.n = ${h('i', 32)} % ${nDays}
         )
         insert into disclosure_application (tenant_id, id, unit_id, applicant_type, applicant_name, subject, channel, received_at, due_at, status, outcome, legal_ground, decided_at, fee_charged, created_at, updated_at)
         select :tenant, ${generatedIdSql(o.tenant, '0a00', 'r.i')}, r.unit_id, case when r.s % 10 = 0 then 'LEGAL_PERSON' else 'CITIZEN' end, '申请人' || r.i,
                '生成申请 #' || r.i, case when r.s % 3 = 0 then 'LETTER' else 'ONLINE' end, r.received_at, r.due20,
                case when r.s < 950000 then 'DECIDED' else 'RECEIVED' end,
                case when r.s < 950000 then (array['GRANTED', 'GRANTED', 'PARTLY_GRANTED', 'NOT_HELD', 'REFUSED', 'REDIRECTED'])[1 + r.s % 6] end,
                case when r.s < 950000 and r.s % 6 = 4 then '《政府信息公开条例》第十四条' end,
                case when r.s < 950000 then r.received_at + (r.s % 1728000) * interval '1 second' end,
                0, r.received_at, r.received_at
           from r`,
        { tenant: o.tenant, n: applications },
      );
      await exec(
        `insert into disclosure_dispute (tenant_id, id, unit_id, application_id, kind, filed_at, status, outcome, concluded_at, created_at, updated_at)
         select a.tenant_id, ${generatedIdSql(o.tenant, '0b00', 'i')}, a.unit_id, a.id, case when i % 4 = 0 then 'LAWSUIT' else 'RECONSIDERATION' end,
                a.decided_at + interval '10 days', case when i % 5 = 0 then 'PENDING' else 'CONCLUDED' end,
                case when i % 5 = 0 then null else (array['UPHELD', 'UPHELD', 'CORRECTED', 'OTHER'])[1 + i % 4] end,
                case when i % 5 = 0 then null else a.decided_at + interval '60 days' end, a.decided_at + interval '10 days', a.decided_at + interval '10 days'
           from generate_series(0, :n - 1, 20) as i
           join disclosure_application a on a.tenant_id = :tenant and a.id = ${generatedIdSql(o.tenant, '0a00', 'i')}
          where a.status = 'DECIDED'`,
        { tenant: o.tenant, n: applications },
      );
      progress.tick(applications);
      return applications;
    });

    // A centre at every bureau, a point at every other school; officers at bureaus; a responsible department at bureaus.
    await timed('centres and officers', bureaus + schools, async () => {
      const first = `${o.fromYear}-01-01`;
      await exec(
        `insert into centre (tenant_id, id, unit_id, kind, name, opened_on, status, online_hall_url, check_checked_at, check_ok, check_http_status)
         select :tenant, ${generatedIdSql(o.tenant, '0c00', 'u.n')}, u.id, case when u.bureau then 'CENTER' else 'POINT' end,
                case when u.bureau then '教育阳光服务中心' else '教育阳光服务点' end,
                cast(:first as date) + (${h('u.n', 41)} % (365 * (:years)))::int,
                case when ${h('u.n', 42)} < 20000 then 'SUSPENDED' else 'ACTIVE' end,
                case when u.bureau or ${h('u.n', 43)} < 300000 then 'https://jyt.example.cn/hall/' || u.n end,
                case when u.bureau then cast(:last as timestamptz) end,
                case when u.bureau then ${h('u.n', 44)} >= 50000 end,
                case when u.bureau then (case when ${h('u.n', 44)} >= 50000 then 200 else 503 end) end
           from gen_unit u where u.bureau or u.n % 2 = 0`,
        { tenant: o.tenant, first, years: o.toYear - o.fromYear + 1, last: `${o.toYear}-12-01T02:00:00Z` },
      );
      await exec(
        `insert into officer (tenant_id, id, unit_id, name, role, active, appointed_on)
         select :tenant, ${generatedIdSql(o.tenant, '0f00', 'u.n * 4 + k')}, u.id, '专干' || u.n || '-' || k, case when k = 0 then 'LEAD' else 'OFFICER' end,
                ${h('u.n * 4 + k', 51)} >= 30000, cast(:first as date)
           from gen_unit u cross join generate_series(0, 2) as k
          where u.bureau and (k = 0 or ${h('u.n * 4 + k', 52)} < 500000)`,
        { tenant: o.tenant, first },
      );
      await exec(
        `insert into unit_responsibility (tenant_id, unit_id, responsible_department, designated_at)
         select :tenant, u.id, '办公室', cast(:first as date) from gen_unit u where u.bureau and ${h('u.n', 61)} >= 40000`,
        { tenant: o.tenant, first },
      );
      progress.tick(bureaus + schools);
    });

    await enableRollupTriggers(x);

    await timed('rollups', 1, async () => {
      rollupRows = await rebuildRollupsBulk(x, o.tenant);
      progress.tick(1);
      return rollupRows;
    });

    await exec(
      `insert into ingest_request (tenant_id, unit_id, operation, key, payload_hash, result)
       select :tenant, u.id, '${OPERATION}', '${KEY}', :hash, cast(:result as jsonb) from org_unit u where u.tenant_id = :tenant and u.depth = 0
       on conflict (tenant_id, unit_id, operation, key) do update set payload_hash = excluded.payload_hash, result = excluded.result`,
      { tenant: o.tenant, hash, result: JSON.stringify({ schools: o.schools, events: o.events, disclosures: o.disclosures, years: `${o.fromYear}-${o.toYear}` }) },
    );
    for (const t of ['org_unit', 'interaction_event', 'disclosure_item', 'disclosure_application', 'disclosure_dispute', 'centre', 'officer']) {
      const [{ n }] = await exec(`select count(*)::int as n from "${t}" where tenant_id = :tenant`, { tenant: o.tenant });
      counts[t] = Number(n);
    }
  });

  await timed('analyze', 1, async () => {
    await em.execute('analyze');
    progress.tick(1);
  });
  return { generated: true, options: o, phases, counts, rollupRows, ms: Date.now() - started };
}

async function isPostgresServer(em: EntityManager): Promise<boolean> {
  const [row] = await em.execute(`select version() as v`);
  return !/wasm|emscripten/i.test(String(row.v));
}
