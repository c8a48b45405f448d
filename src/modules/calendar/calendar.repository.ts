import type { EntityManager } from '@mikro-orm/postgresql';
import { CalendarDay } from './calendar-day.entity';

/**
 * All SQL over `calendar_day`, the exceptions to the Monday–Friday rule. Calendars are public
 * reference data of every tenant, so no scope applies to the reads; writes need `tenant:settings`.
 */
export class CalendarRepository {
  constructor(private readonly em: EntityManager) {}

  /** Every exception of these tenants, in one statement (the calendar loader's batch). */
  async exceptionsOf(tenantIds: readonly number[]): Promise<{ tenant_id: number; day: string; working: boolean }[]> {
    const knex = this.em.getKnex();
    return this.em.execute(knex.select('tenant_id', knex.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'working').from('calendar_day').whereIn('tenant_id', tenantIds as number[]));
  }

  /** The exceptions of one tenant in a year, by day. */
  async daysOf(tenantId: number, year: number): Promise<CalendarDay[]> {
    const knex = this.em.getKnex();
    const rows: Record<string, unknown>[] = await this.em.execute(
      knex
        .select('tenant_id', knex.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'working', 'name')
        .from('calendar_day')
        .where('tenant_id', tenantId)
        .whereBetween('day', [`${year}-01-01`, `${year}-12-31`])
        .orderBy('day'),
    );
    return rows.map((r) => Object.assign(new CalendarDay(), { tenantId: r.tenant_id, day: r.day, working: r.working, name: r.name }));
  }

  /** Sets (or replaces) one exception. */
  async setDay(day: CalendarDay): Promise<CalendarDay> {
    await this.em.execute(
      `insert into calendar_day (tenant_id, day, working, name) values (?, ?, ?, ?)
       on conflict (tenant_id, day) do update set working = excluded.working, name = excluded.name`,
      [day.tenantId, day.day, day.working, day.name],
    );
    return day;
  }
}
