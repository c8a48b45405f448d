import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { DisclosureChannel } from '../disclosures/disclosure.enums';
import { InteractionKind } from '../interactions/interaction.enums';
import { ApplicationOutcome } from '../applications/application.enums';
import { CentreKind } from '../centres/centre.enums';
import { OfficerRole } from '../officers/officer.enums';
import { UnitKind, UnitLevel } from '../units/unit.enums';
import type { OrgUnit } from '../units/org-unit.entity';
import { UUID_RE } from '../units/unit.repository';
import { addDays, Period, PeriodInput, resolvePeriod } from './period';
import { Family, G, METRICS, metricKind, nowIso, StatsMetric } from './rollup.groups';
import type { RollupRow } from './stats.repository';
import { loadOrNotFound } from '../../ids';
import {
  ApplicationStats,
  CentreStats,
  DisclosureStats,
  DisputeCounts,
  DisputeStats,
  Granularity,
  InteractionCounts,
  InteractionKindStats,
  InteractionStats,
  LaggingUnit,
  LagProblem,
  LevelCoverage,
  OfficerStats,
  Ranking,
  ReportingLevel,
  ReportingLevelCoverage,
  reportingLevel,
  StatsScope,
  TimeSeries,
  UnitKindCoverage,
  UnitStats,
} from './stats.types';

const LEVEL_ORDER = [UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.SCHOOL];
const MAX_POINTS = 1000;

function rate(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

function finishCounts<T extends InteractionCounts>(c: T): T {
  const base = c.replied + c.open;
  c.replyRate = rate(c.replied, base);
  c.onTimeRate = rate(c.repliedOnTime, base);
  return c;
}

const byCountDesc = (a: { count: number }, b: { count: number }) => b.count - a.count;

/** Figures from rollup rows: plain arithmetic over what one statement returned. */
export const Figures = {
  disclosures(rows: RollupRow[]): DisclosureStats {
    const s: DisclosureStats = { published: 0, inSpecialColumn: 0, byCategory: [], byChannel: [] };
    for (const r of rows) {
      if (r.grp === G.ITEMS) {
        s.published += r.c[0];
        s.inSpecialColumn += r.c[1];
        // '' is the folded dim of a batch that asked for no breakdown (FOLDED_DIM).
        if (r.c[0] && r.dim !== '') s.byCategory.push({ categoryCode: r.dim, count: r.c[0] });
      } else if (r.grp === G.ITEM_CHANNELS && r.c[0]) {
        s.byChannel.push({ channel: r.dim as DisclosureChannel, count: r.c[0] });
      }
    }
    s.byCategory.sort((a, b) => byCountDesc(a, b) || a.categoryCode.localeCompare(b.categoryCode));
    s.byChannel.sort((a, b) => byCountDesc(a, b) || a.channel.localeCompare(b.channel));
    return s;
  },

  interactions(rows: RollupRow[], now: Date): InteractionStats {
    const total = new InteractionStats();
    const kinds = new Map<string, InteractionKindStats>();
    const kindOf = (k: string) => {
      let s = kinds.get(k);
      if (!s) {
        s = Object.assign(new InteractionKindStats(), { kind: k as InteractionKind });
        kinds.set(k, s);
      }
      return s;
    };
    for (const r of rows) {
      if (r.grp === G.EVENTS) {
        const [received, replied, onTime, invalid, duplicate, held, open] = r.c;
        for (const s of [total, kindOf(r.dim)] as InteractionCounts[]) {
          s.received += received;
          s.replied += replied;
          s.repliedOnTime += onTime;
          s.overdue += replied - onTime;
          s.invalid += invalid;
          s.duplicate += duplicate;
          s.held += held;
          s.open += open;
        }
        if (r.x) {
          // Every kind folded into one row: the kinds counted apart come as its extra sums (FOLDED_EXTRAS).
          total.interviews += r.x[0];
          total.surveys += r.x[1];
          total.solicitations += r.x[2];
          total.serviceRequests += r.x[3];
        }
        if (r.dim === InteractionKind.INTERVIEW) total.interviews += held;
        if (r.dim === InteractionKind.SURVEY) total.surveys += held;
        if (r.dim === InteractionKind.SOLICITATION) total.solicitations += held;
        if (r.dim === InteractionKind.SERVICE_REQUEST) total.serviceRequests += received;
      } else if (r.grp === G.EVENTS_OPEN_DUE) {
        // Folded by the statement: 'kind|T' all open with a deadline, 'kind|L' those due later than now.
        const [kind, part] = r.dim.split('|');
        const sign = part === 'T' ? 1 : part === 'L' ? -1 : 0;
        if (sign) {
          total.overdue += sign * r.c[0];
          kindOf(kind).overdue += sign * r.c[0];
        }
      }
    }
    // Kind '' gathers the folded kinds when the query asked for no breakdown (FOLDED_DIM).
    total.byKind = [...kinds.values()].filter((k) => k.received > 0 && (k.kind as string) !== '').map(finishCounts).sort((a, b) => a.kind.localeCompare(b.kind));
    return finishCounts(total);
  },

  applications(rows: RollupRow[], now: Date): ApplicationStats {
    const s = new ApplicationStats();
    const outcomes = new Map<string, number>();
    const iso = nowIso(now);
    for (const r of rows) {
      if (r.grp === G.APPLICATIONS) {
        const [received, onTime, extended, fen] = r.c;
        s.received += received;
        s.decidedOnTime += onTime;
        s.extended += extended;
        s.feesCharged += fen / 100;
        if (r.dim === 'PENDING') s.pending += received;
        else if (r.dim === 'WITHDRAWN') s.withdrawn += received;
        else {
          s.decided += received;
          outcomes.set(r.dim, (outcomes.get(r.dim) ?? 0) + received);
        }
      } else if (r.grp === G.APPLICATIONS_OPEN_DUE && r.dim <= iso) {
        s.overdue += r.c[0];
      }
    }
    s.feesCharged = Math.round(s.feesCharged * 100) / 100;
    s.byOutcome = [...outcomes].filter(([, n]) => n).map(([outcome, count]) => ({ outcome: outcome as ApplicationOutcome, count })).sort((a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome));
    return s;
  },

  disputes(rows: RollupRow[]): DisputeStats {
    const s = new DisputeStats();
    for (const r of rows) {
      if (r.grp !== G.DISPUTES) continue;
      const [kind, result] = r.dim.split('|');
      const c: DisputeCounts = kind === 'LAWSUIT' ? s.lawsuits : s.reconsiderations;
      c.filed += r.c[0];
      if (result === 'PENDING') c.pending += r.c[0];
      else if (result === 'UPHELD') c.upheld += r.c[0];
      else if (result === 'CORRECTED') c.corrected += r.c[0];
      else c.other += r.c[0];
    }
    return s;
  },

  centres(rows: RollupRow[]): CentreStats {
    const s = new CentreStats();
    const kinds = new Map<string, number>();
    const levels = new Map<string, LevelCoverage>();
    const unitKinds = new Map<string, UnitKindCoverage>();
    const level = (l: string) => levels.get(l) ?? levels.set(l, Object.assign(new LevelCoverage(), { level: l as UnitLevel })).get(l)!;
    const tiers = new Map<string, ReportingLevelCoverage>();
    const tier = (l: string, k: string) => {
      const t = reportingLevel(l, k);
      return tiers.get(t) ?? tiers.set(t, Object.assign(new ReportingLevelCoverage(), { reportingLevel: t })).get(t)!;
    };
    const unitKind = (k: string) => unitKinds.get(k) ?? unitKinds.set(k, Object.assign(new UnitKindCoverage(), { unitKind: k as UnitKind })).get(k)!;
    for (const r of rows) {
      if (r.grp === G.CENTRES) {
        const [kind, lvl, uk] = r.dim.split('|');
        s.total += r.c[0];
        s.withOnlineHall += r.c[1];
        s.reachable += r.c[2];
        kinds.set(kind, (kinds.get(kind) ?? 0) + r.c[0]);
        level(lvl).centres += r.c[0];
        unitKind(uk).centres += r.c[0];
        tier(lvl, uk).centres += r.c[0];
      } else if (r.grp === G.UNITS_COVERED) {
        const [lvl, uk] = r.dim.split('|');
        level(lvl).unitsCovered += r.c[0];
        unitKind(uk).unitsCovered += r.c[0];
        tier(lvl, uk).unitsCovered += r.c[0];
      } else if (r.grp === G.UNITS) {
        const [lvl, uk] = r.dim.split('|');
        level(lvl).units += r.c[0];
        unitKind(uk).units += r.c[0];
        tier(lvl, uk).units += r.c[0];
      }
    }
    s.byKind = [...kinds].filter(([, n]) => n).map(([kind, count]) => ({ kind: kind as CentreKind, count })).sort((a, b) => a.kind.localeCompare(b.kind));
    const present = <T extends { centres: number; units: number; unitsCovered: number; coverage: number | null }>(c: T) => {
      c.coverage = rate(c.unitsCovered, c.units);
      return c.units > 0 || c.centres > 0;
    };
    s.byLevel = [...levels.values()].filter(present).sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level));
    const tierOrder = Object.values(ReportingLevel);
    s.byReportingLevel = [...tiers.values()].filter(present).sort((a, b) => tierOrder.indexOf(a.reportingLevel) - tierOrder.indexOf(b.reportingLevel));
    s.byUnitKind = [...unitKinds.values()].filter(present).sort((a, b) => a.unitKind.localeCompare(b.unitKind));
    return s;
  },

  officers(rows: RollupRow[]): OfficerStats {
    const s = new OfficerStats();
    const roles = new Map<string, number>();
    for (const r of rows) {
      if (r.grp === G.OFFICERS) {
        s.active += r.c[0];
        roles.set(r.dim, (roles.get(r.dim) ?? 0) + r.c[0]);
      } else if (r.grp === G.RESPONSIBILITY) s.unitsWithResponsibleDepartment += r.c[0];
      else if (r.grp === G.UNITS) s.units += r.c[0];
    }
    s.byRole = [...roles].filter(([, n]) => n).map(([role, count]) => ({ role: role as OfficerRole, count })).sort((a, b) => a.role.localeCompare(b.role));
    return s;
  },
};

/** A unit the request can see, or NOT_FOUND (an invisible unit is indistinguishable from none). */
function visibleUnit(ctx: RequestContext, id: string, field: string): Promise<OrgUnit> {
  return loadOrNotFound(ctx.loaders.units.byId, id, 'unit', field);
}

function checkFirstArg(first: number, max: number): void {
  if (!Number.isInteger(first) || first < 0 || first > max) throw new BadInputError(`\`first\` must be 0–${max}.`, 'first');
}

export const StatsService = {
  stats(unit: OrgUnit, period: PeriodInput, own: boolean): UnitStats {
    return Object.assign(new UnitStats(), { unit, period: resolvePeriod(period), scope: own ? StatsScope.OWN : StatsScope.SUBTREE });
  },

  /** The rollup rows of a figure family; `totalsOnly` when the query selects no breakdown by kind or category. */
  rows(ctx: RequestContext, s: UnitStats, family: Family, totalsOnly = false): Promise<RollupRow[]> {
    return ctx.loaders.stats.figures.load({ unit: s.unit, own: s.scope === StatsScope.OWN, period: s.period, family, totalsOnly });
  },

  async rankings(
    ctx: RequestContext,
    args: { parentId: string; level?: UnitLevel | null; metric: StatsMetric; period: PeriodInput; order: 'ASC' | 'DESC'; first: number; own: boolean },
  ): Promise<Ranking> {
    checkFirstArg(args.first, ctx.config.maxPageSize);
    const period = resolvePeriod(args.period);
    const parent = await visibleUnit(ctx, args.parentId, 'parentId');
    const { rows, total } = await ctx.stats.rank(parent, args.level, args.metric, period, args.own, args.order === 'ASC', args.first, ctx.now);
    const units = await ctx.loaders.units.byId.loadMany(rows.map((r) => r.id));
    let rank = 0;
    let previous: number | null | undefined;
    const entries = rows.map((r, i) => {
      if (i === 0 || r.value !== previous) rank = i + 1;
      previous = r.value;
      return { rank, unit: units[i] as OrgUnit, value: r.value };
    });
    return { metric: args.metric, period, totalUnits: total, entries: entries.filter((e) => e.unit && !(e.unit instanceof Error)) };
  },

  async timeSeries(
    ctx: RequestContext,
    args: { unitId: string; metric: StatsMetric; period: PeriodInput; granularity: Granularity; own: boolean },
  ): Promise<TimeSeries> {
    const period = resolvePeriod(args.period);
    const kind = metricKind(args.metric);
    if (kind === 'now') throw new BadInputError(`${args.metric} is a count of now, not a series over time.`, 'metric');
    const byDay = args.granularity === Granularity.DAY;
    const points: { from: string; to: string }[] = [];
    for (let d = period.from; d <= period.to; ) {
      const end = byDay ? d : addDays(`${d.slice(0, 7)}-01`, 32).slice(0, 7) + '-01';
      const to = byDay ? d : addDays(end, -1) < period.to ? addDays(end, -1) : period.to;
      points.push({ from: d, to });
      if (points.length > MAX_POINTS) throw new BadInputError(`A series has at most ${MAX_POINTS} points; shorten the period or use MONTH.`, 'period');
      d = addDays(to, 1);
    }
    const unit = await visibleUnit(ctx, args.unitId, 'unitId');
    const values = await ctx.stats.series(unit, args.metric, period, byDay, args.own, ctx.now);
    let running = values.get('before') ?? 0;
    const stock = kind === 'stock';
    return {
      metric: args.metric,
      granularity: args.granularity,
      scope: args.own ? StatsScope.OWN : StatsScope.SUBTREE,
      points: points.map((p) => {
        const key = byDay ? p.from : `${p.from.slice(0, 7)}-01`;
        const v = values.has(key) ? values.get(key)! : METRICS[args.metric].rate ? null : 0;
        if (!stock) return { ...p, value: v };
        running += v ?? 0;
        return { ...p, value: running };
      }),
    };
  },

  async laggingUnits(
    ctx: RequestContext,
    args: { parentId: string; level?: UnitLevel | null; period: PeriodInput; problems?: LagProblem[] | null; first: number },
  ): Promise<LaggingUnit[]> {
    checkFirstArg(args.first, ctx.config.maxPageSize);
    const period = resolvePeriod(args.period);
    const parent = await visibleUnit(ctx, args.parentId, 'parentId');
    const wanted = new Set(args.problems?.length ? args.problems : Object.values(LagProblem));
    const rows = await ctx.stats.lagging(parent, args.level, period, ctx.now);
    const lagging = rows
      .map((r) => {
        const problems: LagProblem[] = [];
        if (r.published === 0) problems.push(LagProblem.NO_PUBLICATION);
        if (r.interviews === 0) problems.push(LagProblem.NO_INTERVIEW);
        if (r.overdue > 0) problems.push(LagProblem.OVERDUE_EVENTS);
        if (r.centres === 0) problems.push(LagProblem.NO_CENTRE);
        if (r.officers === 0) problems.push(LagProblem.NO_OFFICER);
        if (r.responsibility === 0) problems.push(LagProblem.NO_RESPONSIBLE_DEPARTMENT);
        return { r, problems: problems.filter((p) => wanted.has(p)) };
      })
      .filter((x) => x.problems.length > 0)
      .slice(0, args.first);
    const units = await ctx.loaders.units.byId.loadMany(lagging.map((x) => x.r.id));
    return lagging
      .map((x, i) => ({
        unit: units[i] as OrgUnit,
        problems: x.problems,
        published: x.r.published,
        interviews: x.r.interviews,
        overdueOpenEvents: x.r.overdue,
        centres: x.r.centres,
        officers: x.r.officers,
        responsibleDepartment: x.r.responsibility > 0,
      }))
      .filter((x) => x.unit && !(x.unit instanceof Error));
  },
};

