import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_units } from './Migration20261122000000_units';
import { Migration20261122010000_calendar } from './Migration20261122010000_calendar';
import { Migration20261122015000_ingest } from './Migration20261122015000_ingest';
import { Migration20261122030000_disclosures } from './Migration20261122030000_disclosures';
import { Migration20261122040000_interactions } from './Migration20261122040000_interactions';
import { Migration20261122050000_applications } from './Migration20261122050000_applications';
import { Migration20261122060000_unit_owned_integrity } from './Migration20261122060000_unit_owned_integrity';
import { Migration20261122020000_centres_officers } from './Migration20261122020000_centres_officers';
import { Migration20261122070000_rollups } from './Migration20261122070000_rollups';
import { Migration20261122075000_set_based_integrity } from './Migration20261122075000_set_based_integrity';
import { Migration20261122090000_reports_inspection } from './Migration20261122090000_reports_inspection';
import { Migration20261122080000_rollup_rebuild_fast } from './Migration20261122080000_rollup_rebuild_fast';
import { Migration20261122090000_item_unit_published } from './Migration20261122090000_item_unit_published';
import { Migration20261122100000_api_keys } from './Migration20261122100000_api_keys';
import { Migration20261122110000_open_due_rows } from './Migration20261122110000_open_due_rows';
import { Migration20261202110000_hardening } from './Migration20261202110000_hardening';
import { Migration20261202120000_data_versions } from './Migration20261202120000_data_versions';
import { Migration20261202130000_external_id_lookup } from './Migration20261202130000_external_id_lookup';

/**
 * Every migration, in order. A new migration must be added here (the drift test catches a miss).
 *
 * Two migrations share the timestamp 20261122090000 (item_unit_published, reports_inspection).
 * Databases record migrations by name, and both names ran everywhere, so they keep them: renaming
 * one would run it again. They touch different tables, and run in the order listed. Every other
 * timestamp is unique (test/db/migrations.test.ts), and new ones must be.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261122000000_units', class: Migration20261122000000_units },
  { name: 'Migration20261122010000_calendar', class: Migration20261122010000_calendar },
  { name: 'Migration20261122015000_ingest', class: Migration20261122015000_ingest },
  { name: 'Migration20261122020000_centres_officers', class: Migration20261122020000_centres_officers },
  { name: 'Migration20261122030000_disclosures', class: Migration20261122030000_disclosures },
  { name: 'Migration20261122040000_interactions', class: Migration20261122040000_interactions },
  { name: 'Migration20261122050000_applications', class: Migration20261122050000_applications },
  { name: 'Migration20261122060000_unit_owned_integrity', class: Migration20261122060000_unit_owned_integrity },
  { name: 'Migration20261122070000_rollups', class: Migration20261122070000_rollups },
  { name: 'Migration20261122075000_set_based_integrity', class: Migration20261122075000_set_based_integrity },
  { name: 'Migration20261122080000_rollup_rebuild_fast', class: Migration20261122080000_rollup_rebuild_fast },
  { name: 'Migration20261122090000_item_unit_published', class: Migration20261122090000_item_unit_published },
  { name: 'Migration20261122090000_reports_inspection', class: Migration20261122090000_reports_inspection },
  { name: 'Migration20261122100000_api_keys', class: Migration20261122100000_api_keys },
  { name: 'Migration20261122110000_open_due_rows', class: Migration20261122110000_open_due_rows },
  { name: 'Migration20261202110000_hardening', class: Migration20261202110000_hardening },
  { name: 'Migration20261202120000_data_versions', class: Migration20261202120000_data_versions },
  { name: 'Migration20261202130000_external_id_lookup', class: Migration20261202130000_external_id_lookup },
];
