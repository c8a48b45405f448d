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
import { ApiKeyResolver } from './modules/apikeys/api-key.resolver';
import { authChecker } from './auth/allow';
import { ReportResolver } from './modules/reports/report.resolver';
import { InspectionResolver } from './modules/inspection/inspection.resolver';
import { STATS_IDENTITY_RESOLVERS } from './modules/stats/stats.identity';
import { NO_PUBSUB, SubscriptionResolver } from './subscriptions/subscription.resolver';

/** Every resolver of the API, in one list. */
export const RESOLVERS = [TenantResolver, UnitResolver, CalendarResolver, InteractionResolver, ReplyRuleResolver, DisclosureResolver, UnitDisclosureResolver, DisclosureApplicationResolver, DisclosureDisputeResolver, CentreResolver, UnitCentresResolver, OfficerResolver, UnitOfficersResolver, UnitResponsibilityResolver, UnitStatsFieldResolver, StatsResolver, ReportResolver, InspectionResolver, ApiKeyResolver, ...STATS_IDENTITY_RESOLVERS, SubscriptionResolver] as const;

let cached: Promise<GraphQLSchema> | null = null;

/** The executable schema, built once from the type-graphql classes. */
export function getSchema(): Promise<GraphQLSchema> {
  return (cached ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    // Subscriptions are served by the live hub (src/subscriptions), never through a PubSub.
    pubSub: NO_PUBSUB,
    validate: { forbidUnknownValues: false, stopAtFirstError: true },
  }));
}

/** The SDL committed as schema.graphql (sorted, so the file only changes when the API does). */
export async function printSdl(): Promise<string> {
  return printSchema(lexicographicSortSchema(await getSchema())) + '\n';
}
