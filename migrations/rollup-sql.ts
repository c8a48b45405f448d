/**
 * The rollup SQL as a database migrated to the newest migration holds it: the contribution
 * selects, the trigger functions, `rollup_recount`, `rollup_rebuild` and `rollup_verify` (row key
 * and counters: migration 070000's comment and src/modules/stats/rollup.groups.ts).
 *
 * Migrations never import this module, nor another migration: what they run must stay what it was
 * when they landed. A change to the rollup SQL is made here, and the new migration imports a frozen
 * copy of this file (migrations/snapshots/rollups-<its timestamp>.ts) and runs the statements it
 * needs from it (for instance `allRollupFunctions()`), with whatever rewrites existing rows.
 * test/db/migrations.test.ts checks that the functions of a migrated database are exactly these.
 *
 * History: 070000 built the first version; 080000 replaced `rollup_rebuild`; 110000 keyed group 2
 * as `T|kind` and `D|due|kind` (its builders are 070000's file, frozen since).
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

const sum = (p: string) => C.map((c) => (c === 'c3' ? `sum(${p}${c})::bigint as ${c}` : `sum(${p}${c}::int)::bigint as ${c}`)).join(', ');

/** The staged `rollup_rebuild(tenant)` of migration 080000, over `tenantContributions`. */
export function rollupRebuildFunction(): string {
  return `create or replace function rollup_rebuild(p_tenant int) returns bigint language plpgsql
      set enable_sort = off set plan_cache_mode = force_custom_plan as $$
        declare
          n bigint;
          old_work_mem text := current_setting('work_mem');
        begin
          if pg_size_bytes(old_work_mem) < pg_size_bytes('256MB') then perform set_config('work_mem', '256MB', true); end if;
          delete from stat_rollup where tenant_id = p_tenant;
          create temporary table rollup_rebuild_k on commit drop as
            select k.unit_id, k.day, k.grp, k.dim, ${sum('k.')}
              from (${tenantContributions('p_tenant')}) k
             group by k.unit_id, k.day, k.grp, k.dim
            having ${nonzero('k.')};
          -- Targets of a unit's contributions other than a school's own 'S' rows: its 'O' and 'S' rows
          -- unless it is a school, and every ancestor's 'S' rows.
          create temporary table rollup_rebuild_target on commit drop as
            select u.id as unit_id, u.id as target, x.scope from org_unit u cross join (values ('O'::text), ('S'::text)) x(scope) where u.tenant_id = p_tenant and u.level <> 'SCHOOL'
            union all
            select u.id, a::uuid, 'S'::text from org_unit u cross join unnest(string_to_array(trim(both '/' from u.path), '/')) a where u.tenant_id = p_tenant and a::uuid <> u.id;
          analyze rollup_rebuild_k;
          analyze rollup_rebuild_target;
          -- A school's 'S' rows are its contributions as they are (schools have no children): most
          -- rows, and no aggregation; only the targets above them are summed.
          create temporary table rollup_rebuild_t on commit drop as
            select k.unit_id, 'S'::text as scope, k.day, k.grp, k.dim, ${C.map((c) => `k.${c}`).join(', ')}
              from rollup_rebuild_k k join org_unit u on u.tenant_id = p_tenant and u.id = k.unit_id
             where u.level = 'SCHOOL'
            union all
            select a.target, a.scope, k.day, k.grp, k.dim, ${sum('k.')}
              from rollup_rebuild_k k join rollup_rebuild_target a on a.unit_id = k.unit_id
             group by a.target, a.scope, k.day, k.grp, k.dim
            having ${nonzero('k.')};
          analyze rollup_rebuild_t;
          insert into stat_rollup (tenant_id, unit_id, scope, grp, grain, bucket, dim, ${C.join(', ')})
          select p_tenant, z.unit_id, z.scope, z.grp, z.grain, z.bucket, z.dim, ${C.map((c) => `z.${c}`).join(', ')}
            from (
              select t.unit_id, t.scope, t.grp, case when t.day is null then 'A' else 'D' end as grain, coalesce(t.day, date '1970-01-01') as bucket, t.dim, ${C.map((c) => `t.${c}`).join(', ')}
                from rollup_rebuild_t t
              union all
              select t.unit_id, t.scope, t.grp, 'M', date_trunc('month', t.day)::date, t.dim, ${sum('t.')}
                from rollup_rebuild_t t where t.day is not null
               group by t.unit_id, t.scope, t.grp, date_trunc('month', t.day)::date, t.dim having ${nonzero('t.')}
              union all
              select t.unit_id, t.scope, t.grp, 'Y', date_trunc('year', t.day)::date, t.dim, ${sum('t.')}
                from rollup_rebuild_t t where t.day is not null
               group by t.unit_id, t.scope, t.grp, date_trunc('year', t.day)::date, t.dim having ${nonzero('t.')}
            ) z
           order by z.unit_id, z.scope collate "C", z.grp, z.grain collate "C", z.bucket, z.dim collate "C";
          get diagnostics n = row_count;
          drop table rollup_rebuild_k, rollup_rebuild_target, rollup_rebuild_t;
          perform set_config('work_mem', old_work_mem, true);
          return n;
        end
      $$;`;
}

/** `rollup_verify(tenant)` of migration 070000: rows whose counters differ from a recount (all-zero rows count as absent). */
export function verifyFunction(): string {
  return `create or replace function rollup_verify(p_tenant int) returns table (unit_id uuid, scope text, grp smallint, grain text, bucket date, dim text, expected bigint[], actual bigint[])
      language sql stable as $$
        select coalesce(a.unit_id, e.unit_id), coalesce(a.scope, e.scope), coalesce(a.grp, e.grp), coalesce(a.grain, e.grain), coalesce(a.bucket, e.bucket), coalesce(a.dim, e.dim),
               array[${C.map((c) => `coalesce(e.${c}, 0)`).join(', ')}], array[${C.map((c) => `coalesce(a.${c}, 0)`).join(', ')}]
          from (select * from stat_rollup s where s.tenant_id = p_tenant and (${C.map((c) => `s.${c} <> 0`).join(' or ')})) a
          full join rollup_recount(p_tenant) e
            on e.tenant_id = a.tenant_id and e.unit_id = a.unit_id and e.scope = a.scope and e.grp = a.grp and e.grain = a.grain and e.bucket = a.bucket and e.dim = a.dim
         where ${C.map((c) => `coalesce(a.${c}, 0) <> coalesce(e.${c}, 0)`).join(' or ')}
      $$;`;
}

/**
 * Every rollup function as `create or replace` statements, triggers excluded (their functions are
 * included): what a migration that changes the rollup SQL runs, and what a database migrated to
 * the newest migration holds (test/db/migrations.test.ts compares them).
 */
export function allRollupFunctions(): string[] {
  const orReplace = (sql: string) => sql.replace(/^create function/, 'create or replace function');
  const out: string[] = [];
  for (const table of Object.keys(SOURCES)) for (const op of OPS) out.push(orReplace(sourceTrigger(table, op)[0]));
  out.push(...unitTriggers().filter((s) => s.startsWith('create function')).map(orReplace));
  out.push(orReplace(recountFunction()), rollupRebuildFunction(), verifyFunction());
  return out;
}
