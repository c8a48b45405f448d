import fs from 'node:fs';
import path from 'node:path';
import type express from 'express';
import { publicDir } from './pages';
import { UnitLevel } from '../modules/units/unit.enums';
import { UNIT_IMPORT_COLUMNS } from '../modules/units/unit.import';
import { EVENT_COLUMNS, ITEM_COLUMNS } from '../modules/imports/import.routes';
import { StatsMetric } from '../modules/stats/rollup.groups';
import { SortOrder } from '../modules/stats/stats.types';
import { exportPaths } from '../modules/exports/export.openapi';

/**
 * The HTTP routes besides GraphQL's operations, as an OpenAPI 3.1 document served at GET
 * /openapi.json. Built from the same constants as the routes (columns, enums), and a test checks
 * that every route the server mounts is described here (test/api/openapi.test.ts).
 */

/** One mounted route: a method (or `*` for a mount that takes any) and an express path. */
export interface MountedRoute {
  method: string;
  path: string;
}

/** The routes an express app mounts, from its router stack (sub-routers walked, mounts kept as `*`). */
export function mountedRoutes(app: express.Application): MountedRoute[] {
  const out: MountedRoute[] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; name?: string; rawPath?: string };
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const at = layer.rawPath && layer.rawPath !== '/' ? prefix + layer.rawPath : prefix;
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push({ method: m.toUpperCase(), path: prefix + layer.route.path });
      else if (layer.handle?.stack) walk(layer.handle.stack, at);
      else if (at !== prefix) out.push({ method: '*', path: at });
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const ERRORS = {
  '400': errorResponse('BAD_USER_INPUT: a bad parameter or file; `field` names it, `rowErrors` lists every bad row of an import.'),
  '401': errorResponse('UNAUTHENTICATED: the credential is missing, expired, malformed, unknown or revoked.'),
  '403': errorResponse('FORBIDDEN: the credential lacks the permission.'),
  '429': errorResponse('RATE_LIMITED: retry after the `Retry-After` seconds.'),
  '503': errorResponse('The database is unavailable or busy (`retryable: true`); retry after `Retry-After`.'),
};
const READ_ERRORS = { '400': ERRORS['400'], '401': ERRORS['401'], '404': errorResponse('NOT_FOUND: no such unit (or tenant).'), '429': ERRORS['429'], '503': ERRORS['503'] };

const tenantParam = { name: 'tenant', in: 'query', required: false, description: 'Province code of the tenant (six digits). Reads: needed only when a code exists in several tenants. Imports: optional, the credential fixes the tenant; when given it must be the credential’s.', schema: { type: 'string', pattern: '^\\d{6}$' } };
const codeParam = { name: 'code', in: 'path', required: true, description: 'A unit code (GB/T 2260 division code, or a school’s 10-digit identifier).', schema: { type: 'string', pattern: '^[0-9A-Za-z]{1,20}$' } };
const keyHeader = { name: 'Idempotency-Key', in: 'header', required: true, description: '1 to 200 characters of your choice, new for each new file: the same key with the same file answers the first result (`replayed: true`) and writes nothing; with another file it is refused (IDEMPOTENCY_KEY_REUSED).', schema: { type: 'string', minLength: 1, maxLength: 200 } };
const WRITE_SECURITY = [{ bearer: [] }, { apiKey: [] }];
const READ_SECURITY = [{}, { bearer: [] }, { apiKey: [] }];

function csvBody(columns: readonly string[], required: readonly string[], example: string) {
  return {
    required: true,
    description: `CSV, UTF-8 (a BOM is fine; another charset when the Content-Type names it, e.g. text/csv; charset=gbk), comma-separated, first line the column names. Columns: ${columns.join(', ')}; required: ${required.join(', ')}. An empty cell is an absent value. Unknown columns are refused.`,
    content: { 'text/csv': { schema: { type: 'string' }, example } },
  };
}

function importOperation(summary: string, description: string, body: object, result: string, extraParams: object[] = []) {
  return {
    post: {
      summary,
      description,
      security: WRITE_SECURITY,
      parameters: [tenantParam, ...extraParams],
      requestBody: body,
      responses: {
        '200': { description: 'Done (or replayed); nothing was written when any row was bad.', content: { 'application/json': { schema: { $ref: `#/components/schemas/${result}` } } } },
        ...ERRORS,
        '413': errorResponse('BODY_TOO_LARGE: the file is larger than BODY_LIMIT_WRITER; split it.'),
      },
    },
  };
}

/** The project's version, from its package.json (beside dist/). */
export function projectVersion(): string {
  try {
    return String(JSON.parse(fs.readFileSync(path.join(path.dirname(path.dirname(publicDir())), 'package.json'), 'utf8')).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/** The OpenAPI 3.1 document of the HTTP routes. */
export function openApiDocument(version = projectVersion()): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Education government-affairs disclosure API: HTTP routes',
      version,
      description:
        'Everything besides GraphQL operations: reports, CSV exports, file imports, health and metrics. GraphQL itself is at /graphql (its schema: schema.graphql, or introspection). Integrators’ guide: docs/integrators.md. Errors answer `{ "error": { code, message, field?, reason?, rowErrors?, rowErrorCount? } }`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A staff token (claims sub, tenant, unit, roles).' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'An API key of a unit (created by createApiKey), with its scopes.' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when set.' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: ['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR'] },
                message: { type: 'string' },
                field: { type: 'string', description: 'The parameter, header or row path at fault (`rows.7.unitCode`).' },
                reason: { type: 'string', description: 'A finer cause, e.g. INVALID_ROWS, IDEMPOTENCY_KEY_REUSED, TENANT_MISMATCH, CSV_MALFORMED, CSV_UNKNOWN_COLUMN, CSV_MISSING_COLUMN, UNSUPPORTED_MEDIA_TYPE, AMBIGUOUS_UNIT_CODE, DATABASE_UNAVAILABLE.' },
                rowErrors: { type: 'array', items: { $ref: '#/components/schemas/RowError' } },
                rowErrorCount: { type: 'integer' },
                retryable: { type: 'boolean' },
              },
            },
          },
        },
        RowError: {
          type: 'object',
          required: ['index', 'field', 'path', 'message'],
          properties: {
            index: { type: 'integer', description: '0-based index of the data row (the header is not a row).' },
            line: { type: 'integer', description: 'Line of the row in the file (the header is line 1).' },
            field: { type: 'string', description: 'The column at fault.' },
            path: { type: 'string', description: '`rows.<index>.<field>`, as in the GraphQL mutations.' },
            message: { type: 'string' },
          },
        },
        EventsImportResult: {
          type: 'object',
          required: ['accepted', 'duplicates', 'replayed', 'ids'],
          properties: {
            accepted: { type: 'integer', description: 'Events stored.' },
            duplicates: { type: 'integer', description: 'Rows whose (unit, externalId) was stored already: left unchanged.' },
            replayed: { type: 'boolean', description: 'This is the stored answer of an earlier call with the same key and file.' },
            ids: { type: 'array', items: { type: 'string', format: 'uuid' }, description: 'Event ids in the order of the rows (a duplicate row: the stored event’s id).' },
          },
        },
        ItemsImportResult: {
          type: 'object',
          required: ['accepted', 'duplicates', 'replayed'],
          properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' }, replayed: { type: 'boolean' } },
        },
        UnitsImportResult: {
          type: 'object',
          required: ['dryRun', 'created', 'renamed', 'kindChanged', 'moved', 'unchanged'],
          properties: {
            dryRun: { type: 'boolean' },
            created: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, level: { type: 'string', enum: Object.values(UnitLevel) }, kind: { type: 'string' }, parentCode: { type: 'string' } } } },
            renamed: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } } },
            kindChanged: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } } },
            moved: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, fromParentCode: { type: ['string', 'null'] }, toParentCode: { type: 'string' } } } },
            unchanged: { type: 'integer', description: 'Rows that matched the stored unit already (a file applied twice changes nothing).' },
          },
        },
      },
    },
    paths: {
      '/graphql': {
        post: {
          summary: 'GraphQL operations (queries, mutations; a JSON array batches queries)',
          description: 'GraphQL over HTTP: `{ "query": "…", "variables": { … } }`. The schema is schema.graphql; errors follow GraphQL (`errors[].extensions.code`).',
          security: READ_SECURITY,
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { query: { type: 'string' }, variables: { type: 'object' }, operationName: { type: 'string' } }, required: ['query'] } } } },
          responses: { '200': { description: 'A GraphQL response (`data`, `errors`).', content: { 'application/json': { schema: { type: 'object' } } } }, '400': { description: 'A malformed or invalid operation.' }, '401': { description: 'A bad credential.' }, '413': { description: 'A body over the caller’s limit.' } },
        },
        get: {
          summary: 'GraphQL queries in the URL; in a browser, the GraphQL IDE (when introspection is on)',
          security: READ_SECURITY,
          parameters: [{ name: 'query', in: 'query', required: false, schema: { type: 'string' } }, { name: 'variables', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { '200': { description: 'A GraphQL response, or the IDE page.' } },
        },
      },
      '/reports/{code}/{file}': {
        get: {
          summary: 'A unit’s annual report on government-information disclosure',
          security: READ_SECURITY,
          parameters: [codeParam, { name: 'file', in: 'path', required: true, description: '`<year>.md` (Markdown) or `<year>.html` (printable page).', schema: { type: 'string', pattern: '^\\d{4}\\.(md|html)$' } }, tenantParam],
          responses: { '200': { description: 'The report.', content: { 'text/markdown': { schema: { type: 'string' } }, 'text/html': { schema: { type: 'string' } } } }, ...READ_ERRORS },
        },
      },
      '/inspection/{code}/{file}': {
        get: {
          summary: 'The yearly inspection of the units under a unit, as CSV (UTF-8 with BOM)',
          security: READ_SECURITY,
          parameters: [codeParam, { name: 'file', in: 'path', required: true, description: '`<year>.csv`.', schema: { type: 'string', pattern: '^\\d{4}\\.csv$' } }, tenantParam],
          responses: { '200': { description: 'Rank, unit, group, score, grade, dimension scores, findings.', content: { 'text/csv': { schema: { type: 'string' } } } }, ...READ_ERRORS },
        },
      },
      '/rankings.csv': {
        get: {
          summary: 'A ranking of the children of a unit by a figure, as CSV (UTF-8 with BOM)',
          security: READ_SECURITY,
          parameters: [
            { name: 'metric', in: 'query', required: true, schema: { type: 'string', enum: Object.values(StatsMetric) } },
            { name: 'parentId', in: 'query', required: true, description: 'The unit whose children are ranked (an id: `unit(code:)` answers it).', schema: { type: 'string', format: 'uuid' } },
            { name: 'year', in: 'query', required: true, schema: { type: 'integer' } },
            { name: 'quarter', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 4 } },
            { name: 'month', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 12 } },
            { name: 'level', in: 'query', required: false, description: 'Rank the descendants of this level instead of the children.', schema: { type: 'string', enum: Object.values(UnitLevel) } },
            { name: 'order', in: 'query', required: false, schema: { type: 'string', enum: Object.values(SortOrder) } },
            { name: 'first', in: 'query', required: false, schema: { type: 'integer' } },
            { name: 'own', in: 'query', required: false, description: 'true: each unit’s own records only.', schema: { type: 'boolean' } },
          ],
          responses: { '200': { description: 'Rank, unit code and name, metric, period, value.', content: { 'text/csv': { schema: { type: 'string' } } } }, ...READ_ERRORS },
        },
      },
      '/imports/events': importOperation(
        'Import interaction events from a CSV file',
        'The file goes through `ingestInteractions` (permission interactions:write): the same checks, the bulk contract (every bad row answered with its line; nothing written), idempotency under `Idempotency-Key`, and a row whose unit already has its externalId skipped as a duplicate. Date-times: RFC 3339, or `2024-03-01 09:30` / `2024-03-01` read in Asia/Shanghai. At most 5,000 rows.',
        csvBody(EVENT_COLUMNS, ['unitCode', 'kind', 'channel', 'subject', 'receivedAt'], 'unitCode,kind,channel,subject,receivedAt,repliedAt,reply,externalId\n430102,CONSULTATION,PORTAL,关于招生政策的咨询,2024-03-01 09:30,2024-03-04 10:00,已答复,OA-2024-0001\n'),
        'EventsImportResult',
        [keyHeader],
      ),
      '/imports/items': importOperation(
        'Import disclosure items from a CSV file',
        'The file goes through `ingestDisclosures` (permission items:edit), like /imports/events. `channels` holds one or more channel names separated by `;`. At most 5,000 rows.',
        csvBody(ITEM_COLUMNS, ['title', 'categoryCode', 'channels'], 'unitCode,title,categoryCode,channels,publishedAt,externalId\n430102,关于2024年招生工作的通知,NOTICE,GOVERNMENT_PORTAL;WECHAT,2024-05-06 08:00,OA-1\n'),
        'ItemsImportResult',
        [keyHeader],
      ),
      '/imports/units': importOperation(
        'Import units: new units, renames, kind changes and moves (re-drawn divisions)',
        'Permission units:manage (ADMIN). Each row states a unit as it should be: a code not in the tenant is a new unit (name, level, kind, parentCode required; the parent may be a new unit of the same file); an existing code with another name is renamed, another kind re-kinded, another parentCode moved with its subtree and its figures. One transaction; the bulk contract; a file applied twice changes nothing. `dryRun=true` answers what would change and writes nothing. At most 20,000 rows.',
        csvBody(UNIT_IMPORT_COLUMNS, ['code'], 'code,name,level,kind,parentCode\n430199,长沙市新区教育局,COUNTY,EDUCATION_BUREAU,430100\n430102,,,,430200\n'),
        'UnitsImportResult',
        [{ name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean', default: false } }],
      ),
      ...exportPaths(READ_ERRORS, READ_SECURITY),
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } } } } },
      '/health': { get: { summary: 'Liveness and readiness: the database reached, the store, uptime', responses: { '200': { description: 'Up.' }, '503': { description: 'Starting, or the database is down (`Retry-After`).' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [{}, { metricsToken: [] }], responses: { '200': { description: 'Text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': { description: 'METRICS_TOKEN is set and was not sent.' } } } },
      '/': { get: { summary: 'The landing page', responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/dashboard': { get: { summary: 'The example dashboard', responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/static/{file}': { get: { summary: 'Assets of the pages', parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'A script, style sheet, font or image.' }, '404': { description: 'No such asset.' } } } },
    },
  };
}
