import { groupedLoader, byIdLoader } from '../../loaders';
import { OrgUnit } from './org-unit.entity';
import { UnitLevel } from './unit.enums';
import { UnitKey, UnitRepository } from './unit.repository';

export interface DescendantsKey {
  rootId: string;
  level: UnitLevel | null;
  first: number;
  after: UnitKey | null;
}

/** The per-request DataLoaders of the units module. */
export function createUnitLoaders(repo: UnitRepository) {
  return {
    byId: byIdLoader<OrgUnit>((ids) => repo.findByIds(ids), (u) => u.id),

    rootOfTenant: byIdLoader<OrgUnit, number>((tenantIds) => repo.rootsOf(tenantIds), (u) => u.tenantId),

    children: groupedLoader<{ tenantId: number; parentId: string; level: UnitLevel | null }, OrgUnit[]>({
      groupOf: (k) => k.level ?? '*',
      idOf: (k) => k.parentId,
      fetch: async (keys) => {
        const rows = await repo.childrenOf(keys.map((k) => ({ tenantId: k.tenantId, id: k.parentId })), keys[0].level);
        const out = new Map<string, OrgUnit[]>();
        for (const row of rows) {
          const list = out.get(row.parentId!) ?? [];
          list.push(row);
          out.set(row.parentId!, list);
        }
        return out;
      },
      missing: () => [],
    }),

    descendants: groupedLoader<DescendantsKey, OrgUnit[]>({
      groupOf: (k) => JSON.stringify([k.level, k.first, k.after]),
      idOf: (k) => k.rootId,
      fetch: (keys) => repo.descendantsOf(keys.map((k) => k.rootId), keys[0].level, keys[0].first, keys[0].after),
      missing: () => [],
    }),

    descendantCount: groupedLoader<{ rootId: string; level: UnitLevel | null }, number>({
      groupOf: (k) => k.level ?? '*',
      idOf: (k) => k.rootId,
      fetch: (keys) => repo.countDescendants(keys.map((k) => k.rootId), keys[0].level),
      missing: () => 0,
    }),
  };
}

export type UnitLoaders = ReturnType<typeof createUnitLoaders>;
