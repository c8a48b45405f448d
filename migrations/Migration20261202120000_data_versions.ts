import { Migration } from '@mikro-orm/migrations';

/** Tables whose rows belong to a unit (`unit_id`): a write bumps the bucket of that unit. */
const OWNED = [
  'centre', 'officer', 'unit_responsibility', 'disclosure_item', 'interaction_event', 'disclosure_application',
  'disclosure_dispute', 'report_text', 'inspection_score', 'inspection_finding',
];
/** Tenant-wide tables (settings, the hierarchy): a write bumps the tenant's `s` bucket. */
const TENANT_WIDE = ['calendar_day', 'reply_rule', 'disclosure_category', 'inspection_scheme', 'org_unit'];

/**
 * Data versions (issue 15). `data_version` holds one counter per (tenant, bucket):
 * - bucket `<unit id>` of a unit at depth 0 or 1 (the province unit, a city, a university…): every
 *   statement that writes rows owned by units of that depth-1 subtree adds 1;
 * - bucket `s`: tenant-wide rows (calendars, reply rules, categories, the inspection scheme, the
 *   hierarchy itself, API keys).
 * A tenant's version is the sum of its counters, the global version the sum of all: nothing else
 * is stored, so a write takes one row lock per bucket it touches and never a global one.
 *
 * Statement-level triggers over the transition tables, named `zz_…` so that they fire after the
 * rollup and integrity triggers of the same event: the counter moves in the same transaction as
 * the write, and `pg_notify('data_version', '<tenant> <bucket> <version>')` tells every listening
 * API process at commit (never for a rolled-back write). They read only the base tables and
 * `org_unit`, not the rollups.
 *
 * `item_publication` logs each item that became PUBLISHED (insert or update), with a sequence:
 * `itemPublished` subscriptions read the new rows after a version change.
 */
export class Migration20261202120000_data_versions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "data_version" ("tenant_id" int not null, "bucket" text not null, "version" bigint not null default 0,
      constraint "data_version_pkey" primary key ("tenant_id", "bucket"));`);
    this.addSql(`create table "item_publication" ("seq" bigserial not null, "tenant_id" int not null, "item_id" uuid not null,
      "unit_path" text not null, "at" timestamptz not null default now(), primary key ("tenant_id", "seq"));`);

    // Adds 1 to each (tenant, bucket) of `changes` (in key order: concurrent writers lock in one order) and notifies.
    this.addSql(`create function data_version_bump(changes jsonb) returns void language plpgsql as $$
      declare b record;
      begin
        for b in
          with bumped as (
            insert into data_version as d (tenant_id, bucket, version)
            select (c->>0)::int, c->>1, 1 from jsonb_array_elements(changes) c order by 1, 2
            on conflict (tenant_id, bucket) do update set version = d.version + 1
            returning d.tenant_id, d.bucket, d.version)
          select * from bumped
        loop
          perform pg_notify('data_version', b.tenant_id || ' ' || b.bucket || ' ' || b.version);
        end loop;
      end
    $$;`);
    // The bucket of a unit path ('/<province id>/<city id>/…/'): its depth-1 ancestor (the province at depth 0).
    this.addSql(`create function data_version_bucket(path text) returns text language sql immutable as $$
      select coalesce(nullif(split_part(path, '/', 3), ''), split_part(path, '/', 2))
    $$;`);

    for (const [fn, source] of [
      ['owned', (t: string) => `select distinct r.tenant_id, data_version_bucket(u.path) b from ${t} r join org_unit u on u.tenant_id = r.tenant_id and u.id = r.unit_id`],
      ['centre_check', (t: string) => `select distinct r.tenant_id, data_version_bucket(u.path) b from ${t} r join centre c on c.tenant_id = r.tenant_id and c.id = r.centre_id join org_unit u on u.tenant_id = c.tenant_id and u.id = c.unit_id`],
      ['review', (t: string) => `select distinct r.tenant_id, data_version_bucket(u.path) b from ${t} r join disclosure_item i on i.tenant_id = r.tenant_id and i.id = r.item_id join org_unit u on u.tenant_id = i.tenant_id and u.id = i.unit_id`],
      ['tenant_wide', (t: string) => `select distinct r.tenant_id, 's' b from ${t} r`],
    ] as const) {
      this.addSql(`create function data_version_${fn}() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
        declare changes jsonb;
        begin
          if tg_op = 'INSERT' then
            select jsonb_agg(jsonb_build_array(x.tenant_id, x.b)) into changes from (${source('nt')}) x;
          elsif tg_op = 'DELETE' then
            select jsonb_agg(jsonb_build_array(x.tenant_id, x.b)) into changes from (${source('ot')}) x;
          else
            select jsonb_agg(jsonb_build_array(x.tenant_id, x.b)) into changes from (${source('nt')} union ${source('ot')}) x;
          end if;
          if changes is not null then perform data_version_bump(changes); end if;
          return null;
        end
      $$;`);
    }
    const attach = (table: string, fn: string) => {
      this.addSql(`create trigger zz_data_version_${table}_i after insert on "${table}" referencing new table as nt for each statement execute function data_version_${fn}();`);
      this.addSql(`create trigger zz_data_version_${table}_u after update on "${table}" referencing new table as nt old table as ot for each statement execute function data_version_${fn}();`);
      this.addSql(`create trigger zz_data_version_${table}_d after delete on "${table}" referencing old table as ot for each statement execute function data_version_${fn}();`);
    };
    for (const t of OWNED) attach(t, 'owned');
    for (const t of TENANT_WIDE) attach(t, 'tenant_wide');
    attach('centre_check', 'centre_check');
    attach('disclosure_review', 'review');

    // API keys: created, renamed, re-scoped or revoked (not `last_used_at`, written once a minute per key).
    this.addSql(`create function data_version_api_key() returns trigger language plpgsql as $$
      begin
        perform data_version_bump(jsonb_build_array(jsonb_build_array(coalesce(new.tenant_id, old.tenant_id), 's')));
        return null;
      end
    $$;`);
    this.addSql(`create trigger zz_data_version_api_key after insert or delete or update of name, scopes, revoked_at, unit_id on api_key
      for each row execute function data_version_api_key();`);

    // Items that became PUBLISHED, for itemPublished subscriptions.
    this.addSql(`create function item_publication_log() returns trigger language plpgsql set plan_cache_mode = force_custom_plan as $$
      begin
        if tg_op = 'INSERT' then
          insert into item_publication (tenant_id, item_id, unit_path)
          select n.tenant_id, n.id, u.path from nt n join org_unit u on u.tenant_id = n.tenant_id and u.id = n.unit_id
           where n.status = 'PUBLISHED' order by n.tenant_id, n.id;
        else
          insert into item_publication (tenant_id, item_id, unit_path)
          select n.tenant_id, n.id, u.path from nt n join ot o on o.tenant_id = n.tenant_id and o.id = n.id
            join org_unit u on u.tenant_id = n.tenant_id and u.id = n.unit_id
           where n.status = 'PUBLISHED' and o.status is distinct from 'PUBLISHED' order by n.tenant_id, n.id;
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger zz_item_publication_i after insert on disclosure_item referencing new table as nt for each statement execute function item_publication_log();`);
    this.addSql(`create trigger zz_item_publication_u after update on disclosure_item referencing new table as nt old table as ot for each statement execute function item_publication_log();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists zz_item_publication_i on disclosure_item;`);
    this.addSql(`drop trigger if exists zz_item_publication_u on disclosure_item;`);
    this.addSql(`drop function if exists item_publication_log();`);
    this.addSql(`drop trigger if exists zz_data_version_api_key on api_key;`);
    this.addSql(`drop function if exists data_version_api_key();`);
    for (const t of [...OWNED, ...TENANT_WIDE, 'centre_check', 'disclosure_review']) {
      for (const op of ['i', 'u', 'd']) this.addSql(`drop trigger if exists zz_data_version_${t}_${op} on "${t}";`);
    }
    for (const fn of ['owned', 'centre_check', 'review', 'tenant_wide']) this.addSql(`drop function if exists data_version_${fn}();`);
    this.addSql(`drop function if exists data_version_bucket(text);`);
    this.addSql(`drop function if exists data_version_bump(jsonb);`);
    this.addSql(`drop table if exists "item_publication";`);
    this.addSql(`drop table if exists "data_version";`);
  }
}
