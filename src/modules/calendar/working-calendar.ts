/**
 * Working-day arithmetic in China time (UTC+8, no daylight saving since 1991). Pure functions over
 * a tenant's exceptions; loaded once per request (or per ingest batch) by CalendarService.
 */
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Shanghai calendar date begins. */
export function startOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export class WorkingCalendar {
  /** `exceptions`: date → working?, for days that depart from the Monday–Friday rule. */
  constructor(readonly exceptions: ReadonlyMap<string, boolean>) {}

  /**
   * Deadlines by (day of receipt, working days), as epoch ms: a deadline depends on the day only,
   * and an ingest batch of 5,000 events spans a few hundred days at most.
   */
  private readonly deadlines = new Map<string, number>();

  isWorkingDay(date: string): boolean {
    const exception = this.exceptions.get(date);
    if (exception !== undefined) return exception;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The n-th working day after `date` (the day itself is not counted; n = 0 gives `date`). */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
    let d = date;
    for (let left = n; left > 0; ) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /**
   * The deadline of something received at `receivedAt` with `n` working days to answer: the end of
   * the n-th working day after the day of receipt (Asia/Shanghai), as the exclusive instant
   * 00:00 of the following day. A reply is on time when it comes before this instant.
   */
  deadline(receivedAt: Date, n: number): Date {
    const day = shanghaiDate(receivedAt);
    const key = `${day}|${n}`;
    let end = this.deadlines.get(key);
    if (end === undefined) {
      end = startOfShanghaiDay(addDays(this.addWorkingDays(day, n), 1)).getTime();
      this.deadlines.set(key, end);
    }
    return new Date(end);
  }

  /** Working days from the day after `from` up to and including `to` (0 when `to` <= `from`). */
  workingDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkingDay(d)) count++;
    return count;
  }
}
