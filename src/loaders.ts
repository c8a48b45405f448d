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
  /** When the batch is sent (DataLoader's default: once the current tick's loads are in). */
  batchScheduleFn?: (dispatch: () => void) => void;
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
    { cacheKeyFn: (key) => `${opts.groupOf(key)}|${opts.idOf(key)}`, maxBatchSize: opts.maxBatchSize ?? 1000, batchScheduleFn: opts.batchScheduleFn },
  );
}

/**
 * The reads of a request's walk over the unit hierarchy that are in flight. A loader whose keys
 * hang off those units (the figures) sends its batch through `schedule`: after the tick's loads, and
 * only once no hierarchy read is in flight, so that the units of every level a query walks join ONE
 * batch instead of one batch per level. It only ever waits for reads already sent, and those never
 * wait for it, so it cannot deadlock; a read it does not track costs at worst one more batch.
 */
export class Walk {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  /** Counts `read` as in flight until it settles. */
  track<T>(read: Promise<T>): Promise<T> {
    this.inFlight++;
    return read.finally(() => {
      if (--this.inFlight === 0) {
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
      }
    });
  }

  /** A DataLoader `batchScheduleFn`. */
  readonly schedule = (dispatch: () => void): void => {
    // setImmediate runs after every pending microtask and process.nextTick, hence after the
    // DataLoader batches of this tick were sent (and tracked).
    const check = () =>
      setImmediate(() => {
        if (this.inFlight === 0) dispatch();
        else this.waiters.push(check);
      });
    check();
  };
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

/** Rows grouped by the owner `keyOf` names, in their order: what a grouped loader's `fetch` returns for lists. */
export function groupBy<V, Id>(rows: readonly V[], keyOf: (row: V) => Id): Map<Id, V[]> {
  const out = new Map<Id, V[]>();
  for (const row of rows) {
    const list = out.get(keyOf(row));
    if (list) list.push(row);
    else out.set(keyOf(row), [row]);
  }
  return out;
}
