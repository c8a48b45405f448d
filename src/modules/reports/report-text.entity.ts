import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';

/**
 * The free-text sections of a unit's annual report (存在的主要问题和改进措施), one row per tenant,
 * unit and year, written by the unit's staff; and when the report was published (the inspection
 * checks that the report of the previous year was published).
 */
@Entity({ tableName: 'report_text' })
@ObjectType({ description: 'The free-text sections of a unit’s annual report for one year.' })
export class ReportText {
  [PrimaryKeyProp]?: ['tenantId', 'unitId', 'year'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  unitId!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  @Field(() => Int)
  year!: number;

  @Property({ type: 'text', default: '' })
  @Field({ description: '存在的主要问题 (free text; paragraphs separated by blank lines).' })
  problems: string = '';

  @Property({ type: 'text', default: '' })
  @Field({ description: '改进措施 (free text).' })
  improvements: string = '';

  @Property({ type: 'date', nullable: true })
  @Field(() => GraphQLLocalDate, { nullable: true, description: 'When the report was published; null while unpublished.' })
  publishedOn?: string | null;

  @Property({ type: 'string', length: 200 })
  @Field({ description: 'Who wrote the current version.' })
  updatedBy!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  updatedAt: Date = new Date();
}
