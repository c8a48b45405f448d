import { Migration } from '@mikro-orm/migrations';

/**
 * Sunshine service centres with their reachability checks, and each unit's responsible department
 * and officers. As for the hierarchy, integrity is kept by triggers (the entities carry scalar
 * keys; see the units migration), whoever writes:
 * - a centre, officer or responsibility must belong to a unit of its own tenant;
 * - a check must belong to a centre of its own tenant; deleting a centre deletes its checks;
 * - a unit that still owns centres, officers or a responsibility cannot be deleted.
 */
export class Migration20261122020000_centres_officers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "centre" ("tenant_id" int not null, "id" uuid not null, "unit_id" uuid not null, "kind" text check ("kind" in ('CENTER', 'STATION', 'POINT')) not null, "name" varchar(200) not null, "opened_on" date null, "status" text check ("status" in ('ACTIVE', 'SUSPENDED', 'CLOSED')) not null default 'ACTIVE', "online_hall_url" varchar(500) null, "check_checked_at" timestamptz null, "check_ok" boolean null, "check_http_status" smallint null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "centre_pkey" primary key ("tenant_id", "id"));`);
    this.addSql(`create index "centre_id_idx" on "centre" ("id");`);
    this.addSql(`alter table "centre" add constraint "centre_tenant_unit_name_key" unique ("tenant_id", "unit_id", "name");`);

    this.addSql(`create table "centre_check" ("tenant_id" int not null, "id" uuid not null, "centre_id" uuid not null, "checked_at" timestamptz not null, "ok" boolean not null, "http_status" smallint null, "note" varchar(500) null, "recorded_at" timestamptz not null default now(), constraint "centre_check_pkey" primary key ("tenant_id", "id"));`);
    this.addSql(`alter table "centre_check" add constraint "centre_check_tenant_centre_checked_key" unique ("tenant_id", "centre_id", "checked_at");`);

    this.addSql(`create table "officer" ("tenant_id" int not null, "id" uuid not null, "unit_id" uuid not null, "name" varchar(50) not null, "role" text check ("role" in ('LEAD', 'OFFICER', 'CONTACT')) not null, "phone" varchar(30) null, "email" varchar(200) null, "active" boolean not null default true, "appointed_on" date null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "officer_pkey" primary key ("tenant_id", "id"));`);
    this.addSql(`create index "officer_id_idx" on "officer" ("id");`);
    this.addSql(`create index "officer_tenant_unit_idx" on "officer" ("tenant_id", "unit_id");`);

    this.addSql(`create table "unit_responsibility" ("tenant_id" int not null, "unit_id" uuid not null, "responsible_department" varchar(200) not null, "designated_at" date not null, "updated_at" timestamptz not null default now(), constraint "unit_responsibility_pkey" primary key ("tenant_id", "unit_id"));`);

    // force_custom_plan: see the units migration (a plan cached on an empty table made bulk writes slow).
    this.addSql(`create function unit_owned_row_check() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      begin
        if not exists (select 1 from org_unit u where u.tenant_id = new.tenant_id and u.id = new.unit_id) then
          raise exception '% row: unit % is not a unit of tenant %', tg_table_name, new.unit_id, new.tenant_id using errcode = '23503';
        end if;
        return new;
      end
    $$;`);
    for (const table of ['centre', 'officer', 'unit_responsibility']) {
      this.addSql(`create trigger ${table}_unit_biu before insert or update of tenant_id, unit_id on "${table}"
        for each row execute function unit_owned_row_check();`);
    }

    this.addSql(`create function centre_check_centre_check() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      begin
        if not exists (select 1 from centre c where c.tenant_id = new.tenant_id and c.id = new.centre_id) then
          raise exception 'centre_check row: centre % is not a centre of tenant %', new.centre_id, new.tenant_id using errcode = '23503';
        end if;
        return new;
      end
    $$;`);
    this.addSql(`create trigger centre_check_centre_biu before insert or update of tenant_id, centre_id on "centre_check"
      for each row execute function centre_check_centre_check();`);

    this.addSql(`create function centre_delete_checks() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      begin
        delete from centre_check k where k.tenant_id = old.tenant_id and k.centre_id = old.id;
        return old;
      end
    $$;`);
    this.addSql(`create trigger centre_delete_checks_bd before delete on "centre"
      for each row execute function centre_delete_checks();`);

    this.addSql(`create function org_unit_owned_rows_guard() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      begin
        if exists (select 1 from centre c where c.tenant_id = old.tenant_id and c.unit_id = old.id)
           or exists (select 1 from officer o where o.tenant_id = old.tenant_id and o.unit_id = old.id)
           or exists (select 1 from unit_responsibility r where r.tenant_id = old.tenant_id and r.unit_id = old.id) then
          raise exception 'unit % still owns centres, officers or a responsible department', old.code using errcode = '23503';
        end if;
        return old;
      end
    $$;`);
    this.addSql(`create trigger org_unit_owned_rows_bd before delete on "org_unit"
      for each row execute function org_unit_owned_rows_guard();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists org_unit_owned_rows_bd on "org_unit";`);
    this.addSql(`drop function if exists org_unit_owned_rows_guard();`);
    this.addSql(`drop table if exists "centre_check" cascade;`);
    this.addSql(`drop table if exists "centre" cascade;`);
    this.addSql(`drop table if exists "officer" cascade;`);
    this.addSql(`drop table if exists "unit_responsibility" cascade;`);
    this.addSql(`drop function if exists centre_delete_checks();`);
    this.addSql(`drop function if exists centre_check_centre_check();`);
    this.addSql(`drop function if exists unit_owned_row_check();`);
  }
}
