import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from './working-calendar';
import { CHINA_HOLIDAYS } from './reference/china-holidays';

/** The national arrangements as calendar exceptions: every day off, and every 调休 working day. */
export function nationalExceptions(): { day: string; working: boolean; name: string }[] {
  const out: { day: string; working: boolean; name: string }[] = [];
  for (const h of CHINA_HOLIDAYS) {
    for (let d = h.off[0]; d <= h.off[1]; d = addDays(d, 1)) out.push({ day: d, working: false, name: h.name });
    for (const d of h.workdays) out.push({ day: d, working: true, name: `${h.name}调休` });
  }
  return out;
}

/**
 * Loads the national calendar (2014–2026) into every tenant's calendar. Idempotent: existing days
 * (possibly edited by the tenant) are left alone.
 */
export async function seedCalendars(em: EntityManager): Promise<number> {
  const days = nationalExceptions();
  const rows = await em.execute(
    `insert into calendar_day (tenant_id, day, working, name)
     select t.id, v.day, v.working, v.name
       from tenant t cross join jsonb_to_recordset(?::jsonb) as v(day date, working boolean, name text)
     on conflict (tenant_id, day) do nothing
     returning day`,
    [JSON.stringify(days)],
  );
  return rows.length;
}
