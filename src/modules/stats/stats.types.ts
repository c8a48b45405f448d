import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import { DisclosureChannel } from '../disclosures/disclosure.enums';
import { InteractionKind } from '../interactions/interaction.enums';
import { ApplicationOutcome } from '../applications/application.enums';
import { CentreKind } from '../centres/centre.enums';
import { OfficerRole } from '../officers/officer.enums';
import { UnitKind, UnitLevel } from '../units/unit.enums';
import { OrgUnit } from '../units/org-unit.entity';
import { Period } from './period';
import { StatsMetric } from './rollup.groups';

export enum StatsScope {
  SUBTREE = 'SUBTREE',
  OWN = 'OWN',
}
registerEnumType(StatsScope, { name: 'StatsScope', description: 'SUBTREE: the unit and every unit below it; OWN: the unit alone.' });

export enum Granularity {
  MONTH = 'MONTH',
  DAY = 'DAY',
}
registerEnumType(Granularity, { name: 'Granularity', description: 'Width of the points of a time series.' });

export enum SortOrder {
  DESC = 'DESC',
  ASC = 'ASC',
}
registerEnumType(SortOrder, { name: 'SortOrder' });

export enum LagProblem {
  NO_PUBLICATION = 'NO_PUBLICATION',
  NO_INTERVIEW = 'NO_INTERVIEW',
  OVERDUE_EVENTS = 'OVERDUE_EVENTS',
  NO_CENTRE = 'NO_CENTRE',
  NO_OFFICER = 'NO_OFFICER',
  NO_RESPONSIBLE_DEPARTMENT = 'NO_RESPONSIBLE_DEPARTMENT',
}
registerEnumType(LagProblem, {
  name: 'LagProblem',
  description: 'Named problems of the inspection notice (seed 003) and the monitoring bulletins (seed 004), of a unit’s own records.',
  valuesConfig: {
    NO_PUBLICATION: { description: 'Published no disclosure item in the period (全年无信息报送).' },
    NO_INTERVIEW: { description: 'Took part in no online interview in the period (未参加在线访谈).' },
    OVERDUE_EVENTS: { description: 'Has events received in the period that are open past their deadline now.' },
    NO_CENTRE: { description: 'Had no open sunshine-service centre on the last day of the period.' },
    NO_OFFICER: { description: 'Has no active e-government officer (未明确工作人员).' },
    NO_RESPONSIBLE_DEPARTMENT: { description: 'Has designated no responsible department (未明确责任部门).' },
  },
});

@ObjectType({ description: 'Published items of one category.' })
export class CategoryCount {
  @Field()
  categoryCode!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Published items on one channel (an item on two channels counts on both).' })
export class ChannelCount {
  @Field(() => DisclosureChannel)
  channel!: DisclosureChannel;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Disclosure items published in the period (PUBLISHED now; a withdrawn item no longer counts).' })
export class DisclosureStats {
  @Field(() => Int)
  published!: number;

  @Field(() => Int, { description: 'Of those, published in a special column.' })
  inSpecialColumn!: number;

  @Field(() => [CategoryCount], { description: 'By category, largest first.' })
  byCategory!: CategoryCount[];

  @Field(() => [ChannelCount], { description: 'By channel, largest first.' })
  byChannel!: ChannelCount[];
}

@ObjectType({ description: 'Counts of interaction events received in the period, by their status now.' })
export class InteractionCounts {
  @Field(() => Int, { description: 'Every event received, whatever its status.' })
  received = 0;

  @Field(() => Int)
  replied = 0;

  @Field(() => Int, { description: 'Replied before the deadline (or with no deadline).' })
  repliedOnTime = 0;

  @Field(() => Int, { description: 'Replied late, or open past the deadline now.' })
  overdue = 0;

  @Field(() => Int)
  open = 0;

  @Field(() => Int)
  invalid = 0;

  @Field(() => Int)
  duplicate = 0;

  @Field(() => Int, { description: 'Interviews, surveys and solicitations held.' })
  held = 0;

  @Field(() => Float, { nullable: true, description: 'replied / (received − invalid − duplicate − held); null when that is 0.' })
  replyRate: number | null = null;

  @Field(() => Float, { nullable: true, description: 'repliedOnTime / (received − invalid − duplicate − held); null when that is 0.' })
  onTimeRate: number | null = null;
}

@ObjectType({ description: 'Interaction figures of one kind.' })
export class InteractionKindStats extends InteractionCounts {
  @Field(() => InteractionKind)
  kind!: InteractionKind;
}

@ObjectType({ description: 'Interaction events (政民互动, 咨询) received in the period.' })
export class InteractionStats extends InteractionCounts {
  @Field(() => Int)
  interviews = 0;

  @Field(() => Int)
  surveys = 0;

  @Field(() => Int)
  solicitations = 0;

  @Field(() => Int)
  serviceRequests = 0;

  @Field(() => [InteractionKindStats], { description: 'By kind, kinds without events left out.' })
  byKind: InteractionKindStats[] = [];
}

@ObjectType()
export class OutcomeCount {
  @Field(() => ApplicationOutcome)
  outcome!: ApplicationOutcome;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Disclosure applications (依申请公开) received in the period, by their status now.' })
export class ApplicationStats {
  @Field(() => Int)
  received = 0;

  @Field(() => Int, { description: 'Still open.' })
  pending = 0;

  @Field(() => Int)
  decided = 0;

  @Field(() => Int)
  withdrawn = 0;

  @Field(() => Int, { description: 'Decided before the (possibly extended) deadline.' })
  decidedOnTime = 0;

  @Field(() => Int, { description: 'Whose deadline was extended.' })
  extended = 0;

  @Field(() => Int, { description: 'Open past the deadline now.' })
  overdue = 0;

  @Field(() => Float, { description: 'Fees charged, yuan.' })
  feesCharged = 0;

  @Field(() => [OutcomeCount], { description: 'Decided, by outcome.' })
  byOutcome: OutcomeCount[] = [];
}

@ObjectType({ description: 'Reconsiderations or lawsuits filed in the period, by their result now.' })
export class DisputeCounts {
  @Field(() => Int)
  filed = 0;

  @Field(() => Int)
  pending = 0;

  @Field(() => Int, { description: 'Concluded: the decision was upheld (维持).' })
  upheld = 0;

  @Field(() => Int, { description: 'Concluded: corrected (纠错).' })
  corrected = 0;

  @Field(() => Int)
  other = 0;
}

@ObjectType()
export class DisputeStats {
  @Field(() => DisputeCounts, { description: '行政复议' })
  reconsiderations = new DisputeCounts();

  @Field(() => DisputeCounts, { description: '行政诉讼' })
  lawsuits = new DisputeCounts();
}

@ObjectType()
export class CentreKindCount {
  @Field(() => CentreKind)
  kind!: CentreKind;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Centres and coverage among units of one level.' })
export class LevelCoverage {
  @Field(() => UnitLevel)
  level!: UnitLevel;

  @Field(() => Int, { description: 'Centres at units of this level.' })
  centres = 0;

  @Field(() => Int, { description: 'Units of this level (now).' })
  units = 0;

  @Field(() => Int, { description: 'Units of this level with at least one open centre.' })
  unitsCovered = 0;

  @Field(() => Float, { nullable: true, description: 'unitsCovered / units; null without units.' })
  coverage: number | null = null;
}

export enum ReportingLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  COUNTY = 'COUNTY',
  SCHOOL = 'SCHOOL',
  UNIVERSITY = 'UNIVERSITY',
  AFFILIATED_INSTITUTION = 'AFFILIATED_INSTITUTION',
}
registerEnumType(ReportingLevel, {
  name: 'ReportingLevel',
  description: 'A level as the annual reports count centres (seed 000: 市州一级, 县市区一级, 中小学一级, 高校一级): the unit level, with universities and affiliated institutions apart from the schools.',
  valuesConfig: {
    SCHOOL: { description: '中小学一级: units of level SCHOOL but universities and affiliated institutions (kindergartens, vocational and special schools included).' },
    UNIVERSITY: { description: '高校一级' },
    AFFILIATED_INSTITUTION: { description: '直属单位' },
  },
});

/** The reporting level of a unit of `level` and `kind`. */
export function reportingLevel(level: string, kind: string): ReportingLevel {
  if (kind === UnitKind.UNIVERSITY) return ReportingLevel.UNIVERSITY;
  if (kind === UnitKind.AFFILIATED_INSTITUTION) return ReportingLevel.AFFILIATED_INSTITUTION;
  return level as ReportingLevel;
}

@ObjectType({ description: 'Centres and coverage among units of one reporting level (universities apart from schools).' })
export class ReportingLevelCoverage {
  @Field(() => ReportingLevel)
  reportingLevel!: ReportingLevel;

  @Field(() => Int, { description: 'Centres at units of this reporting level.' })
  centres = 0;

  @Field(() => Int, { description: 'Units of this reporting level (now).' })
  units = 0;

  @Field(() => Int, { description: 'Units of this reporting level with at least one open centre.' })
  unitsCovered = 0;

  @Field(() => Float, { nullable: true, description: 'unitsCovered / units; null without units.' })
  coverage: number | null = null;
}

@ObjectType({ description: 'Centres and coverage among units of one kind (e.g. universities).' })
export class UnitKindCoverage {
  @Field(() => UnitKind)
  unitKind!: UnitKind;

  @Field(() => Int)
  centres = 0;

  @Field(() => Int)
  units = 0;

  @Field(() => Int)
  unitsCovered = 0;

  @Field(() => Float, { nullable: true })
  coverage: number | null = null;
}

@ObjectType({ description: 'Sunshine-service centres open (not closed) on the last day of the period.' })
export class CentreStats {
  @Field(() => Int)
  total = 0;

  @Field(() => Int, { description: 'With an online-hall entrance.' })
  withOnlineHall = 0;

  @Field(() => Int, { description: 'Whose entrance was reachable at its latest check.' })
  reachable = 0;

  @Field(() => [CentreKindCount])
  byKind: CentreKindCount[] = [];

  @Field(() => [LevelCoverage], { description: 'Per unit level, every level present in the subtree. Universities and affiliated institutions are units of level SCHOOL and are counted there; `byReportingLevel` counts them apart, as the annual reports do.' })
  byLevel: LevelCoverage[] = [];

  @Field(() => [ReportingLevelCoverage], { description: 'Per reporting level (schools, universities and affiliated institutions apart), every one present in the subtree, in the order of the enum.' })
  byReportingLevel: ReportingLevelCoverage[] = [];

  @Field(() => [UnitKindCoverage], { description: 'Per unit kind, every kind present in the subtree.' })
  byUnitKind: UnitKindCoverage[] = [];
}

@ObjectType()
export class RoleCount {
  @Field(() => OfficerRole)
  role!: OfficerRole;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'People now (not dated by the period).' })
export class OfficerStats {
  @Field(() => Int, { description: 'Active officers.' })
  active = 0;

  @Field(() => [RoleCount])
  byRole: RoleCount[] = [];

  @Field(() => Int, { description: 'Units that designated a responsible department.' })
  unitsWithResponsibleDepartment = 0;

  @Field(() => Int, { description: 'Units counted.' })
  units = 0;
}

/** What `OrgUnit.stats` / `own` return; each figure group is resolved (and batched) on its own. */
@ObjectType({ description: 'Figures of a unit (its subtree, or itself alone) for a period, read from the rollups.' })
export class UnitStats {
  @Field(() => Period)
  period!: Period;

  @Field(() => StatsScope)
  scope!: StatsScope;

  unit!: OrgUnit;
}

@ObjectType()
export class RankingEntry {
  @Field(() => Int, { description: '1 for the first entry in the requested order; ties share a rank.' })
  rank!: number;

  @Field(() => OrgUnit)
  unit!: OrgUnit;

  @Field(() => Float, { nullable: true, description: 'null for a rate without a denominator (sorted last).' })
  value!: number | null;
}

@ObjectType({ description: 'Units ordered by a figure.' })
export class Ranking {
  @Field(() => StatsMetric)
  metric!: StatsMetric;

  @Field(() => Period)
  period!: Period;

  @Field(() => Int, { description: 'Units ranked (before `first`).' })
  totalUnits!: number;

  @Field(() => [RankingEntry])
  entries!: RankingEntry[];
}

@ObjectType()
export class TimePoint {
  @Field(() => GraphQLLocalDate)
  from!: string;

  @Field(() => GraphQLLocalDate)
  to!: string;

  @Field(() => Float, { nullable: true })
  value!: number | null;
}

@ObjectType()
export class TimeSeries {
  @Field(() => StatsMetric)
  metric!: StatsMetric;

  @Field(() => Granularity)
  granularity!: Granularity;

  @Field(() => StatsScope)
  scope!: StatsScope;

  @Field(() => [TimePoint])
  points!: TimePoint[];
}

@ObjectType({ description: 'A unit with at least one of the problems asked about, and the figures behind them.' })
export class LaggingUnit {
  @Field(() => OrgUnit)
  unit!: OrgUnit;

  @Field(() => [LagProblem])
  problems!: LagProblem[];

  @Field(() => Int, { description: 'Items it published in the period.' })
  published!: number;

  @Field(() => Int, { description: 'Interviews it held in the period.' })
  interviews!: number;

  @Field(() => Int, { description: 'Its events received in the period and open past the deadline now.' })
  overdueOpenEvents!: number;

  @Field(() => Int, { description: 'Its centres open on the last day of the period.' })
  centres!: number;

  @Field(() => Int, { description: 'Its active officers.' })
  officers!: number;

  @Field({ description: 'Whether it designated a responsible department.' })
  responsibleDepartment!: boolean;
}
