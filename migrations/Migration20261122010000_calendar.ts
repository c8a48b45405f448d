import { Migration } from '@mikro-orm/migrations';

/** Per-tenant working-day calendars: exceptions to the Monday–Friday rule. */
export class Migration20261122010000_calendar extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "calendar_day" ("tenant_id" int not null, "day" date not null, "working" boolean not null, "name" varchar(100) not null, constraint "calendar_day_pkey" primary key ("tenant_id", "day"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "calendar_day" cascade;`);
  }
}
