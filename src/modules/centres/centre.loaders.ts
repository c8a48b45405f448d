import { byIdLoader, groupBy, groupedLoader } from '../../loaders';
import { Centre, CentreCheck } from './centre.entity';
import { CentreKind, CentreStatus } from './centre.enums';
import { CentreRepository } from './centre.repository';

/** The per-request DataLoaders of the centres module. */
export function createCentreLoaders(repo: CentreRepository) {
  return {
    byId: byIdLoader<Centre>((ids) => repo.findByIds(ids), (c) => c.id),

    /** `OrgUnit.centres(kind, status)`: one statement per distinct (kind, status) in a request. */
    ofUnit: groupedLoader<{ unitId: string; kind: CentreKind | null; status: CentreStatus | null }, Centre[]>({
      groupOf: (k) => `${k.kind ?? '*'}|${k.status ?? '*'}`,
      idOf: (k) => k.unitId,
      fetch: async (keys) => groupBy(await repo.ofUnits(keys.map((k) => k.unitId), keys[0].kind, keys[0].status), (row) => row.unitId),
      missing: () => [],
    }),

    /** `Centre.checks(first)`: one statement per distinct `first`. */
    checks: groupedLoader<{ centreId: string; first: number }, CentreCheck[]>({
      groupOf: (k) => String(k.first),
      idOf: (k) => k.centreId,
      fetch: (keys) => repo.checksOf(keys.map((k) => k.centreId), keys[0].first),
      missing: () => [],
    }),
  };
}

export type CentreLoaders = ReturnType<typeof createCentreLoaders>;
