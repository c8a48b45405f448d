import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { IsOptional, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { InteractionChannel, InteractionKind, InteractionStatus } from './interaction.enums';
import { OwnerFilterInput } from '../units/owner-filter.inputs';
import { PageArgs } from '../../pagination';

export const MAX_SUBJECT = 500;
export const MAX_REQUESTER_NAME = 100;
export const MAX_REQUESTER_CONTACT = 200;
export const MAX_REPLY = 5000;
export const MAX_EXTERNAL_ID = 100;
export const MAX_REASON = 500;
export const MAX_INGEST_ROWS = 5000;

@InputType({ description: 'A new interaction event.' })
export class CreateInteractionInput {
  @Field(() => String, { nullable: true, description: 'Province code of the tenant, e.g. "430000"; optional: the credential fixes it (when given it must match).' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'input.tenant must be a 6-digit province code' })
  tenant?: string | null;

  @Field(() => ID)
  unitId!: string;

  @Field(() => ID, { nullable: true, description: 'A service centre of the tenant (stored as given).' })
  centreId?: string;

  @Field(() => InteractionKind)
  kind!: InteractionKind;

  @Field(() => InteractionChannel)
  channel!: InteractionChannel;

  @Field({ description: `1 to ${MAX_SUBJECT} characters.` })
  @Length(1, MAX_SUBJECT, { message: `input.subject must be 1 to ${MAX_SUBJECT} characters` })
  subject!: string;

  @Field({ nullable: true, description: `Personal data, at most ${MAX_REQUESTER_NAME} characters.` })
  @IsOptional()
  @MaxLength(MAX_REQUESTER_NAME, { message: `input.requesterName may be at most ${MAX_REQUESTER_NAME} characters` })
  requesterName?: string;

  @Field({ nullable: true, description: `Personal data (phone, e-mail), at most ${MAX_REQUESTER_CONTACT} characters.` })
  @IsOptional()
  @MaxLength(MAX_REQUESTER_CONTACT, { message: `input.requesterContact may be at most ${MAX_REQUESTER_CONTACT} characters` })
  requesterContact?: string;

  @Field(() => GraphQLDateTime, { description: 'When received (or held); from 2000 on, at most 1 day ahead of now.' })
  receivedAt!: Date;

  @Field({ nullable: true, description: `Id in the source system, unique per unit; 1 to ${MAX_EXTERNAL_ID} characters.` })
  @IsOptional()
  @Length(1, MAX_EXTERNAL_ID, { message: `input.externalId must be 1 to ${MAX_EXTERNAL_ID} characters` })
  externalId?: string;
}

@ArgsType()
export class CreateInteractionArgs {
  @Field(() => CreateInteractionInput)
  @ValidateNested()
  input!: CreateInteractionInput;
}

@InputType({ description: 'One event of a bulk ingest. May carry its history (repliedAt, reply, status) for back-fills.' })
export class InteractionIngestRow {
  @Field({ description: 'Code of the unit, within the caller’s tenant and subtree (see `units(filter: { search })` or `unit(code:)`).' })
  unitCode!: string;

  @Field(() => ID, { nullable: true })
  centreId?: string;

  @Field(() => InteractionKind)
  kind!: InteractionKind;

  @Field(() => InteractionChannel)
  channel!: InteractionChannel;

  @Field()
  subject!: string;

  @Field({ nullable: true })
  requesterName?: string;

  @Field({ nullable: true })
  requesterContact?: string;

  @Field(() => GraphQLDateTime)
  receivedAt!: Date;

  @Field(() => GraphQLDateTime, { nullable: true })
  repliedAt?: Date;

  @Field({ nullable: true })
  reply?: string;

  @Field(() => InteractionStatus, {
    nullable: true,
    description: 'Default: HELD for interviews/surveys/solicitations, REPLIED when repliedAt is given, else OPEN.',
  })
  status?: InteractionStatus;

  @Field({ nullable: true, description: 'Reason of an INVALID row.' })
  statusReason?: string;

  @Field({ nullable: true, description: `Id in the source system, 1 to ${MAX_EXTERNAL_ID} characters, unique per unit: a row whose unit already has it is skipped (counted in duplicates).` })
  externalId?: string;
}

@InputType({ description: 'Filters for `interactions`; all given conditions must hold.' })
export class InteractionFilter extends OwnerFilterInput {
  @Field(() => InteractionKind, { nullable: true })
  kind?: InteractionKind;

  @Field(() => [InteractionKind], { nullable: true, description: 'Any of these kinds.' })
  kinds?: InteractionKind[];

  @Field(() => InteractionStatus, { nullable: true })
  status?: InteractionStatus;

  @Field(() => InteractionChannel, { nullable: true })
  channel?: InteractionChannel;

  @Field(() => ID, { nullable: true })
  centreId?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Received on or after this day (Asia/Shanghai).' })
  receivedFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Received on or before this day (Asia/Shanghai).' })
  receivedTo?: string;

  @Field({ nullable: true, description: 'true: overdue events (see Interaction.overdue); false: the others.' })
  overdue?: boolean;

  @Field({ nullable: true, description: 'Part of the subject.' })
  @IsOptional()
  @Length(1, 100, { message: 'filter.search must be 1 to 100 characters' })
  search?: string;

  @Field({ nullable: true, description: 'The event(s) with this id of the source system (unique per unit; with unitId, at most one).' })
  @IsOptional()
  @Length(1, MAX_EXTERNAL_ID, { message: `filter.externalId must be 1 to ${MAX_EXTERNAL_ID} characters` })
  externalId?: string;
}

@ArgsType()
export class InteractionsArgs extends PageArgs() {
  @Field(() => InteractionFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: InteractionFilter;
}
