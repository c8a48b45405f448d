import { AsyncResource } from 'node:async_hooks';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type express from 'express';
import { stringify } from 'csv-stringify';
import type { Logger } from '../../logger';

export type ExportFormat = 'csv' | 'ndjson';
export type Cell = string | number | boolean | null;

/** A column of an export: its name (CSV header and NDJSON key) and its value in a row. */
export interface Column<R> {
  name: string;
  value: (row: R) => Cell;
}

/**
 * Writes `pages` (asked for one at a time, only when the client has taken the previous one) as CSV
 * or NDJSON. Nothing is held but the page being written: the stream from the pages through the
 * formatter to the socket keeps Node's backpressure, so a slow client slows the reads down instead
 * of filling memory. The first page is read before the answer starts, so that an error in it is
 * still a JSON error with its status; a failure later cuts the answer short (the client sees an
 * incomplete transfer, never a truncated file that looks whole).
 */
export async function streamExport<R>(
  res: express.Response,
  opts: { format: ExportFormat; filename: string; bom: boolean; columns: Column<R>[]; pages: AsyncIterable<R[]>; logger: Logger },
): Promise<void> {
  // Each page's statements belong to this request (its SQL tally and caller), wherever the stream resumes it.
  const iterator = opts.pages[Symbol.asyncIterator]();
  const next = AsyncResource.bind(() => iterator.next());
  const first = await next();
  res.status(200);
  res.type(opts.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
  res.setHeader('content-disposition', contentDisposition(`${opts.filename}.${opts.format}`));
  res.setHeader('x-sql-statements', String((res.locals.sqlTally as { statements: number } | undefined)?.statements ?? 0));
  res.setHeader('cache-control', 'no-store');
  const rows = Readable.from(
    (async function* () {
      let page = first;
      while (!page.done) {
        for (const row of page.value) yield opts.columns.map((c) => c.value(row));
        page = await next();
      }
    })(),
    { highWaterMark: 64 },
  );
  const format =
    opts.format === 'csv'
      ? stringify({ bom: opts.bom, header: true, columns: opts.columns.map((c) => c.name), cast: { boolean: (b) => (b ? 'true' : 'false') } })
      : ndjson(opts.columns.map((c) => c.name), opts.bom);
  try {
    await pipeline(rows, format, res);
  } catch (err) {
    if (res.destroyed && !res.writableFinished && (err as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client went away
    opts.logger.error({ err }, 'export failed while streaming');
    res.destroy();
  } finally {
    await iterator.return?.();
  }
}

/** One JSON object per line, keyed by the column names. */
function ndjson(names: string[], bom: boolean): Transform {
  let started = false;
  return new Transform({
    writableObjectMode: true,
    transform(values: Cell[], _enc, done) {
      const obj: Record<string, Cell> = {};
      names.forEach((n, i) => (obj[n] = values[i]));
      const line = `${JSON.stringify(obj)}\n`;
      done(null, !started && bom ? `\ufeff${line}` : line);
      started = true;
    },
  });
}

/** `attachment` with an ASCII name and the UTF-8 one (RFC 6266 / 5987). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
