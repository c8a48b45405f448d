import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { IsOptional, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { UnitKind, UnitLevel } from './unit.enums';
import { TenantFilterInput } from './owner-filter.inputs';
import { PageArgs } from '../../pagination';

@InputType({ description: 'Filters for `units`; all given conditions must hold.' })
export class UnitFilter extends TenantFilterInput {
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
export class UnitsArgs extends PageArgs() {
  @Field(() => UnitFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: UnitFilter;
}

@ArgsType()
export class DescendantsArgs extends PageArgs() {
  @Field(() => UnitLevel, { nullable: true })
  level?: UnitLevel;
}
