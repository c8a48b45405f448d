import { Migration } from '@mikro-orm/migrations';

const OWNED = ['report_text', 'inspection_score', 'inspection_finding'];

/**
 * Annual reports and the yearly inspection: the free-text sections of a unit's report per year
 * (report_text), a tenant's inspection scheme, inspectors' manual scores and findings. The three
 * unit-owned tables get the same integrity as the others: the row's unit must be a unit of its
 * tenant (unit_owned_rows_check), and a unit with report texts, scores or findings cannot be deleted.
 */
export class Migration20261122090000_reports_inspection extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "inspection_finding" ("tenant_id" int not null, "unit_id" uuid not null, "year" int not null, "problem" varchar(40) not null, "note" text null, "found_by" varchar(200) not null, "found_at" timestamptz not null default now(), constraint "inspection_finding_pkey" primary key ("tenant_id", "unit_id", "year", "problem"));`);

    this.addSql(`create table "inspection_scheme" ("tenant_id" int not null, "dimensions" jsonb not null, "excellent_threshold" int not null, "pass_threshold" int not null, "updated_by" varchar(200) not null, "updated_at" timestamptz not null default now(), constraint "inspection_scheme_pkey" primary key ("tenant_id"));`);

    this.addSql(`create table "inspection_score" ("tenant_id" int not null, "unit_id" uuid not null, "year" int not null, "dimension" varchar(40) not null, "score" double precision not null, "note" text null, "scored_by" varchar(200) not null, "scored_at" timestamptz not null default now(), constraint "inspection_score_pkey" primary key ("tenant_id", "unit_id", "year", "dimension"));`);

    this.addSql(`create table "report_text" ("tenant_id" int not null, "unit_id" uuid not null, "year" int not null, "problems" text not null default '', "improvements" text not null default '', "published_on" date null, "updated_by" varchar(200) not null, "updated_at" timestamptz not null default now(), constraint "report_text_pkey" primary key ("tenant_id", "unit_id", "year"));`);

    // Checked once per statement, as for the other unit-owned tables (migration 075000).
    for (const table of OWNED) {
      this.addSql(`create trigger ${table}_unit_ai after insert on "${table}" referencing new table as nt
        for each statement execute function unit_owned_rows_check();`);
      this.addSql(`create trigger ${table}_unit_au after update on "${table}" referencing new table as nt
        for each statement execute function unit_owned_rows_check();`);
    }
    this.addSql(`create function org_unit_report_rows_guard() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      begin
        if exists (select 1 from report_text r where r.tenant_id = old.tenant_id and r.unit_id = old.id)
           or exists (select 1 from inspection_score s where s.tenant_id = old.tenant_id and s.unit_id = old.id)
           or exists (select 1 from inspection_finding f where f.tenant_id = old.tenant_id and f.unit_id = old.id) then
          raise exception 'unit % still owns report texts or inspection records', old.code using errcode = '23503';
        end if;
        return old;
      end
    $$;`);
    this.addSql(`create trigger org_unit_report_rows_bd before delete on "org_unit" for each row execute function org_unit_report_rows_guard();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists org_unit_report_rows_bd on "org_unit";`);
    this.addSql(`drop function if exists org_unit_report_rows_guard();`);
    this.addSql(`drop table if exists "inspection_finding" cascade;`);

    this.addSql(`drop table if exists "inspection_scheme" cascade;`);

    this.addSql(`drop table if exists "inspection_score" cascade;`);

    this.addSql(`drop table if exists "report_text" cascade;`);
  }

}
