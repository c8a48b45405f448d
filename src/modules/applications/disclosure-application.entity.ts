import { Check, Entity, Enum, Index, PrimaryKey, PrimaryKeyProp, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { ApplicantType, ApplicationChannel, ApplicationOutcome, ApplicationStatus } from './application.enums';

/**
 * A disclosure application (依申请公开): someone asks a unit for government information. The reply
 * is due 20 working days after the day of receipt (tenant calendar), extendable once by 20 more.
 * The applicant's name and contact are personal data: stored, but only served through
 * `ctx.canSeePersonalData` (see the resolver), so they carry no @Field here.
 */
@Entity({ tableName: 'disclosure_application' })
@Unique({ name: 'disclosure_application_tenant_unit_external_key', properties: ['tenantId', 'unitId', 'externalId'] })
@Index({ name: 'disclosure_application_tenant_received_idx', properties: ['tenantId', 'receivedAt', 'id'] })
@Index({ name: 'disclosure_application_tenant_unit_received_idx', properties: ['tenantId', 'unitId', 'receivedAt'] })
@Index({ name: 'disclosure_application_id_idx', properties: ['id'] })
@Check({ name: 'disclosure_application_fee_check', expression: 'fee_charged >= 0' })
@Check({
  name: 'disclosure_application_state_check',
  expression: "(status = 'DECIDED') = (outcome is not null and decided_at is not null) and (status = 'WITHDRAWN') = (withdrawn_at is not null) and (outcome <> 'REFUSED' or legal_ground is not null) and (extended = (extended_at is not null))",
})
@ObjectType({ description: 'A disclosure application (依申请公开) received by a unit.' })
export class DisclosureApplication {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @Property({ type: 'uuid' })
  unitId!: string;

  @Enum({ items: () => ApplicantType })
  @Field(() => ApplicantType)
  applicantType!: ApplicantType;

  /** Personal data: served only to callers allowed to see it. */
  @Property({ type: 'string', length: 100 })
  applicantName!: string;

  /** Personal data: served only to callers allowed to see it. */
  @Property({ type: 'string', length: 200, nullable: true })
  applicantContact?: string | null;

  @Property({ type: 'string', length: 1000 })
  @Field({ description: 'What information is asked for.' })
  subject!: string;

  @Enum({ items: () => ApplicationChannel })
  @Field(() => ApplicationChannel)
  channel!: ApplicationChannel;

  @Property({ type: 'datetime' })
  @Field(() => GraphQLDateTime)
  receivedAt!: Date;

  @Property({ type: 'datetime' })
  @Field(() => GraphQLDateTime, { description: 'Exclusive deadline: 00:00 Asia/Shanghai after the 20th working day (40th when extended).' })
  dueAt!: Date;

  @Property({ type: 'boolean', default: false })
  @Field({ description: 'Whether the deadline was extended (at most once).' })
  extended: boolean = false;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true })
  extendedAt?: Date | null;

  @Property({ type: 'string', length: 500, nullable: true })
  @Field(() => String, { nullable: true })
  extensionReason?: string | null;

  @Enum({ items: () => ApplicationStatus })
  @Field(() => ApplicationStatus)
  status!: ApplicationStatus;

  @Enum({ items: () => ApplicationOutcome, nullable: true })
  @Field(() => ApplicationOutcome, { nullable: true, description: 'Set when DECIDED.' })
  outcome?: ApplicationOutcome | null;

  @Property({ type: 'string', length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Legal ground of a refusal, e.g. 国家秘密, 商业秘密, 个人隐私, 过程性信息.' })
  legalGround?: string | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true })
  decidedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true })
  withdrawnAt?: Date | null;

  /** numeric(10,2); served as a Float by the resolver. */
  @Property({ type: 'decimal', precision: 10, scale: 2, default: 0 })
  feeCharged: string = '0';

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'The id the sending system gave it (unique per unit).' })
  externalId?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  @Field(() => GraphQLDateTime)
  updatedAt: Date = new Date();
}
