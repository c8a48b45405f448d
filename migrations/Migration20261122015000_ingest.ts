import { Migration } from '@mikro-orm/migrations';

/** Idempotency records of bulk ingests. */
export class Migration20261122015000_ingest extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "ingest_request" ("tenant_id" int not null, "operation" varchar(40) not null, "key" varchar(200) not null, "payload_hash" varchar(64) not null, "result" jsonb null, "created_at" timestamptz not null default now(), constraint "ingest_request_pkey" primary key ("tenant_id", "operation", "key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "ingest_request" cascade;`);
  }
}
