import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';

/**
 * An exception to the weekend rule in a tenant's working-day calendar: a weekday holiday
 * (working = false) or a weekend day made a working day (调休, working = true). Days without a row
 * follow the rule: Monday to Friday work, Saturday and Sunday rest.
 */
@Entity({ tableName: 'calendar_day' })
@ObjectType({ description: 'A day that departs from the Monday–Friday rule in a tenant’s calendar.' })
export class CalendarDay {
  [PrimaryKeyProp]?: ['tenantId', 'day'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'date' })
  @Field({ description: 'ISO date (Asia/Shanghai).' })
  day!: string;

  @Property({ type: 'boolean' })
  @Field({ description: 'true: a weekend day worked (调休); false: a holiday.' })
  working!: boolean;

  @Property({ type: 'string', length: 100 })
  @Field({ description: 'The holiday it belongs to, e.g. 春节.' })
  name!: string;
}
