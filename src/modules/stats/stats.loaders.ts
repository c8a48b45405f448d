import { groupedLoader } from '../../loaders';
import type { OrgUnit } from '../units/org-unit.entity';
import type { Period } from './period';
import { Family, FAMILIES } from './rollup.groups';
import { RollupRow, rollupKeyId, rollupScope, StatsRepository } from './stats.repository';

export interface FigureKey {
  unit: OrgUnit;
  own: boolean;
  period: Period;
  family: Family;
}

/**
 * One loader for every figure of every unit: the batch is split by (family, period), and each part
 * is ONE statement over the rollups, however many units (own or subtree) the request resolved.
 */
export function createStatsLoaders(repo: StatsRepository) {
  const key = (k: FigureKey) => ({ tenantId: k.unit.tenantId, unitId: k.unit.id, scope: rollupScope(k.unit, k.own) });
  return {
    figures: groupedLoader<FigureKey, RollupRow[]>({
      groupOf: (k) => `${k.family}|${k.period.from}|${k.period.to}`,
      idOf: (k) => rollupKeyId(key(k)),
      fetch: (keys) => repo.figures(keys.map(key), FAMILIES[keys[0].family], keys[0].period),
      missing: () => [],
    }),
  };
}

export type StatsLoaders = ReturnType<typeof createStatsLoaders>;
