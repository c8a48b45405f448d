import { ArgsType, Field, ID, InputType, Int, Float } from 'type-graphql';
import { IsOptional, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { ApplicantType, ApplicationChannel, ApplicationOutcome, ApplicationStatus, DisputeKind, DisputeOutcome, DisputeStatus } from './application.enums';
import { OwnerFilterInput } from '../units/owner-filter.inputs';
import { PageArgs } from '../../pagination';

const TENANT_RE = /^\d{6}$/;

@InputType({ description: 'A disclosure application as received.' })
export class CreateDisclosureApplicationInput {
  @Field(() => String, { nullable: true, description: 'Province code of the tenant, e.g. "430000"; optional: the credential fixes it (when given it must match).' })
  @IsOptional()
  @Matches(TENANT_RE, { message: 'tenant must be a 6-digit province code' })
  tenant?: string | null;

  @Field(() => ID, { description: 'The unit the application was addressed to (a unit of `tenant`).' })
  unitId!: string;

  @Field(() => ApplicantType)
  applicantType!: ApplicantType;

  @Field({ description: 'Personal data: never served to the public.' })
  @Length(1, 100, { message: 'applicantName must be 1 to 100 characters' })
  applicantName!: string;

  @Field(() => String, { nullable: true, description: 'Phone, address or e-mail. Personal data: never served to the public.' })
  @IsOptional()
  @MaxLength(200, { message: 'applicantContact must be at most 200 characters' })
  applicantContact?: string | null;

  @Field({ description: 'What information is asked for.' })
  @Length(1, 1000, { message: 'subject must be 1 to 1000 characters' })
  subject!: string;

  @Field(() => ApplicationChannel)
  channel!: ApplicationChannel;

  @Field(() => GraphQLDateTime, { description: 'Not before 2000, not more than one day in the future.' })
  receivedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Id in the sending system; unique per unit. Re-sending the same submission with it answers the stored application (retry-safe); other data under a taken id is refused.' })
  @IsOptional()
  @Length(1, 100, { message: 'externalId must be 1 to 100 characters' })
  externalId?: string | null;
}

@ArgsType()
export class CreateDisclosureApplicationArgs {
  @Field(() => CreateDisclosureApplicationInput)
  @ValidateNested()
  input!: CreateDisclosureApplicationInput;
}

@InputType({ description: 'The decision on an application.' })
export class DecideDisclosureApplicationInput {
  @Field(() => ApplicationOutcome)
  outcome!: ApplicationOutcome;

  @Field(() => GraphQLDateTime, { description: 'Not before receipt, not in the future.' })
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Required for REFUSED: 国家秘密, 商业秘密, 个人隐私, 过程性信息 …' })
  @IsOptional()
  @Length(1, 500, { message: 'legalGround must be 1 to 500 characters' })
  legalGround?: string | null;

  @Field(() => Float, { nullable: true, description: 'Fee charged in yuan (default 0), at most 2 decimals.' })
  @IsOptional()
  @Min(0, { message: 'feeCharged must not be negative' })
  @Max(99_999_999.99, { message: 'feeCharged must be below 100,000,000' })
  feeCharged?: number | null;
}

@ArgsType()
export class DecideDisclosureApplicationArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => DecideDisclosureApplicationInput)
  @ValidateNested()
  input!: DecideDisclosureApplicationInput;
}

@ArgsType()
export class ExtendDisclosureApplicationArgs {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Why 20 more working days are needed.' })
  @Length(1, 500, { message: 'reason must be 1 to 500 characters' })
  reason!: string;

  @Field(() => GraphQLDateTime, { description: 'When the extension was notified: before the original deadline.' })
  at!: Date;
}

@ArgsType()
export class WithdrawDisclosureApplicationArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLDateTime)
  at!: Date;
}

@InputType({ description: 'Filters for `disclosureApplications`; all given conditions must hold.' })
export class DisclosureApplicationFilter extends OwnerFilterInput {
  @Field(() => ApplicationStatus, { nullable: true })
  status?: ApplicationStatus;

  @Field(() => ApplicationOutcome, { nullable: true })
  outcome?: ApplicationOutcome;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Received on or after this day (Asia/Shanghai).' })
  receivedFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Received on or before this day (Asia/Shanghai).' })
  receivedTo?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Decided on or after this day (Asia/Shanghai).' })
  decidedFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Decided on or before this day (Asia/Shanghai).' })
  decidedTo?: string;

  @Field(() => GraphQLLocalDate, {
    nullable: true,
    description:
      'Open at the start of this day (Asia/Shanghai): received before it and neither decided nor withdrawn before it. ' +
      '`pendingAt: "2024-01-01"` lists the applications carried over into 2024 (上年结转).',
  })
  pendingAt?: string;

  @Field({ nullable: true, description: 'true: still RECEIVED and past the deadline now; false: the others.' })
  overdue?: boolean;

  @Field({ nullable: true })
  extended?: boolean;
}

@ArgsType()
export class DisclosureApplicationsArgs extends PageArgs() {
  @Field(() => DisclosureApplicationFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: DisclosureApplicationFilter;
}

@InputType({ description: 'A reconsideration or lawsuit as filed.' })
export class FileDisclosureDisputeInput {
  @Field(() => String, { nullable: true, description: 'Province code of the tenant, e.g. "430000"; optional: the credential fixes it (when given it must match).' })
  @IsOptional()
  @Matches(TENANT_RE, { message: 'tenant must be a 6-digit province code' })
  tenant?: string | null;

  @Field(() => ID, { description: 'The unit whose disclosure is disputed (a unit of `tenant`).' })
  unitId!: string;

  @Field(() => ID, { nullable: true, description: 'The application it is about (an application of that unit), if any.' })
  applicationId?: string | null;

  @Field(() => DisputeKind)
  kind!: DisputeKind;

  @Field(() => GraphQLDateTime, { description: 'Not before 2000, not more than one day in the future.' })
  filedAt!: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000, { message: 'note must be at most 1000 characters' })
  note?: string | null;
}

@ArgsType()
export class FileDisclosureDisputeArgs {
  @Field(() => FileDisclosureDisputeInput)
  @ValidateNested()
  input!: FileDisclosureDisputeInput;
}

@ArgsType()
export class ConcludeDisclosureDisputeArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => DisputeOutcome)
  outcome!: DisputeOutcome;

  @Field(() => GraphQLDateTime, { description: 'Not before filing, not in the future.' })
  concludedAt!: Date;
}

@InputType({ description: 'Filters for `disclosureDisputes`; all given conditions must hold.' })
export class DisclosureDisputeFilter extends OwnerFilterInput {
  @Field(() => ID, { nullable: true })
  applicationId?: string;

  @Field(() => DisputeKind, { nullable: true })
  kind?: DisputeKind;

  @Field(() => DisputeStatus, { nullable: true })
  status?: DisputeStatus;

  @Field(() => DisputeOutcome, { nullable: true })
  outcome?: DisputeOutcome;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Filed on or after this day (Asia/Shanghai).' })
  filedFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Filed on or before this day (Asia/Shanghai).' })
  filedTo?: string;
}

@ArgsType()
export class DisclosureDisputesArgs extends PageArgs() {
  @Field(() => DisclosureDisputeFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: DisclosureDisputeFilter;
}
