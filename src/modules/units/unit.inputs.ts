import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { IsOptional, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { UnitKind, UnitLevel } from './unit.enums';

@InputType({ description: 'Filters for `units`; all given conditions must hold.' })
export class UnitFilter {
  @Field({ nullable: true, description: 'Province code of the tenant, e.g. "430000".' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'filter.tenant must be a 6-digit province code' })
  tenant?: string;

  @Field(() => UnitLevel, { nullable: true })
  level?: UnitLevel;

  @Field(() => UnitKind, { nullable: true })
  kind?: UnitKind;

  @Field(() => ID, { nullable: true, description: 'Direct children of this unit.' })
  parentId?: string;

  @Field(() => ID, { nullable: true, description: 'Every unit below this one, at any depth.' })
  ancestorId?: string;

  @Field({ nullable: true, description: 'Part of the name, or the start of the code.' })
  @IsOptional()
  @Length(1, 100, { message: 'filter.search must be 1 to 100 characters' })
  search?: string;
}

@ArgsType()
export class UnitsArgs {
  @Field(() => UnitFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: UnitFilter;

  @Field(() => Int, { defaultValue: 50, description: 'Page size, at most 500.' })
  first!: number;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the previous page.' })
  @IsOptional()
  @MaxLength(512)
  after?: string;
}

@ArgsType()
export class DescendantsArgs {
  @Field(() => UnitLevel, { nullable: true })
  level?: UnitLevel;

  @Field(() => Int, { defaultValue: 50, description: 'Page size, at most 500.' })
  @Min(0)
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string;
}
