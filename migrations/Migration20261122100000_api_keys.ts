import { Migration } from '@mikro-orm/migrations';

/**
 * API keys of integrators: only the SHA-256 of a key is stored; `prefix` finds it. Every unique key
 * includes tenant_id. A key's unit must be of its tenant (the unit-owned integrity trigger).
 */
export class Migration20261122100000_api_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "api_key" ("tenant_id" int not null, "id" uuid not null, "unit_id" uuid not null, "name" varchar(100) not null, "prefix" varchar(16) not null, "hash" varchar(64) not null, "scopes" text[] not null, "created_by" varchar(200) not null, "created_at" timestamptz not null default now(), "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "api_key_pkey" primary key ("tenant_id", "id"));`);
    this.addSql(`create index "api_key_prefix_idx" on "api_key" ("prefix");`);
    this.addSql(`alter table "api_key" add constraint "api_key_tenant_prefix_key" unique ("tenant_id", "prefix");`);
    this.addSql(`create trigger api_key_unit_biu before insert or update of tenant_id, unit_id on api_key for each row execute function unit_owned_row_check();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "api_key" cascade;`);
  }
}
