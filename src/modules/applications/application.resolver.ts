import { Allow } from '../../auth/allow';
import { Arg, Args, Ctx, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection, ConnectionResult } from '../../pagination';
import { OrgUnit } from '../units/org-unit.entity';
import { DisclosureApplication } from './disclosure-application.entity';
import { DisclosureDispute } from './disclosure-dispute.entity';
import {
  ConcludeDisclosureDisputeArgs,
  CreateDisclosureApplicationArgs,
  DecideDisclosureApplicationArgs,
  DisclosureApplicationsArgs,
  DisclosureDisputesArgs,
  ExtendDisclosureApplicationArgs,
  FileDisclosureDisputeArgs,
  WithdrawDisclosureApplicationArgs,
} from './application.inputs';
import { ApplicationService, onTime, overdue } from './application.service';

export const DisclosureApplicationConnection = Connection(DisclosureApplication, 'DisclosureApplication');
export const DisclosureDisputeConnection = Connection(DisclosureDispute, 'DisclosureDispute');

async function unitOf(ctx: RequestContext, row: { unitId: string }): Promise<OrgUnit> {
  const unit = await ctx.loaders.units.byId.load(row.unitId);
  if (!unit) throw new Error(`unit ${row.unitId} of a visible row is not visible`);
  return unit;
}

/** Personal data passes the one hook: the owning unit's path decides. */
async function personal(ctx: RequestContext, app: DisclosureApplication, value: string | null | undefined): Promise<string | null> {
  const unit = await ctx.loaders.units.byId.load(app.unitId);
  if (!unit || !ctx.canSeePersonalData(unit.path)) return null;
  return value ?? null;
}

@Resolver(() => DisclosureApplication)
export class DisclosureApplicationResolver {
  @Query(() => DisclosureApplication, { nullable: true, description: 'One disclosure application by id; null if unknown.' })
  disclosureApplication(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<DisclosureApplication | null> {
    return ApplicationService.application(ctx, id);
  }

  @Query(() => DisclosureApplicationConnection, {
    description:
      'Disclosure applications, newest receipt first (received_at desc, id desc); a Relay connection. ' +
      'Carried over into year Y (上年结转): `filter: { pendingAt: "Y-01-01" }`; of those, decided in Y: add `status: DECIDED, decidedFrom: "Y-01-01", decidedTo: "Y-12-31"`.',
  })
  disclosureApplications(@Ctx() ctx: RequestContext, @Args() { filter, first, after }: DisclosureApplicationsArgs): Promise<ConnectionResult<DisclosureApplication>> {
    return ApplicationService.applications(ctx, filter, first, after);
  }

  @Allow('applications:write')
  @Mutation(() => DisclosureApplication, { description: 'Records a received application; its deadline is 20 working days of the tenant calendar.' })
  createDisclosureApplication(@Ctx() ctx: RequestContext, @Args() { input }: CreateDisclosureApplicationArgs): Promise<DisclosureApplication> {
    return ApplicationService.create(ctx, input);
  }

  @Allow('applications:write')
  @Mutation(() => DisclosureApplication, { description: 'Extends the deadline once by 20 working days, before the original deadline.' })
  extendDisclosureApplication(@Ctx() ctx: RequestContext, @Args() { id, reason, at }: ExtendDisclosureApplicationArgs): Promise<DisclosureApplication> {
    return ApplicationService.extend(ctx, id, reason, at);
  }

  @Allow('applications:write')
  @Mutation(() => DisclosureApplication, { description: 'Decides an open application. REFUSED needs a legal ground.' })
  decideDisclosureApplication(@Ctx() ctx: RequestContext, @Args() { id, input }: DecideDisclosureApplicationArgs): Promise<DisclosureApplication> {
    return ApplicationService.decide(ctx, id, input);
  }

  @Allow('applications:write')
  @Mutation(() => DisclosureApplication, { description: 'Marks an open application withdrawn by the applicant.' })
  withdrawDisclosureApplication(@Ctx() ctx: RequestContext, @Args() { id, at }: WithdrawDisclosureApplicationArgs): Promise<DisclosureApplication> {
    return ApplicationService.withdraw(ctx, id, at);
  }

  @Allow('applications:write')
  @Mutation(() => ID, { description: 'Deletes an application entered by mistake (refused while a dispute refers to it); answers its id. Unknown id: NOT_FOUND.' })
  deleteDisclosureApplication(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<string> {
    return ApplicationService.delete(ctx, id);
  }

  @FieldResolver(() => OrgUnit, { description: 'The unit the application was addressed to.' })
  unit(@Root() app: DisclosureApplication, @Ctx() ctx: RequestContext): Promise<OrgUnit> {
    return unitOf(ctx, app);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Personal data: null unless the caller may see the unit’s personal data.' })
  applicantName(@Root() app: DisclosureApplication, @Ctx() ctx: RequestContext): Promise<string | null> {
    return personal(ctx, app, app.applicantName);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Personal data: null unless the caller may see the unit’s personal data.' })
  applicantContact(@Root() app: DisclosureApplication, @Ctx() ctx: RequestContext): Promise<string | null> {
    return personal(ctx, app, app.applicantContact);
  }

  @FieldResolver(() => Float, { description: 'Fee charged, in yuan.' })
  feeCharged(@Root() app: DisclosureApplication): number {
    return Number(app.feeCharged);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'Decided before the deadline; null while open or when withdrawn.' })
  onTime(@Root() app: DisclosureApplication): boolean | null {
    return onTime(app);
  }

  @FieldResolver(() => Boolean, { description: 'Still open (RECEIVED) and past its deadline now.' })
  overdue(@Root() app: DisclosureApplication): boolean {
    return overdue(app);
  }
}

@Resolver(() => DisclosureDispute)
export class DisclosureDisputeResolver {
  @Query(() => DisclosureDisputeConnection, { description: 'Reconsiderations and lawsuits about disclosure, newest filing first (filed_at desc, id desc).' })
  disclosureDisputes(@Ctx() ctx: RequestContext, @Args() { filter, first, after }: DisclosureDisputesArgs): Promise<ConnectionResult<DisclosureDispute>> {
    return ApplicationService.disputes(ctx, filter, first, after);
  }

  @Allow('applications:write')
  @Mutation(() => DisclosureDispute, { description: 'Records a reconsideration (行政复议) or lawsuit (行政诉讼) about a unit’s disclosure.' })
  fileDisclosureDispute(@Ctx() ctx: RequestContext, @Args() { input }: FileDisclosureDisputeArgs): Promise<DisclosureDispute> {
    return ApplicationService.fileDispute(ctx, input);
  }

  @Allow('applications:write')
  @Mutation(() => DisclosureDispute, { description: 'Concludes a pending reconsideration or lawsuit with its result.' })
  concludeDisclosureDispute(@Ctx() ctx: RequestContext, @Args() { id, outcome, concludedAt }: ConcludeDisclosureDisputeArgs): Promise<DisclosureDispute> {
    return ApplicationService.concludeDispute(ctx, id, outcome, concludedAt);
  }

  @FieldResolver(() => OrgUnit, { description: 'The unit whose disclosure is disputed.' })
  unit(@Root() d: DisclosureDispute, @Ctx() ctx: RequestContext): Promise<OrgUnit> {
    return unitOf(ctx, d);
  }

  @FieldResolver(() => DisclosureApplication, { nullable: true, description: 'The application it is about, if any.' })
  application(@Root() d: DisclosureDispute, @Ctx() ctx: RequestContext): Promise<DisclosureApplication | null> {
    return d.applicationId ? ctx.loaders.applications.byId.load(d.applicationId) : Promise.resolve(null);
  }
}
