import { Allow } from '../../auth/allow';
import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { childrenPlan } from './unit.lookahead';
import type { RequestContext } from '../../context';
import { Connection, ConnectionResult } from '../../pagination';
import { Tenant } from '../tenants/tenant.entity';
import { OrgUnit } from './org-unit.entity';
import { UnitLevel } from './unit.enums';
import { DescendantsArgs, UnitsArgs } from './unit.inputs';
import { UnitService } from './unit.service';

export const UnitConnection = Connection(OrgUnit, 'OrgUnit');

@Resolver(() => OrgUnit)
export class UnitResolver {
  @Query(() => OrgUnit, { nullable: true, description: 'One unit by id or by code (codes are national; pass `tenant` if one is ever ambiguous). Unknown: null.' })
  unit(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('code', () => String, { nullable: true }) code?: string,
    @Arg('tenant', () => String, { nullable: true, description: 'Province code of the tenant.' }) tenant?: string,
  ): Promise<OrgUnit | null> {
    return UnitService.unit(ctx, id, code, tenant);
  }

  @Query(() => UnitConnection, { description: 'Units in (code, id) order, filtered; a Relay connection.' })
  units(@Ctx() ctx: RequestContext, @Args() { filter, first, after }: UnitsArgs): Promise<ConnectionResult<OrgUnit>> {
    return UnitService.units(ctx, filter, first, after);
  }

  @Allow('units:manage')
  @Mutation(() => OrgUnit, {
    description:
      'Moves a unit and its subtree under another parent of the same tenant (a re-drawn division). Paths and every rolled-up figure follow in the same transaction.',
  })
  moveUnit(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('parentId', () => ID) parentId: string): Promise<OrgUnit> {
    return UnitService.move(ctx, id, parentId);
  }

  @FieldResolver(() => Tenant, { description: 'The province this unit belongs to.' })
  async tenant(@Root() unit: OrgUnit, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return (await ctx.tenantById(unit.tenantId))!;
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: 'The unit directly above; null for a province.' })
  parent(@Root() unit: OrgUnit, @Ctx() ctx: RequestContext): Promise<OrgUnit | null> {
    return UnitService.parent(ctx, unit);
  }

  @FieldResolver(() => [OrgUnit], { description: 'Units directly below, in code order, optionally of one level.' })
  children(
    @Root() unit: OrgUnit,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('level', () => UnitLevel, { nullable: true }) level?: UnitLevel,
  ): Promise<OrgUnit[]> {
    return UnitService.children(ctx, unit, level ?? null, childrenPlan(info, level ?? null));
  }

  @FieldResolver(() => [OrgUnit], { description: 'Every unit above, from the province down to the parent.' })
  ancestors(@Root() unit: OrgUnit, @Ctx() ctx: RequestContext): Promise<OrgUnit[]> {
    return UnitService.ancestors(ctx, unit);
  }

  @FieldResolver(() => UnitConnection, { description: 'Every unit below at any depth, in code order, optionally of one level.' })
  descendants(@Root() unit: OrgUnit, @Ctx() ctx: RequestContext, @Args() { level, first, after }: DescendantsArgs): Promise<ConnectionResult<OrgUnit>> {
    return UnitService.descendants(ctx, unit, level ?? null, first, after);
  }
}
