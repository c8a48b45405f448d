import { Allow } from '../../auth/allow';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection, ConnectionResult } from '../../pagination';
import { OrgUnit } from '../units/org-unit.entity';
import { Officer, UnitResponsibility } from './officer.entity';
import { AddOfficerArgs, OfficersArgs, SetResponsibleDepartmentArgs, UpdateOfficerArgs } from './officer.inputs';
import { OfficerService } from './officer.service';

export const OfficerConnection = Connection(Officer, 'Officer');

const PERSONAL = 'Personal data: null unless the caller may see the personal data of the officer’s unit (never for the public).';

@Resolver(() => Officer)
export class OfficerResolver {
  @Query(() => OfficerConnection, { description: 'Officers in (unit code, name, id) order, filtered; a Relay connection.' })
  officers(@Ctx() ctx: RequestContext, @Args() { filter, first, after }: OfficersArgs): Promise<ConnectionResult<Officer>> {
    return OfficerService.officers(ctx, filter, first, after);
  }

  @FieldResolver(() => OrgUnit, { description: 'The unit the officer works for.' })
  unit(@Root() officer: Officer, @Ctx() ctx: RequestContext): Promise<OrgUnit> {
    return OfficerService.unit(ctx, officer);
  }

  @FieldResolver(() => String, { nullable: true, description: PERSONAL })
  phone(@Root() officer: Officer, @Ctx() ctx: RequestContext): Promise<string | null> {
    return OfficerService.personal(ctx, officer, officer.phone);
  }

  @FieldResolver(() => String, { nullable: true, description: PERSONAL })
  email(@Root() officer: Officer, @Ctx() ctx: RequestContext): Promise<string | null> {
    return OfficerService.personal(ctx, officer, officer.email);
  }

  @Allow('officers:manage')
  @Mutation(() => Officer, { description: 'Designates a person at a unit.' })
  addOfficer(@Ctx() ctx: RequestContext, @Args() { input }: AddOfficerArgs): Promise<Officer> {
    return OfficerService.add(ctx, input);
  }

  @Allow('officers:manage')
  @Mutation(() => Officer, { description: 'Changes an officer. Unknown id: NOT_FOUND.' })
  updateOfficer(@Ctx() ctx: RequestContext, @Args() { id, input }: UpdateOfficerArgs): Promise<Officer> {
    return OfficerService.update(ctx, id, input);
  }

  @Allow('officers:manage')
  @Mutation(() => Officer, { description: 'Marks an officer as no longer in the role (kept for the record). Unknown id: NOT_FOUND.' })
  deactivateOfficer(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Officer> {
    return OfficerService.deactivate(ctx, id);
  }

  @Allow('officers:manage')
  @Mutation(() => UnitResponsibility, { description: 'Sets (or replaces) the department a unit made responsible for disclosure and government services.' })
  setResponsibleDepartment(@Ctx() ctx: RequestContext, @Args() args: SetResponsibleDepartmentArgs): Promise<UnitResponsibility> {
    return OfficerService.setResponsibleDepartment(ctx, args);
  }
}

@Resolver(() => UnitResponsibility)
export class UnitResponsibilityResolver {
  @FieldResolver(() => OrgUnit)
  async unit(@Root() r: UnitResponsibility, @Ctx() ctx: RequestContext): Promise<OrgUnit> {
    const unit = await ctx.loaders.units.byId.load(r.unitId);
    if (!unit) throw new Error(`responsibility of unknown unit ${r.unitId}`);
    return unit;
  }
}

/** A unit's responsible department and officers, as fields of OrgUnit. */
@Resolver(() => OrgUnit)
export class UnitOfficersResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: 'The department responsible for disclosure and government services (政务公开政务服务责任部门); null when none is designated.',
  })
  async responsibleDepartment(@Root() unit: OrgUnit, @Ctx() ctx: RequestContext): Promise<string | null> {
    return (await OfficerService.responsibility(ctx, unit))?.responsibleDepartment ?? null;
  }

  @FieldResolver(() => UnitResponsibility, { nullable: true, description: 'The responsible department with the date it was designated; null when none is.' })
  responsibility(@Root() unit: OrgUnit, @Ctx() ctx: RequestContext): Promise<UnitResponsibility | null> {
    return OfficerService.responsibility(ctx, unit);
  }

  @FieldResolver(() => [Officer], { description: 'The people designated at this unit: the lead first, then officers and contacts, by name.' })
  officers(
    @Root() unit: OrgUnit,
    @Ctx() ctx: RequestContext,
    @Arg('activeOnly', { defaultValue: true, description: 'Only those still in the role (the default).' }) activeOnly: boolean,
  ): Promise<Officer[]> {
    return OfficerService.ofUnit(ctx, unit, activeOnly);
  }
}
