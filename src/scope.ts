import type { Knex } from '@mikro-orm/postgresql';

/**
 * What a request may see, applied in one place: every query over units or unit-owned rows goes
 * through `restrictUnits` (or `restrictOwned`), whatever resolver, loader or count issues it.
 *
 * - `tenantId`: null means every tenant (public data such as units is readable by anyone).
 * - `rootPath`: materialized path of the unit whose subtree is visible; null means the whole tenant.
 */
export class Scope {
  private constructor(
    readonly tenantId: number | null,
    readonly rootPath: string | null,
  ) {}

  /** Anonymous callers: public rows of every tenant. */
  static public(): Scope {
    return new Scope(null, null);
  }

  static tenant(tenantId: number): Scope {
    return new Scope(tenantId, null);
  }

  static subtree(tenantId: number, rootPath: string): Scope {
    return new Scope(tenantId, rootPath);
  }

  /** Restricts a query over `org_unit` aliased `alias` to the visible units. */
  restrictUnits<Q extends Knex.QueryBuilder>(qb: Q, alias: string): Q {
    if (this.tenantId !== null) qb.where(`${alias}.tenant_id`, this.tenantId);
    if (this.rootPath !== null) {
      qb.whereRaw(`${alias}.path ~>=~ ? and ${alias}.path ~<~ ?`, [this.rootPath, upperBound(this.rootPath)]);
    }
    return qb;
  }

  /**
   * Restricts a query over a unit-owned table aliased `alias` (with `tenant_id` and the owning
   * unit's id in `unitColumn`) to the rows of visible units.
   */
  restrictOwned<Q extends Knex.QueryBuilder>(qb: Q, alias: string, unitColumn = 'unit_id'): Q {
    if (this.tenantId !== null) qb.where(`${alias}.tenant_id`, this.tenantId);
    if (this.rootPath !== null) {
      qb.whereRaw(
        `exists (select 1 from org_unit so where so.tenant_id = ${alias}.tenant_id and so.id = ${alias}.${unitColumn} and so.path ~>=~ ? and so.path ~<~ ?)`,
        [this.rootPath, upperBound(this.rootPath)],
      );
    }
    return qb;
  }

  /** Whether a tenant's rows are visible at all (used to answer null instead of another tenant's row). */
  seesTenant(tenantId: number): boolean {
    return this.tenantId === null || this.tenantId === tenantId;
  }
}

/**
 * Exclusive upper bound of the paths below `path` (which ends with '/'): replacing the final '/'
 * by '0', the next byte, bounds every descendant in byte order (text_pattern_ops).
 */
export function upperBound(path: string): string {
  return path.slice(0, -1) + '0';
}

/** SQL: `d` is `a` itself or one of its descendants (both aliases of org_unit); uses the path index. */
export function inSubtreeSql(d: string, a: string): string {
  return `${d}.tenant_id = ${a}.tenant_id and ${d}.path ~>=~ ${a}.path and ${d}.path ~<~ (left(${a}.path, -1) || '0')`;
}

/** SQL: `d` is a strict descendant of `a` (both aliases of org_unit); uses the path index. */
export function descendantOfSql(d: string, a: string): string {
  return `${d}.tenant_id = ${a}.tenant_id and ${d}.path ~>~ ${a}.path and ${d}.path ~<~ (left(${a}.path, -1) || '0')`;
}
