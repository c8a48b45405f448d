import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import { BadInputError } from '../../errors';

@InputType({
  description:
    'A period of Asia/Shanghai calendar days: a `year`, a `year` and `quarter`, a `year` and `month`, or a `from`–`to` range (both days included).',
})
export class PeriodInput {
  @Field(() => Int, { nullable: true })
  year?: number;

  @Field(() => Int, { nullable: true, description: '1–4, with `year`.' })
  quarter?: number;

  @Field(() => Int, { nullable: true, description: '1–12, with `year`.' })
  month?: number;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'First day, with `to`.' })
  from?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Last day (included), with `from`.' })
  to?: string;
}

@ObjectType('StatsPeriod', { description: 'The days a figure covers (Asia/Shanghai), both ends included.' })
export class Period {
  @Field(() => GraphQLLocalDate)
  from!: string;

  @Field(() => GraphQLLocalDate)
  to!: string;

  @Field({ description: 'e.g. 2024, 2024-Q2, 2024-05, 2024-03-01..2024-03-15.' })
  label!: string;
}

const MIN_YEAR = 1990;
const MAX_YEAR = 2100;
/** Stocks (centres open at the end of a period) sum every bucket since this day. */
export const EPOCH = '1900-01-01';

const pad = (n: number) => String(n).padStart(2, '0');

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function monthStart(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  return `${y}-${pad(m)}-01`;
}

/** Checks a period argument and turns it into inclusive days. `field` names it in errors. */
export function resolvePeriod(input: PeriodInput | undefined | null, field = 'period'): Period {
  if (!input) throw new BadInputError('Pass a period.', field);
  const { year, quarter, month, from, to } = input;
  const has = (v: unknown) => v !== undefined && v !== null;
  if (has(from) || has(to)) {
    if (has(year) || has(quarter) || has(month)) throw new BadInputError('Pass either `year` (with `quarter` or `month`) or `from` and `to`, not both.', field);
    if (!has(from) || !has(to)) throw new BadInputError('A range needs both `from` and `to`.', `${field}.${has(from) ? 'to' : 'from'}`);
    if (from! > to!) throw new BadInputError('`from` is after `to`.', `${field}.from`);
    if (from! < `${MIN_YEAR}-01-01` || to! > `${MAX_YEAR}-12-31`) throw new BadInputError(`Periods lie within ${MIN_YEAR}–${MAX_YEAR}.`, `${field}.from`);
    return { from: from!, to: to!, label: `${from}..${to}` };
  }
  if (!has(year)) throw new BadInputError('Pass `year` (optionally with `quarter` or `month`) or `from` and `to`.', field);
  if (!Number.isInteger(year) || year! < MIN_YEAR || year! > MAX_YEAR) throw new BadInputError(`\`year\` must be ${MIN_YEAR}–${MAX_YEAR}.`, `${field}.year`);
  if (has(quarter) && has(month)) throw new BadInputError('Pass `quarter` or `month`, not both.', `${field}.month`);
  if (has(quarter)) {
    if (!Number.isInteger(quarter) || quarter! < 1 || quarter! > 4) throw new BadInputError('`quarter` must be 1–4.', `${field}.quarter`);
    const start = monthStart(year!, (quarter! - 1) * 3 + 1);
    return { from: start, to: addDays(monthStart(year!, quarter! * 3 + 1), -1), label: `${year}-Q${quarter}` };
  }
  if (has(month)) {
    if (!Number.isInteger(month) || month! < 1 || month! > 12) throw new BadInputError('`month` must be 1–12.', `${field}.month`);
    return { from: monthStart(year!, month!), to: addDays(monthStart(year!, month! + 1), -1), label: `${year}-${pad(month!)}` };
  }
  return { from: `${year}-01-01`, to: `${year}-12-31`, label: String(year) };
}

export type Grain = 'Y' | 'M' | 'D';

/** Buckets of one grain from `from` (included) to `until` (excluded). */
export interface BucketRange {
  grain: Grain;
  from: string;
  until: string;
}

const isYearStart = (d: string) => d.endsWith('-01-01');
const isMonthStart = (d: string) => d.endsWith('-01');
const nextYearStart = (d: string) => `${Number(d.slice(0, 4)) + 1}-01-01`;
const yearStartOf = (d: string) => `${d.slice(0, 4)}-01-01`;
const nextMonthStart = (d: string) => monthStart(Number(d.slice(0, 4)), Number(d.slice(5, 7)) + 1);
const monthStartOf = (d: string) => `${d.slice(0, 7)}-01`;

/** Days [from, until) as whole months plus the days at either end. */
function monthRanges(from: string, until: string): BucketRange[] {
  if (from >= until) return [];
  const ms = isMonthStart(from) ? from : nextMonthStart(from);
  const me = isMonthStart(until) ? until : monthStartOf(until);
  if (ms >= me) return [{ grain: 'D', from, until }];
  const out: BucketRange[] = [];
  if (from < ms) out.push({ grain: 'D', from, until: ms });
  out.push({ grain: 'M', from: ms, until: me });
  if (me < until) out.push({ grain: 'D', from: me, until });
  return out;
}

/**
 * The fewest bucket ranges that cover the days `from`..`to` (both included): whole years, then
 * whole months, then days. A year costs one rollup row per key, however many events it holds.
 */
export function bucketRanges(from: string, to: string): BucketRange[] {
  const until = addDays(to, 1);
  const ys = isYearStart(from) ? from : nextYearStart(from);
  const ye = isYearStart(until) ? until : yearStartOf(until);
  if (ys >= ye) return monthRanges(from, until);
  return [...monthRanges(from, ys), { grain: 'Y', from: ys, until: ye }, ...monthRanges(ye, until)];
}

/** SQL (with bindings) matching rollup rows of alias `r` in the given ranges. */
export function rangesSql(alias: string, ranges: BucketRange[]): { sql: string; bindings: string[] } {
  if (!ranges.length) return { sql: 'false', bindings: [] };
  return {
    sql: `(${ranges.map(() => `(${alias}.grain = ? and ${alias}.bucket >= ? and ${alias}.bucket < ?)`).join(' or ')})`,
    bindings: ranges.flatMap((r) => [r.grain, r.from, r.until]),
  };
}
