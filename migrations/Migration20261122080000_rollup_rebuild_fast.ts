import { Migration } from '@mikro-orm/migrations';
import { COUNTERS, tenantContributions } from './Migration20261122070000_rollups';

/**
 * A faster `rollup_rebuild(tenant)` for big tenants (the province-scale generator rebuilds 5 million
 * events' figures at once). Same rows as `rollup_recount`, which stays the reference that
 * `rollup_verify` compares with; what changed is how the rows are computed:
 *
 * - in stages kept in temporary tables (no WAL): contributions summed per owner and day, then
 *   spread to targets through a small table of (unit, target, scope) built once from the paths
 *   (a hash join, instead of splitting every contribution's path string), then the day rows and
 *   the month and year rows summed from them;
 * - a school's own contributions are its 'S' rows as they are (schools have no children): most of
 *   the rows skip the big aggregation, which only sums what goes up to bureaus;
 * - hash aggregation (sorting text keys under a libc collation was most of the time), and sums of
 *   int (accumulated in bigint) instead of sums of bigint (accumulated in numeric); the fee counter
 *   (group 5, c3, in fen) keeps a numeric sum;
 * - work_mem of at least 256MB while it runs, and one insert in primary-key order (text keys
 *   compared bytewise: "C" order, the order of the C.UTF-8 and C collations).
 */
const C = Array.from({ length: COUNTERS }, (_, i) => `c${i}`);
const sum = (p: string) => C.map((c) => (c === 'c3' ? `sum(${p}${c})::bigint as ${c}` : `sum(${p}${c}::int)::bigint as ${c}`)).join(', ');
const nonzero = (p: string) => C.map((c) => `sum(${p}${c}) <> 0`).join(' or ');

/** The staged `rollup_rebuild(tenant)`, built from the contributions of migration 070000. */
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

export class Migration20261122080000_rollup_rebuild_fast extends Migration {
  override async up(): Promise<void> {
    this.addSql(rollupRebuildFunction());
  }

  override async down(): Promise<void> {
    // The rebuild of migration 070000: the recount inserted in key order.
    this.addSql(`create or replace function rollup_rebuild(p_tenant int) returns bigint language plpgsql as $$
        declare n bigint;
        begin
          delete from stat_rollup where tenant_id = p_tenant;
          insert into stat_rollup select * from rollup_recount(p_tenant) order by 1, 2, 3, 4, 5, 6, 7;
          get diagnostics n = row_count;
          return n;
        end
      $$;`);
  }
}
