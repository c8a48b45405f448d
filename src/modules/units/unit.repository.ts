import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { OrgUnit } from './org-unit.entity';
import { UnitKind, UnitLevel } from './unit.enums';
import { Scope, descendantOfSql } from '../../scope';
import { mapRow, mapRows } from '../../db/rows';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UnitListFilter {
  tenantId?: number;
  level?: UnitLevel;
  kind?: UnitKind;
  parentId?: string;
  ancestorId?: string;
  search?: string;
}

/** Sort key of every unit list: code, then id (codes are unique within a tenant only). */
export interface UnitKey {
  code: string;
  id: string;
}

const COLUMNS = ['tenant_id', 'id', 'code', 'name', 'level', 'kind', 'parent_id', 'path', 'depth', 'created_at', 'updated_at'];

/** Escapes LIKE wildcards, so a search matches them literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * All SQL over org_unit. Every method takes the request's scope and applies it through
 * `Scope.restrictUnits`, so no caller can forget it. Methods taking many keys answer in one
 * statement: they are the batch functions behind the DataLoaders.
 */
export class UnitRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  private cols(alias: string): string[] {
    return COLUMNS.map((c) => `${alias}.${c}`);
  }

  private async run(qb: Knex.QueryBuilder): Promise<OrgUnit[]> {
    const rows: Record<string, unknown>[] = await this.em.execute(qb);
    return mapRows(this.em, OrgUnit, rows);
  }

  async findByIds(ids: readonly string[]): Promise<OrgUnit[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.knex().select(this.cols('u')).from({ u: 'org_unit' }).whereIn('u.id', valid);
    return this.run(this.scope.restrictUnits(qb, 'u'));
  }

  async findByCode(code: string, tenantId?: number): Promise<OrgUnit[]> {
    const qb = this.knex().select(this.cols('u')).from({ u: 'org_unit' }).where('u.code', code).limit(2);
    if (tenantId !== undefined) qb.where('u.tenant_id', tenantId);
    return this.run(this.scope.restrictUnits(qb, 'u'));
  }

  /** The root unit (the province) of each of many tenants. */
  async rootsOf(tenantIds: readonly number[]): Promise<OrgUnit[]> {
    const qb = this.knex().select(this.cols('u')).from({ u: 'org_unit' }).whereIn('u.tenant_id', tenantIds).whereNull('u.parent_id');
    return this.run(this.scope.restrictUnits(qb, 'u'));
  }

  private filtered(filter: UnitListFilter): Knex.QueryBuilder {
    const qb = this.knex().from({ u: 'org_unit' });
    this.scope.restrictUnits(qb, 'u');
    if (filter.tenantId !== undefined) qb.where('u.tenant_id', filter.tenantId);
    if (filter.level) qb.where('u.level', filter.level);
    if (filter.kind) qb.where('u.kind', filter.kind);
    if (filter.parentId) qb.where('u.parent_id', filter.parentId);
    if (filter.ancestorId) {
      qb.whereExists(
        this.knex().select(this.knex().raw('1')).from({ a: 'org_unit' }).where('a.id', filter.ancestorId).whereRaw(descendantOfSql('u', 'a')),
      );
    }
    if (filter.search) {
      const s = escapeLike(filter.search);
      qb.where((w) => w.whereILike('u.name', `%${s}%`).orWhereLike('u.code', `${s}%`));
    }
    return qb;
  }

  /** One page (`first + 1` rows, to tell whether another follows) in (code, id) order. */
  async list(filter: UnitListFilter, first: number, after: UnitKey | null): Promise<OrgUnit[]> {
    const qb = this.filtered(filter).select(this.cols('u'));
    if (after) qb.whereRaw('(u.code, u.id) > (?, ?)', [after.code, after.id]);
    qb.orderBy([{ column: 'u.code' }, { column: 'u.id' }]).limit(first + 1);
    return this.run(qb);
  }

  async count(filter: UnitListFilter): Promise<number> {
    const qb = this.filtered(filter).count({ n: '*' });
    const [row] = await this.em.execute(qb);
    return Number(row.n);
  }

  /**
   * Children of many parents at once (optionally of one level), in code order. The parents'
   * tenants are part of the condition so that the (tenant_id, parent_id) index serves it (without
   * them: a scan of every unit, 27 ms for a province's 14 cities among 27,000 units).
   */
  async childrenOf(parents: readonly { tenantId: number; id: string }[], level: UnitLevel | null): Promise<OrgUnit[]> {
    const valid = parents.filter((p) => UUID_RE.test(p.id) && Number.isInteger(p.tenantId));
    if (valid.length === 0) return [];
    const qb = this.knex()
      .select(this.cols('u'))
      .from({ u: 'org_unit' })
      .whereIn('u.tenant_id', [...new Set(valid.map((p) => p.tenantId))])
      .whereIn('u.parent_id', valid.map((p) => p.id));
    if (level) qb.where('u.level', level);
    qb.orderBy([{ column: 'u.code' }, { column: 'u.id' }]);
    return this.run(this.scope.restrictUnits(qb, 'u'));
  }

  /**
   * A page of descendants for each of many roots, in one statement: a LATERAL subquery per root
   * walks the (tenant_id, path) index from the root's path and stops after `first + 1` rows.
   */
  async descendantsOf(rootIds: readonly string[], level: UnitLevel | null, first: number, after: UnitKey | null): Promise<Map<string, OrgUnit[]>> {
    const valid = rootIds.filter((id) => UUID_RE.test(id));
    const out = new Map<string, OrgUnit[]>();
    if (valid.length === 0) return out;
    const knex = this.knex();
    const inner = knex.select(this.cols('d')).from({ d: 'org_unit' }).whereRaw(descendantOfSql('d', 'r'));
    if (level) inner.where('d.level', level);
    if (after) inner.whereRaw('(d.code, d.id) > (?, ?)', [after.code, after.id]);
    this.scope.restrictUnits(inner, 'd');
    inner.orderBy([{ column: 'd.code' }, { column: 'd.id' }]).limit(first + 1);
    const qb = knex
      .select(knex.raw('r.id as root_id'), ...COLUMNS.map((c) => `x.${c}`))
      .from({ r: 'org_unit' })
      .joinRaw('cross join lateral ? as x', [inner as unknown as Knex.Raw])
      .whereIn('r.id', valid)
      .orderBy([{ column: 'r.id' }, { column: 'x.code' }, { column: 'x.id' }]);
    this.scope.restrictUnits(qb, 'r');
    const rows: Record<string, unknown>[] = await this.em.execute(qb);
    for (const row of rows) {
      const rootId = row.root_id as string;
      delete row.root_id;
      const list = out.get(rootId) ?? [];
      list.push(mapRow(this.em, OrgUnit, row));
      out.set(rootId, list);
    }
    return out;
  }

  /** Number of descendants (optionally of one level) of each of many roots, in one statement. */
  async countDescendants(rootIds: readonly string[], level: UnitLevel | null): Promise<Map<string, number>> {
    const valid = rootIds.filter((id) => UUID_RE.test(id));
    const out = new Map<string, number>();
    if (valid.length === 0) return out;
    const knex = this.knex();
    const qb = knex
      .select('r.id as root_id')
      .count({ n: 'd.id' })
      .from({ r: 'org_unit' })
      .join({ d: 'org_unit' }, knex.raw(descendantOfSql('d', 'r')))
      .whereIn('r.id', valid)
      .groupBy('r.id');
    if (level) qb.where('d.level', level);
    this.scope.restrictUnits(qb, 'r');
    this.scope.restrictUnits(qb, 'd');
    const rows: { root_id: string; n: string | number }[] = await this.em.execute(qb);
    for (const row of rows) out.set(row.root_id, Number(row.n));
    return out;
  }
}
