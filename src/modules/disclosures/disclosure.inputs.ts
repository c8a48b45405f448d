import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { DisclosureChannel, DisclosureDecision, DisclosureOrder, DisclosureReviewStep, DisclosureStatus } from './disclosure.enums';
import { OwnerFilterInput } from '../units/owner-filter.inputs';
import { PageArgs } from '../../pagination';

export const CATEGORY_CODE_RE = /^[A-Z][A-Z0-9_]{0,39}$/;
export const MAX_INGEST_ROWS = 5000;

@InputType({ description: 'A category of a tenant’s taxonomy (created, or replaced when the code exists).' })
export class DisclosureCategoryInput {
  @Field({ description: 'Upper-case code, 1–40 of A-Z 0-9 _, e.g. NOTICE.' })
  @Matches(CATEGORY_CODE_RE, { message: 'input.code must be 1 to 40 of A-Z, 0-9 and _, starting with a letter' })
  code!: string;

  @Field()
  @Length(1, 100, { message: 'input.name must be 1 to 100 characters' })
  name!: string;

  @Field(() => Int, { defaultValue: 0 })
  sortOrder!: number;

  @Field({ defaultValue: true })
  active!: boolean;
}

@InputType({ description: 'A new disclosure item; it starts as DRAFT.' })
export class CreateDisclosureItemInput {
  @Field(() => String, { nullable: true, description: 'Province code of the tenant, e.g. "430000"; optional: the credential fixes it (when given it must match).' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'input.tenant must be a 6-digit province code' })
  tenant?: string | null;

  @Field(() => ID)
  unitId!: string;

  @Field()
  @Length(1, 500, { message: 'input.title must be 1 to 500 characters' })
  title!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'input.documentNumber must be 1 to 100 characters' })
  documentNumber?: string | null;

  @Field()
  @Matches(CATEGORY_CODE_RE, { message: 'input.categoryCode is not a category code' })
  categoryCode!: string;

  @Field(() => [DisclosureChannel])
  @ArrayMinSize(1, { message: 'input.channels needs at least one channel' })
  @ArrayMaxSize(5)
  channels!: DisclosureChannel[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'input.specialColumn must be 1 to 100 characters' })
  specialColumn?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000, { message: 'input.url must be at most 1000 characters' })
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'input.externalId must be 1 to 100 characters' })
  externalId?: string | null;
}

@InputType({ description: 'Changes to a DRAFT item: absent fields stay, null clears an optional one.' })
export class UpdateDisclosureItemInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 500, { message: 'input.title must be 1 to 500 characters' })
  title?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'input.documentNumber must be 1 to 100 characters' })
  documentNumber?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(CATEGORY_CODE_RE, { message: 'input.categoryCode is not a category code' })
  categoryCode?: string;

  @Field(() => [DisclosureChannel], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1, { message: 'input.channels needs at least one channel' })
  @ArrayMaxSize(5)
  channels?: DisclosureChannel[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'input.specialColumn must be 1 to 100 characters' })
  specialColumn?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000, { message: 'input.url must be at most 1000 characters' })
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'input.externalId must be 1 to 100 characters' })
  externalId?: string | null;
}

@InputType({ description: 'A review step with its decision.' })
export class ReviewDisclosureItemInput {
  @Field(() => DisclosureReviewStep, { description: 'OFFICE_REVIEW, LEGAL_REVIEW, CONFIDENTIALITY_REVIEW or REJECT.' })
  step!: DisclosureReviewStep;

  @Field()
  @Length(1, 100, { message: 'input.reviewer must be 1 to 100 characters' })
  reviewer!: string;

  @Field(() => DisclosureDecision, { description: 'APPROVED or REJECTED (REJECTED sends the item back to DRAFT).' })
  decision!: DisclosureDecision;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000, { message: 'input.note must be at most 1000 characters' })
  note?: string | null;
}

@InputType({ description: 'Filters for `disclosureItems`; all given conditions must hold.' })
export class DisclosureItemFilter extends OwnerFilterInput {
  @Field(() => DisclosureStatus, { nullable: true })
  status?: DisclosureStatus;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(40)
  categoryCode?: string;

  @Field(() => DisclosureChannel, { nullable: true })
  channel?: DisclosureChannel;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(100)
  specialColumn?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'First publication day (Asia/Shanghai), inclusive.' })
  publishedFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Last publication day (Asia/Shanghai), inclusive.' })
  publishedTo?: string;

  @Field({ nullable: true, description: 'Part of the title or of the document number.' })
  @IsOptional()
  @Length(1, 100, { message: 'filter.search must be 1 to 100 characters' })
  search?: string;

  @Field({ nullable: true, description: 'The item(s) with this id of the source system (unique per unit; with unitId, at most one).' })
  @IsOptional()
  @Length(1, 100, { message: 'filter.externalId must be 1 to 100 characters' })
  externalId?: string;
}

@ArgsType()
export class DisclosureItemsArgs extends PageArgs() {
  @Field(() => DisclosureItemFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: DisclosureItemFilter;

  @Field(() => DisclosureOrder, { defaultValue: DisclosureOrder.PUBLISHED_AT_DESC })
  order!: DisclosureOrder;
}

@InputType({ description: 'One item pushed by an integrator. Give unitCode (or unitId). Checked in the service, every row before any write.' })
export class DisclosureIngestRow {
  @Field(() => String, { nullable: true })
  unitCode?: string | null;

  @Field(() => ID, { nullable: true })
  unitId?: string | null;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  documentNumber?: string | null;

  @Field()
  categoryCode!: string;

  @Field(() => [String], { description: 'Channel names (DisclosureChannel values); checked per row so a bad one is reported with its index.' })
  channels!: string[];

  @Field(() => String, { nullable: true })
  specialColumn?: string | null;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Publication instant; default: now. Ignored for DRAFT rows.' })
  publishedAt?: Date | null;

  @Field(() => DisclosureStatus, { nullable: true, description: 'PUBLISHED (default) or DRAFT.' })
  status?: DisclosureStatus | null;

  @Field(() => String, { nullable: true, description: 'Id in the source system, 1 to 100 characters, unique per unit: a row whose unit already has it is skipped (counted in duplicates).' })
  externalId?: string | null;
}

@ObjectType({ description: 'What an ingest did. A replay answers the first call’s result with replayed: true.' })
export class DisclosureIngestResult {
  @Field(() => Int, { description: 'Rows inserted.' })
  accepted!: number;

  @Field(() => Int, { description: 'Rows skipped because their (unit, externalId) already existed (left unchanged).' })
  duplicates!: number;

  @Field({ description: 'true when this answer is the stored result of an earlier call with the same key and rows.' })
  replayed!: boolean;
}

// Inputs travel inside ArgsTypes so class-validator reports the full path (`input.title`).

@ArgsType()
export class UpsertDisclosureCategoryArgs {
  @Field({ description: 'Province code of the tenant.' })
  tenant!: string;

  @Field(() => DisclosureCategoryInput)
  @ValidateNested()
  input!: DisclosureCategoryInput;
}

@ArgsType()
export class CreateDisclosureItemArgs {
  @Field(() => CreateDisclosureItemInput)
  @ValidateNested()
  input!: CreateDisclosureItemInput;
}

@ArgsType()
export class UpdateDisclosureItemArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => UpdateDisclosureItemInput)
  @ValidateNested()
  input!: UpdateDisclosureItemInput;
}

@ArgsType()
export class ReviewDisclosureItemArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => ReviewDisclosureItemInput)
  @ValidateNested()
  input!: ReviewDisclosureItemInput;
}

@ArgsType()
export class UnitDisclosureItemsArgs extends PageArgs(20) {
  @Field({ defaultValue: false, description: 'Include the items of every unit below.' })
  subtree!: boolean;

  @Field(() => DisclosureStatus, { nullable: true })
  status?: DisclosureStatus;
}
