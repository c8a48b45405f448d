import type express from 'express';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import { InteractionFilter } from '../interactions/interaction.inputs';
import { InteractionChannel, InteractionKind, InteractionStatus } from '../interactions/interaction.enums';
import { InteractionService } from '../interactions/interaction.service';
import type { InteractionEvent } from '../interactions/interaction-event.entity';
import { DisclosureItemFilter } from '../disclosures/disclosure.inputs';
import { DisclosureChannel, DisclosureOrder, DisclosureStatus } from '../disclosures/disclosure.enums';
import { DisclosureService } from '../disclosures/disclosure.service';
import type { DisclosureItem } from '../disclosures/disclosure-item.entity';
import { DisclosureApplicationFilter } from '../applications/application.inputs';
import { ApplicationOutcome, ApplicationStatus } from '../applications/application.enums';
import { ApplicationService } from '../applications/application.service';
import type { DisclosureApplication } from '../applications/disclosure-application.entity';
import { UnitFilter } from '../units/unit.inputs';
import { UnitKind, UnitLevel } from '../units/unit.enums';
import { UnitService } from '../units/unit.service';
import type { OrgUnit } from '../units/org-unit.entity';
import { Figures, StatsService } from '../stats/stats.service';
import { METRICS, StatsMetric } from '../stats/rollup.groups';
import { resolvePeriod, type Period, type PeriodInput } from '../stats/period';
import { Granularity } from '../stats/stats.types';
import type { Family } from '../stats/rollup.groups';
import { filterParams, one, unitParam, type ParamType } from './export.params';
import type { Cell, Column } from './export.stream';

/** Rows read per statement: large enough that a million rows are a thousand statements, small enough to hold. */
export const EXPORT_PAGE = 1000;

/** An export: its file name, its columns, and its rows page by page (read only as the client takes them). */
export interface Export<R> {
  filename: string;
  columns: Column<R>[];
  pages: AsyncIterable<R[]>;
}

/** Pages of a keyset-ordered list: `fetch(after, n)` answers up to n + 1 rows after the key. */
async function* keyset<R, K>(fetch: (after: K | null, n: number) => Promise<R[]>, keyOf: (row: R) => K): AsyncGenerator<R[]> {
  let after: K | null = null;
  for (;;) {
    const rows = await fetch(after, EXPORT_PAGE);
    const more = rows.length > EXPORT_PAGE;
    if (more) rows.length = EXPORT_PAGE;
    if (rows.length) yield rows;
    if (!more) return;
    after = keyOf(rows[rows.length - 1]);
  }
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Each page with the units its rows belong to (one batched statement per page). The loader's cache
 * is emptied per page, so a long export holds no more units than a page names.
 */
async function* withUnits<R extends { unitId: string }>(ctx: RequestContext, pages: AsyncIterable<R[]>): AsyncGenerator<{ row: R; unit: OrgUnit | null }[]> {
  for await (const page of pages) {
    ctx.loaders.units.byId.clearAll();
    const units = await ctx.loaders.units.byId.loadMany([...new Set(page.map((r) => r.unitId))]);
    const byId = new Map(units.filter((u): u is OrgUnit => !!u && !(u instanceof Error)).map((u) => [u.id, u]));
    yield page.map((row) => ({ row, unit: byId.get(row.unitId) ?? null }));
  }
}

type WithUnit<R> = { row: R; unit: OrgUnit | null };

/** The owning unit's columns, first in every export of rows. */
function unitColumns<R>(): Column<WithUnit<R>>[] {
  return [
    { name: 'unit_code', value: (r) => r.unit?.code ?? null },
    { name: 'unit_name', value: (r) => r.unit?.name ?? null },
  ];
}

/** A personal field: its value only where the caller may see the personal data of the row's unit. */
function personal<R>(ctx: RequestContext, value: (row: R) => string | null | undefined): (r: WithUnit<R>) => Cell {
  return (r) => (r.unit && ctx.canSeePersonalData(r.unit.path) ? (value(r.row) ?? null) : null);
}

const ID: ParamType = 'id';
const enumOf = (e: Record<string, string>, list = false): ParamType => ({ enum: e, list });

/** The filters of the list exports: the GraphQL filter's fields and types, and the fields `from`/`to` stand for. */
export const LIST_FILTERS: Record<'units' | 'items' | 'events' | 'applications', { fields: Record<string, ParamType>; dates: [string, string] | null }> = {
  units: { fields: { tenant: 'string', level: enumOf(UnitLevel), kind: enumOf(UnitKind), parentId: ID, ancestorId: ID, search: 'string' }, dates: null },
  items: {
    fields: { tenant: 'string', unitId: ID, subtree: 'boolean', status: enumOf(DisclosureStatus), categoryCode: 'string', channel: enumOf(DisclosureChannel), specialColumn: 'string', publishedFrom: 'date', publishedTo: 'date', search: 'string', externalId: 'string' },
    dates: ['publishedFrom', 'publishedTo'],
  },
  events: {
    fields: {
      tenant: 'string', unitId: ID, subtree: 'boolean', kind: enumOf(InteractionKind), kinds: enumOf(InteractionKind, true), status: enumOf(InteractionStatus),
      channel: enumOf(InteractionChannel), centreId: ID, receivedFrom: 'date', receivedTo: 'date', overdue: 'boolean', search: 'string', externalId: 'string',
    },
    dates: ['receivedFrom', 'receivedTo'],
  },
  applications: {
    fields: {
      tenant: 'string', unitId: ID, subtree: 'boolean', status: enumOf(ApplicationStatus), outcome: enumOf(ApplicationOutcome), receivedFrom: 'date', receivedTo: 'date',
      decidedFrom: 'date', decidedTo: 'date', pendingAt: 'date', overdue: 'boolean', extended: 'boolean',
    },
    dates: ['receivedFrom', 'receivedTo'],
  },
};

const listFilter = <T extends object>(ctx: RequestContext, req: express.Request, cls: new () => T, name: keyof typeof LIST_FILTERS) =>
  filterParams(ctx, req, cls, LIST_FILTERS[name].fields, LIST_FILTERS[name].dates);

export async function unitsExport(ctx: RequestContext, req: express.Request): Promise<Export<OrgUnit>> {
  const filter = await listFilter(ctx, req, UnitFilter, 'units');
  const f = await UnitService.listFilter(ctx, filter);
  return {
    filename: 'units',
    columns: [
      { name: 'code', value: (u) => u.code },
      { name: 'name', value: (u) => u.name },
      { name: 'level', value: (u) => u.level },
      { name: 'kind', value: (u) => u.kind },
      { name: 'tenant', value: (u) => String(u.tenantId) },
      { name: 'depth', value: (u) => u.depth },
      { name: 'id', value: (u) => u.id },
      { name: 'parent_id', value: (u) => u.parentId ?? null },
    ],
    pages: keyset((after: { code: string; id: string } | null, n) => ctx.units.list(f, n, after), (u) => ({ code: u.code, id: u.id })),
  };
}

export async function itemsExport(ctx: RequestContext, req: express.Request): Promise<Export<WithUnit<DisclosureItem>>> {
  const filter = await listFilter(ctx, req, DisclosureItemFilter, 'items');
  const f = await DisclosureService.listFilter(ctx, filter);
  return {
    filename: 'items',
    columns: [
      ...unitColumns<DisclosureItem>(),
      { name: 'id', value: (r) => r.row.id },
      { name: 'title', value: (r) => r.row.title },
      { name: 'document_number', value: (r) => r.row.documentNumber ?? null },
      { name: 'category_code', value: (r) => r.row.categoryCode },
      { name: 'channels', value: (r) => r.row.channels.join(';') },
      { name: 'special_column', value: (r) => r.row.specialColumn ?? null },
      { name: 'url', value: (r) => r.row.url ?? null },
      { name: 'status', value: (r) => r.row.status },
      { name: 'published_at', value: (r) => iso(r.row.publishedAt) },
      { name: 'external_id', value: (r) => r.row.externalId ?? null },
    ],
    pages: withUnits(
      ctx,
      keyset((after: { at: Date | null; id: string } | null, n) => ctx.disclosures.list(f, DisclosureOrder.PUBLISHED_AT_DESC, n, after), (i) => ({ at: i.publishedAt ?? null, id: i.id })),
    ),
  };
}

export async function eventsExport(ctx: RequestContext, req: express.Request): Promise<Export<WithUnit<InteractionEvent>>> {
  const filter = await listFilter(ctx, req, InteractionFilter, 'events');
  const f = await InteractionService.listFilter(ctx, filter);
  const now = f.now;
  const overdue = (e: InteractionEvent) => !!e.dueAt && ((e.status === InteractionStatus.OPEN && e.dueAt <= now) || (e.status === InteractionStatus.REPLIED && !!e.repliedAt && e.repliedAt >= e.dueAt));
  return {
    filename: 'events',
    columns: [
      ...unitColumns<InteractionEvent>(),
      { name: 'id', value: (r) => r.row.id },
      { name: 'kind', value: (r) => r.row.kind },
      { name: 'channel', value: (r) => r.row.channel },
      { name: 'subject', value: (r) => r.row.subject },
      { name: 'status', value: (r) => r.row.status },
      { name: 'received_at', value: (r) => iso(r.row.receivedAt) },
      { name: 'due_at', value: (r) => iso(r.row.dueAt) },
      { name: 'replied_at', value: (r) => iso(r.row.repliedAt) },
      { name: 'overdue', value: (r) => overdue(r.row) },
      { name: 'centre_id', value: (r) => r.row.centreId ?? null },
      { name: 'external_id', value: (r) => r.row.externalId ?? null },
      { name: 'requester_name', value: personal(ctx, (e) => e.requesterName) },
      { name: 'requester_contact', value: personal(ctx, (e) => e.requesterContact) },
    ],
    pages: withUnits(
      ctx,
      f.kinds?.length === 0 ? empty() : keyset((after: { receivedAt: string; id: string } | null, n) => ctx.interactions.list(f, n, after), (e) => ({ receivedAt: e.receivedAt.toISOString(), id: e.id })),
    ),
  };
}

export async function applicationsExport(ctx: RequestContext, req: express.Request): Promise<Export<WithUnit<DisclosureApplication>>> {
  const filter = await listFilter(ctx, req, DisclosureApplicationFilter, 'applications');
  const f = await ApplicationService.listFilter(ctx, filter);
  return {
    filename: 'applications',
    columns: [
      ...unitColumns<DisclosureApplication>(),
      { name: 'id', value: (r) => r.row.id },
      { name: 'applicant_type', value: (r) => r.row.applicantType },
      { name: 'subject', value: (r) => r.row.subject },
      { name: 'channel', value: (r) => r.row.channel },
      { name: 'status', value: (r) => r.row.status },
      { name: 'outcome', value: (r) => r.row.outcome ?? null },
      { name: 'received_at', value: (r) => iso(r.row.receivedAt) },
      { name: 'due_at', value: (r) => iso(r.row.dueAt) },
      { name: 'extended', value: (r) => r.row.extended },
      { name: 'decided_at', value: (r) => iso(r.row.decidedAt) },
      { name: 'withdrawn_at', value: (r) => iso(r.row.withdrawnAt) },
      { name: 'fee_charged', value: (r) => Number(r.row.feeCharged) },
      { name: 'external_id', value: (r) => r.row.externalId ?? null },
      { name: 'applicant_name', value: personal(ctx, (a) => a.applicantName) },
      { name: 'applicant_contact', value: personal(ctx, (a) => a.applicantContact) },
    ],
    pages: withUnits(ctx, keyset((after: { at: Date; id: string } | null, n) => ctx.applications.listApplications(f, n, after), (a) => ({ at: a.receivedAt, id: a.id }))),
  };
}

async function* empty<R>(): AsyncGenerator<R[]> {}

/** The period of a figures export: `year` (with `quarter` or `month`), or `from` and `to`. */
function periodParams(req: express.Request): { input: PeriodInput; period: Period } {
  const int = (name: string) => {
    const v = one(req, name);
    if (v === undefined) return undefined;
    if (!/^\d{1,4}$/.test(v)) throw new BadInputError(`\`${name}\` is a whole number.`, name);
    return Number(v);
  };
  const input: PeriodInput = { year: int('year'), quarter: int('quarter'), month: int('month'), from: one(req, 'from'), to: one(req, 'to') };
  for (const k of Object.keys(input) as (keyof PeriodInput)[]) if (input[k] === undefined) delete input[k];
  return { input, period: resolvePeriod(input, 'period') };
}

function onlyParams(req: express.Request, allowed: string[]): void {
  for (const name of Object.keys(req.query)) {
    if (!allowed.includes(name)) throw new BadInputError(`Unknown parameter \`${name}\`; this export takes ${allowed.join(', ')}.`, name);
  }
}

function ownParam(req: express.Request): boolean {
  const own = one(req, 'own');
  if (own !== undefined && own !== 'true' && own !== 'false') throw new BadInputError('`own` is true or false.', 'own');
  return own === 'true';
}

async function requiredUnit(ctx: RequestContext, req: express.Request): Promise<OrgUnit> {
  const unit = await unitParam(ctx, req);
  if (!unit) throw new BadInputError('Pass `unit`: the code of the unit.', 'unit');
  return unit;
}

export const PERIOD_PARAMS = ['year', 'quarter', 'month', 'from', 'to'];
const FAMILIES: Family[] = ['disclosures', 'interactions', 'applications', 'centres', 'officers'];

interface UnitFigures {
  unit: OrgUnit;
  disclosures: ReturnType<typeof Figures.disclosures>;
  interactions: ReturnType<typeof Figures.interactions>;
  applications: ReturnType<typeof Figures.applications>;
  centres: ReturnType<typeof Figures.centres>;
  officers: ReturnType<typeof Figures.officers>;
}

/**
 * The figures of a unit's children (or, with `level`, of its descendants of that level) for a
 * period, one row per unit: read from the rollups, a page of units and their figures at a time
 * (a handful of statements per page of a thousand units, whatever the number of rows below them).
 */
export async function figuresExport(ctx: RequestContext, req: express.Request): Promise<Export<UnitFigures>> {
  onlyParams(req, ['unit', 'tenant', 'level', 'own', 'bom', ...PERIOD_PARAMS]);
  const unit = await requiredUnit(ctx, req);
  const level = one(req, 'level');
  if (level !== undefined && !Object.values(UnitLevel).includes(level as UnitLevel)) throw new BadInputError(`\`level\` must be one of ${Object.values(UnitLevel).join(', ')}.`, 'level');
  const own = ownParam(req);
  const { period } = periodParams(req);
  const f = level ? { tenantId: unit.tenantId, ancestorId: unit.id, level: level as UnitLevel } : { tenantId: unit.tenantId, parentId: unit.id };
  const units = keyset((after: { code: string; id: string } | null, n) => ctx.units.list(f, n, after), (u) => ({ code: u.code, id: u.id }));
  const now = ctx.now;
  async function* pages(): AsyncGenerator<UnitFigures[]> {
    for await (const page of units) {
      ctx.loaders.stats.figures.clearAll();
      const read = await Promise.all(page.map((u) => Promise.all(FAMILIES.map((family) => ctx.loaders.stats.figures.load({ unit: u, own, period, family })))));
      yield page.map((u, i) => {
        const [d, ev, ap, ce, of] = read[i];
        return { unit: u, disclosures: Figures.disclosures(d), interactions: Figures.interactions(ev, now), applications: Figures.applications(ap, now), centres: Figures.centres(ce), officers: Figures.officers(of) };
      });
    }
  }
  const rate = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 10_000);
  return {
    filename: `figures-${unit.code}-${level ? level.toLowerCase() : 'children'}-${period.label}${own ? '-own' : ''}`,
    columns: [
      { name: 'unit_code', value: (u) => u.unit.code },
      { name: 'unit_name', value: (u) => u.unit.name },
      { name: 'level', value: (u) => u.unit.level },
      { name: 'kind', value: (u) => u.unit.kind },
      { name: 'period', value: () => period.label },
      { name: 'items_published', value: (u) => u.disclosures.published },
      { name: 'events_received', value: (u) => u.interactions.received },
      { name: 'events_replied', value: (u) => u.interactions.replied },
      { name: 'events_replied_on_time', value: (u) => u.interactions.repliedOnTime },
      { name: 'events_invalid', value: (u) => u.interactions.invalid },
      { name: 'events_open', value: (u) => u.interactions.open },
      { name: 'events_overdue', value: (u) => u.interactions.overdue },
      { name: 'reply_rate', value: (u) => rate(u.interactions.replyRate) },
      { name: 'on_time_rate', value: (u) => rate(u.interactions.onTimeRate) },
      { name: 'interviews', value: (u) => u.interactions.interviews },
      { name: 'service_requests', value: (u) => u.interactions.serviceRequests },
      { name: 'applications_received', value: (u) => u.applications.received },
      { name: 'applications_decided', value: (u) => u.applications.decided },
      { name: 'applications_overdue', value: (u) => u.applications.overdue },
      { name: 'centres', value: (u) => u.centres.total },
      { name: 'officers', value: (u) => u.officers.active },
    ],
    pages: pages(),
  };
}

interface SeriesRow {
  from: string;
  to: string;
  values: (number | null)[];
}

/** Time series of one or more metrics (`metric=A,B`) of a unit, a column per metric. */
export async function seriesExport(ctx: RequestContext, req: express.Request): Promise<Export<SeriesRow>> {
  onlyParams(req, ['unit', 'tenant', 'metric', 'granularity', 'own', 'bom', ...PERIOD_PARAMS]);
  const unit = await requiredUnit(ctx, req);
  const metrics = (one(req, 'metric') ?? '').split(',').filter(Boolean);
  if (!metrics.length) throw new BadInputError('Pass `metric`: one or more of the StatsMetric values, comma-separated.', 'metric');
  for (const m of metrics) if (!(m in METRICS)) throw new BadInputError(`\`metric\` takes ${Object.values(StatsMetric).join(', ')}.`, 'metric');
  const granularity = one(req, 'granularity') ?? Granularity.MONTH;
  if (!Object.values(Granularity).includes(granularity as Granularity)) throw new BadInputError(`\`granularity\` must be one of ${Object.values(Granularity).join(', ')}.`, 'granularity');
  const own = ownParam(req);
  const { input, period } = periodParams(req);
  const series = await Promise.all(metrics.map((metric) => StatsService.timeSeries(ctx, { unitId: unit.id, metric: metric as StatsMetric, period: input, granularity: granularity as Granularity, own })));
  const rows: SeriesRow[] = series[0].points.map((p, i) => ({ from: p.from, to: p.to, values: series.map((s) => s.points[i]?.value ?? null) }));
  return {
    filename: `series-${unit.code}-${period.label}-${granularity.toLowerCase()}${own ? '-own' : ''}`,
    columns: [
      { name: 'unit_code', value: () => unit.code },
      { name: 'from', value: (r) => r.from },
      { name: 'to', value: (r) => r.to },
      ...metrics.map((m, i) => ({ name: m, value: (r: SeriesRow) => r.values[i] })),
    ],
    pages: (async function* () {
      yield rows;
    })(),
  };
}
