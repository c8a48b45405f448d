import DataLoader from 'dataloader';
import type { CalendarRepository } from './calendar.repository';
import { WorkingCalendar } from './working-calendar';

/** Loads tenants' calendars, all requested tenants in one statement. */
export function createCalendarLoader(repo: CalendarRepository): DataLoader<number, WorkingCalendar> {
  return new DataLoader<number, WorkingCalendar>(async (tenantIds) => {
    const maps = new Map<number, Map<string, boolean>>();
    for (const row of await repo.exceptionsOf(tenantIds)) {
      const m = maps.get(row.tenant_id) ?? new Map<string, boolean>();
      m.set(String(row.day), row.working);
      maps.set(row.tenant_id, m);
    }
    return tenantIds.map((id) => new WorkingCalendar(maps.get(id) ?? new Map()));
  });
}
