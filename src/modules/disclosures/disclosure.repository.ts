import { randomUUID } from 'node:crypto';
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
/** Array literal of validated enum values (no quoting needed); knex would expand a JS array binding into a list. */
function pgTextArray(values: readonly string[]): string {
  return `{${[...new Set(values)].join(',')}}`;
}

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

  /** Inserts a DRAFT item; null when the unit already has an item with this external id. */
  async insertDraft(item: {
    tenantId: number; unitId: string; title: string; documentNumber: string | null; categoryCode: string; channels: readonly string[];
    specialColumn: string | null; url: string | null; externalId: string | null; at: Date;
  }): Promise<DisclosureItem | null> {
    const rows = await this.em.execute(
      `insert into disclosure_item (tenant_id, id, unit_id, title, document_number, category_code, channels, special_column, url, status, published_at, external_id, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?::text[], ?, ?, 'DRAFT', null, ?, ?, ?)
       on conflict (tenant_id, unit_id, external_id) do nothing returning *`,
      [
        item.tenantId, randomUUID(), item.unitId, item.title, item.documentNumber, item.categoryCode, pgTextArray(item.channels),
        item.specialColumn, item.url, item.externalId, item.at, item.at,
      ],
    );
    return rows.length ? mapRow(this.em, DisclosureItem, rows[0]) : null;
  }

  /** A category of the tenant's taxonomy as it is inside `tx`, or null. */
  async categoryIn(tx: EntityManager, tenantId: number, code: string): Promise<{ active: boolean } | null> {
    const [c] = await tx.execute(`select active from disclosure_category where tenant_id = ? and code = ?`, [tenantId, code]);
    return c ? { active: c.active } : null;
  }

  /** Whether another item of the item's unit has this external id. */
  async externalIdTaken(tx: EntityManager, item: DisclosureItem, externalId: string): Promise<boolean> {
    const [dup] = await tx.execute(`select 1 from disclosure_item where tenant_id = ? and unit_id = ? and external_id = ? and id <> ?`, [
      item.tenantId, item.unitId, externalId, item.id,
    ]);
    return !!dup;
  }

  /** Changes the given fields of a (locked) item; `updatedAt` always. */
  async updateItem(
    tx: EntityManager,
    item: DisclosureItem,
    change: Partial<Pick<DisclosureItem, 'title' | 'documentNumber' | 'categoryCode' | 'specialColumn' | 'url' | 'externalId'>> & { channels?: readonly string[] },
  ): Promise<DisclosureItem> {
    const set: Record<string, unknown> = { updated_at: new Date() };
    if (change.title !== undefined) set.title = change.title;
    if (change.documentNumber !== undefined) set.document_number = change.documentNumber;
    if (change.categoryCode !== undefined) set.category_code = change.categoryCode;
    if (change.channels !== undefined) set.channels = pgTextArray(change.channels);
    if (change.specialColumn !== undefined) set.special_column = change.specialColumn;
    if (change.url !== undefined) set.url = change.url;
    if (change.externalId !== undefined) set.external_id = change.externalId;
    const cols = Object.keys(set);
    const [row] = await tx.execute(
      `update disclosure_item set ${cols.map((c) => (c === 'channels' ? `${c} = ?::text[]` : `${c} = ?`)).join(', ')} where tenant_id = ? and id = ? returning *`,
      [...cols.map((c) => set[c]), item.tenantId, item.id],
    );
    return mapRow(tx, DisclosureItem, row);
  }

  /** Records a workflow step of a (locked) item and moves it to `status`. */
  async recordStep(
    tx: EntityManager,
    item: DisclosureItem,
    status: DisclosureStatus,
    publishedAt: Date | null,
    review: Pick<DisclosureReview, 'step' | 'reviewer' | 'decision'> & { note?: string | null },
  ): Promise<DisclosureItem> {
    await tx.execute(
      `insert into disclosure_review (tenant_id, id, item_id, step, reviewer, decision, note, at) values (?, ?, ?, ?, ?, ?, ?, clock_timestamp())`,
      [item.tenantId, randomUUID(), item.id, review.step, review.reviewer, review.decision, review.note ?? null],
    );
    const [row] = await tx.execute(
      `update disclosure_item set status = ?, published_at = coalesce(?, published_at), updated_at = ? where tenant_id = ? and id = ? returning *`,
      [status, publishedAt, new Date(), item.tenantId, item.id],
    );
    return mapRow(tx, DisclosureItem, row);
  }

  /** Whether a review approved the item since it was last submitted. */
  async approvedSinceSubmit(tx: EntityManager, item: DisclosureItem): Promise<boolean> {
    const [ok] = await tx.execute(
      `select 1 from disclosure_review r
        where r.tenant_id = ? and r.item_id = ? and r.decision = 'APPROVED' and r.step in ('OFFICE_REVIEW', 'LEGAL_REVIEW', 'CONFIDENTIALITY_REVIEW')
          and r.at > (select max(s.at) from disclosure_review s where s.tenant_id = r.tenant_id and s.item_id = r.item_id and s.step = 'SUBMIT')
        limit 1`,
      [item.tenantId, item.id],
    );
    return !!ok;
  }

  /** Deletes a (locked) item with its workflow records. */
  async deleteItem(tx: EntityManager, item: DisclosureItem): Promise<void> {
    await tx.execute(`delete from disclosure_review where tenant_id = ? and item_id = ?`, [item.tenantId, item.id]);
    await tx.execute(`delete from disclosure_item where tenant_id = ? and id = ?`, [item.tenantId, item.id]);
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
