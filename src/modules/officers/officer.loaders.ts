import { byIdLoader, groupBy, groupedLoader } from '../../loaders';
import { Officer, UnitResponsibility } from './officer.entity';
import { OfficerRepository } from './officer.repository';

/** The per-request DataLoaders of the officers module. */
export function createOfficerLoaders(repo: OfficerRepository) {
  return {
    byId: byIdLoader<Officer>((ids) => repo.findByIds(ids), (o) => o.id),

    /** `OrgUnit.officers(activeOnly)`: one statement per distinct `activeOnly` in a request. */
    ofUnit: groupedLoader<{ unitId: string; activeOnly: boolean }, Officer[]>({
      groupOf: (k) => String(k.activeOnly),
      idOf: (k) => k.unitId,
      fetch: async (keys) => groupBy(await repo.ofUnits(keys.map((k) => k.unitId), keys[0].activeOnly), (row) => row.unitId),
      missing: () => [],
    }),

    /** A unit's responsible department, by unit id (null when none is designated). */
    responsibility: byIdLoader<UnitResponsibility>((unitIds) => repo.responsibilitiesOf(unitIds), (r) => r.unitId),
  };
}

export type OfficerLoaders = ReturnType<typeof createOfficerLoaders>;
