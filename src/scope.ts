import type { Knex } from '@mikro-orm/postgresql';

/**
 * How a table's rows are visible when reading:
 * - `public`: units, centres, officers (without contacts), responsible departments: anyone who may
 *   see the tenant;
 * - `item`: disclosure items: PUBLISHED ones like `public`, the others only inside the private subtree;
 * - `private`: interaction events, applications, disputes, review records: only inside the private
 *   subtree (staff whose unit's subtree holds the row, keys with the `read` scope).
 */
export type RowClass = 'public' | 'item' | 'private';

/**
 * What a request may see and touch, applied in one place: every query over units or unit-owned rows
 * goes through `restrictUnits`, `restrictRows` (owner joined) or `restrictOwned` (owner not joined),
 * whatever resolver, loader, count or rollup read issues it. The principal of the request (see
 * src/auth) is turned into a Scope once per request:
 *
 * - `tenantId`: the one tenant visible; null means every tenant (anonymous callers, public rows only).
 * - `readRoot`: materialized path of the subtree whose private rows and personal data are visible
 *   (null: none).
 * - `writeRoot`: the subtree a mutation may touch (null: none).
 *
 * When the operation is a mutation, the server switches the scope to writing (`beginWrites`) before
 * any resolver runs: then every read of the request, including the lookups by which writes find
 * their unit, row or tenant, sees only the rows of `writeRoot`'s subtree. A write outside it thus
 * finds nothing (NOT_FOUND / BAD_USER_INPUT naming the argument) and changes nothing.
 */
export class Scope {
  private writing = false;

  private constructor(
    readonly tenantId: number | null,
    readonly readRoot: string | null,
    readonly writeRoot: string | null,
    private readonly unrestricted = false,
  ) {}

  /** Anonymous callers: public rows of every tenant. */
  static public(): Scope {
    return new Scope(null, null, null);
  }

  /** Internal jobs (CLI, rollup checks): every row of every tenant. Never built for a request. */
  static system(): Scope {
    return new Scope(null, null, null, true);
  }

  /** Public rows of one tenant (e.g. an API key without the read scope). */
  static tenant(tenantId: number): Scope {
    return new Scope(tenantId, null, null);
  }

  /** Staff or keys: one tenant, private rows under `readRoot`, writes under `writeRoot`. */
  static principal(tenantId: number, readRoot: string | null, writeRoot: string | null): Scope {
    return new Scope(tenantId, readRoot, writeRoot);
  }

  /** Reads and writes under one unit's subtree. */
  static subtree(tenantId: number, rootPath: string): Scope {
    return new Scope(tenantId, rootPath, rootPath);
  }

  /** The request is a mutation: from now on every read sees `writeRoot`'s subtree only. */
  beginWrites(): this {
    this.writing = true;
    return this;
  }

  get isWriting(): boolean {
    return this.writing;
  }

  /** Restricts a query over `org_unit` aliased `alias` to the visible units. */
  restrictUnits<Q extends Knex.QueryBuilder>(qb: Q, alias: string): Q {
    if (this.unrestricted) return qb;
    if (this.tenantId !== null) qb.where(`${alias}.tenant_id`, this.tenantId);
    if (this.writing) this.inSubtree(qb, alias, this.writeRoot);
    return qb;
  }

  /**
   * Restricts a query over a unit-owned table (`rowAlias`) joined to its owning unit (`unitAlias`)
   * to the rows this request may see, by the table's class.
   */
  restrictRows<Q extends Knex.QueryBuilder>(qb: Q, unitAlias: string, cls: RowClass, rowAlias?: string): Q {
    this.restrictUnits(qb, unitAlias);
    if (this.unrestricted || this.writing || cls === 'public') return qb;
    if (cls === 'private') return this.inSubtree(qb, unitAlias, this.readRoot);
    // items: published ones, or any inside the private subtree
    const status = `${rowAlias ?? 'i'}.status`;
    if (this.readRoot === null) {
      qb.where(status, 'PUBLISHED');
    } else {
      qb.where((w) => w.where(status, 'PUBLISHED').orWhereRaw(`(${unitAlias}.path ~>=~ ? and ${unitAlias}.path ~<~ ?)`, [this.readRoot, upperBound(this.readRoot!)]));
    }
    return qb;
  }

  /**
   * Restricts a query over a unit-owned table aliased `alias` (with `tenant_id` and the owning
   * unit's id in `unitColumn`), without a join to the unit, to the rows this request may see.
   */
  restrictOwned<Q extends Knex.QueryBuilder>(qb: Q, alias: string, unitColumn = 'unit_id', cls: Exclude<RowClass, 'item'> = 'public'): Q {
    if (this.unrestricted) return qb;
    if (this.tenantId !== null) qb.where(`${alias}.tenant_id`, this.tenantId);
    const root = this.writing ? this.writeRoot : cls === 'private' ? this.readRoot : undefined;
    if (root === undefined) return qb;
    if (root === null) {
      qb.whereRaw('false');
      return qb;
    }
    qb.whereRaw(
      `exists (select 1 from org_unit so where so.tenant_id = ${alias}.tenant_id and so.id = ${alias}.${unitColumn} and so.path ~>=~ ? and so.path ~<~ ?)`,
      [root, upperBound(root)],
    );
    return qb;
  }

  /**
   * The same restriction as `restrictUnits` as raw SQL over `org_unit` aliased `alias`, for
   * hand-written statements: `{ sql: 'true' | '<conditions>', bindings }`.
   */
  unitsSql(alias: string): { sql: string; bindings: unknown[] } {
    const parts: string[] = [];
    const bindings: unknown[] = [];
    if (!this.unrestricted) {
      if (this.tenantId !== null) {
        parts.push(`${alias}.tenant_id = ?`);
        bindings.push(this.tenantId);
      }
      if (this.writing) {
        if (this.writeRoot === null) parts.push('false');
        else {
          parts.push(`${alias}.path ~>=~ ? and ${alias}.path ~<~ ?`);
          bindings.push(this.writeRoot, upperBound(this.writeRoot));
        }
      }
    }
    return { sql: parts.length ? parts.join(' and ') : 'true', bindings };
  }

  /** Whether the personal data of a record owned by the unit at `unitPath` is visible. */
  seesPersonalData(unitPath: string): boolean {
    if (this.unrestricted) return true;
    return this.readRoot !== null && isInSubtree(unitPath, this.readRoot);
  }

  /** Whether a tenant's rows are visible at all (used to answer null instead of another tenant's row). */
  seesTenant(tenantId: number): boolean {
    return this.unrestricted || this.tenantId === null || this.tenantId === tenantId;
  }

  private inSubtree<Q extends Knex.QueryBuilder>(qb: Q, alias: string, root: string | null): Q {
    if (root === null) qb.whereRaw('false');
    else qb.whereRaw(`${alias}.path ~>=~ ? and ${alias}.path ~<~ ?`, [root, upperBound(root)]);
    return qb;
  }
}

/** Whether `path` is `root` or below it (both materialized paths ending with '/'). */
export function isInSubtree(path: string, root: string): boolean {
  return path >= root && path < upperBound(root);
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
