import type { EntityManager } from '@mikro-orm/postgresql';
import { seedReferenceUnits, SeedResult } from './modules/units/unit.seed';
import { seedCalendars } from './modules/calendar/calendar.seed';
import { seedDisclosureCategories } from './modules/disclosures/disclosure.seed';
import { withRollupsRebuiltAfter } from './modules/stats/rollup.admin';
import { REFERENCE_PROVINCES } from './modules/units/reference/regions';

export interface ReferenceSeedResult extends SeedResult {
  calendarDaysInserted: number;
  disclosureCategoriesInserted: number;
}

/** All reference data, in dependency order; idempotent. Used by `npm run seed` and the first embedded start. */
export async function seedReference(em: EntityManager, opts: { scale?: number } = {}): Promise<ReferenceSeedResult> {
  const units = await seedReferenceUnits(em, opts);
  const calendarDaysInserted = await seedCalendars(em);
  const disclosureCategoriesInserted = await seedDisclosureCategories(em);
  return { ...units, calendarDaysInserted, disclosureCategoriesInserted };
}

/**
 * The reference data of an empty store in one transaction: the rollup triggers off while the units
 * go in and the rollups counted once after (a third less time). The first embedded start and the
 * build of the embedded store's demo template.
 */
export function seedReferenceOnce(em: EntityManager, opts: { scale?: number } = {}): Promise<ReferenceSeedResult> {
  const tenants = REFERENCE_PROVINCES.map((p) => Number(p.code));
  return em.fork().transactional((tx) => withRollupsRebuiltAfter(tx as EntityManager, tenants, () => seedReference(tx as EntityManager, opts)));
}
