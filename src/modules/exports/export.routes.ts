import express from 'express';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import type { SqlTally } from '../../db/sql-counter';
import { applicationsExport, eventsExport, type Export, figuresExport, itemsExport, seriesExport, unitsExport } from './export.datasets';
import { wantsBom } from './export.params';
import { streamExport, type ExportFormat } from './export.stream';

/** The REST routes' wrapper: the request's context (principal, scope, rate limits) and JSON errors. */
export type RestRoute = (handler: (ctx: RequestContext, req: express.Request, res: express.Response) => Promise<void>) => express.RequestHandler;

/** The exports by name, each served as CSV and NDJSON. */
export const EXPORTS = {
  units: unitsExport,
  items: itemsExport,
  events: eventsExport,
  applications: applicationsExport,
  figures: figuresExport,
  series: seriesExport,
} as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyExport = (ctx: RequestContext, req: express.Request) => Promise<Export<any>>;

export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'ndjson'];

/**
 * GET /exports/<units|items|events|applications|figures|series>.<csv|ndjson>?…: the caller's rows
 * (their scope, as the GraphQL lists), streamed in constant memory. See docs/exports.md.
 */
export function exportRoutes(route: RestRoute): express.Router {
  const router = express.Router();
  for (const [name, dataset] of Object.entries(EXPORTS)) {
    for (const format of EXPORT_FORMATS) {
      router.get(
        `/exports/${name}.${format}`,
        route(async (ctx, req, res) => {
          const bom = wantsBom(req);
          // An export is many small reads, a page each, however long: the per-request statement cap
          // of GraphQL operations does not apply; the per-caller connection limit does.
          (res.locals.sqlTally as SqlTally).maxStatements = Number.POSITIVE_INFINITY;
          const out = await (dataset as AnyExport)(ctx, req);
          await streamExport(res, { format, filename: out.filename, bom, columns: out.columns, pages: out.pages, logger: ctx.logger });
        }),
      );
    }
  }
  // Anything else under /exports: say what there is.
  router.get(
    '/exports/:file',
    route(async () => {
      throw new BadInputError(`The exports are /exports/<${Object.keys(EXPORTS).join('|')}>.<${EXPORT_FORMATS.join('|')}>.`, 'file');
    }),
  );
  return router;
}
