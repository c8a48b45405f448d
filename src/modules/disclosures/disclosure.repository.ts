import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { inSubtreeSql, Scope } from '../../scope';
import { joinOwnerUnit } from '../units/unit-owner.repository';
import { UUID_RE, escapeLike } from '../units/unit.repository';
import { DisclosureCategory } from './disclosure-category.entity';
import { DisclosureItem } from './disclosure-item.entity';
import { DisclosureReview } from './disclosure-review.entity';
import { DisclosureChannel, DisclosureOrder, DisclosureStatus } from './disclosure.enums';
import { mapRow, mapRows } from '../../db/rows';

export interface ItemListFilter {
  tenantId?: number;
  unitId?: string;
  subtree?: boolean;
  status?: DisclosureStatus;
  categoryCode?: string;
  channel?: DisclosureChannel;
  specialColumn?: string;
  publishedFrom?: Date;
  /** Exclusive upper bound. */
  publishedBefore?: Date;
  search?: string;
  externalId?: string;
}

/** Sort key of an item list: the order's timestamp (null for unpublished items) and the id. */
export interface ItemKey {
  at: Date | null;
  id: string;
}

export const ITEM_COLUMNS = [
  'tenant_id', 'id', 'unit_id', 'title', 'document_number', 'category_code', 'channels', 'special_column', 'url', 'status',
  'published_at', 'external_id', 'created_at', 'updated_at',
];
const REVIEW_COLUMNS = ['tenant_id', 'id', 'item_id', 'step', 'reviewer', 'decision', 'note', 'at'];

/**
 * All SQL over the disclosure tables. Items belong to units: every item query joins the owning
 * unit and applies `Scope.restrictRows` to it (PUBLISHED items are public, others private). Methods taking many keys answer in one statement
 * (the batch functions behind the DataLoaders).
 */
export class DisclosureRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  private itemCols(alias: string): string[] {
    return ITEM_COLUMNS.map((c) => `${alias}.${c}`);
  }

  /** Items joined to their (visible) unit. */
  private items(): Knex.QueryBuilder {
    const qb = this.knex()
      .from({ i: 'disclosure_item' })
      .join({ u: 'org_unit' }, (j) => j.on('u.tenant_id', 'i.tenant_id').andOn('u.id', 'i.unit_id'));
    return this.scope.restrictRows(qb, 'u', 'item', 'i');
  }

  async categoriesOf(tenantId: number): Promise<DisclosureCategory[]> {
    if (!this.scope.seesTenant(tenantId)) return [];
    const qb = this.knex().select('*').from('disclosure_category').where('tenant_id', tenantId).orderBy([{ column: 'sort_order' }, { column: 'code' }]);
    return mapRows(this.em, DisclosureCategory, await this.em.execute(qb));
  }

  async categoriesByKeys(keys: readonly { tenantId: number; code: string }[]): Promise<DisclosureCategory[]> {
    const visible = keys.filter((k) => this.scope.seesTenant(k.tenantId));
    if (visible.length === 0) return [];
    const qb = this.knex()
      .select('*')
      .from('disclosure_category')
      .whereIn(['tenant_id', 'code'], visible.map((k) => [k.tenantId, k.code]));
    return mapRows(this.em, DisclosureCategory, await this.em.execute(qb));
  }

  async upsertCategory(c: { tenantId: number; code: string; name: string; sortOrder: number; active: boolean }): Promise<DisclosureCategory> {
    const [row] = await this.em.execute(
      `insert into disclosure_category (tenant_id, code, name, sort_order, active) values (?, ?, ?, ?, ?)
       on conflict (tenant_id, code) do update set name = excluded.name, sort_order = excluded.sort_order, active = excluded.active
       returning *`,
      [c.tenantId, c.code, c.name, c.sortOrder, c.active],
    );
    return mapRow(this.em, DisclosureCategory, row);
  }

  async findByIds(ids: readonly string[]): Promise<DisclosureItem[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.items().select(this.itemCols('i')).whereIn('i.id', valid);
    return mapRows(this.em, DisclosureItem, await this.em.execute(qb));
  }

  /** The item, locked for the rest of the transaction `tx` (workflow steps serialize on it). */
  async lockItem(tx: EntityManager, id: string): Promise<DisclosureItem | null> {
    if (!UUID_RE.test(id)) return null;
    const qb = tx.getKnex()
      .select(this.itemCols('i'))
      .from({ i: 'disclosure_item' })
      .join({ u: 'org_unit' }, (j) => j.on('u.tenant_id', 'i.tenant_id').andOn('u.id', 'i.unit_id'))
      .where('i.id', id)
      .forUpdate('i');
    this.scope.restrictRows(qb, 'u', 'item', 'i');
    const [row] = await tx.execute(qb);
    return row ? mapRow(tx, DisclosureItem, row) : null;
  }

  /** Workflow records of many items, oldest first. */
  async reviewsOf(itemIds: readonly string[]): Promise<DisclosureReview[]> {
    const valid = itemIds.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.knex()
      .select(REVIEW_COLUMNS.map((c) => `r.${c}`))
      .from({ r: 'disclosure_review' })
      .join({ i: 'disclosure_item' }, (j) => j.on('i.tenant_id', 'r.tenant_id').andOn('i.id', 'r.item_id'))
      .join({ u: 'org_unit' }, (j) => j.on('u.tenant_id', 'i.tenant_id').andOn('u.id', 'i.unit_id'))
      .whereIn('r.item_id', valid)
      .orderBy([{ column: 'r.item_id' }, { column: 'r.at' }, { column: 'r.id' }]);
    // Review records name reviewers and carry their notes: staff of the item's subtree only.
    this.scope.restrictRows(qb, 'u', 'private');
    return mapRows(this.em, DisclosureReview, await this.em.execute(qb));
  }

  private filtered(f: ItemListFilter): Knex.QueryBuilder {
    const knex = this.knex();
    const qb = joinOwnerUnit(knex, this.scope, knex.from({ i: 'disclosure_item' }), 'i', f, 'item');
    if (f.status) qb.where('i.status', f.status);
    if (f.categoryCode) qb.where('i.category_code', f.categoryCode);
    if (f.channel) qb.whereRaw('i.channels @> array[?]::text[]', [f.channel]);
    if (f.specialColumn) qb.where('i.special_column', f.specialColumn);
    if (f.externalId) qb.where('i.external_id', f.externalId);
    if (f.publishedFrom) qb.where('i.published_at', '>=', f.publishedFrom);
    if (f.publishedBefore) qb.where('i.published_at', '<', f.publishedBefore);
    if (f.search) {
      const s = `%${escapeLike(f.search)}%`;
      qb.where((w) => w.whereILike('i.title', s).orWhereILike('i.document_number', s));
    }
    void knex;
    return qb;
  }

  /** One page (`first + 1` rows) in the given stable order. */
  async list(f: ItemListFilter, order: DisclosureOrder, first: number, after: ItemKey | null): Promise<DisclosureItem[]> {
    const qb = this.filtered(f).select(this.itemCols('i'));
    if (order === DisclosureOrder.CREATED_AT_DESC) {
      if (after) qb.whereRaw('(i.created_at, i.id) < (?, ?)', [after.at, after.id]);
      qb.orderByRaw('i.created_at desc, i.id desc');
    } else {
      if (after) {
        if (after.at) {
          qb.whereRaw('(i.published_at < ? or (i.published_at = ? and i.id < ?) or i.published_at is null)', [after.at, after.at, after.id]);
        } else {
          qb.whereRaw('(i.published_at is null and i.id < ?)', [after.id]);
        }
      }
      qb.orderByRaw('i.published_at desc nulls last, i.id desc');
    }
    qb.limit(first + 1);
    return mapRows(this.em, DisclosureItem, await this.em.execute(qb));
  }

  async count(f: ItemListFilter): Promise<number> {
    const [row] = await this.em.execute(this.filtered(f).count({ n: '*' }));
    return Number(row.n);
  }

  private perUnit(knex: Knex, subtree: boolean, status: DisclosureStatus | null): Knex.QueryBuilder {
    const inner = knex
      .from({ i: 'disclosure_item' })
      .join({ u: 'org_unit' }, (j) => j.on('u.tenant_id', 'i.tenant_id').andOn('u.id', 'i.unit_id'))
      .whereRaw('i.tenant_id = r.tenant_id');
    if (subtree) inner.whereRaw(inSubtreeSql('u', 'r'));
    else inner.whereRaw('i.unit_id = r.id');
    if (status) inner.where('i.status', status);
    return this.scope.restrictRows(inner, 'u', 'item', 'i');
  }

  /**
   * A page of items (published_at desc nulls last, id desc) for each of many units, in one
   * statement: a LATERAL subquery per unit stops after `first + 1` rows.
   */
  async itemsOfUnits(unitIds: readonly string[], subtree: boolean, status: DisclosureStatus | null, first: number, after: ItemKey | null): Promise<Map<string, DisclosureItem[]>> {
    const valid = unitIds.filter((id) => UUID_RE.test(id));
    const out = new Map<string, DisclosureItem[]>();
    if (valid.length === 0) return out;
    const knex = this.knex();
    const inner = this.perUnit(knex, subtree, status).select(this.itemCols('i'));
    if (after) {
      if (after.at) inner.whereRaw('(i.published_at < ? or (i.published_at = ? and i.id < ?) or i.published_at is null)', [after.at, after.at, after.id]);
      else inner.whereRaw('(i.published_at is null and i.id < ?)', [after.id]);
    }
    inner.orderByRaw('i.published_at desc nulls last, i.id desc').limit(first + 1);
    const qb = knex
      .select(knex.raw('r.id as root_id'), ...ITEM_COLUMNS.map((c) => `x.${c}`))
      .from({ r: 'org_unit' })
      .joinRaw('cross join lateral ? as x', [inner as unknown as Knex.Raw])
      .whereIn('r.id', valid)
      .orderByRaw('r.id, x.published_at desc nulls last, x.id desc');
    this.scope.restrictUnits(qb, 'r');
    for (const row of await this.em.execute(qb)) {
      const list = out.get(row.root_id) ?? [];
      list.push(mapRow(this.em, DisclosureItem, row));
      out.set(row.root_id, list);
    }
    return out;
  }

  /** Number of items of each of many units (or of their subtrees), in one statement. */
  async countOfUnits(unitIds: readonly string[], subtree: boolean, status: DisclosureStatus | null): Promise<Map<string, number>> {
    const valid = unitIds.filter((id) => UUID_RE.test(id));
    const out = new Map<string, number>();
    if (valid.length === 0) return out;
    const knex = this.knex();
    const inner = this.perUnit(knex, subtree, status).count({ n: '*' });
    const qb = knex
      .select(knex.raw('r.id as root_id'), 'x.n')
      .from({ r: 'org_unit' })
      .joinRaw('cross join lateral ? as x', [inner as unknown as Knex.Raw])
      .whereIn('r.id', valid);
    this.scope.restrictUnits(qb, 'r');
    for (const row of await this.em.execute(qb)) out.set(row.root_id, Number(row.n));
    return out;
  }
}
