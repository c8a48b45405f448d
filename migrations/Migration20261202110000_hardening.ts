import { Migration } from '@mikro-orm/migrations';

/**
 * Hardening (issue 14):
 * - idempotency keys belong to the unit of the credential that used them, not to the whole tenant:
 *   `ingest_request` gains `unit_id` in its key. A sibling county may use the same key for its own
 *   rows, and a replay returns only what the same unit's callers wrote. Keys recorded before this
 *   migration go to their tenant's province unit.
 * - `interaction_event.duplicate_of` must name an event of the same tenant: a constraint trigger
 *   (at the end of the statement, so a batch may point at rows it inserts itself) refuses anything
 *   else with foreign_key_violation, whatever wrote the row.
 */
export class Migration20261202110000_hardening extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "ingest_request" add column "unit_id" uuid null;`);
    this.addSql(`update "ingest_request" r set "unit_id" = coalesce(
      (select u.id from org_unit u where u.tenant_id = r.tenant_id and u.depth = 0 order by u.code limit 1),
      '00000000-0000-0000-0000-000000000000');`);
    this.addSql(`alter table "ingest_request" alter column "unit_id" set not null;`);
    this.addSql(`alter table "ingest_request" drop constraint "ingest_request_pkey";`);
    this.addSql(`alter table "ingest_request" add constraint "ingest_request_pkey" primary key ("tenant_id", "unit_id", "operation", "key");`);

    this.addSql(`create or replace function interaction_duplicate_of_check() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from interaction_event e where e.tenant_id = new.tenant_id and e.id = new.duplicate_of) then
          raise exception 'interaction_event.duplicate_of must name an event of tenant %', new.tenant_id using errcode = 'foreign_key_violation';
        end if;
        return null;
      end $$;`);
    this.addSql(`create constraint trigger interaction_duplicate_of_aiu after insert or update of duplicate_of, tenant_id on interaction_event
      deferrable initially immediate for each row when (new.duplicate_of is not null) execute function interaction_duplicate_of_check();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists interaction_duplicate_of_aiu on interaction_event;`);
    this.addSql(`drop function if exists interaction_duplicate_of_check();`);
    this.addSql(`delete from "ingest_request" a using "ingest_request" b
      where a.tenant_id = b.tenant_id and a.operation = b.operation and a.key = b.key and a.unit_id > b.unit_id;`);
    this.addSql(`alter table "ingest_request" drop constraint "ingest_request_pkey";`);
    this.addSql(`alter table "ingest_request" drop column "unit_id";`);
    this.addSql(`alter table "ingest_request" add constraint "ingest_request_pkey" primary key ("tenant_id", "operation", "key");`);
  }
}
