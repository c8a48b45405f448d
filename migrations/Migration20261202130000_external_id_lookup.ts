import { Migration } from '@mikro-orm/migrations';

/**
 * Events and items are found by the id of the integrator's system (`filter: { externalId }`),
 * often without a unit: the unique (tenant_id, unit_id, external_id) key serves a lookup only with
 * the unit. These indexes serve the lookup in a tenant; rows without an external id stay out.
 */
export class Migration20261202130000_external_id_lookup extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "interaction_event_tenant_external_idx" on "interaction_event" ("tenant_id", "external_id") where external_id is not null;`);
    this.addSql(`create index "disclosure_item_tenant_external_idx" on "disclosure_item" ("tenant_id", "external_id") where external_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "interaction_event_tenant_external_idx";`);
    this.addSql(`drop index if exists "disclosure_item_tenant_external_idx";`);
  }
}
