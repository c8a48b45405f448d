import express from 'express';
import { stringify } from 'csv-stringify/sync';
import type { ContextFactory } from './context';
import type { RequestContext } from '../context';
import { BadInputError, ErrorFormatter, httpErrorAnswer, NotFoundError } from '../errors';
import type { OrgUnit } from '../modules/units/org-unit.entity';
import { UnitLevel } from '../modules/units/unit.enums';
import { ReportService } from '../modules/reports/report.service';
import { renderHtml, renderMarkdown } from '../modules/reports/report.render';
import { InspectionService } from '../modules/inspection/inspection.service';
import { GROUP_LABELS } from '../modules/inspection/inspection.scheme';
import { InspectionGrade } from '../modules/inspection/inspection.types';
import { StatsService } from '../modules/stats/stats.service';
import { METRICS, StatsMetric } from '../modules/stats/rollup.groups';
import { Granularity, SortOrder } from '../modules/stats/stats.types';
import { exportRoutes } from '../modules/exports/export.routes';

/**
 * The REST routes for people and spreadsheets: the annual report as Markdown and printable HTML,
 * and CSV exports of the inspection and of rankings. Each request gets its RequestContext from the
 * same factory as /graphql, and calls the same services, so figures and access rules are the same.
 *
 * Errors are judged by the GraphQL error formatter (src/errors.ts) and answer JSON
 * `{ error: { code, message, field?, reason?, … } }` with the HTTP status of the code: BAD_USER_INPUT
 * 400, UNAUTHENTICATED 401, FORBIDDEN 403, NOT_FOUND 404, RATE_LIMITED 429, a database fault 503 (504
 * for a statement timeout) with Retry-After, else 500 (without details).
 */

const GRADE_LABELS: Record<InspectionGrade, string> = { EXCELLENT: '优秀', PASS: '合格', FAIL: '不合格' };
const UNIT_CODE = /^[0-9A-Za-z]{1,20}$/;
const TENANT_CODE = /^\d{6}$/;

export type Handler = (ctx: RequestContext, req: express.Request, res: express.Response) => Promise<void>;

function query(req: express.Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadInputError(`Pass \`${name}\` once.`, name);
  return v;
}

function parseYear(s: string | undefined, field: string): number {
  if (s === undefined) throw new BadInputError(`Pass \`${field}\`.`, field);
  if (!/^\d{4}$/.test(s)) throw new BadInputError(`\`${field}\` must be a four-digit year.`, field);
  return Number(s);
}

function parseEnum<T extends Record<string, string>>(e: T, s: string | undefined, field: string): T[keyof T] | undefined {
  if (s === undefined || s === '') return undefined;
  if (!Object.values(e).includes(s)) throw new BadInputError(`\`${field}\` must be one of ${Object.values(e).join(', ')}.`, field);
  return s as T[keyof T];
}

/**
 * The unit a path names by its code. Codes are unique within a tenant only: a code found in several
 * tenants needs `?tenant=<province code>` (400 AMBIGUOUS_UNIT_CODE without it); an unknown tenant is
 * 400 (BAD_USER_INPUT, as everywhere), an unknown code 404.
 */
export async function unitByCode(ctx: RequestContext, code: string, tenant: string | undefined): Promise<OrgUnit> {
  if (!UNIT_CODE.test(code)) throw new BadInputError('A unit code is 1–20 letters or digits.', 'code');
  let tenantId: number | undefined;
  if (tenant !== undefined) {
    if (!TENANT_CODE.test(tenant)) throw new BadInputError('`tenant` is a six-digit province code.', 'tenant');
    tenantId = await ctx.requireTenantId(tenant, 'tenant');
  }
  const units = await ctx.units.findByCode(code, tenantId);
  if (!units.length) throw new NotFoundError(tenant ? `No unit ${code} in tenant ${tenant}.` : `No unit ${code}.`);
  if (units.length > 1) throw new BadInputError(`Unit code ${code} exists in several tenants; add ?tenant=<province code>.`, 'tenant', { reason: 'AMBIGUOUS_UNIT_CODE' });
  return units[0];
}

function csv(res: express.Response, filename: string, rows: (string | number | null)[][]): void {
  res.type('text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${filename}"`);
  // The BOM makes spreadsheet programs read the Chinese text as UTF-8.
  res.send(stringify(rows, { bom: true }));
}

/**
 * Wraps a REST handler: its RequestContext from the shared factory, and its errors answered as
 * JSON with the status of their code (never a stack trace).
 */
export function restRoute(contextOf: ContextFactory, formatError: ErrorFormatter) {
  return (handler: Handler): express.RequestHandler =>
    async (req, res) => {
      try {
        const ctx = await contextOf(req, res);
        await handler(ctx, req, res);
      } catch (err) {
        const tally = res.locals.sqlTally as { statements: number } | undefined;
        if (tally && !res.headersSent) res.setHeader('x-sql-statements', String(tally.statements));
        const answer = httpErrorAnswer(formatError, err);
        if (answer.retryAfter) res.setHeader('Retry-After', String(answer.retryAfter));
        res.status(answer.status).json({ error: answer.error });
      }
    };
}

export function restRoutes(contextOf: ContextFactory, formatError: ErrorFormatter): express.Router {
  const router = express.Router();
  const route = restRoute(contextOf, formatError);

  /** Sets the statement count just before the body goes out. */
  const send = (res: express.Response, body: string) => {
    res.setHeader('x-sql-statements', String((res.locals.sqlTally as { statements: number }).statements));
    res.send(body);
  };

  router.get(
    '/reports/:code/:file',
    route(async (ctx, req, res) => {
      const m = /^(\d{4})\.(md|html)$/.exec(String(req.params.file));
      if (!m) throw new BadInputError('The report is /reports/<unit code>/<year>.md or .html.', 'file');
      const unit = await unitByCode(ctx, String(req.params.code), query(req, 'tenant'));
      const report = await ReportService.build(ctx, unit, ReportService.checkYear(Number(m[1])));
      if (m[2] === 'md') {
        res.type('text/markdown; charset=utf-8');
        send(res, renderMarkdown(report));
        return;
      }
      // The page's chart of interactions per month: one more statement, from the rollups.
      const series = await StatsService.timeSeries(ctx, { unitId: unit.id, metric: StatsMetric.EVENTS_RECEIVED, period: { year: report.year }, granularity: Granularity.MONTH, own: true });
      res.type('text/html; charset=utf-8');
      send(res, renderHtml(report, { monthly: series.points.map((p) => p.value) }));
    }),
  );

  router.get(
    '/inspection/:code/:file',
    route(async (ctx, req, res) => {
      const m = /^(\d{4})\.csv$/.exec(String(req.params.file));
      if (!m) throw new BadInputError('The inspection export is /inspection/<parent unit code>/<year>.csv.', 'file');
      const parent = await unitByCode(ctx, String(req.params.code), query(req, 'tenant'));
      const inspection = await InspectionService.build(ctx, parent, ReportService.checkYear(Number(m[1])));
      const dims = inspection.scheme.dimensions;
      const rows: (string | number | null)[][] = [
        ['名次', '单位代码', '单位名称', '类别', '总分', '等级', ...dims.map((d) => `${d.name}（${d.weight}分）`), '存在问题'],
        ...inspection.units.map((u) => [
          u.rank,
          u.unit.code,
          u.unit.name,
          GROUP_LABELS[u.group],
          u.score,
          GRADE_LABELS[u.grade],
          ...u.dimensions.map((d) => d.score),
          u.findings.map((f) => f.label).join('；'),
        ]),
      ];
      res.setHeader('x-sql-statements', String((res.locals.sqlTally as { statements: number }).statements));
      csv(res, `inspection-${parent.code}-${inspection.year}.csv`, rows);
    }),
  );

  router.get(
    '/rankings.csv',
    route(async (ctx, req, res) => {
      const metric = parseEnum(StatsMetric, query(req, 'metric'), 'metric');
      if (!metric) throw new BadInputError('Pass `metric`.', 'metric');
      const parentId = query(req, 'parentId');
      if (!parentId) throw new BadInputError('Pass `parentId`.', 'parentId');
      const own = query(req, 'own');
      if (own !== undefined && own !== 'true' && own !== 'false') throw new BadInputError('`own` is true or false.', 'own');
      const first = query(req, 'first');
      if (first !== undefined && !/^\d{1,6}$/.test(first)) throw new BadInputError('`first` is a number.', 'first');
      const quarter = query(req, 'quarter');
      const month = query(req, 'month');
      const ranking = await StatsService.rankings(ctx, {
        parentId,
        level: parseEnum(UnitLevel, query(req, 'level'), 'level') ?? null,
        metric,
        period: { year: parseYear(query(req, 'year'), 'year'), quarter: quarter === undefined ? undefined : Number(quarter), month: month === undefined ? undefined : Number(month) },
        order: parseEnum(SortOrder, query(req, 'order'), 'order') ?? SortOrder.DESC,
        first: first === undefined ? ctx.config.maxPageSize : Number(first),
        own: own === 'true',
      });
      const rate = METRICS[metric].rate;
      const rows: (string | number | null)[][] = [
        ['名次', '单位代码', '单位名称', '指标', '统计期间', '数值'],
        ...ranking.entries.map((e) => [e.rank, e.unit.code, e.unit.name, metric, ranking.period.label, e.value === null ? '' : rate ? Math.round(e.value * 10_000) / 10_000 : e.value]),
      ];
      res.setHeader('x-sql-statements', String((res.locals.sqlTally as { statements: number }).statements));
      csv(res, `rankings-${metric.toLowerCase()}-${ranking.period.label}.csv`, rows);
    }),
  );

  router.use(exportRoutes(route));

  return router;
}
