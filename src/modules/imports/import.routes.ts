import express from 'express';
import { GraphQLError } from 'graphql';
import type { ContextFactory } from '../../http/context';
import type { RequestContext } from '../../context';
import { BadInputError, ErrorFormatter, ForbiddenError } from '../../errors';
import { Permission, permissionsOf, Principal, UnauthenticatedError } from '../../auth/principal';
import { restRoute } from '../../http/rest';
import { ingestInteractions } from '../interactions/interaction.ingest';
import { InteractionIngestRow, MAX_INGEST_ROWS } from '../interactions/interaction.inputs';
import { ingestDisclosures } from '../disclosures/disclosure.ingest';
import { DisclosureIngestRow } from '../disclosures/disclosure.inputs';
import { importUnits, MAX_UNIT_IMPORT_ROWS, UNIT_IMPORT_COLUMNS } from '../units/unit.import';
import { CsvRecord, parseCsv, parseInstant } from './csv';

/**
 * Imports from files: POST /imports/events, /imports/items and /imports/units with a CSV body
 * (`Content-Type: text/csv`). Files are what spreadsheets and source systems export, so the transport
 * is the file itself (`curl --data-binary @events.csv`), not a GraphQL string holding it. Each
 * import runs the same code as its GraphQL counterpart: the same row checks, the bulk contract
 * (every problem answered at once, here with the file's line), the same idempotency
 * (`Idempotency-Key` header) and the same scope. docs/integrators.md describes the columns.
 */

export const EVENT_COLUMNS = ['unitCode', 'kind', 'channel', 'subject', 'receivedAt', 'repliedAt', 'reply', 'status', 'statusReason', 'requesterName', 'requesterContact', 'centreId', 'externalId'] as const;
export const ITEM_COLUMNS = ['unitCode', 'unitId', 'title', 'documentNumber', 'categoryCode', 'channels', 'specialColumn', 'url', 'publishedAt', 'status', 'externalId'] as const;

const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv'];

function requirePermission(p: Principal, permission: Permission): void {
  if (p.kind === 'anonymous') throw new UnauthenticatedError('Imports need a bearer token or an API key.');
  if (!permissionsOf(p).has(permission)) throw new ForbiddenError(`This import needs ${permission}, which ${p.kind === 'key' ? 'the key’s scopes' : 'the token’s roles'} do not grant.`);
}

function idempotencyKey(req: express.Request): string {
  const key = req.get('idempotency-key');
  if (!key) throw new BadInputError('Send an `Idempotency-Key` header (a string of your choice, 1 to 200 characters, new for each new file).', 'Idempotency-Key');
  return key;
}

function tenantParam(req: express.Request): string | undefined {
  const t = req.query.tenant;
  if (t !== undefined && typeof t !== 'string') throw new BadInputError('Pass `tenant` once.', 'tenant');
  return t;
}

/** The CSV text of the request, read with the writers' body limit (413 beyond it). */
function csvBody(req: express.Request): string {
  if (!req.is(CSV_TYPES)) {
    throw new BadInputError('Send the file as CSV (`Content-Type: text/csv`, UTF-8): spreadsheets save it with "CSV UTF-8".', 'Content-Type', { reason: 'UNSUPPORTED_MEDIA_TYPE' });
  }
  return typeof req.body === 'string' ? req.body : '';
}

/** Adds each row error's line in the file (the header is line 1) to a refused import. */
async function withLines<T>(records: CsvRecord[], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const rowErrors = err instanceof GraphQLError ? (err.extensions?.rowErrors as { index: number; line?: number }[] | undefined) : undefined;
    if (rowErrors) for (const e of rowErrors) e.line = records[e.index]?.line;
    throw err;
  }
}

export function importRoutes(contextOf: ContextFactory, opts: { formatError: ErrorFormatter; bodyLimit: number; afterWrite: (p: Principal) => Promise<void> }): express.Router {
  const router = express.Router();
  const route = restRoute(contextOf, opts.formatError);
  const text = express.text({ type: CSV_TYPES, limit: opts.bodyLimit, defaultCharset: 'utf-8' });

  /** An import route: permission first (before the body is read), then the write scope, then the file. */
  const post = (path: string, permission: Permission, run: (ctx: RequestContext, req: express.Request) => Promise<unknown>) =>
    router.post(
      path,
      route(async (ctx, req, res) => {
        requirePermission(ctx.principal, permission);
        const bodyError = await new Promise<{ status?: number; message?: string } | undefined>((resolve) => text(req, res, (err?: unknown) => resolve(err as never)));
        if (bodyError) {
          const status = Number(bodyError.status) >= 400 && Number(bodyError.status) < 500 ? Number(bodyError.status) : 400;
          const message = status === 413 ? `The file is larger than the ${opts.bodyLimit} bytes allowed; split it.` : 'The file cannot be read as text in the charset it names (UTF-8 when it names none).';
          res.status(status).json({ error: { code: 'BAD_USER_INPUT', reason: status === 413 ? 'BODY_TOO_LARGE' : 'BAD_BODY', message } });
          return;
        }
        // From here on every read of the request sees only what the principal may write.
        ctx.scope.beginWrites();
        const result = await run(ctx, req);
        await opts.afterWrite(ctx.principal);
        res.setHeader('x-sql-statements', String((res.locals.sqlTally as { statements: number }).statements));
        res.json(result);
      }),
    );

  post('/imports/events', 'interactions:write', async (ctx, req) => {
    const records = parseCsv(csvBody(req), EVENT_COLUMNS, ['unitCode', 'kind', 'channel', 'subject', 'receivedAt'], MAX_INGEST_ROWS);
    const rows = records.map(({ cells: c }) => ({ ...c, receivedAt: parseInstant(c.receivedAt), repliedAt: parseInstant(c.repliedAt) }) as unknown as InteractionIngestRow);
    return withLines(records, () => ingestInteractions(ctx, tenantParam(req), idempotencyKey(req), rows));
  });

  post('/imports/items', 'items:edit', async (ctx, req) => {
    const records = parseCsv(csvBody(req), ITEM_COLUMNS, ['title', 'categoryCode', 'channels'], MAX_INGEST_ROWS);
    const rows = records.map(
      ({ cells: c }): DisclosureIngestRow => ({
        ...c,
        title: c.title ?? '',
        categoryCode: c.categoryCode ?? '',
        // Several channels in one cell, separated by ; or | (a comma would need quoting).
        channels: (c.channels ?? '').split(/[;|；]/).map((s) => s.trim()).filter(Boolean),
        publishedAt: parseInstant(c.publishedAt),
      }) as DisclosureIngestRow,
    );
    return withLines(records, () => ingestDisclosures(ctx, tenantParam(req), idempotencyKey(req), rows));
  });

  post('/imports/units', 'units:manage', async (ctx, req) => {
    const dryRun = req.query.dryRun;
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') throw new BadInputError('`dryRun` is true or false.', 'dryRun');
    const records = parseCsv(csvBody(req), UNIT_IMPORT_COLUMNS, ['code'], MAX_UNIT_IMPORT_ROWS);
    return withLines(records, () => importUnits(ctx, tenantParam(req), records.map((r) => r.cells), dryRun === 'true'));
  });

  return router;
}
