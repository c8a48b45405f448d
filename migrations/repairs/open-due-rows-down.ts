import { Migration20261122110000_open_due_rows } from '../Migration20261122110000_open_due_rows';
import { rebuiltRollupFunctions, rollupRebuildFunction } from '../snapshots/rollups-before-110000';

/**
 * Migration 110000 with a down() that restores the state before it. Its landed down() changed only
 * the collation back and left the rows and functions in the new form, which the code before 110000
 * does not read. The landed file stays as it is; migrations/index.ts registers this subclass under
 * the same name, so databases that ran 110000 see no change and its up() is the landed one.
 */
export class OpenDueRowsRestoringDown extends Migration20261122110000_open_due_rows {
  override async down(): Promise<void> {
    this.addSql(`set local statement_timeout = 0;`);
    // One row per (kind, due instant) again: the totals go, the per-deadline rows take the old key.
    this.addSql(`delete from stat_rollup where grp = 2 and dim like 'T|%';`);
    this.addSql(`update stat_rollup set dim = split_part(dim, '|', 3) || '|' || split_part(dim, '|', 2) where grp = 2 and dim like 'D|%';`);
    for (const sql of rebuiltRollupFunctions()) this.addSql(sql);
    this.addSql(rollupRebuildFunction());
    this.addSql(`alter table "stat_rollup" alter column "dim" type text collate "default";`);
  }
}
