import type { EntityManager } from '@mikro-orm/postgresql';
import { seedReferenceUnits, SeedResult } from './modules/units/unit.seed';
import { seedCalendars } from './modules/calendar/calendar.seed';

export interface ReferenceSeedResult extends SeedResult {
  calendarDaysInserted: number;
}

/** All reference data, in dependency order; idempotent. Used by `npm run seed` and the first embedded start. */
export async function seedReference(em: EntityManager, opts: { scale?: number } = {}): Promise<ReferenceSeedResult> {
  const units = await seedReferenceUnits(em, opts);
  const calendarDaysInserted = await seedCalendars(em);
  return { ...units, calendarDaysInserted };
}
