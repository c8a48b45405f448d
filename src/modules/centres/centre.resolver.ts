import { Allow } from '../../auth/allow';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { ConnectionResult } from '../../pagination';
import { OrgUnit } from '../units/org-unit.entity';
import { Centre, CentreCheck } from './centre.entity';
import { CentreKind, CentreStatus } from './centre.enums';
import { CentreCheckInput, CentresArgs, CreateCentreArgs, ReportCentreCheckArgs, UpdateCentreArgs } from './centre.inputs';
import { CentreService } from './centre.service';
import { MAX_CHECKS_PER_REPORT, reportCentreChecks } from './centre.ingest';
import { CentreCheckReport, CentreChecksReport, CentreConnection } from './centre.types';
import { MAX_PAGE_SIZE_TEXT } from '../../pagination';

@Resolver(() => Centre)
export class CentreResolver {
  @Query(() => Centre, { nullable: true, description: 'One centre by id; null when unknown.' })
  centre(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Centre | null> {
    return CentreService.centre(ctx, id);
  }

  @Query(() => CentreConnection, { description: 'Centres in (unit code, name, id) order, filtered; a Relay connection.' })
  centres(@Ctx() ctx: RequestContext, @Args() { filter, first, after }: CentresArgs): Promise<ConnectionResult<Centre>> {
    return CentreService.centres(ctx, filter, first, after);
  }

  @FieldResolver(() => OrgUnit, { description: 'The unit that runs this centre.' })
  unit(@Root() centre: Centre, @Ctx() ctx: RequestContext): Promise<OrgUnit> {
    return CentreService.unit(ctx, centre);
  }

  @FieldResolver(() => CentreCheck, { nullable: true, description: 'The newest reachability check reported; null until one is.' })
  lastCheck(@Root() centre: Centre): CentreCheck | null {
    return CentreService.lastCheck(centre);
  }

  @FieldResolver(() => [CentreCheck], { description: 'The history of reachability checks, newest first.' })
  checks(
    @Root() centre: Centre,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `How many, at most ${MAX_PAGE_SIZE_TEXT}.` }) first: number,
  ): Promise<CentreCheck[]> {
    return CentreService.checks(ctx, centre, first);
  }

  @Allow('centres:manage')
  @Mutation(() => Centre, { description: 'Opens a centre, station or point at a unit.' })
  createCentre(@Ctx() ctx: RequestContext, @Args() { input }: CreateCentreArgs): Promise<Centre> {
    return CentreService.create(ctx, input);
  }

  @Allow('centres:manage')
  @Mutation(() => Centre, { description: 'Changes a centre. Unknown id: NOT_FOUND.' })
  updateCentre(@Ctx() ctx: RequestContext, @Args() { id, input }: UpdateCentreArgs): Promise<Centre> {
    return CentreService.update(ctx, id, input);
  }

  @Allow('centres:manage')
  @Mutation(() => Centre, { description: 'Marks a centre CLOSED (it stays, with its history). Unknown id: NOT_FOUND.' })
  closeCentre(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Centre> {
    return CentreService.close(ctx, id);
  }

  @Allow('centres:manage')
  @Mutation(() => ID, { description: 'Deletes a centre entered by mistake, with its check history; answers its id. Unknown id: NOT_FOUND.' })
  deleteCentre(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<string> {
    return CentreService.delete(ctx, id);
  }

  @Allow('centres:manage')
  @Mutation(() => CentreCheckReport, {
    description: 'Reports one reachability check. It joins the history; it becomes the latest only if newer than the stored one.',
  })
  reportCentreCheck(@Ctx() ctx: RequestContext, @Args() { input }: ReportCentreCheckArgs): Promise<CentreCheckReport> {
    return CentreService.reportCheck(ctx, input);
  }

  @Allow('centres:manage')
  @Mutation(() => CentreChecksReport, {
    description: `Reports up to ${MAX_CHECKS_PER_REPORT} checks of one tenant's centres. The bulk contract: every row is checked first; any bad row fails the whole call (BAD_USER_INPUT, reason INVALID_ROWS, every problem in \`extensions.rowErrors\`) and nothing is written. A centre's instant already recorded is not written twice (\`duplicates\`), so a retried batch is harmless.`,
  })
  reportCentreChecks(
    @Ctx() ctx: RequestContext,
    @Arg('tenant', () => String, { nullable: true, description: 'Province code; optional: the credential fixes the tenant (when given it must match).' }) tenant: string | null | undefined,
    @Arg('checks', () => [CentreCheckInput], { validate: false }) checks: CentreCheckInput[],
  ): Promise<CentreChecksReport> {
    return reportCentreChecks(ctx, tenant, checks);
  }
}

/** The centres of a unit, as a field of OrgUnit. */
@Resolver(() => OrgUnit)
export class UnitCentresResolver {
  @FieldResolver(() => [Centre], { description: 'The sunshine service centres this unit runs, by name, optionally of one kind and status.' })
  centres(
    @Root() unit: OrgUnit,
    @Ctx() ctx: RequestContext,
    @Arg('kind', () => CentreKind, { nullable: true }) kind?: CentreKind,
    @Arg('status', () => CentreStatus, { nullable: true }) status?: CentreStatus,
  ): Promise<Centre[]> {
    return CentreService.ofUnit(ctx, unit, kind ?? null, status ?? null);
  }
}
