import { Migration } from '@mikro-orm/migrations';

/**
 * Pre-aggregated statistics (`stat_rollup`), kept exact by the database in the same transaction as
 * every write: statement-level AFTER triggers with transition tables turn the rows a statement
 * inserted, updated or deleted into signed contributions, expand each contribution to the owning
 * unit ('O', own) and to every unit of its materialized path ('S', subtree, the unit itself
 * included), at day, month and year grain, and apply the sums with one ordered upsert.
 *
 * Row key: (tenant_id, unit_id, scope, grp, grain, bucket, dim). Counters c0..c6 mean what the group
 * says (see src/modules/stats/rollup.groups.ts, which must agree with GROUP_SQL below):
 *
 *  grp  source                        day                dim                          c0 … c6
 *   1   interaction_event             received (Shanghai) kind                        received, replied, replied on time, invalid, duplicate, held, open
 *   2   interaction_event, OPEN       received            T|kind, D|due (UTC ISO)|kind open (with a deadline)
 *   3   disclosure_item, PUBLISHED    published           category_code               published, with special column
 *   4   disclosure_item, PUBLISHED    published           channel (one per channel)   published
 *   5   disclosure_application        received            PENDING|WITHDRAWN|outcome   received, decided on time, extended, fee (fen)
 *   6   disclosure_application, open  received            due instant                 open
 *   7   disclosure_dispute            filed               kind|outcome-or-PENDING     filed
 *   8   centre, not CLOSED            opened (or created) kind|unit level|unit kind   centres, with online hall, reachable at last check
 *   9   first open centre of a unit   its opened day      unit level|unit kind        units covered
 *  10   org_unit                      none (grain 'A')    level|kind                  units
 *  11   officer, active               none                role                        officers
 *  12   unit_responsibility           none                ''                          units with a responsible department
 *
 * Units of level SCHOOL cannot have children, so their own figures equal their subtree's: they get
 * only 'S' rows (half the rows at the leaves, where most rows are).
 *
 * Why an upsert in key order: concurrent writers touching the same ancestors take the row locks in
 * the same order, so they queue instead of deadlocking, and `c = c + excluded.c` loses no increment.
 */

export const COUNTERS = 7;
const SH = `'Asia/Shanghai'`;
const dayOf = (col: string) => `((${col}) at time zone ${SH})::date`;
const isoOf = (col: string) => `to_char((${col}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')`;
const when = (cond: string) => `(case when ${cond} then 1 else 0 end)`;
const KEY = ['tenant_id', 'unit_id', 'scope', 'grp', 'grain', 'bucket', 'dim'];
const C = Array.from({ length: COUNTERS }, (_, i) => `c${i}`);

/**
 * One contribution select over `rows x`: owner unit, day (null for undated groups), group, dim and
 * the counters. Only groups keyed by the unit's level or kind join `units u` (org_unit, or a
 * stand-in relation with tenant_id, id, path, level, kind); the expansion joins the path later,
 * once per owner and day rather than once per row.
 */
function sel(units: string, from: string, day: string | null, grp: number, dim: string, cs: string[], where?: string): string {
  const counters = C.map((c, i) => `(${cs[i] ?? '0'})::bigint as ${c}`).join(', ');
  const join = /\bu\./.test(dim) ? ` join ${units} u on u.tenant_id = x.tenant_id and u.id = x.unit_id` : '';
  return `select x.tenant_id, x.unit_id, ${day ?? 'null::date'} as day, ${grp} as grp, (${dim})::text as dim, ${counters}
    from ${from}${join}${where ? ` where ${where}` : ''}`;
}

/** Contributions of each source table's rows (`rows` is the table or a transition table, aliased x). */
const SOURCES: Record<string, (rows: string, units: string) => string[]> = {
  interaction_event: (rows, units) => [
    sel(units, `${rows} x`, dayOf('x.received_at'), 1, 'x.kind', [
      '1',
      when(`x.status = 'REPLIED'`),
      when(`x.status = 'REPLIED' and (x.due_at is null or x.replied_at < x.due_at)`),
      when(`x.status = 'INVALID'`),
      when(`x.status = 'DUPLICATE'`),
      when(`x.status = 'HELD'`),
      when(`x.status = 'OPEN'`),
    ]),
    // Group 2, open events with a deadline, in two kinds of rows (see migration 110000): 'T|kind',
    // all of them, and 'D|due instant|kind', per deadline. Overdue now = T − (D rows due after now):
    // the D rows due after now are a short index range, however many deadlines lie in the past.
    sel(units, `${rows} x`, dayOf('x.received_at'), 2, `'T|' || x.kind`, ['1'], `x.status = 'OPEN' and x.due_at is not null`),
    sel(units, `${rows} x`, dayOf('x.received_at'), 2, `'D|' || ${isoOf('x.due_at')} || '|' || x.kind`, ['1'], `x.status = 'OPEN' and x.due_at is not null`),
  ],
  disclosure_item: (rows, units) => [
    sel(units, `${rows} x`, dayOf('x.published_at'), 3, 'x.category_code', ['1', when('x.special_column is not null')], `x.status = 'PUBLISHED' and x.published_at is not null`),
    sel(units, `${rows} x cross join unnest(x.channels) ch(channel)`, dayOf('x.published_at'), 4, 'ch.channel', ['1'], `x.status = 'PUBLISHED' and x.published_at is not null`),
  ],
  disclosure_application: (rows, units) => [
    sel(units, `${rows} x`, dayOf('x.received_at'), 5, `case x.status when 'RECEIVED' then 'PENDING' when 'WITHDRAWN' then 'WITHDRAWN' else x.outcome end`, [
      '1',
      when(`x.status = 'DECIDED' and x.decided_at < x.due_at`),
      when('x.extended'),
      'round(x.fee_charged * 100)',
    ]),
    sel(units, `${rows} x`, dayOf('x.received_at'), 6, isoOf('x.due_at'), ['1'], `x.status = 'RECEIVED'`),
  ],
  disclosure_dispute: (rows, units) => [sel(units, `${rows} x`, dayOf('x.filed_at'), 7, `x.kind || '|' || coalesce(x.outcome, 'PENDING')`, ['1'])],
  centre: (rows, units) => [
    sel(units, `${rows} x`, `coalesce(x.opened_on, ${dayOf('x.created_at')})`, 8, `x.kind || '|' || u.level || '|' || u.kind`, [
      '1',
      when('x.online_hall_url is not null'),
      when('x.check_ok is true'),
    ], `x.status <> 'CLOSED'`),
  ],
  officer: (rows, units) => [sel(units, `${rows} x`, null, 11, 'x.role', ['1'], 'x.active')],
  unit_responsibility: (rows, units) => [sel(units, `${rows} x`, null, 12, `''`, ['1'])],
};

/** Group 9: a unit is covered from the day of its first centre that is not closed (over a relation of centre rows). */
function covered(centres: string, units: string): string {
  return sel(
    units,
    `(select c.tenant_id, c.unit_id, min(coalesce(c.opened_on, ${dayOf('c.created_at')})) as first_day from ${centres} c where c.status <> 'CLOSED' group by c.tenant_id, c.unit_id) x`,
    'x.first_day',
    9,
    `u.level || '|' || u.kind`,
    ['1'],
  );
}

/** Group 10: the units themselves (`units` has tenant_id, id, path, level, kind). */
function unitRows(units: string): string {
  const counters = C.map((c, i) => `${i === 0 ? 1 : 0}::bigint as ${c}`).join(', ');
  return `select x.tenant_id, x.id as unit_id, null::date as day, 10 as grp, (x.level || '|' || x.kind)::text as dim, ${counters} from ${units} x`;
}

function signed(sql: string, sign: 1 | -1): string {
  return `select q.tenant_id, q.unit_id, q.day, q.grp, q.dim, ${C.map((c) => `${sign} * q.${c} as ${c}`).join(', ')} from (${sql}) q`;
}

const nonzero = (p: string) => C.map((c) => `sum(${p}${c}) <> 0`).join(' or ');

/**
 * Expands contributions to rollup rows, in stages that keep the intermediate sets small: sum per
 * owner and day; spread to the owner ('O', except schools) and every unit of its path ('S') and
 * sum per target and day; then the D rows, and M and Y rows summed from them ('A' for undated groups).
 */
function expand(contributions: string, units = 'org_unit'): string {
  const sumC = (p: string) => C.map((c) => `sum(${p}${c})::bigint as ${c}`).join(', ');
  return `with k as (
      select k.tenant_id, k.unit_id, k.day, k.grp, k.dim, ${sumC('k.')}
        from (${contributions}) k
       group by k.tenant_id, k.unit_id, k.day, k.grp, k.dim
      having ${nonzero('k.')}
    ), d as (
      select k.*, u.path, u.level from k join ${units} u on u.tenant_id = k.tenant_id and u.id = k.unit_id
    ), t as materialized (
      select d.tenant_id, x.unit_id, x.scope, d.day, d.grp, d.dim, ${sumC('d.')}
        from d cross join lateral (
          select d.unit_id as unit_id, 'O'::text as scope where d.level <> 'SCHOOL'
          union all
          select a::uuid, 'S'::text from unnest(string_to_array(trim(both '/' from d.path), '/')) a
        ) x
       group by d.tenant_id, x.unit_id, x.scope, d.day, d.grp, d.dim
      having ${nonzero('d.')}
    )
    select t.tenant_id, t.unit_id, t.scope, t.grp, case when t.day is null then 'A' else 'D' end as grain, coalesce(t.day, date '1970-01-01') as bucket, t.dim, ${C.map((c) => `t.${c}`).join(', ')}
      from t
    union all
    select t.tenant_id, t.unit_id, t.scope, t.grp, 'M', date_trunc('month', t.day)::date, t.dim, ${sumC('t.')}
      from t where t.day is not null group by t.tenant_id, t.unit_id, t.scope, t.grp, date_trunc('month', t.day), t.dim having ${nonzero('t.')}
    union all
    select t.tenant_id, t.unit_id, t.scope, t.grp, 'Y', date_trunc('year', t.day)::date, t.dim, ${sumC('t.')}
      from t where t.day is not null group by t.tenant_id, t.unit_id, t.scope, t.grp, date_trunc('year', t.day), t.dim having ${nonzero('t.')}`;
}

function upsert(rows: string): string {
  return `insert into stat_rollup as r (${KEY.join(', ')}, ${C.join(', ')})
    select * from (${rows}) z order by ${KEY.map((k) => `z.${k}`).join(', ')}
    on conflict (${KEY.join(', ')}) do update set ${C.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ')}`;
}

/** Every contribution of a tenant, from the raw tables (owner, day, grp, dim, c0…c6 per source row). */
export function tenantContributions(tenant: string): string {
  const parts: string[] = [];
  for (const [table, build] of Object.entries(SOURCES)) {
    parts.push(...build(`(select * from ${table} where tenant_id = ${tenant})`, 'org_unit'));
  }
  parts.push(covered(`(select * from centre where tenant_id = ${tenant})`, 'org_unit'));
  parts.push(unitRows(`(select * from org_unit where tenant_id = ${tenant})`));
  return parts.join('\n    union all\n');
}

/** Every rollup row of a tenant, from the raw tables. */
function recount(tenant: string): string {
  return expand(tenantContributions(tenant));
}

type Op = 'insert' | 'update' | 'delete';
const OPS: Op[] = ['insert', 'update', 'delete'];

function rel(table: string, op: Op, which: 'new' | 'old'): string {
  const has = which === 'new' ? op !== 'delete' : op !== 'insert';
  return has ? (which === 'new' ? 'nt' : 'ot') : `(select * from ${table} where false)`;
}

function referencing(op: Op): string {
  if (op === 'insert') return 'referencing new table as nt';
  if (op === 'delete') return 'referencing old table as ot';
  return 'referencing new table as nt old table as ot';
}

function sourceTrigger(table: string, op: Op): string[] {
  const nt = rel(table, op, 'new');
  const ot = rel(table, op, 'old');
  const parts = [...SOURCES[table](nt, 'org_unit').map((s) => signed(s, 1)), ...SOURCES[table](ot, 'org_unit').map((s) => signed(s, -1))];
  if (table === 'centre') {
    // Coverage depends on the unit's first centre: recount it for the units this statement touched,
    // before (the table now, minus the new rows, plus the old ones) and after (the table now).
    const touched = `(select distinct tenant_id, unit_id from (select n1.tenant_id, n1.unit_id from ${nt} n1 union all select o1.tenant_id, o1.unit_id from ${ot} o1) t)`;
    const after = `(select c.* from centre c join ${touched} a on a.tenant_id = c.tenant_id and a.unit_id = c.unit_id)`;
    const before = `(select c.* from centre c join ${touched} a on a.tenant_id = c.tenant_id and a.unit_id = c.unit_id
        where not exists (select 1 from ${nt} n where n.tenant_id = c.tenant_id and n.id = c.id)
      union all select o2.* from ${ot} o2)`;
    parts.push(signed(covered(after, 'org_unit'), 1), signed(covered(before, 'org_unit'), -1));
  }
  const fn = `stat_rollup_${table}_${op}`;
  return [
    `create function ${fn}() returns trigger language plpgsql set plan_cache_mode = force_custom_plan set work_mem = '64MB' as $$
      begin
        ${upsert(expand(parts.join('\n    union all\n')))};
        return null;
      end
    $$;`,
    `create trigger ${fn} after ${op} on "${table}" ${referencing(op)} for each statement execute function ${fn}();`,
  ];
}

/**
 * org_unit: inserted and deleted units count in group 10. A unit that moves takes its subtree's
 * counts (its 'S' rows) from its old ancestors to its new ones, without touching raw rows. A unit
 * whose level or kind changes is recounted from its own rows under the old and the new attributes
 * (groups keyed by unit level/kind, and own rows that schools do not have).
 */
function unitTriggers(): string[] {
  const out: string[] = [];
  for (const op of OPS) {
    const fn = `stat_rollup_org_unit_${op}`;
    let body: string;
    if (op === 'insert') body = `${upsert(expand(signed(unitRows('nt'), 1), 'nt'))};`;
    else if (op === 'delete') body = `${upsert(expand(signed(unitRows('ot'), -1), 'ot'))};`;
    else {
      const moved = `(select n.tenant_id, n.id, o.path as old_path, n.path as new_path from nt n join ot o on o.tenant_id = n.tenant_id and o.id = n.id
          where o.parent_id is distinct from n.parent_id)`;
      const move = `select m.tenant_id, a.unit_id, 'S'::text as scope, s.grp, s.grain, s.bucket, s.dim, ${C.map((c) => `sum(a.sign * s.${c})::bigint as ${c}`).join(', ')}
        from ${moved} m
        join stat_rollup s on s.tenant_id = m.tenant_id and s.unit_id = m.id and s.scope = 'S'
        cross join lateral (
          select x::uuid as unit_id, -1 as sign from unnest(string_to_array(trim(both '/' from m.old_path), '/')) x where x::uuid <> m.id
          union all
          select x::uuid, 1 from unnest(string_to_array(trim(both '/' from m.new_path), '/')) x where x::uuid <> m.id
        ) a
        group by 1, 2, 3, 4, 5, 6, 7
        having ${C.map((c) => `sum(a.sign * s.${c}) <> 0`).join(' or ')}`;
      const changed = (attrs: 'o' | 'n') => `(select n.tenant_id, n.id, n.path, ${attrs}.level, ${attrs}.kind from nt n join ot o on o.tenant_id = n.tenant_id and o.id = n.id
          where o.level is distinct from n.level or o.kind is distinct from n.kind)`;
      // Under the old attributes out, under the new ones in: two upserts, as level decides the own rows.
      const recounts: string[] = [];
      for (const [sign, attrs] of [[-1, 'o'], [1, 'n']] as const) {
        const units = changed(attrs);
        const parts: string[] = [];
        const own = (table: string) => `(select x.* from ${table} x join ${units} uu on uu.tenant_id = x.tenant_id and uu.id = x.unit_id)`;
        for (const [table, build] of Object.entries(SOURCES)) parts.push(...build(own(table), units).map((s) => signed(s, sign)));
        parts.push(signed(covered(own('centre'), units), sign), signed(unitRows(units), sign));
        recounts.push(`${upsert(expand(parts.join('\n    union all\n'), units))};`);
      }
      body = `${upsert(move)};
        ${recounts.join('\n        ')}`;
    }
    out.push(
      `create function ${fn}() returns trigger language plpgsql set plan_cache_mode = force_custom_plan set work_mem = '64MB' as $$
        begin
          ${body}
          return null;
        end
      $$;`,
      `create trigger ${fn} after ${op} on "org_unit" ${referencing(op)} for each statement execute function ${fn}();`,
    );
  }
  return out;
}

/**
 * `create or replace` statements of the functions built from SOURCES whose output depends on how a
 * group's rows are keyed: the interaction_event triggers, the org_unit update trigger (it recounts
 * units whose level or kind changed) and `rollup_recount`. A later migration that changes SOURCES
 * runs these to bring an existing database's functions in step.
 */
export function rebuiltRollupFunctions(): string[] {
  const orReplace = (sql: string) => sql.replace(/^create function/, 'create or replace function');
  const out = OPS.map((op) => orReplace(sourceTrigger('interaction_event', op)[0]));
  out.push(orReplace(unitTriggers()[2]));
  out.push(recountFunction().replace(/^create function/, 'create or replace function'));
  return out;
}

function recountFunction(): string {
  return `create function rollup_recount(p_tenant int) returns table (tenant_id int, unit_id uuid, scope text, grp smallint, grain text, bucket date, dim text, ${C.map((c) => `${c} bigint`).join(', ')})
      language sql stable set plan_cache_mode = force_custom_plan set work_mem = '128MB' as $$
        select z.tenant_id, z.unit_id, z.scope, z.grp::smallint, z.grain, z.bucket, z.dim, ${C.map((c) => `z.${c}`).join(', ')} from (${recount('p_tenant')}) z
      $$;`;
}

export class Migration20261122070000_rollups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "stat_rollup" (
      "tenant_id" int not null,
      "unit_id" uuid not null,
      "scope" text not null check ("scope" in ('O', 'S')),
      "grp" smallint not null,
      "grain" text not null check ("grain" in ('D', 'M', 'Y', 'A')),
      "bucket" date not null,
      "dim" text not null,
      ${C.map((c) => `"${c}" bigint not null default 0`).join(', ')},
      constraint "stat_rollup_pkey" primary key (${KEY.map((k) => `"${k}"`).join(', ')})
    );`);

    this.addSql(recountFunction());
    this.addSql(`create function rollup_rebuild(p_tenant int) returns bigint language plpgsql as $$
        declare n bigint;
        begin
          delete from stat_rollup where tenant_id = p_tenant;
          insert into stat_rollup select * from rollup_recount(p_tenant) order by 1, 2, 3, 4, 5, 6, 7;
          get diagnostics n = row_count;
          return n;
        end
      $$;`);
    // Rows whose counters differ from a recount of the raw tables (all-zero rows count as absent).
    this.addSql(`create function rollup_verify(p_tenant int) returns table (unit_id uuid, scope text, grp smallint, grain text, bucket date, dim text, expected bigint[], actual bigint[])
      language sql stable as $$
        select coalesce(a.unit_id, e.unit_id), coalesce(a.scope, e.scope), coalesce(a.grp, e.grp), coalesce(a.grain, e.grain), coalesce(a.bucket, e.bucket), coalesce(a.dim, e.dim),
               array[${C.map((c) => `coalesce(e.${c}, 0)`).join(', ')}], array[${C.map((c) => `coalesce(a.${c}, 0)`).join(', ')}]
          from (select * from stat_rollup s where s.tenant_id = p_tenant and (${C.map((c) => `s.${c} <> 0`).join(' or ')})) a
          full join rollup_recount(p_tenant) e
            on e.tenant_id = a.tenant_id and e.unit_id = a.unit_id and e.scope = a.scope and e.grp = a.grp and e.grain = a.grain and e.bucket = a.bucket and e.dim = a.dim
         where ${C.map((c) => `coalesce(a.${c}, 0) <> coalesce(e.${c}, 0)`).join(' or ')}
      $$;`);

    for (const table of Object.keys(SOURCES)) for (const op of OPS) for (const sql of sourceTrigger(table, op)) this.addSql(sql);
    for (const sql of unitTriggers()) this.addSql(sql);

    // Rows written before this migration.
    this.addSql(`select rollup_rebuild(id) from tenant;`);
  }

  override async down(): Promise<void> {
    for (const table of [...Object.keys(SOURCES), 'org_unit']) {
      for (const op of OPS) {
        this.addSql(`drop trigger if exists stat_rollup_${table}_${op} on "${table}";`);
        this.addSql(`drop function if exists stat_rollup_${table}_${op}();`);
      }
    }
    this.addSql(`drop function if exists rollup_verify(int);`);
    this.addSql(`drop function if exists rollup_rebuild(int);`);
    this.addSql(`drop function if exists rollup_recount(int);`);
    this.addSql(`drop table if exists "stat_rollup";`);
  }
}
