import 'reflect-metadata';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { TenantResolver } from './modules/tenants/tenant.resolver';
import { UnitResolver } from './modules/units/unit.resolver';
import { CalendarResolver } from './modules/calendar/calendar.resolver';
import { InteractionResolver, ReplyRuleResolver } from './modules/interactions/interaction.resolver';
import { DisclosureApplicationResolver, DisclosureDisputeResolver } from './modules/applications/application.resolver';
import { DisclosureResolver, UnitDisclosureResolver } from './modules/disclosures/disclosure.resolver';
import { CentreResolver, UnitCentresResolver } from './modules/centres/centre.resolver';
import { OfficerResolver, UnitOfficersResolver, UnitResponsibilityResolver } from './modules/officers/officer.resolver';
import { StatsResolver, UnitStatsFieldResolver } from './modules/stats/stats.resolver';
import { ReportResolver } from './modules/reports/report.resolver';
import { InspectionResolver } from './modules/inspection/inspection.resolver';

/** Every resolver of the API, in one list. */
export const RESOLVERS = [TenantResolver, UnitResolver, CalendarResolver, InteractionResolver, ReplyRuleResolver, DisclosureResolver, UnitDisclosureResolver, DisclosureApplicationResolver, DisclosureDisputeResolver, CentreResolver, UnitCentresResolver, OfficerResolver, UnitOfficersResolver, UnitResponsibilityResolver, UnitStatsFieldResolver, StatsResolver, ReportResolver, InspectionResolver] as const;

let cached: Promise<GraphQLSchema> | null = null;

/** The executable schema, built once from the type-graphql classes. */
export function getSchema(): Promise<GraphQLSchema> {
  return (cached ??= buildSchema({
    resolvers: RESOLVERS,
    validate: { forbidUnknownValues: false, stopAtFirstError: true },
  }));
}

/** The SDL committed as schema.graphql (sorted, so the file only changes when the API does). */
export async function printSdl(): Promise<string> {
  return printSchema(lexicographicSortSchema(await getSchema())) + '\n';
}
