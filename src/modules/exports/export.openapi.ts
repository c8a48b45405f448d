import { UnitLevel } from '../units/unit.enums';
import { StatsMetric } from '../stats/rollup.groups';
import { Granularity } from '../stats/stats.types';
import { LIST_FILTERS, PERIOD_PARAMS } from './export.datasets';
import type { ParamType } from './export.params';

/**
 * The export routes in the OpenAPI document (src/http/openapi.ts), built from the same filter
 * specifications the routes parse with.
 */

const SUMMARIES: Record<string, string> = {
  units: 'Units, in code order (the filters of `units`)',
  items: 'Disclosure items the caller may see, newest publication first (the filters of `disclosureItems`)',
  events: 'Interaction events the caller may see, newest first (the filters of `interactions`); requester fields only where the caller may see personal data',
  applications: 'Disclosure applications the caller may see, newest first (the filters of `disclosureApplications`); applicant fields only where the caller may see personal data',
  figures: 'The figures of the children of a unit (or of its descendants of `level`) for a period, one row per unit',
  series: 'Time series of one or more metrics of a unit, a row per month or day, a column per metric',
};

function schemaOf(type: ParamType): Record<string, unknown> {
  if (typeof type === 'object') {
    const values = { type: 'string', enum: Object.values(type.enum) };
    return type.list ? { type: 'array', items: values } : values;
  }
  return { string: { type: 'string' }, id: { type: 'string', format: 'uuid' }, boolean: { type: 'boolean' }, date: { type: 'string', format: 'date' }, int: { type: 'integer' } }[type];
}

const query = (name: string, schema: Record<string, unknown>, description?: string, required = false) => ({
  name,
  in: 'query',
  required,
  ...(description ? { description } : {}),
  schema,
  ...(schema.type === 'array' ? { style: 'form', explode: false } : {}),
});

const COMMON = [
  query('bom', { type: 'string', enum: ['1', '0', 'true', 'false'] }, '1: a UTF-8 byte order mark first, for spreadsheet programs.'),
];
const UNIT = (required: boolean) => [
  query('unit', { type: 'string', pattern: '^[0-9A-Za-z]{1,20}$' }, required ? 'The code of the unit.' : 'A unit code instead of `unitId`.', required),
  query('tenant', { type: 'string', pattern: '^\\d{6}$' }, 'Province code: needed with `unit` only when the code exists in several tenants.'),
];
const PERIOD = PERIOD_PARAMS.map((p) =>
  query(p, p === 'from' || p === 'to' ? { type: 'string', format: 'date' } : { type: 'integer' }, p === 'year' ? 'The period: `year`, with `quarter` or `month`, or `from` and `to` (days, both included).' : undefined),
);
const OWN = query('own', { type: 'boolean' }, 'true: each unit’s own records only; false (default): its whole subtree.');

function parameters(name: string): object[] {
  if (name === 'figures') return [...UNIT(true), query('level', { type: 'string', enum: Object.values(UnitLevel) }, 'The descendants of this level instead of the children.'), OWN, ...PERIOD, ...COMMON];
  if (name === 'series') {
    return [
      ...UNIT(true),
      query('metric', { type: 'array', items: { type: 'string', enum: Object.values(StatsMetric) } }, 'One or more metrics, comma-separated.', true),
      query('granularity', { type: 'string', enum: Object.values(Granularity), default: Granularity.MONTH }),
      OWN,
      ...PERIOD,
      ...COMMON,
    ];
  }
  const f = LIST_FILTERS[name as keyof typeof LIST_FILTERS];
  const fields = Object.entries(f.fields).map(([n, t]) => query(n, schemaOf(t)));
  const dates = f.dates ? [query('from', { type: 'string', format: 'date' }, `Short for \`${f.dates[0]}\`.`), query('to', { type: 'string', format: 'date' }, `Short for \`${f.dates[1]}\`.`)] : [];
  return [...fields, ...dates, ...('unitId' in f.fields ? [UNIT(false)[0]] : []), ...COMMON];
}

/** The paths of the exports, with the error answers and security of the other read routes. */
export function exportPaths(errors: Record<string, unknown>, security: unknown[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const name of Object.keys(SUMMARIES)) {
    for (const [format, type] of [['csv', 'text/csv'], ['ndjson', 'application/x-ndjson']]) {
      paths[`/exports/${name}.${format}`] = {
        get: {
          summary: `${SUMMARIES[name]}, as ${format === 'csv' ? 'CSV' : 'NDJSON'}`,
          description:
            'Streamed in constant memory (keyset pages of 1,000 rows, read as the client takes them), with `Content-Disposition: attachment`. The caller’s scope applies as in GraphQL; unknown parameters are refused. See docs/exports.md.',
          security,
          parameters: parameters(name),
          responses: { '200': { description: format === 'csv' ? 'CSV with a header row of column names.' : 'One JSON object per line.', content: { [type]: { schema: { type: 'string' } } } }, ...errors },
        },
      };
    }
  }
  paths['/exports/{file}'] = {
    get: {
      summary: 'Any other name under /exports: 400 naming the exports there are',
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '400': errors['400'] },
    },
  };
  return paths;
}
