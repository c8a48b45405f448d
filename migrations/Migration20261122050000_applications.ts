import { Migration } from '@mikro-orm/migrations';

/**
 * Disclosure applications (依申请公开) and the reconsiderations and lawsuits about disclosure
 * (行政复议 / 行政诉讼). Rows name their unit by (tenant_id, unit_id); the service checks that the
 * unit exists in the tenant the call names. Lists sort by (received_at desc, id desc) within a
 * tenant, on the (tenant_id, received_at, id) index scanned backwards.
 */
export class Migration20261122050000_applications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "disclosure_application" ("tenant_id" int not null, "id" uuid not null, "unit_id" uuid not null, "applicant_type" text check ("applicant_type" in ('CITIZEN', 'LEGAL_PERSON', 'OTHER')) not null, "applicant_name" varchar(100) not null, "applicant_contact" varchar(200) null, "subject" varchar(1000) not null, "channel" text check ("channel" in ('ONLINE', 'LETTER', 'IN_PERSON', 'FAX', 'EMAIL', 'OTHER')) not null, "received_at" timestamptz not null, "due_at" timestamptz not null, "extended" boolean not null default false, "extended_at" timestamptz null, "extension_reason" varchar(500) null, "status" text check ("status" in ('RECEIVED', 'DECIDED', 'WITHDRAWN')) not null, "outcome" text check ("outcome" in ('GRANTED', 'PARTLY_GRANTED', 'NOT_HELD', 'NOT_WITHIN_SCOPE', 'REFUSED', 'REDIRECTED', 'UNCLEAR_REQUEST', 'DUPLICATE', 'OTHER')) null, "legal_ground" varchar(500) null, "decided_at" timestamptz null, "withdrawn_at" timestamptz null, "fee_charged" numeric(10,2) not null default 0, "external_id" varchar(100) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "disclosure_application_pkey" primary key ("tenant_id", "id"), constraint disclosure_application_state_check check ((status = 'DECIDED') = (outcome is not null and decided_at is not null) and (status = 'WITHDRAWN') = (withdrawn_at is not null) and (outcome <> 'REFUSED' or legal_ground is not null) and (extended = (extended_at is not null))), constraint disclosure_application_fee_check check (fee_charged >= 0));`);
    this.addSql(`create index "disclosure_application_id_idx" on "disclosure_application" ("id");`);
    this.addSql(`create index "disclosure_application_tenant_unit_received_idx" on "disclosure_application" ("tenant_id", "unit_id", "received_at");`);
    this.addSql(`create index "disclosure_application_tenant_received_idx" on "disclosure_application" ("tenant_id", "received_at", "id");`);
    this.addSql(`alter table "disclosure_application" add constraint "disclosure_application_tenant_unit_external_key" unique ("tenant_id", "unit_id", "external_id");`);

    this.addSql(`create table "disclosure_dispute" ("tenant_id" int not null, "id" uuid not null, "unit_id" uuid not null, "application_id" uuid null, "kind" text check ("kind" in ('RECONSIDERATION', 'LAWSUIT')) not null, "filed_at" timestamptz not null, "status" text check ("status" in ('PENDING', 'CONCLUDED')) not null, "outcome" text check ("outcome" in ('UPHELD', 'CORRECTED', 'OTHER')) null, "concluded_at" timestamptz null, "note" varchar(1000) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "disclosure_dispute_pkey" primary key ("tenant_id", "id"), constraint disclosure_dispute_state_check check ((status = 'CONCLUDED') = (outcome is not null and concluded_at is not null)));`);
    this.addSql(`create index "disclosure_dispute_id_idx" on "disclosure_dispute" ("id");`);
    this.addSql(`create index "disclosure_dispute_tenant_application_idx" on "disclosure_dispute" ("tenant_id", "application_id");`);
    this.addSql(`create index "disclosure_dispute_tenant_filed_idx" on "disclosure_dispute" ("tenant_id", "filed_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "disclosure_dispute" cascade;`);
    this.addSql(`drop table if exists "disclosure_application" cascade;`);
  }
}
