import type express from 'express';
import { validate } from 'class-validator';
import { BadInputError, NotFoundError } from '../../errors';
import type { RequestContext } from '../../context';
import { UnitService } from '../units/unit.service';
import type { OrgUnit } from '../units/org-unit.entity';

/**
 * The query string of an export as the GraphQL list's filter: the same names (`unitId`, `subtree`,
 * `kinds`, `receivedFrom` …), parsed by type, then checked by the same input class and its
 * validation rules. A few short forms help people typing URLs: `unit=<code>` (with `tenant` if the
 * code is in several tenants) for `unitId`, and `from`/`to` for the list's own date range.
 */
export type ParamType = 'string' | 'id' | 'boolean' | 'date' | 'int' | { enum: Record<string, string>; list?: boolean };

/** Parameters every export takes besides its filter. */
const COMMON = new Set(['bom', 'unit', 'from', 'to']);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One value of a parameter, or the list of a list parameter (comma-separated or repeated). */
function values(req: express.Request, name: string): string[] | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function one(req: express.Request, name: string): string | undefined {
  const v = values(req, name);
  if (v && v.length > 1) throw new BadInputError(`Pass \`${name}\` once.`, name);
  return v?.[0];
}

function parse(name: string, raw: string[], type: ParamType): unknown {
  if (typeof type === 'object' && type.list) {
    const items = raw.flatMap((x) => x.split(',')).filter(Boolean);
    for (const i of items) if (!Object.values(type.enum).includes(i)) throw new BadInputError(`\`${name}\` takes ${Object.values(type.enum).join(', ')}.`, name);
    return items;
  }
  if (raw.length > 1) throw new BadInputError(`Pass \`${name}\` once.`, name);
  const s = raw[0];
  if (typeof type === 'object') {
    if (!Object.values(type.enum).includes(s)) throw new BadInputError(`\`${name}\` must be one of ${Object.values(type.enum).join(', ')}.`, name);
    return s;
  }
  switch (type) {
    case 'boolean':
      if (s !== 'true' && s !== 'false') throw new BadInputError(`\`${name}\` is true or false.`, name);
      return s === 'true';
    case 'date':
      if (!DATE.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) throw new BadInputError(`\`${name}\` is a day, YYYY-MM-DD.`, name);
      return s;
    case 'int':
      if (!/^-?\d{1,9}$/.test(s)) throw new BadInputError(`\`${name}\` is a whole number.`, name);
      return Number(s);
    default:
      return s;
  }
}

/** `bom=1` (or true): a UTF-8 byte order mark first, for spreadsheet programs. */
export function wantsBom(req: express.Request): boolean {
  const b = one(req, 'bom');
  if (b === undefined) return false;
  if (!['1', '0', 'true', 'false'].includes(b)) throw new BadInputError('`bom` is 1 or 0.', 'bom');
  return b === '1' || b === 'true';
}

/** The unit `unit=<code>` names (404 if the caller cannot see it), or undefined without the parameter. */
export async function unitParam(ctx: RequestContext, req: express.Request, tenantParam = 'tenant'): Promise<OrgUnit | undefined> {
  const code = one(req, 'unit');
  if (code === undefined) return undefined;
  if (!/^[0-9A-Za-z]{1,20}$/.test(code)) throw new BadInputError('`unit` is a unit code: 1–20 letters or digits.', 'unit');
  const tenant = one(req, tenantParam);
  if (tenant !== undefined && !/^\d{6}$/.test(tenant)) throw new BadInputError('`tenant` is a six-digit province code.', 'tenant');
  const unit = await UnitService.unit(ctx, null, code, tenant);
  if (!unit) throw new NotFoundError(`No unit ${code}${tenant ? ` in tenant ${tenant}` : ''}.`);
  return unit;
}

/**
 * The filter of a list export: `spec` names the filter's fields and types; `dates` the fields
 * that `from` and `to` stand for. Unknown parameters are refused, so a typo does not export
 * everything.
 */
export async function filterParams<T extends object>(
  ctx: RequestContext,
  req: express.Request,
  cls: new () => T,
  spec: Record<string, ParamType>,
  dates: [string, string] | null,
  extra: string[] = [],
): Promise<T> {
  for (const name of Object.keys(req.query)) {
    if (!(name in spec) && !COMMON.has(name) && !extra.includes(name)) {
      throw new BadInputError(`Unknown parameter \`${name}\`; this export takes ${[...Object.keys(spec), ...COMMON, ...extra].join(', ')}.`, name);
    }
  }
  const filter = new cls() as Record<string, unknown>;
  for (const [name, type] of Object.entries(spec)) {
    const raw = values(req, name);
    if (raw !== undefined) filter[name] = parse(name, raw, type);
  }
  for (const [short, long] of dates ? [['from', dates[0]], ['to', dates[1]]] : []) {
    const raw = values(req, short);
    if (raw === undefined) continue;
    if (filter[long] !== undefined) throw new BadInputError(`Pass \`${short}\` or \`${long}\`, not both.`, short);
    filter[long] = parse(short, raw, 'date');
  }
  if (!dates && (req.query.from !== undefined || req.query.to !== undefined)) throw new BadInputError('This export takes no `from` or `to`.', 'from');
  if ('unitId' in spec) {
    const unit = await unitParam(ctx, req);
    if (unit) {
      if (filter.unitId !== undefined) throw new BadInputError('Pass `unit` or `unitId`, not both.', 'unit');
      filter.unitId = unit.id;
    }
  } else if (req.query.unit !== undefined) {
    throw new BadInputError('This export takes no `unit`.', 'unit');
  }
  const [error] = await validate(filter, { forbidUnknownValues: false, stopAtFirstError: true });
  if (error) {
    const message = Object.values(error.constraints ?? {})[0] ?? `\`${error.property}\` is not valid.`;
    throw new BadInputError(message.replace(/^filter\./, ''), error.property);
  }
  return filter as T;
}
