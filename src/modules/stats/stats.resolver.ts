import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { selects } from './selection';
import { identify } from './stats.identity';
import type { RequestContext } from '../../context';
import { OrgUnit } from '../units/org-unit.entity';
import { UnitLevel } from '../units/unit.enums';
import { PeriodInput } from './period';
import { StatsMetric } from './rollup.groups';
import { Figures, StatsService } from './stats.service';
import {
  ApplicationStats,
  CentreStats,
  DisclosureStats,
  DisputeStats,
  Granularity,
  InteractionStats,
  LaggingUnit,
  LagProblem,
  OfficerStats,
  Ranking,
  SortOrder,
  TimeSeries,
  UnitStats,
} from './stats.types';

@ArgsType()
export class RankingsArgs {
  @Field(() => ID, { description: 'The unit whose children (or descendants of `level`) are ranked.' })
  parentId!: string;

  @Field(() => UnitLevel, { nullable: true, description: 'Rank the descendants of this level instead of the children.' })
  level?: UnitLevel;

  @Field(() => StatsMetric)
  metric!: StatsMetric;

  @Field(() => PeriodInput)
  period!: PeriodInput;

  @Field(() => SortOrder, { defaultValue: SortOrder.DESC })
  order!: SortOrder;

  @Field(() => Int, { defaultValue: 20 })
  first!: number;

  @Field({ defaultValue: false, description: 'Rank by each unit’s own figure instead of its subtree’s.' })
  own!: boolean;
}

@ArgsType()
export class TimeSeriesArgs {
  @Field(() => ID)
  unitId!: string;

  @Field(() => StatsMetric)
  metric!: StatsMetric;

  @Field(() => PeriodInput)
  period!: PeriodInput;

  @Field(() => Granularity, { defaultValue: Granularity.MONTH })
  granularity!: Granularity;

  @Field({ defaultValue: false, description: 'The unit’s own figure instead of its subtree’s.' })
  own!: boolean;
}

@ArgsType()
export class LaggingUnitsArgs {
  @Field(() => ID, { description: 'The unit whose children (or descendants of `level`) are examined.' })
  parentId!: string;

  @Field(() => UnitLevel, { nullable: true })
  level?: UnitLevel;

  @Field(() => PeriodInput)
  period!: PeriodInput;

  @Field(() => [LagProblem], { nullable: true, description: 'Only these problems (default: all).' })
  problems?: LagProblem[];

  @Field(() => Int, { defaultValue: 100, description: 'At most this many units, in code order.' })
  first!: number;
}

@Resolver(() => OrgUnit)
export class UnitStatsFieldResolver {
  // `validate: false`: PeriodInput has no class-validator rules (resolvePeriod checks it), and
  // type-graphql's validation costs an import of class-validator per call, here once per unit.
  @FieldResolver(() => UnitStats, { description: 'Figures of the unit and its whole subtree for a period, from the rollups.' })
  stats(@Root() unit: OrgUnit, @Arg('period', () => PeriodInput, { validate: false }) period: PeriodInput): UnitStats {
    return StatsService.stats(unit, period, false);
  }

  @FieldResolver(() => UnitStats, { description: 'Figures of the unit alone (its own records) for a period.' })
  own(@Root() unit: OrgUnit, @Arg('period', () => PeriodInput, { validate: false }) period: PeriodInput): UnitStats {
    return StatsService.stats(unit, period, true);
  }
}

@Resolver(() => UnitStats)
export class StatsResolver {
  @FieldResolver(() => DisclosureStats)
  async disclosures(@Root() s: UnitStats, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<DisclosureStats> {
    return identify(s, 'disclosures', Figures.disclosures(await StatsService.rows(ctx, s, selects(info, 'byChannel') ? 'disclosures' : 'disclosureCounts', !selects(info, 'byCategory'))));
  }

  @FieldResolver(() => InteractionStats)
  async interactions(@Root() s: UnitStats, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<InteractionStats> {
    return identify(s, 'interactions', Figures.interactions(await StatsService.rows(ctx, s, selects(info, 'overdue') ? 'interactions' : 'interactionCounts', !selects(info, 'byKind')), ctx.now));
  }

  @FieldResolver(() => ApplicationStats)
  async applications(@Root() s: UnitStats, @Ctx() ctx: RequestContext): Promise<ApplicationStats> {
    return identify(s, 'applications', Figures.applications(await StatsService.rows(ctx, s, 'applications'), ctx.now));
  }

  @FieldResolver(() => DisputeStats, { description: 'Reconsiderations and lawsuits filed in the period.' })
  async disputes(@Root() s: UnitStats, @Ctx() ctx: RequestContext): Promise<DisputeStats> {
    return identify(s, 'disputes', Figures.disputes(await StatsService.rows(ctx, s, 'applications')));
  }

  @FieldResolver(() => CentreStats)
  async centres(@Root() s: UnitStats, @Ctx() ctx: RequestContext): Promise<CentreStats> {
    return identify(s, 'centres', Figures.centres(await StatsService.rows(ctx, s, 'centres')));
  }

  @FieldResolver(() => OfficerStats)
  async officers(@Root() s: UnitStats, @Ctx() ctx: RequestContext): Promise<OfficerStats> {
    return identify(s, 'officers', Figures.officers(await StatsService.rows(ctx, s, 'officers')));
  }

  @Query(() => Ranking, { description: 'The children of a unit (or its descendants of a level) ordered by a figure for a period.' })
  rankings(@Ctx() ctx: RequestContext, @Args() args: RankingsArgs): Promise<Ranking> {
    return StatsService.rankings(ctx, args);
  }

  @Query(() => TimeSeries, { description: 'A figure of a unit per month or per day of a period.' })
  timeSeries(@Ctx() ctx: RequestContext, @Args() args: TimeSeriesArgs): Promise<TimeSeries> {
    return StatsService.timeSeries(ctx, args);
  }

  @Query(() => [LaggingUnit], {
    description:
      'Children of a unit (or descendants of a level) with named problems in a period, from their own records: the monitoring bulletin (seed 004) and the problems of the inspection notice (seed 003).',
  })
  laggingUnits(@Ctx() ctx: RequestContext, @Args() args: LaggingUnitsArgs): Promise<LaggingUnit[]> {
    return StatsService.laggingUnits(ctx, args);
  }
}
