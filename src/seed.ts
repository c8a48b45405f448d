import type { EntityManager } from '@mikro-orm/postgresql';
import { seedReferenceUnits, SeedResult } from './modules/units/unit.seed';
import { seedCalendars } from './modules/calendar/calendar.seed';
import { seedDisclosureCategories } from './modules/disclosures/disclosure.seed';

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
