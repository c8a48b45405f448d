import { Migration } from '@mikro-orm/migrations';

/**
 * Interaction events (政民互动 and 咨询) and the per-tenant reply rules that give their deadlines.
 * `centre_id` is a plain uuid (centres are another module; no foreign key). The index
 * (tenant_id, unit_id, received_at) serves per-unit listings and the later rollups by period;
 * (tenant_id, received_at, id) serves tenant-wide listings in (received_at desc, id desc) order.
 */
export class Migration20261122040000_interactions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "reply_rule" ("tenant_id" int not null, "kind" varchar(20) not null, "working_days" int null, constraint "reply_rule_pkey" primary key ("tenant_id", "kind"));`);

    this.addSql(`create table "interaction_event" ("tenant_id" int not null, "id" uuid not null, "unit_id" uuid not null, "centre_id" uuid null, "kind" text check ("kind" in ('MAILBOX', 'CONSULTATION', 'COMPLAINT', 'PORTAL_QA', 'HOTLINE', 'INTERVIEW', 'SURVEY', 'SOLICITATION', 'SERVICE_REQUEST')) not null, "channel" text check ("channel" in ('PORTAL', 'MAILBOX_WEB', 'WECHAT', 'WEIBO', 'PHONE', 'IN_PERSON', 'LETTER', 'OTHER')) not null, "subject" varchar(500) not null, "requester_name" varchar(100) null, "requester_contact" varchar(200) null, "received_at" timestamptz not null, "due_at" timestamptz null, "replied_at" timestamptz null, "reply" varchar(5000) null, "status" text check ("status" in ('OPEN', 'REPLIED', 'HELD', 'INVALID', 'DUPLICATE')) not null, "status_reason" varchar(500) null, "duplicate_of" uuid null, "external_id" varchar(100) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "interaction_event_pkey" primary key ("tenant_id", "id"));`);
    this.addSql(`create index "interaction_event_id_idx" on "interaction_event" ("id");`);
    this.addSql(`create index "interaction_event_tenant_received_idx" on "interaction_event" ("tenant_id", "received_at", "id");`);
    this.addSql(`create index "interaction_event_unit_received_idx" on "interaction_event" ("tenant_id", "unit_id", "received_at");`);
    this.addSql(`alter table "interaction_event" add constraint "interaction_event_external_key" unique ("tenant_id", "unit_id", "external_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "interaction_event" cascade;`);
    this.addSql(`drop table if exists "reply_rule" cascade;`);
  }
}
