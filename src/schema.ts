import 'reflect-metadata';
import { GraphQLSchema, isInputObjectType, isInterfaceType, isObjectType, lexicographicSortSchema, printSchema } from 'graphql';
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
import { MAX_PAGE_SIZE_TEXT } from './pagination';
import { DEFAULT_MAX_PAGE_SIZE } from './config';

/** Every resolver of the API, in one list. */
export const RESOLVERS = [TenantResolver, UnitResolver, CalendarResolver, InteractionResolver, ReplyRuleResolver, DisclosureResolver, UnitDisclosureResolver, DisclosureApplicationResolver, DisclosureDisputeResolver, CentreResolver, UnitCentresResolver, OfficerResolver, UnitOfficersResolver, UnitResponsibilityResolver, UnitStatsFieldResolver, StatsResolver, ReportResolver, InspectionResolver, ApiKeyResolver, ...STATS_IDENTITY_RESOLVERS, SubscriptionResolver] as const;

/** The limits the schema's descriptions state (from the configuration). */
export interface SchemaLimits {
  maxPageSize: number;
}

const built = new Map<number, Promise<GraphQLSchema>>();

/**
 * The executable schema, built once per set of limits from the type-graphql classes, with the
 * configured limits written into the descriptions that name them.
 */
export function getSchema(limits: SchemaLimits = { maxPageSize: DEFAULT_MAX_PAGE_SIZE }): Promise<GraphQLSchema> {
  let schema = built.get(limits.maxPageSize);
  if (!schema) {
    schema = buildSchema({
      resolvers: RESOLVERS,
      authChecker,
      authMode: 'error',
      // Subscriptions are served by the live hub (src/subscriptions), never through a PubSub.
      pubSub: NO_PUBSUB,
      validate: { forbidUnknownValues: false, stopAtFirstError: true },
    }).then((s) => describeLimits(s, limits));
    built.set(limits.maxPageSize, schema);
  }
  return schema;
}

/** Writes the configured limits into the descriptions (each build has its own type objects). */
function describeLimits(schema: GraphQLSchema, limits: SchemaLimits): GraphQLSchema {
  const fill = (d: string | null | undefined) => (d ? d.replaceAll(MAX_PAGE_SIZE_TEXT, String(limits.maxPageSize)) : d);
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        field.description = fill(field.description);
        for (const arg of field.args) arg.description = fill(arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) field.description = fill(field.description);
    }
  }
  return schema;
}

/** The SDL committed as schema.graphql (sorted, so the file only changes when the API does). */
export async function printSdl(): Promise<string> {
  return printSchema(lexicographicSortSchema(await getSchema())) + '\n';
}
