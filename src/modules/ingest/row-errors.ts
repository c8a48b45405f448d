import { BadInputError } from '../../errors';

/**
 * One invalid row of a bulk call. `index` is the row's 0-based position in the list the call sent
 * (`rows`, `checks`), `field` the row's field at fault (`unitCode`, `repliedAt`), `path` the full
 * argument path (`rows.7.unitCode`).
 */
export interface RowError {
  index: number;
  field: string;
  path: string;
  message: string;
}

/**
 * The row errors of one bulk call, collected over every row and every check (the checks without the
 * database and those against it) before anything is written. The bulk contract, the same for every
 * bulk mutation and import (docs/integrators.md): when any row is bad the call fails as a whole with
 * BAD_USER_INPUT, `extensions.field` naming the first bad row's path, `extensions.rowErrors` listing
 * every problem (sorted by row, then in the order found) and `extensions.rowErrorCount` counting
 * them; nothing is written, and an idempotency key stays free for the corrected batch.
 */
export class RowErrors {
  private readonly list: RowError[] = [];
  private readonly bad = new Set<number>();

  /** `list`: the argument holding the rows (`rows`, `checks`). */
  constructor(private readonly listName: string) {}

  add(index: number, field: string, message: string): void {
    this.list.push({ index, field, path: `${this.listName}.${index}.${field}`, message });
    this.bad.add(index);
  }

  /** Whether a row already has a problem (later checks that need a sound row skip it). */
  has(index: number): boolean {
    return this.bad.has(index);
  }

  get count(): number {
    return this.list.length;
  }

  /** Throws the one error of the contract when any row is bad. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const all = this.list.map((e, order) => ({ e, order })).sort((a, b) => a.e.index - b.e.index || a.order - b.order).map((x) => x.e);
    const first = all[0];
    const more = all.length > 1 ? ` (${all.length} problems in ${this.bad.size} row(s), all in extensions.rowErrors)` : '';
    throw new BadInputError(`Row ${first.index}: \`${first.field}\` ${first.message}${more}. Nothing was written.`, first.path, {
      reason: 'INVALID_ROWS',
      rowErrors: all,
      rowErrorCount: all.length,
    });
  }
}
