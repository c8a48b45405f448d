import { Allow } from '../../auth/allow';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { CalendarDay } from './calendar-day.entity';
import { shanghaiDate } from './working-calendar';

function tenantIdOf(ctx: RequestContext, code: string): Promise<number> {
  return ctx.requireTenantId(code, 'tenant');
}

@Resolver(() => CalendarDay)
export class CalendarResolver {
  @Query(() => [CalendarDay], { description: 'The exceptions to the Monday–Friday rule in a tenant’s calendar for a year.' })
  async calendarDays(@Ctx() ctx: RequestContext, @Arg('tenant') tenant: string, @Arg('year', () => Int) year: number): Promise<CalendarDay[]> {
    if (year < 1990 || year > 2100) throw new BadInputError('`year` must be between 1990 and 2100.', 'year');
    const tenantId = await tenantIdOf(ctx, tenant);
    return ctx.calendar.daysOf(tenantId, year);
  }

  @Query(() => Boolean, { description: 'Whether a date is a working day in the tenant’s calendar.' })
  async isWorkingDay(@Ctx() ctx: RequestContext, @Arg('tenant') tenant: string, @Arg('date', () => GraphQLLocalDate) date: string): Promise<boolean> {
    const calendar = await ctx.loaders.calendar.load(await tenantIdOf(ctx, tenant));
    return calendar.isWorkingDay(date);
  }

  @Query(() => GraphQLDateTime, {
    description: 'Deadline of something received at `receivedAt` with `workingDays` to answer: the end (Asia/Shanghai) of the n-th working day after the day of receipt, as the exclusive instant.',
  })
  async deadline(
    @Ctx() ctx: RequestContext,
    @Arg('tenant') tenant: string,
    @Arg('receivedAt', () => GraphQLDateTime) receivedAt: Date,
    @Arg('workingDays', () => Int) workingDays: number,
  ): Promise<Date> {
    if (workingDays < 0 || workingDays > 365) throw new BadInputError('`workingDays` must be between 0 and 365.', 'workingDays');
    const calendar = await ctx.loaders.calendar.load(await tenantIdOf(ctx, tenant));
    return calendar.deadline(receivedAt, workingDays);
  }

  @Allow('tenant:settings')
  @Mutation(() => CalendarDay, { description: 'Sets (or replaces) one exception in a tenant’s calendar, e.g. a provincial holiday.' })
  async setCalendarDay(
    @Ctx() ctx: RequestContext,
    @Arg('tenant') tenant: string,
    @Arg('date', () => GraphQLLocalDate) date: string,
    @Arg('working') working: boolean,
    @Arg('name') name: string,
  ): Promise<CalendarDay> {
    if (name.length < 1 || name.length > 100) throw new BadInputError('`name` must be 1 to 100 characters.', 'name');
    const tenantId = await tenantIdOf(ctx, tenant);
    const day = await ctx.calendar.setDay(Object.assign(new CalendarDay(), { tenantId, day: date, working, name }));
    ctx.loaders.calendar.clear(tenantId);
    return day;
  }

  @Query(() => GraphQLLocalDate, { description: 'Today in Asia/Shanghai.' })
  today(): string {
    return shanghaiDate(new Date());
  }
}
