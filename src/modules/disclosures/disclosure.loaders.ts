import DataLoader from 'dataloader';
import { byIdLoader } from '../../loaders';
import { DisclosureCategory } from './disclosure-category.entity';
import { DisclosureItem } from './disclosure-item.entity';
import { DisclosureReview } from './disclosure-review.entity';
import { DisclosureRepository } from './disclosure.repository';

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
