import { Migration } from '@mikro-orm/migrations';

const OWNED = ['disclosure_item', 'interaction_event', 'disclosure_application', 'disclosure_dispute'];

/**
 * The same integrity the centres and officers tables have, for every other unit-owned table: a row's
 * unit must be a unit of the row's tenant (trigger `unit_owned_row_check`), and a unit that still
 * owns rows cannot be deleted. Triggers stand in for composite foreign keys the ORM cannot declare.
 */
export class Migration20261122060000_unit_owned_integrity extends Migration {
  override async up(): Promise<void> {
    for (const table of OWNED) {
      this.addSql(`create trigger ${table}_unit_biu before insert or update of tenant_id, unit_id on "${table}"
        for each row execute function unit_owned_row_check();`);
    }
    this.addSql(`create or replace function org_unit_owned_rows_guard() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      begin
        if exists (select 1 from centre c where c.tenant_id = old.tenant_id and c.unit_id = old.id)
           or exists (select 1 from officer o where o.tenant_id = old.tenant_id and o.unit_id = old.id)
           or exists (select 1 from unit_responsibility r where r.tenant_id = old.tenant_id and r.unit_id = old.id)
           or exists (select 1 from disclosure_item i where i.tenant_id = old.tenant_id and i.unit_id = old.id)
           or exists (select 1 from interaction_event e where e.tenant_id = old.tenant_id and e.unit_id = old.id)
           or exists (select 1 from disclosure_application a where a.tenant_id = old.tenant_id and a.unit_id = old.id)
           or exists (select 1 from disclosure_dispute d where d.tenant_id = old.tenant_id and d.unit_id = old.id) then
          raise exception 'unit % still owns rows (centres, officers, items, events, applications or disputes)', old.code using errcode = '23503';
        end if;
        return old;
      end
    $$;`);
  }

  override async down(): Promise<void> {
    for (const table of OWNED) this.addSql(`drop trigger if exists ${table}_unit_biu on "${table}";`);
  }
}
