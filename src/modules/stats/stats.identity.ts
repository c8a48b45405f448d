import { FieldResolver, ID, Resolver, Root } from 'type-graphql';
import {
  ApplicationStats,
  CategoryCount,
  CentreKindCount,
  CentreStats,
  ChannelCount,
  DisclosureStats,
  DisputeCounts,
  DisputeStats,
  InteractionKindStats,
  InteractionStats,
  LevelCoverage,
  OfficerStats,
  OutcomeCount,
  ReportingLevelCoverage,
  RoleCount,
  UnitKindCoverage,
  UnitStats,
} from './stats.types';

/**
 * Stable identities of figure objects for client caches (issue 15): Apollo Client and urql
 * normalize an object by `__typename` + `id`, so every figure object gets an `id` built from where
 * it sits: `UnitStats.id` = `<unit id>:<period label>:<SUBTREE|OWN>`, a figure group adds its name
 * (`…:interactions`), a nested object its field (`…:disputes:lawsuits`) and a list entry its key
 * (`…:interactions:byKind:MAILBOX`). The same figures of the same unit, period and scope always
 * get the same id, whatever the query, so two queries asking different fields of them merge.
 */
const IDENTITY = Symbol('identity');
type Identified = { [IDENTITY]?: string };

/** Fields that tell the entries of a breakdown list apart. */
const ENTRY_KEYS = ['kind', 'level', 'reportingLevel', 'unitKind', 'channel', 'categoryCode', 'outcome', 'role'];

export function unitStatsId(s: UnitStats): string {
  return `${s.unit.id}:${s.period.label}:${s.scope}`;
}

/** Stamps `obj` (a figure group of `s`) and everything nested in it with their identities; returns `obj`. */
export function identify<T extends object>(s: UnitStats, group: string, obj: T): T {
  stamp(obj, `${unitStatsId(s)}:${group}`);
  return obj;
}

function stamp(obj: object, id: string): void {
  (obj as Identified)[IDENTITY] = id;
  for (const [field, value] of Object.entries(obj)) {
    if (Array.isArray(value)) {
      for (const entry of value) {
        if (!entry || typeof entry !== 'object') continue;
        const key = ENTRY_KEYS.filter((k) => k in entry).map((k) => String((entry as Record<string, unknown>)[k])).join(',');
        stamp(entry, `${id}:${field}:${key}`);
      }
    } else if (value && typeof value === 'object') {
      stamp(value, `${id}:${field}`);
    }
  }
}

const description = 'Stable identity for client caches: the unit, period and scope of the figures, and where they sit in them.';
const idOf = (r: object) => (r as Identified)[IDENTITY] ?? '';

@Resolver(() => UnitStats)
export class UnitStatsIdentity {
  @FieldResolver(() => ID, { description: 'Stable identity for client caches: `<unit id>:<period label>:<scope>`.' })
  id(@Root() s: UnitStats): string {
    return unitStatsId(s);
  }
}

function identityResolver(type: new () => object) {
  @Resolver(() => type)
  class Identity {
    @FieldResolver(() => ID, { description })
    id(@Root() r: object): string {
      return idOf(r);
    }
  }
  Object.defineProperty(Identity, 'name', { value: `${type.name}Identity` });
  return Identity;
}

/** The resolvers of every `id` field of the figure types (registered in src/schema.ts). */
export const STATS_IDENTITY_RESOLVERS = [
  UnitStatsIdentity,
  ...[
    DisclosureStats, CategoryCount, ChannelCount, InteractionStats, InteractionKindStats, ApplicationStats, OutcomeCount,
    DisputeStats, DisputeCounts, CentreStats, CentreKindCount, LevelCoverage, ReportingLevelCoverage, UnitKindCoverage, OfficerStats, RoleCount,
  ].map(identityResolver),
] as const;
