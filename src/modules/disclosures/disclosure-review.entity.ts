import { Entity, Enum, Index, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { DisclosureDecision, DisclosureReviewStep } from './disclosure.enums';

/** One step of an item's workflow: submit, a review with its decision, publish, withdraw. */
@Entity({ tableName: 'disclosure_review' })
@Index({ name: 'disclosure_review_tenant_item_idx', properties: ['tenantId', 'itemId', 'at'] })
@Index({ name: 'disclosure_review_item_idx', properties: ['itemId'] })
@ObjectType({ description: 'A workflow record of a disclosure item.' })
export class DisclosureReview {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @Property({ type: 'uuid' })
  itemId!: string;

  @Enum({ items: () => DisclosureReviewStep })
  @Field(() => DisclosureReviewStep)
  step!: DisclosureReviewStep;

  @Property({ type: 'string', length: 100 })
  @Field()
  reviewer!: string;

  @Enum({ items: () => DisclosureDecision })
  @Field(() => DisclosureDecision)
  decision!: DisclosureDecision;

  @Property({ type: 'string', length: 1000, nullable: true })
  @Field(() => String, { nullable: true })
  note?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  at: Date = new Date();
}
