import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkingCalendar } from './working-calendar';

/** Loads tenants' calendars, all requested tenants in one statement. */
export function createCalendarLoader(em: EntityManager): DataLoader<number, WorkingCalendar> {
  return new DataLoader<number, WorkingCalendar>(async (tenantIds) => {
    const rows: { tenant_id: number; day: string | Date; working: boolean }[] = await em.execute(
      em.getKnex().select('tenant_id', em.getKnex().raw(`to_char(day, 'YYYY-MM-DD') as day`), 'working').from('calendar_day').whereIn('tenant_id', tenantIds as number[]),
    );
    const maps = new Map<number, Map<string, boolean>>();
    for (const row of rows) {
      const m = maps.get(row.tenant_id) ?? new Map<string, boolean>();
      m.set(String(row.day), row.working);
      maps.set(row.tenant_id, m);
    }
    return tenantIds.map((id) => new WorkingCalendar(maps.get(id) ?? new Map()));
  });
}
