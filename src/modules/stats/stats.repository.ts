import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { Scope } from '../../scope';
import { OrgUnit } from '../units/org-unit.entity';
import { UnitLevel } from '../units/unit.enums';
import { arrayLiteral, preparedRows } from '../../db/sql';
import { addDays, bucketRanges, EPOCH, Period, rangesSql } from './period';
import { FOLDED_DIM, FOLDED_EXTRAS, G, METRICS, metricKind, nowIso, OPEN_DUE_LATER, OPEN_DUE_TOTAL, rollupRowsSql, StatsMetric } from './rollup.groups';

/** Which rollup rows hold a unit's figures: schools have no children, so their own rows are their subtree's. */
export function rollupScope(unit: Pick<OrgUnit, 'level'>, own: boolean): 'O' | 'S' {
  return own && unit.level !== UnitLevel.SCHOOL ? 'O' : 'S';
}

export interface RollupKey {
  tenantId: number;
  unitId: string;
  scope: 'O' | 'S';
}

export const rollupKeyId = (k: RollupKey) => `${k.tenantId}:${k.unitId}:${k.scope}`;

export interface RollupRow {
  grp: number;
  dim: string;
  c: number[];
  /** A folded group-1 row's sums of the kinds counted apart (FOLDED_EXTRAS); absent otherwise. */
  x?: number[];
}

const COUNTERS = 7;
const COUNTER_COLUMNS = Array.from({ length: COUNTERS }, (_, i) => `c${i}`);
const sums = (alias: string) => Array.from({ length: COUNTERS }, (_, i) => `sum(${alias}.c${i})::float8 as c${i}`).join(', ');
import { UUID_RE } from '../../ids';

/**
 * All reads of `stat_rollup`. Units reach here already resolved through the request's Scope
 * (OrgUnit objects from the unit loaders), and candidate lists apply `Scope.restrictUnits`, so a
 * figure is readable exactly when its unit is.
 */
export class StatsRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  /** A built query as a prepared statement (src/db/sql.ts). */
  private rows<T = Record<string, unknown>>(qb: Knex.QueryBuilder): Promise<T[]> {
    const { sql, bindings } = qb.toSQL();
    return preparedRows<T>(this.em, sql, bindings);
  }

  /**
   * The rows of the given groups for many units and one period: ONE statement. Open events'
   * deadlines (group 2) are read as their totals per kind ('kind|T') and the rows due after now,
   * folded into 'kind|L' (overdue = T − L); the rows due before now are not read at all. Open
   * applications' due instants (group 6, few) are judged against `now` in the statement and folded
   * into past ('0000') and not yet ('9999'). The dims of the `folded` groups are folded as
   * FOLDED_DIM says (no breakdown by kind or category).
   */
  async figures(keys: RollupKey[], groups: readonly number[], period: Period, now: Date = new Date(), folded: readonly number[] = []): Promise<Map<string, RollupRow[]>> {
    const out = new Map<string, RollupRow[]>(keys.map((k) => [rollupKeyId(k), []]));
    const valid = keys.filter((k) => UUID_RE.test(k.unitId) && Number.isInteger(k.tenantId));
    if (!valid.length) return out;
    const iso = nowIso(now);
    const rowsOf = rollupRowsSql({ tenant: 'k.tenant_id', unit: 'k.unit_id', scope: 'k.scope' }, groups, period, [], iso);
    const openDue = `(case when ${OPEN_DUE_TOTAL('r')} then split_part(r.dim, '|', 2) || '|T'
                           when ${OPEN_DUE_LATER('r')} then split_part(r.dim, '|', 3) || '|L' else 'past' end)`;
    const fold = (g: number, dim: string) => (folded.includes(g) && FOLDED_DIM[g] ? FOLDED_DIM[g]!(dim) : dim);
    const dim = `(case r.grp when ${G.EVENTS_OPEN_DUE} then ${fold(G.EVENTS_OPEN_DUE, openDue)}
                   when ${G.APPLICATIONS_OPEN_DUE} then case when r.dim <= ? then '0000' else '9999' end
                   when ${G.EVENTS} then ${fold(G.EVENTS, 'r.dim')}
                   when ${G.ITEMS} then ${fold(G.ITEMS, 'r.dim')} else r.dim end) collate "C"`;
    // Group 1 folded: its kinds counted apart as extra sums of the one row (FOLDED_EXTRAS).
    const extras = folded.includes(G.EVENTS)
      ? FOLDED_EXTRAS.map((e, i) => `, (sum(r.c${e.counter}) filter (where r.grp = ${G.EVENTS} and r.dim = '${e.kind}'))::float8 as x${i}`).join('')
      : '';
    // Rows name their key by its position in the arrays (k.n), not by tenant, unit and scope: each
    // would repeat a uuid to parse. Each unit's rows are summed in its own LATERAL subquery (a
    // handful of rows each), not by one sort of every unit's rows.
    const rows = await preparedRows<{ n: number; grp: number; dim: string; [c: string]: unknown }>(
      this.em,
      `select k.n, f.*
         from unnest(?::int[], ?::uuid[], ?::text[]) with ordinality as k(tenant_id, unit_id, scope, n)
         cross join lateral (
           select r.grp, ${dim} as dim, ${sums('r')}${extras}
             from (${rowsOf.sql}) r
            group by r.grp, 2
         ) f`,
      [arrayLiteral(valid.map((k) => k.tenantId)), arrayLiteral(valid.map((k) => k.unitId)), arrayLiteral(valid.map((k) => k.scope)), iso, iso, ...rowsOf.bindings],
    );
    const lists = valid.map((k) => out.get(rollupKeyId(k))!);
    const nExtras = extras ? FOLDED_EXTRAS.length : 0;
    for (const row of rows) {
      const c = new Array<number>(COUNTERS);
      for (let i = 0; i < COUNTERS; i++) c[i] = Number(row[COUNTER_COLUMNS[i]] ?? 0);
      const r: RollupRow = { grp: Number(row.grp), dim: row.dim, c };
      if (nExtras && r.grp === G.EVENTS) {
        r.x = [];
        for (let i = 0; i < nExtras; i++) r.x.push(Number(row[`x${i}`] ?? 0));
      }
      lists[Number(row.n) - 1].push(r);
    }
    return out;
  }

  /** Units below `parent`: its children, or its descendants of `level`; restricted by the Scope. */
  private candidates(parent: OrgUnit, level: UnitLevel | null | undefined): Knex.QueryBuilder {
    const qb = this.knex().from({ u: 'org_unit' }).where('u.tenant_id', parent.tenantId);
    if (level) {
      qb.where('u.level', level).whereRaw(`u.path ~>~ ? and u.path ~<~ ?`, [parent.path, parent.path.slice(0, -1) + '0']);
    } else {
      qb.where('u.parent_id', parent.id);
    }
    return this.scope.restrictUnits(qb, 'u');
  }

  /** A metric's value for each candidate unit, ordered; one statement. */
  async rank(
    parent: OrgUnit,
    level: UnitLevel | null | undefined,
    metric: StatsMetric,
    period: Period,
    own: boolean,
    ascending: boolean,
    first: number,
    now: Date,
  ): Promise<{ rows: { id: string; value: number | null }[]; total: number }> {
    const def = METRICS[metric];
    const rowsOf = rollupRowsSql({ tenant: 'u.tenant_id', unit: 'u.id', scope: `(case when ?::boolean and u.level <> 'SCHOOL' then 'O' else 'S' end)` }, def.groups, period, [own], nowIso(now));
    const knex = this.knex();
    const qb = this.candidates(parent, level)
      .select(knex.raw('u.id, u.code, v.value, count(*) over () as total'))
      .joinRaw(
        `left join lateral (
           select ${def.value} as value from (${rowsOf.sql}) r
         ) v on true`,
        [...Array(def.nowBindings ?? 0).fill(nowIso(now)), ...rowsOf.bindings],
      )
      .orderByRaw(`v.value ${ascending ? 'asc' : 'desc'} nulls last, u.code`)
      .limit(first);
    const rows = await this.rows<{ id: string; value: number | string | null; total: string | number }>(qb);
    return {
      rows: rows.map((r) => ({ id: r.id, value: r.value === null ? null : Number(r.value) })),
      total: rows.length ? Number(rows[0].total) : first === 0 ? await this.countCandidates(parent, level) : 0,
    };
  }

  private async countCandidates(parent: OrgUnit, level: UnitLevel | null | undefined): Promise<number> {
    const [row] = await this.rows<{ n: string | number }>(this.candidates(parent, level).count({ n: '*' }));
    return Number(row?.n ?? 0);
  }

  /**
   * A metric per month or day of a period, for one unit: one statement. Flow metrics read month
   * rows for whole months and day rows for the partial ones; stocks add everything before the period.
   */
  async series(unit: OrgUnit, metric: StatsMetric, period: Period, byDay: boolean, own: boolean, now: Date): Promise<Map<string, number | null>> {
    const def = METRICS[metric];
    const stock = metricKind(metric) === 'stock';
    const ranges = bucketRanges(period.from, period.to).flatMap((r) =>
      r.grain === 'Y' ? [{ grain: (byDay ? 'D' : 'M') as 'D' | 'M', from: r.from, until: r.until }] : byDay && r.grain === 'M' ? [{ grain: 'D' as const, from: r.from, until: r.until }] : [r],
    );
    const inPeriod = rangesSql('r', ranges);
    const before = stock ? rangesSql('r', bucketRanges(EPOCH, addDays(period.from, -1))) : { sql: 'false', bindings: [] };
    const point = byDay ? 'r.bucket' : `date_trunc('month', r.bucket)::date`;
    const nows = Array(def.nowBindings ?? 0).fill(nowIso(now));
    const rows = await preparedRows<{ point: string | Date | null; value: number | string | null }>(
      this.em,
      `select case when ${inPeriod.sql} then to_char(${point}, 'YYYY-MM-DD') end as point, ${def.value} as value
         from stat_rollup r
        where r.tenant_id = ? and r.unit_id = ? and r.scope = ? and r.grp in (${def.groups.join(', ')})
          and (${inPeriod.sql} or ${before.sql})
        group by 1`,
      [...inPeriod.bindings, ...nows, unit.tenantId, unit.id, rollupScope(unit, own), ...inPeriod.bindings, ...before.bindings],
    );
    const out = new Map<string, number | null>();
    for (const r of rows) out.set(r.point === null ? 'before' : String(r.point), r.value === null ? null : Number(r.value));
    return out;
  }

  /** Own figures behind the lagging-unit problems, for every candidate unit: one statement. */
  async lagging(parent: OrgUnit, level: UnitLevel | null | undefined, period: Period, now: Date): Promise<LagRow[]> {
    const knex = this.knex();
    const flow = rangesSql('r', bucketRanges(period.from, period.to));
    const stock = rangesSql('r', bucketRanges(EPOCH, period.to));
    const sumIf = (cond: string, col = 'c0') => `coalesce(sum(case when ${cond} then r.${col} else 0 end), 0)::float8`;
    const qb = this.candidates(parent, level)
      .select(knex.raw('u.id, u.code, v.*'))
      .joinRaw(
        `cross join lateral (
           select ${sumIf(`r.grp = ${G.ITEMS} and ${flow.sql}`)} as published,
                  ${sumIf(`r.grp = ${G.EVENTS} and r.dim = 'INTERVIEW' and ${flow.sql}`, 'c5')} as interviews,
                  ${sumIf(`r.grp = ${G.EVENTS_OPEN_DUE} and ${flow.sql} and ${OPEN_DUE_TOTAL('r')}`)} - ${sumIf(`r.grp = ${G.EVENTS_OPEN_DUE} and ${flow.sql} and ${OPEN_DUE_LATER('r')}`)} as overdue,
                  ${sumIf(`r.grp = ${G.CENTRES} and ${stock.sql}`)} as centres,
                  ${sumIf(`r.grp = ${G.OFFICERS} and r.grain = 'A'`)} as officers,
                  ${sumIf(`r.grp = ${G.RESPONSIBILITY} and r.grain = 'A'`)} as responsibility
             from stat_rollup r
            where r.tenant_id = u.tenant_id and r.unit_id = u.id
              and r.scope = (case when u.level = 'SCHOOL' then 'S' else 'O' end)
              and r.grp in (${[G.ITEMS, G.EVENTS, G.EVENTS_OPEN_DUE, G.CENTRES, G.OFFICERS, G.RESPONSIBILITY].join(', ')})
              and ((r.grp in (${G.ITEMS}, ${G.EVENTS}, ${G.EVENTS_OPEN_DUE}) and ${flow.sql}) or (r.grp = ${G.CENTRES} and ${stock.sql}) or r.grain = 'A')
         ) v`,
        [
          ...flow.bindings,
          ...flow.bindings,
          ...flow.bindings,
          ...flow.bindings,
          nowIso(now),
          ...stock.bindings,
          ...flow.bindings,
          ...stock.bindings,
        ],
      )
      .orderBy('u.code');
    const rows = await this.rows(qb);
    return rows.map((r) => ({
      id: String(r.id),
      published: Number(r.published),
      interviews: Number(r.interviews),
      overdue: Number(r.overdue),
      centres: Number(r.centres),
      officers: Number(r.officers),
      responsibility: Number(r.responsibility),
    }));
  }

  /** Rollup rows that differ from a recount of the raw tables (an empty list: exact). */
  async verify(tenantId: number, limit = 1000): Promise<RollupDifference[]> {
    const rows: Record<string, unknown>[] = await this.em.execute(
      `select unit_id, scope, grp, grain, to_char(bucket, 'YYYY-MM-DD') as bucket, dim, expected, actual from rollup_verify(?) limit ?`,
      [tenantId, limit],
    );
    return rows.map((r) => ({
      unitId: String(r.unit_id),
      scope: String(r.scope),
      grp: Number(r.grp),
      grain: String(r.grain),
      bucket: String(r.bucket),
      dim: String(r.dim),
      expected: (r.expected as (string | number)[]).map(Number),
      actual: (r.actual as (string | number)[]).map(Number),
    }));
  }

  /** Rebuilds a tenant's rollups from the raw tables; answers the number of rows written. */
  async rebuild(tenantId: number): Promise<number> {
    const [row] = await this.em.execute(`select rollup_rebuild(?) as n`, [tenantId]);
    return Number(row?.n ?? 0);
  }
}

export interface LagRow {
  id: string;
  published: number;
  interviews: number;
  overdue: number;
  centres: number;
  officers: number;
  responsibility: number;
}

export interface RollupDifference {
  unitId: string;
  scope: string;
  grp: number;
  grain: string;
  bucket: string;
  dim: string;
  expected: number[];
  actual: number[];
}
