import DataLoader from 'dataloader';

/**
 * A DataLoader whose keys carry arguments besides the id (a level, a page size, a cursor …). The
 * batch is split by the arguments (`groupOf`), and each group is fetched with ONE call of `fetch`,
 * so a request costs one statement per distinct set of arguments, whatever the number of parents.
 */
export function groupedLoader<K, V>(opts: {
  groupOf: (key: K) => string;
  idOf: (key: K) => string;
  fetch: (keys: K[]) => Promise<Map<string, V>>;
  missing: () => V;
  maxBatchSize?: number;
}): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      const groups = new Map<string, K[]>();
      for (const key of keys) {
        const g = opts.groupOf(key);
        const list = groups.get(g) ?? [];
        list.push(key);
        groups.set(g, list);
      }
      const results = new Map<string, Map<string, V>>();
      await Promise.all(
        [...groups].map(async ([g, groupKeys]) => {
          results.set(g, await opts.fetch(groupKeys));
        }),
      );
      return keys.map((key) => results.get(opts.groupOf(key))?.get(opts.idOf(key)) ?? opts.missing());
    },
    { cacheKeyFn: (key) => `${opts.groupOf(key)}|${opts.idOf(key)}`, maxBatchSize: opts.maxBatchSize ?? 1000 },
  );
}

/** A plain by-id loader: one `fetch` per batch, missing ids answer null. */
export function byIdLoader<V, Id extends string | number = string>(
  fetch: (ids: readonly Id[]) => Promise<V[]>,
  idOf: (value: V) => Id,
): DataLoader<Id, V | null> {
  return new DataLoader<Id, V | null>(
    async (ids) => {
      const rows = await fetch(ids);
      const byId = new Map(rows.map((row) => [idOf(row), row] as const));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: 1000 },
  );
}
