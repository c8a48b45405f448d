import { Entity, Enum, Index, PrimaryKey, PrimaryKeyProp, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { InteractionChannel, InteractionKind, InteractionStatus } from './interaction.enums';

/**
 * One interaction event (政民互动 / 咨询): a letter, consultation, complaint, portal question,
 * hotline call or service request (received, then replied, or marked invalid or duplicate), or an
 * interview, survey or solicitation (HELD on `received_at`).
 *
 * `due_at` is computed by the app when the event is created or ingested, from the tenant's
 * working-day calendar and reply rule as they are then; a later rule change does not move it.
 * `requester_name` / `requester_contact` are personal data: the GraphQL fields ask
 * `ctx.canSeePersonalData(unit.path)` (see interaction.resolver.ts).
 */
@Entity({ tableName: 'interaction_event' })
@Index({ name: 'interaction_event_unit_received_idx', properties: ['tenantId', 'unitId', 'receivedAt'] })
@Index({ name: 'interaction_event_tenant_received_idx', properties: ['tenantId', 'receivedAt', 'id'] })
@Index({ name: 'interaction_event_id_idx', properties: ['id'] })
@Index({
  name: 'interaction_event_tenant_external_idx',
  expression: 'create index "interaction_event_tenant_external_idx" on "interaction_event" ("tenant_id", "external_id") where external_id is not null',
})
@Unique({ name: 'interaction_event_external_key', properties: ['tenantId', 'unitId', 'externalId'] })
@ObjectType('Interaction', { description: 'An interaction event (政民互动 and 咨询) of a unit.' })
export class InteractionEvent {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @Property({ type: 'uuid' })
  @Field(() => ID)
  unitId!: string;

  /** A sunshine service centre of the tenant; plain uuid, no foreign key (centres are another module). */
  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The service centre that received it, if any.' })
  centreId?: string | null;

  @Enum({ items: () => InteractionKind })
  @Field(() => InteractionKind)
  kind!: InteractionKind;

  @Enum({ items: () => InteractionChannel })
  @Field(() => InteractionChannel)
  channel!: InteractionChannel;

  @Property({ type: 'string', length: 500 })
  @Field()
  subject!: string;

  /** Personal data: exposed only through the guarded field resolver. */
  @Property({ type: 'string', length: 100, nullable: true })
  requesterName?: string | null;

  /** Personal data: exposed only through the guarded field resolver. */
  @Property({ type: 'string', length: 200, nullable: true })
  requesterContact?: string | null;

  @Property({ type: 'datetime' })
  @Field(() => GraphQLDateTime, { description: 'When received; for interviews, surveys and solicitations, when held.' })
  receivedAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Reply deadline (exclusive instant: end of the last working day, Asia/Shanghai); null when no reply is expected.' })
  dueAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true })
  repliedAt?: Date | null;

  @Property({ type: 'string', length: 5000, nullable: true })
  @Field(() => String, { nullable: true })
  reply?: string | null;

  @Enum({ items: () => InteractionStatus })
  @Field(() => InteractionStatus)
  status!: InteractionStatus;

  @Property({ type: 'string', length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was marked invalid.' })
  statusReason?: string | null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'duplicate_of' })
  @Field(() => ID, { nullable: true, description: 'The event this one duplicates (same tenant).' })
  duplicateOfId?: string | null;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Id in the source system; unique per unit.' })
  externalId?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  @Field(() => GraphQLDateTime)
  updatedAt: Date = new Date();
}
