import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Scope } from '../../scope';
import { joinOwnerUnit, OwnedKey, OwnerFilter } from '../units/unit-owner.repository';
import { UUID_RE } from '../units/unit.repository';
import { Officer, UnitResponsibility } from './officer.entity';
import { OfficerRole, ROLE_ORDER } from './officer.enums';
import { mapRow, mapRows } from '../../db/rows';

export interface OfficerListFilter extends OwnerFilter {
  role?: OfficerRole;
  active?: boolean;
}


export interface OfficerRow {
  officer: Officer;
  unitCode: string;
}

/** The columns written by insert/update (camelCase property → column). */
export interface OfficerValues {
  name?: string;
  role?: OfficerRole;
  phone?: string | null;
  email?: string | null;
  active?: boolean;
  appointedOn?: string | null;
}

const COLUMNS = ['tenant_id', 'id', 'unit_id', 'name', 'role', 'phone', 'email', 'active', 'appointed_on', 'created_at', 'updated_at'];
const RESPONSIBILITY_COLUMNS = ['tenant_id', 'unit_id', 'responsible_department', 'designated_at', 'updated_at'];
const WRITABLE: Record<keyof OfficerValues, string> = {
  name: 'name',
  role: 'role',
  phone: 'phone',
  email: 'email',
  active: 'active',
  appointedOn: 'appointed_on',
};
const ROLE_RANK_SQL = `array_position(array[${ROLE_ORDER.map((r) => `'${r}'`).join(',')}]::text[], o.role)`;

function columnsOf(values: OfficerValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [prop, column] of Object.entries(WRITABLE)) {
    const v = values[prop as keyof OfficerValues];
    if (v !== undefined) out[column] = v;
  }
  return out;
}

/**
 * All SQL over `officer` and `unit_responsibility`. Reads apply the request's scope; methods
 * taking many keys answer in one statement and back the DataLoaders.
 */
export class OfficerRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  private map(rows: Record<string, unknown>[]): Officer[] {
    return mapRows(this.em, Officer, rows);
  }

  async findByIds(ids: readonly string[]): Promise<Officer[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.knex().select(COLUMNS.map((c) => `o.${c}`)).from({ o: 'officer' }).whereIn('o.id', valid);
    return this.map(await this.em.execute(this.scope.restrictOwned(qb, 'o')));
  }

  /** Officers of many units at once (optionally only the active ones): lead first, then by name. */
  async ofUnits(unitIds: readonly string[], activeOnly: boolean): Promise<Officer[]> {
    const valid = unitIds.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.knex().select(COLUMNS.map((c) => `o.${c}`)).from({ o: 'officer' }).whereIn('o.unit_id', valid);
    if (activeOnly) qb.where('o.active', true);
    qb.orderByRaw(`${ROLE_RANK_SQL}, o.name, o.id`);
    return this.map(await this.em.execute(this.scope.restrictOwned(qb, 'o')));
  }

  private filtered(f: OfficerListFilter): Knex.QueryBuilder {
    const qb = joinOwnerUnit(this.knex(), this.scope, this.knex().from({ o: 'officer' }), 'o', f);
    if (f.role) qb.where('o.role', f.role);
    if (f.active !== undefined) qb.where('o.active', f.active);
    return qb;
  }

  /** One page (`first + 1` rows) in (unit code, name, id) order. */
  async list(f: OfficerListFilter, first: number, after: OwnedKey | null): Promise<OfficerRow[]> {
    const qb = this.filtered(f).select(...COLUMNS.map((c) => `o.${c}`), 'u.code as unit_code');
    if (after) qb.whereRaw('(u.code, o.name, o.id) > (?, ?, ?)', [after.unitCode, after.name, after.id]);
    qb.orderBy([{ column: 'u.code' }, { column: 'o.name' }, { column: 'o.id' }]).limit(first + 1);
    const rows: Record<string, unknown>[] = await this.em.execute(qb);
    return rows.map(({ unit_code, ...row }) => ({ officer: mapRow(this.em, Officer, row), unitCode: String(unit_code) }));
  }

  async count(f: OfficerListFilter): Promise<number> {
    const [row] = await this.em.execute(this.filtered(f).count({ n: '*' }));
    return Number(row.n);
  }

  async insert(tenantId: number, id: string, unitId: string, values: OfficerValues): Promise<Officer> {
    const [row] = await this.em.execute(
      this.knex().insert({ tenant_id: tenantId, id, unit_id: unitId, ...columnsOf(values) }).into('officer').returning(COLUMNS),
    );
    return mapRow(this.em, Officer, row);
  }

  /** Writes the given values (undefined = unchanged); null when there is no such officer. */
  async update(tenantId: number, id: string, values: OfficerValues): Promise<Officer | null> {
    const rows: Record<string, unknown>[] = await this.em.execute(
      this.knex()
        .table('officer')
        .update({ ...columnsOf(values), updated_at: this.knex().fn.now() })
        .where({ tenant_id: tenantId, id })
        .returning(COLUMNS),
    );
    return rows[0] ? mapRow(this.em, Officer, rows[0]) : null;
  }

  /** The responsibility records of many units, in one statement. */
  async responsibilitiesOf(unitIds: readonly string[]): Promise<UnitResponsibility[]> {
    const valid = unitIds.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.knex().select(RESPONSIBILITY_COLUMNS.map((c) => `r.${c}`)).from({ r: 'unit_responsibility' }).whereIn('r.unit_id', valid);
    const rows: Record<string, unknown>[] = await this.em.execute(this.scope.restrictOwned(qb, 'r'));
    return mapRows(this.em, UnitResponsibility, rows);
  }

  /** Sets (or replaces) the responsible department of a unit. */
  async upsertResponsibility(tenantId: number, unitId: string, department: string, designatedAt: string): Promise<UnitResponsibility> {
    const [row] = await this.em.execute(
      `insert into unit_responsibility (tenant_id, unit_id, responsible_department, designated_at) values (?, ?, ?, ?)
       on conflict (tenant_id, unit_id) do update
         set responsible_department = excluded.responsible_department, designated_at = excluded.designated_at, updated_at = now()
       returning ${RESPONSIBILITY_COLUMNS.join(', ')}`,
      [tenantId, unitId, department, designatedAt],
    );
    return mapRow(this.em, UnitResponsibility, row);
  }
}
