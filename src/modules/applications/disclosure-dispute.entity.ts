import { Check, Entity, Enum, Index, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { DisputeKind, DisputeOutcome, DisputeStatus } from './application.enums';

/**
 * An administrative reconsideration (行政复议) or lawsuit (行政诉讼) about a unit's disclosure,
 * optionally about one of its applications. Counted in the annual report's section on
 * reconsiderations and lawsuits: 结果维持 / 结果纠正 / 其他结果 / 尚未审结.
 */
@Entity({ tableName: 'disclosure_dispute' })
@Index({ name: 'disclosure_dispute_tenant_filed_idx', properties: ['tenantId', 'filedAt', 'id'] })
@Index({ name: 'disclosure_dispute_tenant_application_idx', properties: ['tenantId', 'applicationId'] })
@Index({ name: 'disclosure_dispute_id_idx', properties: ['id'] })
@Check({ name: 'disclosure_dispute_state_check', expression: "(status = 'CONCLUDED') = (outcome is not null and concluded_at is not null)" })
@ObjectType({ description: 'An administrative reconsideration or lawsuit about disclosure.' })
export class DisclosureDispute {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @Property({ type: 'uuid' })
  unitId!: string;

  @Property({ type: 'uuid', nullable: true })
  applicationId?: string | null;

  @Enum({ items: () => DisputeKind })
  @Field(() => DisputeKind)
  kind!: DisputeKind;

  @Property({ type: 'datetime' })
  @Field(() => GraphQLDateTime)
  filedAt!: Date;

  @Enum({ items: () => DisputeStatus })
  @Field(() => DisputeStatus)
  status!: DisputeStatus;

  @Enum({ items: () => DisputeOutcome, nullable: true })
  @Field(() => DisputeOutcome, { nullable: true })
  outcome?: DisputeOutcome | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true })
  concludedAt?: Date | null;

  @Property({ type: 'string', length: 1000, nullable: true })
  @Field(() => String, { nullable: true })
  note?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  @Field(() => GraphQLDateTime)
  updatedAt: Date = new Date();
}
