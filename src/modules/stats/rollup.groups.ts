import { registerEnumType } from 'type-graphql';
import { bucketRanges, EPOCH, Period } from './period';
import { InteractionKind } from '../interactions/interaction.enums';

/**
 * The groups of `stat_rollup` (migration 070000 documents the counters of each; the two must
 * agree). `flow` groups count what happened within a period, `stock` groups what existed at its
 * last day (the sum of every bucket up to it), `now` groups are undated (grain 'A').
 */
export const G = {
  EVENTS: 1,
  EVENTS_OPEN_DUE: 2,
  ITEMS: 3,
  ITEM_CHANNELS: 4,
  APPLICATIONS: 5,
  APPLICATIONS_OPEN_DUE: 6,
  DISPUTES: 7,
  CENTRES: 8,
  UNITS_COVERED: 9,
  UNITS: 10,
  OFFICERS: 11,
  RESPONSIBILITY: 12,
} as const;

type Kind = 'flow' | 'stock' | 'now';
const KIND: Record<number, Kind> = {
  [G.EVENTS]: 'flow',
  [G.EVENTS_OPEN_DUE]: 'flow',
  [G.ITEMS]: 'flow',
  [G.ITEM_CHANNELS]: 'flow',
  [G.APPLICATIONS]: 'flow',
  [G.APPLICATIONS_OPEN_DUE]: 'flow',
  [G.DISPUTES]: 'flow',
  [G.CENTRES]: 'stock',
  [G.UNITS_COVERED]: 'stock',
  [G.UNITS]: 'now',
  [G.OFFICERS]: 'now',
  [G.RESPONSIBILITY]: 'now',
};

/** The figure families a request can ask for; each is read with one statement per period. */
export const FAMILIES = {
  disclosures: [G.ITEMS, G.ITEM_CHANNELS],
  interactions: [G.EVENTS, G.EVENTS_OPEN_DUE],
  /** `interactions` without `overdue`: the deadline rows are not needed. */
  interactionCounts: [G.EVENTS],
  /** `disclosures` without `byChannel`. */
  disclosureCounts: [G.ITEMS],
  applications: [G.APPLICATIONS, G.APPLICATIONS_OPEN_DUE, G.DISPUTES],
  centres: [G.CENTRES, G.UNITS_COVERED, G.UNITS],
  officers: [G.OFFICERS, G.RESPONSIBILITY, G.UNITS],
} as const;
export type Family = keyof typeof FAMILIES;

/**
 * Dims a figure needs only for a breakdown (per kind, per category): when no request of a batch
 * asks for the breakdown, the statement folds them, so a dashboard gets one row per unit and group
 * instead of one per kind and category (the figures at the grain the query asks for). `dim` is the
 * group's dim as the statement has it (group 2 already as 'kind|T' / 'kind|L' / 'past'). Group 1
 * folds every kind into '', and the counts of the kinds that are figures of their own (interviews,
 * surveys and solicitations held, service requests received) come as the extra sums of
 * FOLDED_EXTRAS on that row.
 */
export const FOLDED_DIM: Partial<Record<number, (dim: string) => string>> = {
  [G.EVENTS]: () => `''`,
  [G.EVENTS_OPEN_DUE]: (dim) => `('|' || split_part(${dim}, '|', 2))`,
  [G.ITEMS]: () => `''`,
};

/** The sums a folded group-1 row carries besides c0–c6 (`x` of a RollupRow, in this order). */
export const FOLDED_EXTRAS: { kind: InteractionKind; counter: number }[] = [
  { kind: InteractionKind.INTERVIEW, counter: 5 },
  { kind: InteractionKind.SURVEY, counter: 5 },
  { kind: InteractionKind.SOLICITATION, counter: 5 },
  { kind: InteractionKind.SERVICE_REQUEST, counter: 0 },
];

/**
 * Group 2's rows (migration 110000): `T|kind` counts every open event with a deadline, `D|due|kind`
 * those of one deadline (due: UTC ISO seconds). Overdue now = T − D rows due after now. Both
 * conditions are ranges of the primary key's last column (dims compare bytewise, collation "C").
 */
export const OPEN_DUE_TOTAL = (alias: string) => `${alias}.dim >= 'T|' and ${alias}.dim < 'T}'`;
/** D rows due strictly after the `?` instant (`|~` sorts after every `|kind` of that instant). */
export const OPEN_DUE_LATER = (alias: string) => `${alias}.dim > ('D|' || ?::text || '|~') and ${alias}.dim < 'D}'`;

/**
 * Rollup rows of alias `r` of the given groups within a period (flow groups over the period's
 * buckets, stock groups over every bucket up to its last day, undated groups as they are), as one
 * condition per (group, bucket range), each of which is a single range of `stat_rollup`'s primary
 * key (tenant, unit, scope, grp, grain, bucket). Read as a `union all` of these branches under a
 * LATERAL join, every unit costs a few tight index ranges; a single OR of the same conditions is
 * applied by PostgreSQL as a filter over all of a unit's rows instead (measured on the demo data,
 * 122 counties' subtrees for a year: 100 ms with the OR, 10–14 ms with the branches, same rows).
 */
export function groupsInPeriodBranches(alias: string, groups: readonly number[], period: Period, now?: string): { sql: string; bindings: (string | number)[] }[] {
  const out: { sql: string; bindings: (string | number)[] }[] = [];
  const ranged = (gs: number[], from: string, to: string) => {
    const ranges = bucketRanges(from, to);
    for (const g of gs) {
      for (const r of ranges) {
        const range = `${alias}.grp = ${Number(g)} and ${alias}.grain = ? and ${alias}.bucket >= ? and ${alias}.bucket < ?`;
        if (g === G.EVENTS_OPEN_DUE && now) {
          // Only what "overdue now" needs: the T rows, and the D rows due after now.
          out.push({ sql: `${range} and ${OPEN_DUE_TOTAL(alias)}`, bindings: [r.grain, r.from, r.until] });
          out.push({ sql: `${range} and ${OPEN_DUE_LATER(alias)}`, bindings: [r.grain, r.from, r.until, now] });
        } else {
          out.push({ sql: range, bindings: [r.grain, r.from, r.until] });
        }
      }
    }
  };
  const byKind = (k: Kind) => groups.filter((g) => KIND[g] === k);
  ranged(byKind('flow'), period.from, period.to);
  ranged(byKind('stock'), EPOCH, period.to);
  for (const g of byKind('now')) out.push({ sql: `${alias}.grp = ${Number(g)} and ${alias}.grain = 'A'`, bindings: [] });
  return out;
}

/**
 * Rows of `stat_rollup` for one unit key (`tenant`, `unit`, `scope`: SQL expressions of the outer
 * query) in the groups and period: a subquery for a LATERAL join, one index range per branch.
 * `keyBindings` are the bindings of the key expressions, repeated for every branch.
 */
export function rollupRowsSql(
  key: { tenant: string; unit: string; scope: string },
  groups: readonly number[],
  period: Period,
  keyBindings: (string | number | boolean)[] = [],
  now?: string,
): { sql: string; bindings: (string | number | boolean)[] } {
  const branches = groupsInPeriodBranches('r', groups, period, now);
  if (!branches.length) return { sql: 'select r.* from stat_rollup r where false', bindings: [] };
  return {
    sql: branches
      .map((b) => `select r.* from stat_rollup r where r.tenant_id = ${key.tenant} and r.unit_id = ${key.unit} and r.scope = ${key.scope} and ${b.sql}`)
      .join(' union all '),
    bindings: branches.flatMap((b) => [...keyBindings, ...b.bindings]),
  };
}

/** Figures a dashboard can rank units by, chart over time, or test for lagging. */
export enum StatsMetric {
  ITEMS_PUBLISHED = 'ITEMS_PUBLISHED',
  EVENTS_RECEIVED = 'EVENTS_RECEIVED',
  EVENTS_REPLIED = 'EVENTS_REPLIED',
  EVENTS_REPLIED_ON_TIME = 'EVENTS_REPLIED_ON_TIME',
  EVENTS_OVERDUE = 'EVENTS_OVERDUE',
  EVENTS_OPEN = 'EVENTS_OPEN',
  REPLY_RATE = 'REPLY_RATE',
  ON_TIME_RATE = 'ON_TIME_RATE',
  INTERVIEWS = 'INTERVIEWS',
  SERVICE_REQUESTS = 'SERVICE_REQUESTS',
  APPLICATIONS_RECEIVED = 'APPLICATIONS_RECEIVED',
  APPLICATIONS_OVERDUE = 'APPLICATIONS_OVERDUE',
  DISPUTES = 'DISPUTES',
  CENTRES = 'CENTRES',
  OFFICERS = 'OFFICERS',
}

registerEnumType(StatsMetric, {
  name: 'StatsMetric',
  description: 'A figure of a unit and period (see UnitStats for the definitions).',
  valuesConfig: {
    ITEMS_PUBLISHED: { description: 'Disclosure items published in the period (withdrawn ones no longer count).' },
    EVENTS_RECEIVED: { description: 'Interaction events received in the period, of every kind and status.' },
    EVENTS_REPLIED: { description: 'Of those, replied.' },
    EVENTS_REPLIED_ON_TIME: { description: 'Of those, replied before the deadline.' },
    EVENTS_OVERDUE: { description: 'Of those, replied late, or open past the deadline now.' },
    EVENTS_OPEN: { description: 'Of those, still open.' },
    REPLY_RATE: { description: 'replied / (received − invalid − duplicate − held); null without such events.' },
    ON_TIME_RATE: { description: 'replied on time / (received − invalid − duplicate − held); null without such events.' },
    INTERVIEWS: { description: 'Online interviews held in the period.' },
    SERVICE_REQUESTS: { description: 'Service requests received in the period.' },
    APPLICATIONS_RECEIVED: { description: 'Disclosure applications received in the period.' },
    APPLICATIONS_OVERDUE: { description: 'Of those, still open past the deadline now.' },
    DISPUTES: { description: 'Reconsiderations and lawsuits filed in the period.' },
    CENTRES: { description: 'Centres open (not closed) on the last day of the period.' },
    OFFICERS: { description: 'Active officers now.' },
  },
});

export interface MetricDef {
  groups: number[];
  /** An aggregate over rollup rows `r`; `?` placeholders take `now` (UTC ISO seconds). */
  value: string;
  rate?: boolean;
  /** Whether the value depends on the clock (binds `now` once per `?`). */
  nowBindings?: number;
}

const sumIf = (cond: string, col: string) => `coalesce(sum(case when ${cond} then r.${col} else 0 end), 0)`;
const ev = `r.grp = ${G.EVENTS}`;
const denominator = `nullif(${sumIf(ev, 'c1')} + ${sumIf(ev, 'c6')}, 0)`;

export const METRICS: Record<StatsMetric, MetricDef> = {
  ITEMS_PUBLISHED: { groups: [G.ITEMS], value: sumIf(`r.grp = ${G.ITEMS}`, 'c0') },
  EVENTS_RECEIVED: { groups: [G.EVENTS], value: sumIf(ev, 'c0') },
  EVENTS_REPLIED: { groups: [G.EVENTS], value: sumIf(ev, 'c1') },
  EVENTS_REPLIED_ON_TIME: { groups: [G.EVENTS], value: sumIf(ev, 'c2') },
  EVENTS_OVERDUE: {
    groups: [G.EVENTS, G.EVENTS_OPEN_DUE],
    value: `(${sumIf(ev, 'c1')} - ${sumIf(ev, 'c2')} + ${sumIf(`r.grp = ${G.EVENTS_OPEN_DUE} and ${OPEN_DUE_TOTAL('r')}`, 'c0')} - ${sumIf(`r.grp = ${G.EVENTS_OPEN_DUE} and ${OPEN_DUE_LATER('r')}`, 'c0')})`,
    nowBindings: 1,
  },
  EVENTS_OPEN: { groups: [G.EVENTS], value: sumIf(ev, 'c6') },
  REPLY_RATE: { groups: [G.EVENTS], value: `(${sumIf(ev, 'c1')})::float8 / ${denominator}`, rate: true },
  ON_TIME_RATE: { groups: [G.EVENTS], value: `(${sumIf(ev, 'c2')})::float8 / ${denominator}`, rate: true },
  INTERVIEWS: { groups: [G.EVENTS], value: sumIf(`${ev} and r.dim = 'INTERVIEW'`, 'c5') },
  SERVICE_REQUESTS: { groups: [G.EVENTS], value: sumIf(`${ev} and r.dim = 'SERVICE_REQUEST'`, 'c0') },
  APPLICATIONS_RECEIVED: { groups: [G.APPLICATIONS], value: sumIf(`r.grp = ${G.APPLICATIONS}`, 'c0') },
  APPLICATIONS_OVERDUE: { groups: [G.APPLICATIONS_OPEN_DUE], value: sumIf(`r.grp = ${G.APPLICATIONS_OPEN_DUE} and r.dim <= ?`, 'c0'), nowBindings: 1 },
  DISPUTES: { groups: [G.DISPUTES], value: sumIf(`r.grp = ${G.DISPUTES}`, 'c0') },
  CENTRES: { groups: [G.CENTRES], value: sumIf(`r.grp = ${G.CENTRES}`, 'c0') },
  OFFICERS: { groups: [G.OFFICERS], value: sumIf(`r.grp = ${G.OFFICERS}`, 'c0') },
};

export function metricKind(metric: StatsMetric): Kind {
  return KIND[METRICS[metric].groups[0]];
}

/** "now" as the rollups store due instants: UTC, ISO, seconds. */
export function nowIso(now: Date): string {
  return now.toISOString().slice(0, 19);
}
