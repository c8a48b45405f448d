import DataLoader from 'dataloader';
import { byIdLoader, groupedLoader } from '../../loaders';
import { DisclosureStatus } from './disclosure.enums';
import { DisclosureCategory } from './disclosure-category.entity';
import { DisclosureItem } from './disclosure-item.entity';
import { DisclosureReview } from './disclosure-review.entity';
import { DisclosureRepository, ItemKey } from './disclosure.repository';

export interface UnitItemsKey {
  unitId: string;
  subtree: boolean;
  status: DisclosureStatus | null;
  first: number;
  after: ItemKey | null;
}

/** The per-request DataLoaders of the disclosures module. */
export function createDisclosureLoaders(repo: DisclosureRepository) {
  return {
    item: byIdLoader<DisclosureItem>((ids) => repo.findByIds(ids), (i) => i.id),

    /** Keyed by `${tenantId}:${code}`. */
    category: byIdLoader<DisclosureCategory>(
      (keys) =>
        repo.categoriesByKeys(
          keys.map((k) => {
            const at = k.indexOf(':');
            return { tenantId: Number(k.slice(0, at)), code: k.slice(at + 1) };
          }),
        ),
      (c) => `${c.tenantId}:${c.code}`,
    ),

    ofUnit: groupedLoader<UnitItemsKey, DisclosureItem[]>({
      groupOf: (k) => JSON.stringify([k.subtree, k.status, k.first, k.after]),
      idOf: (k) => k.unitId,
      fetch: (keys) => repo.itemsOfUnits(keys.map((k) => k.unitId), keys[0].subtree, keys[0].status, keys[0].first, keys[0].after),
      missing: () => [],
    }),

    countOfUnit: groupedLoader<{ unitId: string; subtree: boolean; status: DisclosureStatus | null }, number>({
      groupOf: (k) => JSON.stringify([k.subtree, k.status]),
      idOf: (k) => k.unitId,
      fetch: (keys) => repo.countOfUnits(keys.map((k) => k.unitId), keys[0].subtree, keys[0].status),
      missing: () => 0,
    }),

    reviews: new DataLoader<string, DisclosureReview[]>(
      async (itemIds) => {
        const rows = await repo.reviewsOf(itemIds);
        const by = new Map<string, DisclosureReview[]>();
        for (const r of rows) {
          const list = by.get(r.itemId) ?? [];
          list.push(r);
          by.set(r.itemId, list);
        }
        return itemIds.map((id) => by.get(id) ?? []);
      },
      { maxBatchSize: 1000 },
    ),
  };
}

export type DisclosureLoaders = ReturnType<typeof createDisclosureLoaders>;
