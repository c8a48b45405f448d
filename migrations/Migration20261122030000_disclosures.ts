import { Migration } from '@mikro-orm/migrations';

/**
 * Disclosure items (主动公开信息): the per-tenant category taxonomy, the items (channels as text[])
 * and their workflow records. Exactly the SQL MikroORM generates for the entities; references to
 * units and categories are checked by the service (composite keys, no ORM relations).
 */
export class Migration20261122030000_disclosures extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "disclosure_category" ("tenant_id" int not null, "code" varchar(40) not null, "name" varchar(100) not null, "sort_order" int not null default 0, "active" boolean not null default true, constraint "disclosure_category_pkey" primary key ("tenant_id", "code"));`);
    this.addSql(`create table "disclosure_item" ("tenant_id" int not null, "id" uuid not null, "unit_id" uuid not null, "title" varchar(500) not null, "document_number" varchar(100) null, "category_code" varchar(40) not null, "channels" text[] not null, "special_column" varchar(100) null, "url" varchar(1000) null, "status" text check ("status" in ('DRAFT', 'IN_REVIEW', 'PUBLISHED', 'WITHDRAWN')) not null, "published_at" timestamptz null, "external_id" varchar(100) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "disclosure_item_pkey" primary key ("tenant_id", "id"));`);
    this.addSql(`create index "disclosure_item_channels_idx" on "disclosure_item" using gin ("channels");`);
    this.addSql(`create index "disclosure_item_tenant_created_idx" on "disclosure_item" ("tenant_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "disclosure_item_tenant_published_idx" on "disclosure_item" ("tenant_id", "published_at" desc nulls last, "id" desc);`);
    this.addSql(`create index "disclosure_item_id_idx" on "disclosure_item" ("id");`);
    this.addSql(`create index "disclosure_item_tenant_unit_idx" on "disclosure_item" ("tenant_id", "unit_id");`);
    this.addSql(`alter table "disclosure_item" add constraint "disclosure_item_tenant_unit_external_key" unique ("tenant_id", "unit_id", "external_id");`);
    this.addSql(`create table "disclosure_review" ("tenant_id" int not null, "id" uuid not null, "item_id" uuid not null, "step" text check ("step" in ('SUBMIT', 'OFFICE_REVIEW', 'LEGAL_REVIEW', 'CONFIDENTIALITY_REVIEW', 'PUBLISH', 'WITHDRAW', 'REJECT')) not null, "reviewer" varchar(100) not null, "decision" text check ("decision" in ('APPROVED', 'REJECTED', 'NONE')) not null, "note" varchar(1000) null, "at" timestamptz not null default now(), constraint "disclosure_review_pkey" primary key ("tenant_id", "id"));`);
    this.addSql(`create index "disclosure_review_item_idx" on "disclosure_review" ("item_id");`);
    this.addSql(`create index "disclosure_review_tenant_item_idx" on "disclosure_review" ("tenant_id", "item_id", "at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "disclosure_review" cascade;`);
    this.addSql(`drop table if exists "disclosure_item" cascade;`);
    this.addSql(`drop table if exists "disclosure_category" cascade;`);
  }
}
