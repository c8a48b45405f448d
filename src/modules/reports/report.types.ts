import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import { OrgUnit } from '../units/org-unit.entity';
import { Period } from '../stats/period';
import { ReportText } from './report-text.entity';

export enum ReportSectionKey {
  DISCLOSURE = 'DISCLOSURE',
  APPLICATIONS = 'APPLICATIONS',
  INTERACTION = 'INTERACTION',
  DISPUTES = 'DISPUTES',
  FEES = 'FEES',
  CENTRES = 'CENTRES',
  OFFICERS = 'OFFICERS',
  PROBLEMS = 'PROBLEMS',
}
registerEnumType(ReportSectionKey, {
  name: 'ReportSectionKey',
  description: 'The sections of the statutory annual report (seed 002 lists nine; the overview and pilot sections are free prose not kept here).',
});

export enum ReportFigureFormat {
  COUNT = 'COUNT',
  RATE = 'RATE',
  AMOUNT = 'AMOUNT',
}
registerEnumType(ReportFigureFormat, {
  name: 'ReportFigureFormat',
  description: 'How the figures of a row are read and printed.',
  valuesConfig: {
    COUNT: { description: 'A whole number (条, 件, 个, 人, 场).' },
    RATE: { description: 'A fraction from 0 to 1 (0.98), printed as a percentage with one decimal (98.0%); its change is printed in percentage points.' },
    AMOUNT: { description: 'An amount of money in yuan.' },
  },
});

@ObjectType({ description: 'One figure of the report year, with the previous year beside it.' })
export class ReportCell {
  @Field(() => Float, { nullable: true, description: 'This year; null for a rate without a denominator, or when the unit has no data for the year (printed "—").' })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: 'The previous year; null for a rate without a denominator, a figure of now (not dated), or when the unit has no data for the previous year (printed "—").' })
  previous!: number | null;

  @Field(() => Float, { nullable: true, description: 'value − previous; null when either is null.' })
  change!: number | null;
}

@ObjectType()
export class ReportColumn {
  @Field()
  key!: string;

  @Field({ description: 'Chinese label, as in the seed reports.' })
  label!: string;
}

@ObjectType()
export class ReportRow {
  @Field({ description: 'Stable key, e.g. `received` or a category code.' })
  key!: string;

  @Field({ description: 'Chinese label, as in the seed reports.' })
  label!: string;

  @Field(() => ReportFigureFormat, { description: 'How its cells are read and printed: RATE cells are fractions, printed as percentages.' })
  format!: ReportFigureFormat;

  @Field(() => [ReportCell], { description: 'One cell per column of the table.' })
  cells!: ReportCell[];
}

@ObjectType({ description: 'A table of a section: rows × columns of figures.' })
export class ReportTable {
  @Field()
  key!: string;

  @Field()
  title!: string;

  @Field({ nullable: true, description: 'What the unit of the figures is (条, 件, 元, %) or how they were counted.' })
  note?: string;

  @Field(() => [ReportColumn])
  columns!: ReportColumn[];

  @Field(() => [ReportRow])
  rows!: ReportRow[];
}

@ObjectType()
export class ReportSection {
  @Field(() => ReportSectionKey)
  key!: ReportSectionKey;

  @Field({ description: 'e.g. 二、政府信息依申请公开情况' })
  title!: string;

  @Field(() => [ReportTable])
  tables!: ReportTable[];

  @Field(() => [ReportParagraph], { description: 'Free text (the problems and improvements section).' })
  paragraphs!: ReportParagraph[];
}

@ObjectType()
export class ReportParagraph {
  @Field({ description: 'e.g. 存在的主要问题' })
  heading!: string;

  @Field()
  text!: string;
}

@ObjectType({ description: 'The statutory annual disclosure report of a unit, from the rollups and the stored free text.' })
export class AnnualReport {
  @Field(() => OrgUnit)
  unit!: OrgUnit;

  @Field(() => Int)
  year!: number;

  @Field(() => Period)
  period!: Period;

  @Field(() => Period)
  previousPeriod!: Period;

  @Field({ description: 'e.g. 湖南省教育厅2014年政府信息公开工作年度报告' })
  title!: string;

  @Field(() => [ReportSection])
  sections!: ReportSection[];

  @Field(() => ReportText, { nullable: true, description: 'The stored free text; null if none was written yet.' })
  text!: ReportText | null;
}

@ArgsType()
export class AnnualReportArgs {
  @Field(() => ID)
  unitId!: string;

  @Field(() => Int)
  year!: number;
}

@InputType({ description: 'The free-text sections of a unit’s annual report; fields left out keep their value.' })
export class SaveReportTextInput {
  @Field(() => ID)
  unitId!: string;

  @Field(() => Int)
  year!: number;

  @Field({ nullable: true, description: '存在的主要问题; at most 20,000 characters.' })
  problems?: string;

  @Field({ nullable: true, description: '改进措施; at most 20,000 characters.' })
  improvements?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'When the report was published (null: unpublished).' })
  publishedOn?: string | null;
}
