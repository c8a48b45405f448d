import { Field, ID, InputType } from 'type-graphql';
import { IsOptional, Matches } from 'class-validator';

/**
 * The owner part of list filters, as base classes of their input types (type-graphql inheritance;
 * no resolver takes them, so they are no types of their own in the schema). The service side is
 * `ownerFilterOf` (unit-owner.ts).
 */
@InputType('TenantFilterBase')
export class TenantFilterInput {
  @Field({ nullable: true, description: 'Province code of the tenant, e.g. "430000".' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'filter.tenant must be a 6-digit province code' })
  tenant?: string;
}

@InputType('OwnerFilterBase')
export class OwnerFilterInput extends TenantFilterInput {
  @Field(() => ID, { nullable: true, description: 'Rows of this unit (with `subtree`, of this unit and every unit below it).' })
  unitId?: string;

  @Field({ nullable: true, description: 'With `unitId`: include the rows of every unit below it, at any depth.' })
  subtree?: boolean;
}
