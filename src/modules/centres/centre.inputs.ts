import { UnitKind, UnitLevel } from '../units/unit.enums';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { IsOptional, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CentreKind, CentreStatus } from './centre.enums';
import { OwnerFilterInput } from '../units/owner-filter.inputs';
import { PageArgs } from '../../pagination';

const TENANT = /^\d{6}$/;
const NOT_BLANK = /\S/;
/** http(s) only: an entrance inspectors can open in a browser (no javascript:, ftp:, file: …). */
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true, require_tld: false };

@InputType({ description: 'A new sunshine service centre, station or point.' })
export class CreateCentreInput {
  @Field({ nullable: true, description: 'Province code of the tenant; when given, the unit must belong to it.' })
  @IsOptional()
  @Matches(TENANT, { message: 'tenant must be a 6-digit province code' })
  tenant?: string;

  @Field(() => ID, { description: 'The owning unit.' })
  unitId!: string;

  @Field(() => CentreKind)
  kind!: CentreKind;

  @Field({ description: '1 to 200 characters, unique among the centres of the unit.' })
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name!: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Not in the future (Asia/Shanghai).' })
  openedOn?: string;

  @Field(() => CentreStatus, { nullable: true, description: 'ACTIVE when absent.' })
  status?: CentreStatus;

  @Field(() => String, { nullable: true, description: 'http(s) URL of the online-hall entrance, at most 500 characters.' })
  @IsOptional()
  @MaxLength(500, { message: 'onlineHallUrl must be at most 500 characters' })
  @IsUrl(URL_OPTIONS, { message: 'onlineHallUrl must be an http or https URL' })
  onlineHallUrl?: string | null;
}

@InputType({ description: 'Changes to a centre: absent fields stay as they are; null clears `openedOn` and `onlineHallUrl`.' })
export class UpdateCentreInput {
  @Field(() => CentreKind, { nullable: true })
  kind?: CentreKind | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  openedOn?: string | null;

  @Field(() => CentreStatus, { nullable: true })
  status?: CentreStatus | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500, { message: 'onlineHallUrl must be at most 500 characters' })
  @IsUrl(URL_OPTIONS, { message: 'onlineHallUrl must be an http or https URL' })
  onlineHallUrl?: string | null;
}

@InputType({ description: 'One reachability check of a centre’s online-hall entrance.' })
export class CentreCheckInput {
  @Field(() => ID)
  centreId!: string;

  @Field(() => GraphQLDateTime, { description: 'When it was checked; not in the future (a minute of clock skew is tolerated). An instant older than the latest stored goes to the history only.' })
  checkedAt!: Date;

  @Field()
  ok!: boolean;

  @Field(() => Int, { nullable: true, description: 'HTTP status answered (100–599); absent when the connection failed.' })
  @IsOptional()
  @Min(100, { message: 'httpStatus must be between 100 and 599' })
  @Max(599, { message: 'httpStatus must be between 100 and 599' })
  httpStatus?: number | null;

  @Field(() => String, { nullable: true, description: 'At most 500 characters.' })
  @IsOptional()
  @MaxLength(500, { message: 'note must be at most 500 characters' })
  note?: string | null;
}

@ArgsType()
export class CreateCentreArgs {
  @Field(() => CreateCentreInput)
  @ValidateNested()
  input!: CreateCentreInput;
}

@ArgsType()
export class UpdateCentreArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => UpdateCentreInput)
  @ValidateNested()
  input!: UpdateCentreInput;
}

@ArgsType()
export class ReportCentreCheckArgs {
  @Field(() => CentreCheckInput)
  @ValidateNested()
  input!: CentreCheckInput;
}

@InputType({ description: 'Filters for `centres`; all given conditions must hold.' })
export class CentreFilter extends OwnerFilterInput {
  @Field(() => CentreKind, { nullable: true })
  kind?: CentreKind;

  @Field(() => CentreStatus, { nullable: true })
  status?: CentreStatus;

  @Field({ nullable: true, description: 'Part of the name.' })
  @IsOptional()
  @Length(1, 100, { message: 'filter.search must be 1 to 100 characters' })
  search?: string;

  @Field({
    nullable: true,
    description: 'true: the latest check succeeded. false: the latest check failed, or none was reported yet (not known to be reachable).',
  })
  reachable?: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Opened on or before this day: the centres in service by then (coverage at a date).' })
  openedBy?: string;

  @Field(() => UnitLevel, { nullable: true, description: 'Only centres of units at this level.' })
  unitLevel?: UnitLevel;

  @Field(() => [UnitKind], { nullable: true, description: 'Only centres of units of these kinds (e.g. UNIVERSITY).' })
  unitKinds?: UnitKind[];
}

@ArgsType()
export class CentresArgs extends PageArgs() {
  @Field(() => CentreFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: CentreFilter;
}
