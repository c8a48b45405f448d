import { Migration } from '@mikro-orm/migrations';
import { COUNTERS, rebuiltRollupFunctions } from './Migration20261122070000_rollups';
import { rollupRebuildFunction } from './Migration20261122080000_rollup_rebuild_fast';

const C = Array.from({ length: COUNTERS }, (_, i) => `c${i}`);
const KEY = ['tenant_id', 'unit_id', 'scope', 'grp', 'grain', 'bucket', 'dim'];

/**
 * Group 2 (open events with a deadline) kept one row per (kind, due instant): a unit's year read
 * all of them to count those past their deadline now, and their number grows with the data (up to
 * days × kinds per unit and bucket: 25,285 rows for the 137 bureaus of a 5-million-event province
 * in one year, against 1,233 rows of group 1). Now the group has two kinds of rows:
 *
 * - `T|kind`: every open event with a deadline (one row per kind and bucket);
 * - `D|due instant|kind`: per deadline, as before.
 *
 * Overdue now = T − (D rows due after now). The D rows due after now are one short range of the
 * primary key (dims compare bytewise: the column's collation becomes "C"), and they exist only for
 * events received shortly before now, so a read costs a few rows per unit and kind, whatever the
 * volume. The triggers, `rollup_recount` and `rollup_rebuild` are rebuilt from migration 070000's
 * builders, which emit the new rows; existing rows of the old form are rewritten here.
 */
export class Migration20261122110000_open_due_rows extends Migration {
  override async up(): Promise<void> {
    // On a province-scale database this takes a while (45 s at 18.7 million rollup rows): the
    // server's statement timeout must not cut it short.
    this.addSql(`set local statement_timeout = 0;`);
    this.addSql(`alter table "stat_rollup" alter column "dim" type text collate "C";`);
    for (const sql of rebuiltRollupFunctions()) this.addSql(sql);
    this.addSql(rollupRebuildFunction());
    this.addSql(`with old as (
        delete from stat_rollup where grp = 2 and dim !~ '^[TD][|]' returning *
      )
      insert into stat_rollup as r (${KEY.join(', ')}, ${C.join(', ')})
      select * from (
        select tenant_id, unit_id, scope, grp, grain, bucket, 'D|' || split_part(dim, '|', 2) || '|' || split_part(dim, '|', 1), ${C.join(', ')} from old
        union all
        select tenant_id, unit_id, scope, grp, grain, bucket, 'T|' || split_part(dim, '|', 1), ${C.map((c) => `sum(${c})::bigint`).join(', ')}
          from old group by tenant_id, unit_id, scope, grp, grain, bucket, split_part(dim, '|', 1)
      ) z
      on conflict (${KEY.join(', ')}) do update set ${C.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ')};`);
  }

  override async down(): Promise<void> {
    // The row form belongs to migration 070000's builders now (they emit T and D rows), so only the
    // collation goes back; the rows and functions stay as they are, consistent with each other.
    this.addSql(`alter table "stat_rollup" alter column "dim" type text collate "default";`);
  }
}
