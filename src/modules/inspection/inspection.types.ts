import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { OrgUnit } from '../units/org-unit.entity';

/** What the data can tell about a unit's year (each check is passed or not). */
export enum InspectionCheck {
  PORTAL_CONTRIBUTION = 'PORTAL_CONTRIBUTION',
  ANNUAL_REPORT = 'ANNUAL_REPORT',
  CENTRE_ENTRANCE = 'CENTRE_ENTRANCE',
  INTERVIEW = 'INTERVIEW',
  RESPONSIBLE_DEPARTMENT = 'RESPONSIBLE_DEPARTMENT',
  OFFICER = 'OFFICER',
}
registerEnumType(InspectionCheck, {
  name: 'InspectionCheck',
  description: 'A criterion computed from the data (the unit’s own records).',
  valuesConfig: {
    PORTAL_CONTRIBUTION: { description: 'Published at least one item in the year (向政务网投稿).' },
    ANNUAL_REPORT: { description: 'Its annual report of the previous year was published by the end of the year.' },
    CENTRE_ENTRANCE: { description: 'Has an open centre whose online-hall entrance was reachable at its latest check.' },
    INTERVIEW: { description: 'Took part in at least one online interview in the year.' },
    RESPONSIBLE_DEPARTMENT: { description: 'Designated a responsible department.' },
    OFFICER: { description: 'Has at least one active designated officer.' },
  },
});

/** The named problems of the inspection notice (seed 003). */
export enum InspectionProblem {
  NO_PORTAL_CONTRIBUTION = 'NO_PORTAL_CONTRIBUTION',
  NO_INTERVIEW = 'NO_INTERVIEW',
  NO_RESPONSIBLE_DEPARTMENT = 'NO_RESPONSIBLE_DEPARTMENT',
  NO_OFFICER = 'NO_OFFICER',
  CENTRE_ENTRANCE_UNREACHABLE = 'CENTRE_ENTRANCE_UNREACHABLE',
  WEBSITE_VULNERABILITY = 'WEBSITE_VULNERABILITY',
  NO_DISCLOSURE_CATALOGUE = 'NO_DISCLOSURE_CATALOGUE',
  NO_ANNUAL_REPORT = 'NO_ANNUAL_REPORT',
}
registerEnumType(InspectionProblem, {
  name: 'InspectionProblem',
  description: 'A named problem of the inspection notice (seed 003). The first five and NO_ANNUAL_REPORT are computed from the data; any may be recorded by an inspector.',
});

export enum ScoreSource {
  COMPUTED = 'COMPUTED',
  MANUAL = 'MANUAL',
}
registerEnumType(ScoreSource, { name: 'ScoreSource', description: 'COMPUTED from the data, or MANUAL: entered by an inspector.' });

export enum InspectionGrade {
  EXCELLENT = 'EXCELLENT',
  PASS = 'PASS',
  FAIL = 'FAIL',
}
registerEnumType(InspectionGrade, { name: 'InspectionGrade', description: 'EXCELLENT: at least the excellent threshold (80); PASS: at least the pass threshold (60); FAIL: below.' });

export enum NoticeGroup {
  CITY_BUREAUS = 'CITY_BUREAUS',
  UNIVERSITIES = 'UNIVERSITIES',
  AFFILIATED_INSTITUTIONS = 'AFFILIATED_INSTITUTIONS',
  OTHER_UNITS = 'OTHER_UNITS',
}
registerEnumType(NoticeGroup, { name: 'NoticeGroup', description: 'How the notice groups units: 市州教育（体）局, 高等学校, 直属单位, and others (counties, schools).' });

@ObjectType({ description: 'A dimension of the scheme: its weight (points) and the checks that compute it.' })
export class InspectionDimension {
  @Field({ description: 'e.g. DISCLOSURE' })
  code!: string;

  @Field({ description: 'e.g. 政务公开' })
  name!: string;

  @Field(() => Float)
  weight!: number;

  @Field(() => [InspectionCheck], { description: 'Computed score: weight × checks passed / checks. Without checks the dimension needs a manual score (else 0).' })
  checks!: InspectionCheck[];
}

@ObjectType({ description: 'A tenant’s inspection scheme; the default follows seed 003.' })
export class InspectionScheme {
  @Field({ description: 'Province code of the tenant.' })
  tenant!: string;

  @Field(() => [InspectionDimension])
  dimensions!: InspectionDimension[];

  @Field(() => Float, { description: 'Sum of the weights (100).' })
  total!: number;

  @Field(() => Int)
  excellentThreshold!: number;

  @Field(() => Int)
  passThreshold!: number;

  @Field({ description: 'true while the tenant has not set its own.' })
  isDefault!: boolean;

  @Field(() => String, { nullable: true })
  updatedBy?: string | null;

  @Field(() => GraphQLDateTime, { nullable: true })
  updatedAt?: Date | null;
}

@ObjectType()
export class DimensionScore {
  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => Float)
  weight!: number;

  @Field(() => Float)
  score!: number;

  @Field(() => ScoreSource)
  source!: ScoreSource;

  @Field(() => Int, { description: 'Checks of the dimension the unit passed (whatever the source).' })
  checksPassed!: number;

  @Field(() => Int)
  checksTotal!: number;

  @Field(() => String, { nullable: true, description: 'MANUAL: the inspector.' })
  scoredBy?: string | null;

  @Field(() => GraphQLDateTime, { nullable: true })
  scoredAt?: Date | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@ObjectType()
export class InspectionFinding {
  @Field(() => InspectionProblem)
  problem!: InspectionProblem;

  @Field({ description: 'As the notice words it.' })
  label!: string;

  @Field(() => ScoreSource)
  source!: ScoreSource;

  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field(() => String, { nullable: true })
  foundBy?: string | null;

  @Field(() => GraphQLDateTime, { nullable: true })
  foundAt?: Date | null;
}

@ObjectType({ description: 'The data behind the computed checks (the unit’s own records).' })
export class InspectionFigures {
  @Field(() => Int, { description: 'Items published in the year.' })
  published!: number;

  @Field(() => Int, { description: 'Interviews held in the year.' })
  interviews!: number;

  @Field(() => Int, { description: 'Open centres at the end of the year with a reachable online-hall entrance.' })
  reachableEntrances!: number;

  @Field(() => Int)
  officers!: number;

  @Field()
  responsibleDepartment!: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'When its report of the previous year was published.' })
  annualReportPublishedOn!: string | null;
}

@ObjectType()
export class UnitInspection {
  @Field(() => OrgUnit)
  unit!: OrgUnit;

  @Field(() => NoticeGroup)
  group!: NoticeGroup;

  @Field(() => Float)
  score!: number;

  @Field(() => InspectionGrade)
  grade!: InspectionGrade;

  @Field(() => Int, { description: '1 for the best score; ties share a rank.' })
  rank!: number;

  @Field(() => [DimensionScore])
  dimensions!: DimensionScore[];

  @Field(() => [InspectionFinding])
  findings!: InspectionFinding[];

  @Field(() => InspectionFigures)
  figures!: InspectionFigures;
}

@ObjectType()
export class NoticeUnitGroup {
  @Field(() => NoticeGroup)
  group!: NoticeGroup;

  @Field({ description: 'e.g. 市州教育（体）局' })
  label!: string;

  @Field(() => [OrgUnit], { description: 'Best score first, then by code.' })
  units!: OrgUnit[];
}

@ObjectType()
export class NoticeProblem {
  @Field(() => InspectionProblem)
  problem!: InspectionProblem;

  @Field({ description: 'The notice’s heading the problem falls under, e.g. （一）思想上不够重视' })
  heading!: string;

  @Field()
  label!: string;

  @Field(() => [OrgUnit], { description: 'By code.' })
  units!: OrgUnit[];
}

@ObjectType({ description: 'The structure of the inspection notice (seed 003).' })
export class InspectionNotice {
  @Field(() => Int)
  excellentCount!: number;

  @Field(() => [NoticeUnitGroup], { description: 'Excellent units (优秀单位), grouped; empty groups left out.' })
  excellent!: NoticeUnitGroup[];

  @Field(() => [NoticeProblem], { description: 'Named problems (存在的主要问题) with the units concerned; problems nobody has are left out.' })
  problems!: NoticeProblem[];
}

@ObjectType({ description: 'The yearly inspection of the units directly under a unit (a province: its cities, universities and affiliated institutions).' })
export class Inspection {
  @Field(() => OrgUnit)
  parent!: OrgUnit;

  @Field(() => Int)
  year!: number;

  @Field(() => InspectionScheme)
  scheme!: InspectionScheme;

  @Field(() => [UnitInspection], { description: 'Best score first, then by code.' })
  units!: UnitInspection[];

  @Field(() => InspectionNotice)
  notice!: InspectionNotice;
}

@ObjectType({ description: 'An inspector’s manual score of one dimension.' })
export class ManualScore {
  @Field(() => OrgUnit)
  unit!: OrgUnit;

  @Field(() => Int)
  year!: number;

  @Field()
  dimension!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field()
  scoredBy!: string;

  @Field(() => GraphQLDateTime)
  scoredAt!: Date;
}

@InputType()
export class InspectionDimensionInput {
  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => Float)
  weight!: number;

  @Field(() => [InspectionCheck], { defaultValue: [] })
  checks!: InspectionCheck[];
}

@InputType()
export class InspectionSchemeInput {
  @Field(() => [InspectionDimensionInput], { description: '1–20 dimensions with distinct codes; weights > 0 adding up to 100.' })
  dimensions!: InspectionDimensionInput[];

  @Field(() => Int, { defaultValue: 80 })
  excellentThreshold!: number;

  @Field(() => Int, { defaultValue: 60 })
  passThreshold!: number;
}

@InputType()
export class InspectionScoreInput {
  @Field(() => ID)
  unitId!: string;

  @Field(() => Int)
  year!: number;

  @Field({ description: 'A dimension code of the tenant’s scheme.' })
  dimension!: string;

  @Field(() => Float, { nullable: true, description: '0 to the dimension’s weight; null removes the manual score (the computed one applies again).' })
  score?: number | null;

  @Field({ nullable: true })
  note?: string;
}

@InputType()
export class InspectionFindingInput {
  @Field(() => ID)
  unitId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => InspectionProblem)
  problem!: InspectionProblem;

  @Field({ defaultValue: true, description: 'false removes the finding.' })
  present!: boolean;

  @Field({ nullable: true })
  note?: string;
}
