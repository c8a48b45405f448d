import { WorkingCalendar } from '../../src/modules/calendar/working-calendar';
import { nationalExceptions } from '../../src/modules/calendar/calendar.seed';
import { gql, gqlData, startTestApp, TestApp } from '../support/app';

const national = new WorkingCalendar(new Map(nationalExceptions().map((d) => [d.day, d.working])));

describe('working-day arithmetic with the national calendar', () => {
  it('skips the Spring Festival break and counts its 调休 weekend days as working days', () => {
    // 2024: off Feb 10–17; Sun Feb 4 and Sun Feb 18 worked.
    expect(national.isWorkingDay('2024-02-04')).toBe(true); // a Sunday, worked
    expect(national.isWorkingDay('2024-02-12')).toBe(false); // a Monday, holiday
    expect(national.isWorkingDay('2024-02-18')).toBe(true); // a Sunday, worked
    // Received Fri Feb 9: working days Sun 18, Mon 19, Tue 20, Wed 21, Thu 22 → due end of Feb 22.
    expect(national.addWorkingDays('2024-02-09', 5)).toBe('2024-02-22');
    // Received Thu Feb 8 (the day before the break): Fri 9, Sun 18, Mon 19, Tue 20, Wed 21.
    expect(national.addWorkingDays('2024-02-08', 5)).toBe('2024-02-21');
    // 2014 (seed 000's year): off Jan 31–Feb 6; Sun Jan 26 and Sat Feb 8 worked.
    // Received Thu Jan 30: Fri Feb 7 (1), Sat Feb 8 worked (2), Mon Feb 10 (3).
    expect(national.addWorkingDays('2014-01-30', 2)).toBe('2014-02-08');
    expect(national.addWorkingDays('2014-01-30', 3)).toBe('2014-02-10');
  });

  it('skips the National Day break and its make-up Saturdays/Sundays', () => {
    // 2019: off Oct 1–7; Sun Sep 29 and Sat Oct 12 worked.
    expect(national.addWorkingDays('2019-09-27', 1)).toBe('2019-09-29');
    expect(national.addWorkingDays('2019-09-29', 5)).toBe('2019-10-11');
    expect(national.addWorkingDays('2019-09-30', 5)).toBe('2019-10-12');
    // 2025: National Day and Mid-Autumn together, Oct 1–8; Sun Sep 28 and Sat Oct 11 worked.
    expect(national.isWorkingDay('2025-10-08')).toBe(false);
    expect(national.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
  });

  it('gives the statutory 20 working days of a disclosure application across a holiday', () => {
    // Received Mon 2023-09-25; off Sep 29–Oct 6, Sat Oct 7 and Sun Oct 8 worked.
    // Working days: 26,27,28 (3), Oct 7,8 (5), 9–13 (10), 16–20 (15), 23–27 (20).
    expect(national.addWorkingDays('2023-09-25', 20)).toBe('2023-10-27');
  });

  it('computes deadline instants in Asia/Shanghai time', () => {
    // Received 2024-02-08 23:30 Beijing time = 15:30 UTC: the receipt day is Feb 8 in Shanghai.
    const due = national.deadline(new Date('2024-02-08T15:30:00Z'), 5);
    expect(due.toISOString()).toBe('2024-02-21T16:00:00.000Z'); // 2024-02-22 00:00 +08:00
    // 16:30 UTC is already Feb 9 in Shanghai: one day later.
    expect(national.deadline(new Date('2024-02-08T16:30:00Z'), 5).toISOString()).toBe('2024-02-22T16:00:00.000Z');
  });

  it('follows the weekend rule outside the loaded years, and refuses negative counts', () => {
    expect(national.addWorkingDays('2030-01-04', 1)).toBe('2030-01-07'); // Fri → Mon
    expect(() => national.addWorkingDays('2024-01-01', -1)).toThrow(RangeError);
  });
});

describe('the calendar over GraphQL, per tenant', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seedScale: 0.02 });
  });
  afterAll(async () => t?.close());

  it('serves each tenant’s calendar and deadlines, and a tenant’s own change applies to it alone', async () => {
    const data = await gqlData(t, `{
      days: calendarDays(tenant: "430000", year: 2024) { day working name }
      due: deadline(tenant: "430000", receivedAt: "2024-02-09T02:00:00Z", workingDays: 5)
      sunday: isWorkingDay(tenant: "430000", date: "2024-02-04")
    }`);
    expect(data.days.find((d: any) => d.day === '2024-02-12')).toEqual({ day: '2024-02-12', working: false, name: '春节' });
    expect(data.days.filter((d: any) => d.working).map((d: any) => d.day)).toContain('2024-02-18');
    expect(data.due).toBe('2024-02-22T16:00:00.000Z');
    expect(data.sunday).toBe(true);

    // Hunan declares a provincial day off on Tue 2024-02-20: its deadline moves, Shanxi's does not.
    await gqlData(t, 'mutation { setCalendarDay(tenant: "430000", date: "2024-02-20", working: false, name: "省级假日") { day working } }');
    const after = await gqlData(t, `{
      hunan: deadline(tenant: "430000", receivedAt: "2024-02-09T02:00:00Z", workingDays: 5)
      shanxi: deadline(tenant: "140000", receivedAt: "2024-02-09T02:00:00Z", workingDays: 5)
    }`, undefined, {}); // as the public: calendars of every tenant are public
    expect(after.hunan).toBe('2024-02-22T16:00:00.000Z'.replace('22T', '23T'));
    expect(after.shanxi).toBe('2024-02-22T16:00:00.000Z');
  });

  it('refuses bad arguments', async () => {
    const r = await gql(t, '{ deadline(tenant: "430000", receivedAt: "yesterday", workingDays: 5) }');
    expect(r.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const n = await gql(t, '{ deadline(tenant: "430000", receivedAt: "2024-01-01T00:00:00Z", workingDays: -2) }');
    expect(n.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'workingDays' });
    const u = await gql(t, '{ isWorkingDay(tenant: "999999", date: "2024-01-01") }');
    expect(u.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenant' });
  });
});
