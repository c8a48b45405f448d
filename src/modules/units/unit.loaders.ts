import DataLoader from 'dataloader';
import { groupedLoader, byIdLoader, Walk } from '../../loaders';
import { OrgUnit } from './org-unit.entity';
import { UnitLevel } from './unit.enums';
import { UnitKey, UnitRepository } from './unit.repository';
import { planKey, WalkStep } from './unit.lookahead';

export interface DescendantsKey {
  rootId: string;
  level: UnitLevel | null;
  first: number;
  after: UnitKey | null;
}

export interface ChildrenKey {
  tenantId: number;
  parentId: string;
  /** plan[0]: the children asked for; further steps: the levels the query walks below them (unit.lookahead.ts). */
  plan: readonly WalkStep[];
}

/**
 * The per-request DataLoaders of the units module. Every read is tracked by the request's `walk`,
 * so the figures of all the units a query walks are read in one batch (src/loaders.ts).
 */
export function createUnitLoaders(repo: UnitRepository, walk: Walk = new Walk()) {
  const childrenId = (k: ChildrenKey) => `${planKey(k.plan)}|${k.parentId}`;
  const children: DataLoader<ChildrenKey, OrgUnit[], string> = new DataLoader<ChildrenKey, OrgUnit[], string>(
    async (keys) => {
      const groups = new Map<string, ChildrenKey[]>();
      for (const k of keys) {
        const g = planKey(k.plan);
        groups.set(g, [...(groups.get(g) ?? []), k]);
      }
      const answers = new Map<string, OrgUnit[]>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const plan = group[0].plan;
          const rows = await walk.track(repo.childrenWalk(group.map((k) => ({ tenantId: k.tenantId, id: k.parentId })), plan));
          // Every unit of step k (k ≥ 1) is a child of a unit of step k − 1: the answers of the
          // levels below are primed, empty lists included, so their loads cost nothing.
          const lists: Map<string, OrgUnit[]>[] = plan.map(() => new Map());
          const units: OrgUnit[][] = plan.map(() => []);
          for (const { step, unit } of rows) {
            units[step].push(unit);
            const list = lists[step].get(unit.parentId!) ?? [];
            list.push(unit);
            lists[step].set(unit.parentId!, list);
          }
          for (const k of group) answers.set(childrenId(k), lists[0].get(k.parentId) ?? []);
          for (let s = 1; s < plan.length; s++) {
            const rest = plan.slice(s);
            for (const parent of units[s - 1]) {
              children.prime({ tenantId: parent.tenantId, parentId: parent.id, plan: rest }, lists[s].get(parent.id) ?? []);
            }
          }
        }),
      );
      return keys.map((k) => answers.get(childrenId(k)) ?? []);
    },
    { cacheKeyFn: childrenId, maxBatchSize: 1000 },
  );

  return {
    byId: byIdLoader<OrgUnit>((ids) => walk.track(repo.findByIds(ids)), (u) => u.id),

    rootOfTenant: byIdLoader<OrgUnit, number>((tenantIds) => walk.track(repo.rootsOf(tenantIds)), (u) => u.tenantId),

    children,

    descendants: groupedLoader<DescendantsKey, OrgUnit[]>({
      groupOf: (k) => JSON.stringify([k.level, k.first, k.after]),
      idOf: (k) => k.rootId,
      fetch: (keys) => walk.track(repo.descendantsOf(keys.map((k) => k.rootId), keys[0].level, keys[0].first, keys[0].after)),
      missing: () => [],
    }),

    descendantCount: groupedLoader<{ rootId: string; level: UnitLevel | null }, number>({
      groupOf: (k) => k.level ?? '*',
      idOf: (k) => k.rootId,
      fetch: (keys) => walk.track(repo.countDescendants(keys.map((k) => k.rootId), keys[0].level)),
      missing: () => 0,
    }),
  };
}

export type UnitLoaders = ReturnType<typeof createUnitLoaders>;
