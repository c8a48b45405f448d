import { Entity, Enum, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { InteractionKind } from './interaction.enums';

/**
 * A tenant's reply deadline for one kind of interaction, in working days. A kind without a row
 * takes the default (DEFAULT_REPLY_DAYS); `working_days` null means no deadline.
 */
@Entity({ tableName: 'reply_rule' })
export class ReplyRule {
  [PrimaryKeyProp]?: ['tenantId', 'kind'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'string', length: 20 })
  kind!: InteractionKind;

  @Property({ type: 'integer', nullable: true })
  workingDays?: number | null;
}

@ObjectType('ReplyRule', { description: 'The reply deadline that applies to one kind of interaction in a tenant.' })
export class ReplyRuleView {
  @Field(() => InteractionKind)
  kind!: InteractionKind;

  @Field(() => Int, { nullable: true, description: 'Working days to reply; null: no deadline (no reply expected, or none set).' })
  workingDays!: number | null;

  @Field({ description: 'true when no rule is set for the tenant and the built-in default applies.' })
  isDefault!: boolean;

  @Field({ description: 'Whether this kind is answered at all (false for interviews, surveys, solicitations).' })
  expectsReply!: boolean;
}
