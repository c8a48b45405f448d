import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import { IsEmail, IsOptional, Matches, MaxLength, ValidateNested } from 'class-validator';
import { OfficerRole } from './officer.enums';
import { OwnerFilterInput } from '../units/owner-filter.inputs';
import { PageArgs } from '../../pagination';

const TENANT = /^\d{6}$/;
const NOT_BLANK = /\S/;
/** Landline or mobile as people write them: 0731-82207750, +86 138 0000 0000, 0712-2327166转8001. */
const PHONE = /^\+?[0-9][0-9 ()\-转]*$/;

@InputType({ description: 'A person to designate at a unit.' })
export class AddOfficerInput {
  @Field({ nullable: true, description: 'Province code of the tenant; when given, the unit must belong to it.' })
  @IsOptional()
  @Matches(TENANT, { message: 'tenant must be a 6-digit province code' })
  tenant?: string;

  @Field(() => ID)
  unitId!: string;

  @Field({ description: '1 to 50 characters.' })
  @MaxLength(50, { message: 'name must be at most 50 characters' })
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name!: string;

  @Field(() => OfficerRole)
  role!: OfficerRole;

  @Field(() => String, { nullable: true, description: 'Personal data. At most 30 characters.' })
  @IsOptional()
  @MaxLength(30, { message: 'phone must be at most 30 characters' })
  @Matches(PHONE, { message: 'phone must be a telephone number (digits, spaces, + - ( ) 转)' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Personal data. At most 200 characters.' })
  @IsOptional()
  @MaxLength(200, { message: 'email must be at most 200 characters' })
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string | null;

  @Field({ nullable: true, description: 'true when absent.' })
  active?: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Not in the future (Asia/Shanghai).' })
  appointedOn?: string | null;
}

@InputType({ description: 'Changes to an officer: absent fields stay as they are; null clears phone, email and appointedOn.' })
export class UpdateOfficerInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(50, { message: 'name must be at most 50 characters' })
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name?: string | null;

  @Field(() => OfficerRole, { nullable: true })
  role?: OfficerRole | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(30, { message: 'phone must be at most 30 characters' })
  @Matches(PHONE, { message: 'phone must be a telephone number (digits, spaces, + - ( ) 转)' })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200, { message: 'email must be at most 200 characters' })
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  appointedOn?: string | null;
}

@ArgsType()
export class AddOfficerArgs {
  @Field(() => AddOfficerInput)
  @ValidateNested()
  input!: AddOfficerInput;
}

@ArgsType()
export class UpdateOfficerArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => UpdateOfficerInput)
  @ValidateNested()
  input!: UpdateOfficerInput;
}

@ArgsType()
export class SetResponsibleDepartmentArgs {
  @Field(() => ID)
  unitId!: string;

  @Field({ description: 'The department, e.g. 办公室: 1 to 200 characters.' })
  @MaxLength(200, { message: 'department must be at most 200 characters' })
  @Matches(NOT_BLANK, { message: 'department must not be blank' })
  department!: string;

  @Field(() => GraphQLLocalDate, { description: 'When the unit designated it; not in the future (Asia/Shanghai).' })
  designatedAt!: string;

  @Field({ nullable: true, description: 'Province code of the tenant; when given, the unit must belong to it.' })
  @IsOptional()
  @Matches(TENANT, { message: 'tenant must be a 6-digit province code' })
  tenant?: string;
}

@InputType({ description: 'Filters for `officers`; all given conditions must hold.' })
export class OfficerFilter extends OwnerFilterInput {
  @Field(() => OfficerRole, { nullable: true })
  role?: OfficerRole;

  @Field({ nullable: true })
  active?: boolean;
}

@ArgsType()
export class OfficersArgs extends PageArgs() {
  @Field(() => OfficerFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: OfficerFilter;
}
