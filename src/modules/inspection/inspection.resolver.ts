import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { InspectionService } from './inspection.service';
import { Inspection, InspectionFindingInput, InspectionScheme, InspectionSchemeInput, InspectionScoreInput, ManualScore } from './inspection.types';

@Resolver()
export class InspectionResolver {
  @Query(() => Inspection, {
    description:
      'The yearly inspection of the units directly under a unit: every unit’s score, grade and findings, and the notice’s structure (seed 003). Also as CSV at GET /inspection/<parent code>/<year>.csv.',
  })
  inspection(@Arg('parentId', () => ID) parentId: string, @Arg('year', () => Int) year: number, @Ctx() ctx: RequestContext): Promise<Inspection> {
    return InspectionService.inspection(ctx, parentId, year);
  }

  @Query(() => InspectionScheme, { description: 'The inspection scheme of a tenant (the default of seed 003 until it sets one).' })
  inspectionScheme(@Arg('tenant', { description: 'Province code.' }) tenant: string, @Ctx() ctx: RequestContext): Promise<InspectionScheme> {
    return InspectionService.scheme(ctx, tenant);
  }

  @Mutation(() => InspectionScheme, { description: 'Replaces a tenant’s inspection scheme (dimensions, weights adding up to 100, thresholds).' })
  setInspectionScheme(
    @Arg('tenant', { description: 'Province code.' }) tenant: string,
    @Arg('input', () => InspectionSchemeInput) input: InspectionSchemeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<InspectionScheme> {
    return InspectionService.setScheme(ctx, tenant, input);
  }

  @Mutation(() => ManualScore, { nullable: true, description: 'An inspector’s score of one dimension of a unit’s year; it replaces the computed score. A null score removes it (answers null).' })
  setInspectionScore(@Arg('input', () => InspectionScoreInput) input: InspectionScoreInput, @Ctx() ctx: RequestContext): Promise<ManualScore | null> {
    return InspectionService.setScore(ctx, input);
  }

  @Mutation(() => Boolean, { description: 'Records (present: true) or removes an inspector’s finding of a named problem; answers `present`.' })
  setInspectionFinding(@Arg('input', () => InspectionFindingInput) input: InspectionFindingInput, @Ctx() ctx: RequestContext): Promise<boolean> {
    return InspectionService.setFinding(ctx, input);
  }
}
