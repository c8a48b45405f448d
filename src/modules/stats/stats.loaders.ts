import { groupedLoader, Walk } from '../../loaders';
import type { OrgUnit } from '../units/org-unit.entity';
import type { Period } from './period';
import { Family, FAMILIES, FOLDED_DIM } from './rollup.groups';
import { RollupKey, RollupRow, rollupKeyId, rollupScope, StatsRepository } from './stats.repository';

export interface FigureKey {
  unit: OrgUnit;
  own: boolean;
  period: Period;
  family: Family;
  /** No breakdown by kind or category is needed: the statement may fold those dims (FOLDED_DIM). */
  totalsOnly?: boolean;
}

/**
 * One loader for every figure of every unit. A batch is split by period only: the figure families
 * asked for in it (interactions, disclosures …), own or subtree, for any number of units, are read
 * with ONE statement over the rollups, of just the groups those families need. `now` is the
 * request's clock: open items' due instants are judged against it in that statement. The batch
 * waits for the request's hierarchy reads in flight (`walk`), so a whole tree's figures are one
 * statement: a request costs one figures statement per period, not one per level.
 */
export function createStatsLoaders(repo: StatsRepository, now: Date, walk: Walk = new Walk()) {
  const rollupKey = (k: FigureKey): RollupKey => ({ tenantId: k.unit.tenantId, unitId: k.unit.id, scope: rollupScope(k.unit, k.own) });
  const figureId = (k: FigureKey, rollupId: string) => `${rollupId}|${k.family}|${k.totalsOnly ? 'T' : ''}`;
  return {
    figures: groupedLoader<FigureKey, RollupRow[]>({
      groupOf: (k) => `${k.period.from}|${k.period.to}`,
      idOf: (k) => figureId(k, rollupKeyId(rollupKey(k))),
      fetch: async (keys) => {
        const families = [...new Set(keys.map((k) => k.family))];
        const groups = [...new Set(families.flatMap((f) => FAMILIES[f]))];
        // A group's dims are folded only when no key of the batch wants its breakdown.
        const folded = new Set<number>(groups.filter((g) => FOLDED_DIM[g]));
        for (const k of keys) if (!k.totalsOnly) for (const g of FAMILIES[k.family]) folded.delete(g);
        const rollupKeys = keys.map(rollupKey);
        const unique = new Map(rollupKeys.map((rk) => [rollupKeyId(rk), rk]));
        const rows = await repo.figures([...unique.values()], groups, keys[0].period, now, [...folded]);
        const out = new Map<string, RollupRow[]>();
        keys.forEach((k, i) => {
          const wanted: readonly number[] = FAMILIES[k.family];
          const id = rollupKeyId(rollupKeys[i]);
          out.set(figureId(k, id), (rows.get(id) ?? []).filter((r) => wanted.includes(r.grp)));
        });
        return out;
      },
      missing: () => [],
      // Sent once the request's walk over the hierarchy has settled: the units of every level a
      // dashboard walks (province, cities, counties) share this one statement.
      batchScheduleFn: walk.schedule,
    }),
  };
}

export type StatsLoaders = ReturnType<typeof createStatsLoaders>;
